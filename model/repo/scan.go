package repo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

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
	rs := r.baseState()
	if r.st != nil {
		rs = r.st.repo
	}
	// An unreadable root stays reported as such until this scan has read
	// it: the sources are replaced one by one, and until the last one no
	// key is known to be missing.
	rs.Scanning = true
	if !rs.Unreadable {
		rs.Err = ""
	}
	sink.SetRepo(rs)
	rs.Err, rs.Unreadable = "", false
	r.loadConfig()
	sink.SetIgnoreRules(r.cfg.Ignore)

	rf, err := r.files()
	if err != nil {
		return r.fatal(sink, rs, err)
	}
	x := newExcluder(r.cfg.Exclude)
	lst, err := rf.walk(ctx, x)
	if err != nil {
		return r.fatal(sink, rs, err)
	}
	lay, layErrs := render.NewLayout(r.renderInput(rf, &lst))
	old := r.st
	st := &state{x: x, layout: lay, dirs: make(map[string]bool, len(lst.dirs)), files: map[string]*fileState{},
		plain: map[string]bool{}, sources: map[string]bool{}, gitignores: map[string]bool{},
		commits: map[string]*model.Commit{}, info: map[string]model.FileInfo{}, repo: rs}
	if old != nil {
		st.info = old.info
	}
	for _, d := range lst.dirs {
		st.dirs[d] = true
	}
	for _, g := range lst.gitignores {
		st.gitignores[g] = true
	}
	var plain, kfiles []entry
	for _, e := range lst.files {
		switch {
		case e.rel == ConfigFile:
		case lay.Owns(e.rel):
			if lay.Reads(e.rel) {
				kfiles = append(kfiles, e)
				st.files[e.rel] = &fileState{}
			}
		case manifestExt(e.rel):
			plain = append(plain, e)
			st.plain[e.rel] = true
			st.files[e.rel] = &fileState{}
		}
	}
	st.layErrs = layErrs
	r.st = st
	r.emitSource(sink, ConfigFile, manifest.Result{Errs: r.configErrs()})
	for rel, errs := range lst.errs {
		r.emitSource(sink, rel, manifest.Result{Errs: errs})
	}

	// The history walk runs beside the parsing; it needs the git facts.
	var commits map[string]*model.Commit
	var walkErr error
	walked := make(chan struct{})
	if r.git != nil {
		if st.facts, err = r.facts(rf, &lst, nil); err != nil {
			// The files can still be read; git facts are left out.
			rs.Err = "git: " + err.Error()
		}
	}
	if st.facts != nil {
		want := make(map[string]bool, len(st.files))
		for rel := range st.files {
			want[rel] = true
		}
		from := r.rev
		go func() {
			defer close(walked)
			commits, walkErr = r.walkHistory(from, st.facts.Head.Hash, want)
		}()
	} else {
		close(walked)
	}

	if err := lay.Prepare(); err != nil {
		return r.fatal(sink, rs, err)
	}
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
					results <- r.run(rf, lay, j)
				}
			}()
		}
		for _, root := range lay.Roots() {
			jobs <- job{root: root}
		}
		for _, e := range plain {
			jobs <- job{e: e, parse: true}
		}
		if hashes {
			for _, e := range kfiles {
				jobs <- job{e: e}
			}
		}
		close(jobs)
		wg.Wait()
	}()
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
	<-walked
	if walkErr != nil {
		rs.Err = fmt.Sprintf("git history: %v", walkErr)
	}
	if commits != nil {
		st.commits = commits
	}
	if old != nil {
		for s := range old.sources {
			if !st.sources[s] {
				sink.RemoveSource(s)
			}
		}
	}
	for rel := range st.files {
		r.updateStatus(rel)
	}
	r.emitInfo(sink)
	rs = r.gitState(rs)
	rs.Scanning = false
	if r.lostRoot {
		if len(st.sources) == 0 {
			rs.Err, rs.Unreadable = fmt.Sprintf("repo root %s was deleted and is back without manifests: not read as "+
				"\"nothing is in Git\" (restart to compare against an empty repo)", r.root), true
		} else {
			r.lostRoot = false
		}
	}
	r.setRepo(sink, rs)
	return ctx.Err()
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
				res.p.Fail(j.e.rel, 0, nil, "cannot read: %v", unwrapPathError(err))
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
