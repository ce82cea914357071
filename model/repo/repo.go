package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// Options configure Open.
type Options struct {
	// Root is --repo: a directory (the repo or a subdirectory of it);
	// "." when empty.
	Root string
	// Rev is --rev: compare against this revision's tree (branch, tag,
	// hash, HEAD~1, …); "" compares against the work tree.
	Rev string
	// DefaultNamespace is --default-namespace ("default" when empty).
	DefaultNamespace string
}

// Repo is the desired side: the manifests under one directory, with what
// git says about them. Scan reads everything once; Watch keeps it current.
// A Repo is safe for concurrent use; its methods serialize.
type Repo struct {
	opts Options
	root string
	// git is nil when the root is not inside a git work tree.
	git *git.Repo
	// rev is the resolved --rev commit (nil: the work tree).
	rev *git.Rev

	// watching, when set (by tests), is called once Watch has set up its
	// watches.
	watching func()
	// lostRoot is set when the root directory vanished while watched, and
	// stays set until a scan finds manifests in it again: a root that comes
	// back empty is more likely being recreated (a fresh clone) than a repo
	// whose manifests were all deleted on purpose.
	lostRoot bool

	mu      sync.Mutex
	cfg     Config
	cfgErrs []model.RepoError
	st      *state
}

// state is what the last scan found, kept for incremental updates: paths,
// hashes and positions, never parsed trees.
type state struct {
	x      *excluder
	layout *render.Layout
	dirs   map[string]bool
	// files are the files whose git status matters: plain manifest files
	// and the files kustomize roots render from.
	files map[string]*fileState
	// plain are the plain manifest files (sources named by their path).
	plain map[string]bool
	// sources are the sources last reported with content.
	sources    map[string]bool
	gitignores map[string]bool
	facts      *git.Facts
	commits    map[string]*model.Commit
	// info is the FileInfo last reported per file.
	info map[string]model.FileInfo
	// dirty counts the files whose status makes the repo dirty.
	dirty int
	// cfgErrs are the config file's problems found by the layout (roots).
	layErrs []model.RepoError
	repo    model.RepoState
}

type fileState struct {
	hash   git.Hash
	known  bool
	status model.FileStatus
}

// Open resolves the repo root and the enclosing git work tree, resolves
// --rev, and loads the config. It reads no manifest yet.
func Open(opts Options) (*Repo, error) {
	if opts.Root == "" {
		opts.Root = "."
	}
	if opts.DefaultNamespace == "" {
		opts.DefaultNamespace = "default"
	}
	abs, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", opts.Root, err)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", opts.Root, unwrapPathError(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("repo %s is not a directory", opts.Root)
	}
	r := &Repo{opts: opts, root: abs}
	r.git, err = git.Open(abs, git.Options{MaxBlobSize: MaxFileSize, TooBig: func(n int64) error { return &tooBigError{n} }})
	if err != nil {
		return nil, err
	}
	if opts.Rev != "" {
		if r.git == nil {
			return nil, fmt.Errorf("--rev %s: %s is not inside a git repository", opts.Rev, abs)
		}
		r.rev, err = r.git.Resolve(opts.Rev)
		if err == nil && !r.rev.HasRoot() {
			err = fmt.Errorf("--rev %s: directory %s does not exist in commit %s", opts.Rev, r.git.Prefix(), git.ShortHash(r.rev.Hash()))
		}
		if err != nil {
			return nil, err
		}
	}
	r.loadConfig()
	return r, nil
}

// Root returns the absolute repo root.
func (r *Repo) Root() string { return r.root }

// Config returns the parsed .ingress-drift.yaml (its defaults when there is
// none).
func (r *Repo) Config() Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg
}

// loadConfig reads the config from the work tree (also with --rev: it says
// how to read the repo, and is what a person edits). Callers hold mu or
// own r.
func (r *Repo) loadConfig() {
	data, err := os.ReadFile(filepath.Join(r.root, ConfigFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.cfg, r.cfgErrs = parseConfig(nil)
	case err != nil:
		r.cfg, _ = parseConfig(nil)
		r.cfgErrs = []model.RepoError{{File: ConfigFile, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}}
	default:
		r.cfg, r.cfgErrs = parseConfig(data)
	}
}

func (r *Repo) files() (repoFiles, error) {
	if r.rev == nil {
		return diskFiles{root: r.root}, nil
	}
	return revFiles{rev: r.rev}, nil
}

// baseState is the repo state without the git facts.
func (r *Repo) baseState() model.RepoState {
	s := model.RepoState{Root: r.root, Rev: r.opts.Rev}
	if r.git != nil {
		s.GitRoot = r.git.Root()
	}
	return s
}

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

// renderInput is what rendering reads of one walk of t.
func (r *Repo) renderInput(rf repoFiles, lst *listing) render.Input {
	return render.Input{
		Files:       newRenderFiles(rf, r.root, lst),
		Config:      render.Config{File: ConfigFile, Roots: r.cfg.Roots, RootLines: r.cfg.rootLines},
		Keep:        manifest.KindMayHoldIngress,
		SyntaxError: manifest.YAMLErrorLine,
	}
}

// render renders one root and decodes its Ingresses as the plain
// manifests' are, in the root's namespace else --default-namespace.
func (r *Repo) render(lay *render.Layout, root render.Root) manifest.Result {
	res := lay.Render(root)
	p := manifest.Result{Errs: res.Errors}
	for _, o := range res.Objects {
		p.DecodeObject(o.JSON, o.Origin, r.opts.DefaultNamespace)
	}
	return p
}

// facts reads HEAD, its tree, the index and the ignore rules (see
// git.Repo.Facts); with --rev, HEAD only.
func (r *Repo) facts(rf repoFiles, lst *listing, prev *git.Facts) (*git.Facts, error) {
	if r.rev != nil {
		head, err := r.git.Head()
		if err != nil {
			return nil, err
		}
		return &git.Facts{Head: head}, nil // every file of a commit is clean
	}
	read := func(rel string) ([]byte, error) { return rf.read(entry{rel: rel, size: -1}) }
	return r.git.Facts(read, lst.gitignores, prev)
}

// walkHistory finds the last commits from --rev, or HEAD.
func (r *Repo) walkHistory(from *git.Rev, head git.Hash, want map[string]bool) (map[string]*model.Commit, error) {
	if from == nil && head.IsZero() {
		return map[string]*model.Commit{}, nil
	}
	if from != nil {
		head = from.Hash()
	}
	found, _, err := r.git.LastCommits(head, want, git.Hash{})
	return found, err
}

// fileInfo is what git says about one tracked file.
func (r *Repo) fileInfo(rel string) model.FileInfo {
	st := r.st
	if st.facts == nil {
		return model.FileInfo{}
	}
	info := model.FileInfo{LastCommit: st.commits[rel]}
	if fs := st.files[rel]; fs != nil {
		info.Status = fs.status
	}
	return info
}

// updateStatus recomputes one tracked file's git status from its hash and
// the git facts, keeping the dirty count.
func (r *Repo) updateStatus(rel string) {
	st := r.st
	fs := st.files[rel]
	if fs == nil || st.facts == nil {
		return
	}
	s := model.FileClean
	if r.rev == nil {
		s = r.git.Status(st.facts, rel, fs.hash, fs.known)
	}
	if git.Dirty(fs.status) {
		st.dirty--
	}
	fs.status = s
	if git.Dirty(s) {
		st.dirty++
	}
}

// forgetFile drops a tracked file (deleted, or no longer read).
func (r *Repo) forgetFile(rel string) {
	st := r.st
	if fs := st.files[rel]; fs != nil && git.Dirty(fs.status) {
		st.dirty--
	}
	delete(st.files, rel)
	delete(st.plain, rel)
	delete(st.info, rel)
}

// configErrs are the config file's problems: its own and those of the
// roots it lists.
func (r *Repo) configErrs() []model.RepoError {
	errs := append([]model.RepoError(nil), r.cfgErrs...)
	if r.st != nil {
		errs = append(errs, r.st.layErrs...)
	}
	return errs
}

// emitSource reports one source, or removes it when it has nothing left.
func (r *Repo) emitSource(sink model.RepoSink, source string, p manifest.Result) {
	if len(p.Docs) == 0 && len(p.Errs) == 0 {
		if r.st.sources[source] {
			delete(r.st.sources, source)
			sink.RemoveSource(source)
		}
		return
	}
	r.st.sources[source] = true
	sink.SetSource(source, p.Docs, p.Errs)
}

// statusRank orders statuses for a kustomize root, whose status is the
// most telling status of the files it renders from.
var statusRank = map[model.FileStatus]int{
	model.FileUnknown: 0, model.FileIgnored: 1, model.FileClean: 2,
	model.FileUntracked: 3, model.FileStaged: 4, model.FileModified: 5,
}

// rootInfo is a kustomize root's FileInfo: the most telling status and the
// newest last commit of the files it renders from.
func (r *Repo) rootInfo(root render.Root) model.FileInfo {
	var out model.FileInfo
	for rel := range r.st.files {
		if !r.st.layout.Owns(rel) || !slices.Contains(r.st.layout.RootsOf(rel), root) {
			continue
		}
		fi := r.fileInfo(rel)
		if statusRank[fi.Status] > statusRank[out.Status] {
			out.Status = fi.Status
		}
		if fi.LastCommit != nil && (out.LastCommit == nil || fi.LastCommit.Time.After(out.LastCommit.Time)) {
			out.LastCommit = fi.LastCommit
		}
	}
	return out
}

// emitInfo reports the FileInfo of every source's file that changed since
// it was last reported.
func (r *Repo) emitInfo(sink model.RepoSink) {
	if r.st.facts == nil {
		return
	}
	st := r.st
	var files []string
	for s := range st.sources {
		if st.plain[s] {
			files = append(files, s)
		}
	}
	sort.Strings(files)
	for _, rel := range files {
		r.sendInfo(sink, rel, r.fileInfo(rel))
	}
	for _, root := range st.layout.Roots() {
		if st.sources[root.Source()] {
			r.sendInfo(sink, root.File, r.rootInfo(root))
		}
	}
}

func (r *Repo) sendInfo(sink model.RepoSink, file string, info model.FileInfo) {
	if old, ok := r.st.info[file]; ok && infoEqual(old, info) {
		return
	}
	r.st.info[file] = info
	sink.SetFileInfo(file, info)
}

func infoEqual(a, b model.FileInfo) bool {
	if a.Status != b.Status || (a.LastCommit == nil) != (b.LastCommit == nil) {
		return false
	}
	return a.LastCommit == nil || *a.LastCommit == *b.LastCommit
}

// gitState fills the git facts of the repo state.
func (r *Repo) gitState(rs model.RepoState) model.RepoState {
	rs.Head, rs.Branch, rs.Dirty = "", "", false
	if r.st.facts == nil {
		return rs
	}
	f := r.st.facts
	rs.Branch = f.Head.Branch
	rs.Head = git.ShortHash(f.Head.Hash)
	if r.rev != nil {
		rs.Head = git.ShortHash(r.rev.Hash())
		return rs
	}
	rs.Dirty = r.st.dirty > 0
	return rs
}

func (r *Repo) setRepo(sink model.RepoSink, rs model.RepoState) {
	r.st.repo = rs
	sink.SetRepo(rs)
}
