package repo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// Scan reads the whole repo once and reports it to sink: SetRepo (scanning),
// SetIgnoreRules, SetSource for every source with content (a plain manifest
// file, named by its path; a rendered root, named by its render.Root.Source;
// the config file when it has errors; a path with a walk problem), SetFileInfo
// for the file of every source, then SetRepo with the git facts. Sources
// from an earlier scan that are gone are removed. Files are parsed in
// parallel (GOMAXPROCS workers) while the history is walked for the last
// commits. Scan returns an error only when the root cannot be read; every
// other problem is a RepoError.
func (r *Repo) Scan(ctx context.Context, sink model.RepoSink) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scan(ctx, sink)
}

func (r *Repo) scan(ctx context.Context, sink model.RepoSink) error {
	s := &scanRun{old: r.st, rs: r.startScan(sink)}
	if err := r.walkAndPlan(ctx, s); err != nil {
		return r.fatal(sink, s.rs, err)
	}
	r.newState(sink, s)
	h := r.startHistory(s)
	if err := s.lay.Prepare(); err != nil {
		return r.fatal(sink, s.rs, err)
	}
	r.collect(sink, r.startJobs(s))
	r.finishScan(sink, s, h)
	return ctx.Err()
}

// scanRun is one scan's work in progress, step by step.
type scanRun struct {
	// old is the state before the scan (nil: none), whose sources this
	// one replaces; rs the repo state the scan fills in.
	old *state
	rs  model.RepoState
	// rf, x, lst and lay are the files walked, what the walk left out,
	// what it found and what the kinds make of it (layErrs: the config's
	// roots that are none).
	rf      repoFiles
	x       *excluder
	lst     listing
	lay     *render.Layout
	layErrs []model.RepoError
	// plain are the plain manifest files (parsed); rendered the files
	// roots render from (read for their hash: their git status).
	plain, rendered []entry
}

// startScan reports the scan as started and reloads the config. An
// unreadable root stays reported as such until this scan has read it: the
// sources are replaced one by one, and until the last one no key is known
// to be missing.
func (r *Repo) startScan(sink model.RepoSink) model.RepoState {
	rs := r.baseState()
	if r.st != nil {
		rs = r.st.repo
	}
	rs.Scanning = true
	if !rs.Unreadable {
		rs.Err = ""
	}
	sink.SetRepo(rs)
	rs.Err, rs.Unreadable = "", false
	r.loadConfig()
	sink.SetIgnoreRules(r.cfg.Ignore)
	return rs
}

// walkAndPlan lists the files under the root (the work tree, or the --rev
// commit) and has model/render plan its kinds over the listing. An error
// means the root cannot be read.
func (r *Repo) walkAndPlan(ctx context.Context, s *scanRun) error {
	var err error
	s.rf = r.files()
	s.x = newExcluder(r.cfg.Exclude)
	if s.lst, err = s.rf.walk(ctx, s.x); err != nil {
		return err
	}
	s.lay, s.layErrs = render.NewLayout(r.renderInput(s.rf, &s.lst))
	return nil
}

// newState makes the state of what the walk found the current one, sorts
// the files into plain manifests and files roots render from (see
// state.track), and reports the config file's and the walk's errors.
// The FileInfo reported before is kept: only changes are reported again.
func (r *Repo) newState(sink model.RepoSink, s *scanRun) {
	st := &state{x: s.x, layout: s.lay, dirs: make(map[string]bool, len(s.lst.dirs)), files: map[string]*fileState{},
		plain: map[string]bool{}, sources: map[string]bool{}, gitignores: map[string]bool{},
		commits: map[string]*model.Commit{}, info: map[string]model.FileInfo{}, repo: s.rs}
	if s.old != nil {
		st.info = s.old.info
	}
	for _, d := range s.lst.dirs {
		st.dirs[d] = true
	}
	for _, g := range s.lst.gitignores {
		st.gitignores[g] = true
	}
	s.plain, s.rendered = st.track(s.lst.files)
	st.layErrs = s.layErrs
	r.st = st
	r.emitSource(sink, ConfigFile, manifest.Result{Errs: r.configErrs()})
	for rel, errs := range s.lst.errs {
		r.emitSource(sink, rel, manifest.Result{Errs: errs})
	}
}

// track records the files whose git status matters and returns the plain
// manifest files and the files a root renders from. The config file is
// neither; a file a kind owns is never a plain manifest, and is skipped
// when no root renders from it.
func (st *state) track(files []entry) (plain, rendered []entry) {
	for _, e := range files {
		switch {
		case e.rel == ConfigFile:
		case st.layout.Owns(e.rel):
			if st.layout.Reads(e.rel) {
				rendered = append(rendered, e)
				st.files[e.rel] = &fileState{}
			}
		case manifestExt(e.rel):
			plain = append(plain, e)
			st.plain[e.rel] = true
			st.files[e.rel] = &fileState{}
		}
	}
	return plain, rendered
}

// history is the walk of the history for the last commits, which runs
// beside the parsing; commits and err are set once done is closed.
type history struct {
	done    chan struct{}
	commits map[string]*model.Commit
	err     error
}

// startHistory reads the git facts and starts the history walk for the
// last commits of the tracked files. A git error is reported in the repo
// state and leaves the facts out: the files can still be read.
func (r *Repo) startHistory(s *scanRun) *history {
	h := &history{done: make(chan struct{})}
	st := r.st
	if r.git != nil {
		var err error
		if st.facts, err = r.facts(s.rf, &s.lst, nil); err != nil {
			s.rs.Err = "git: " + err.Error()
		}
	}
	if st.facts == nil {
		close(h.done)
		return h
	}
	want := make(map[string]bool, len(st.files))
	for rel := range st.files {
		want[rel] = true
	}
	from, head := r.rev, st.facts.Head.Hash
	go func() {
		defer close(h.done)
		h.commits, h.err = r.walkHistory(from, head, want)
	}()
	return h
}

// startJobs runs the scan's jobs on GOMAXPROCS workers: every root's
// render, every plain file's parse, and, for their git status in the work
// tree, the hashes of the files roots render from. The results come in
// any order; the channel is closed after the last.
func (r *Repo) startJobs(s *scanRun) <-chan result {
	hashes := r.git != nil && r.rev == nil
	results := make(chan result)
	go func() {
		defer close(results)
		var wg sync.WaitGroup
		jobs := make(chan job)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					results <- r.run(s.rf, s.lay, j)
				}
			}()
		}
		for _, root := range s.lay.Roots() {
			jobs <- job{root: root}
		}
		for _, e := range s.plain {
			jobs <- job{e: e, parse: true}
		}
		if hashes {
			for _, e := range s.rendered {
				jobs <- job{e: e}
			}
		}
		close(jobs)
		wg.Wait()
	}()
	return results
}

// collect reports every root's and plain file's source as its result
// comes in, and keeps the hash of every tracked file.
func (r *Repo) collect(sink model.RepoSink, results <-chan result) {
	st := r.st
	for res := range results {
		if res.root != (render.Root{}) {
			r.emitSource(sink, res.root.Source(), res.p)
			continue
		}
		if fs := st.files[res.rel]; fs != nil {
			fs.hash, fs.known = res.hash, res.known
		}
		if res.parse {
			r.emitSource(sink, res.rel, res.p)
		}
	}
}

// finishScan waits for the history walk, removes the sources of the
// scan before that this one did not find, and reports every file's git
// facts and the repo state.
func (r *Repo) finishScan(sink model.RepoSink, s *scanRun, h *history) {
	st, rs := r.st, s.rs
	<-h.done
	if h.err != nil {
		rs.Err = fmt.Sprintf("git history: %v", h.err)
	}
	if h.commits != nil {
		st.commits = h.commits
	}
	if s.old != nil {
		for src := range s.old.sources {
			if !st.sources[src] {
				sink.RemoveSource(src)
			}
		}
	}
	for rel := range st.files {
		r.updateStatus(rel)
	}
	r.emitInfo(sink)
	rs = r.gitState(rs)
	rs.Scanning = false
	r.checkRootBack(&rs)
	r.setRepo(sink, rs)
}

// checkRootBack ends lostRoot once a scan found manifests in the root
// again; until then the root is reported as unreadable.
func (r *Repo) checkRootBack(rs *model.RepoState) {
	if !r.lostRoot {
		return
	}
	if len(r.st.sources) == 0 {
		rs.Err, rs.Unreadable = fmt.Sprintf("repo root %s was deleted and is back without manifests: not read as "+
			"\"nothing is in Git\" (restart to compare against an empty repo)", r.root), true
	} else {
		r.lostRoot = false
	}
}

// fatal reports an unreadable root. What was read before stays in the
// sink, but nothing is known to be missing from Git meanwhile.
func (r *Repo) fatal(sink model.RepoSink, rs model.RepoState, err error) error {
	rs.Scanning = false
	rs.Unreadable = true
	rs.Err = err.Error()
	sink.SetRepo(rs)
	if r.st != nil {
		r.st.repo = rs
		// A root that was read before and now cannot be: the watch polls
		// it and reads it all again once it can (see lostRoot).
		r.lostRoot = r.lostRoot || r.rev == nil
	}
	return err
}

// job is one unit of scan work: render a kustomize root, or read (and
// parse, for a plain manifest) one file.
type job struct {
	e     entry
	root  render.Root
	parse bool
}

type result struct {
	root  render.Root
	rel   string
	parse bool
	p     manifest.Result
	hash  git.Hash
	known bool
}

func (r *Repo) run(rf repoFiles, lay *render.Layout, j job) result {
	if j.root != (render.Root{}) {
		return result{root: j.root, p: r.render(lay, j.root)}
	}
	res := result{rel: j.e.rel, parse: j.parse}
	data, err := rf.read(j.e)
	if !j.e.blob.IsZero() {
		res.hash, res.known = j.e.blob, true
	}
	if err != nil {
		if j.parse {
			var big *tooBigError
			if errors.As(err, &big) {
				res.p.Fail(j.e.rel, 0, nil, "%s", big.Error())
			} else {
				res.p.Fail(j.e.rel, 0, nil, "cannot read: %v", pathx.UnwrapPathError(err))
			}
		}
		return res
	}
	if !res.known && r.git != nil {
		res.hash, res.known = git.HashBlob(data), true
	}
	if j.parse {
		res.p = manifest.Parse(j.e.rel, data, r.opts.DefaultNamespace)
	}
	return res
}
