package repo

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
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

	// kubeVersion is what charts see as .Capabilities.KubeVersion
	// (SetKubeVersion; "" is Helm's default).
	kubeVersion string

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
	// layErrs are the config file's problems found by the layout (roots
	// it lists that are none).
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
		return nil, fmt.Errorf("repo %s: %w", opts.Root, pathx.UnwrapPathError(err))
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
			err = revWithoutRoot(opts.Rev, r.git.Prefix(), r.rev.Hash())
		}
		if err != nil {
			return nil, err
		}
	}
	r.loadConfig()
	return r, nil
}

// revWithoutRoot is the refusal of a --rev commit that does not have the
// repo root directory.
func revWithoutRoot(rev, dir string, h git.Hash) error {
	return fmt.Errorf("--rev %s: directory %s does not exist in commit %s", rev, dir, git.ShortHash(h))
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

// files is where the manifests are read from: the work tree, or the
// --rev commit (resolved, trees read, by Open and refreshRev).
func (r *Repo) files() repoFiles {
	if r.rev == nil {
		return diskFiles{root: r.root}
	}
	return revFiles{rev: r.rev}
}

// baseState is the repo state without the git facts.
func (r *Repo) baseState() model.RepoState {
	s := model.RepoState{Root: r.root, Rev: r.opts.Rev}
	if r.git != nil {
		s.GitRoot = r.git.Root()
	}
	return s
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

// SetKubeVersion sets the Kubernetes version ("v1.37.2") Helm charts are
// rendered for, as .Capabilities.KubeVersion: the connected cluster's, as
// a controller rendering them for it would see. Unset (offline,
// --live-file) it is Helm's default. Call it before Scan.
func (r *Repo) SetKubeVersion(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kubeVersion = v
}
