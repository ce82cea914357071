package git

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/ingress-drift/ingress-drift/model"
)

// MaxLogCommits bounds the history walk that finds the last commit of every
// manifest file. A file not touched within that many commits of HEAD (or
// --rev) has no LastCommit ("older", unknown) rather than making the scan
// walk a huge history.
const MaxLogCommits = 10000

// Hash is a git object hash (go-git's), so that the repo side can keep and
// compare hashes without importing go-git.
type Hash = plumbing.Hash

// HashBlob is the hash git gives data stored as a blob (git hash-object).
func HashBlob(data []byte) Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, data)
}

// Options are the repo side's rules that git's reading follows; both
// fields are required.
type Options struct {
	// MaxBlobSize is the largest blob read (a manifest file's limit).
	MaxBlobSize int64
	// TooBig is the error for a blob larger than MaxBlobSize, of size bytes.
	TooBig func(size int64) error
}

// Repo is the git work tree around the repo root (--repo). Its methods
// are safe for concurrent use: go-git's object storage is not, so each
// holds mu while it reads or writes objects.
type Repo struct {
	// mu serializes access to go-git's object storage, which is not safe
	// for concurrent use.
	mu   sync.Mutex
	repo *gogit.Repository
	opts Options
	// root is the work tree's absolute path, dir the .git directory, and
	// common the directory holding refs (differs for linked work trees).
	root, dir, common string
	// prefix is the repo root relative to the work tree, slash-separated
	// ("" when they are the same).
	prefix string
}

// Open finds the git work tree enclosing root (absolute, symlinks
// resolved); (nil, nil) when there is none, or only a bare repository.
func Open(root string, opts Options) (*Repo, error) {
	g, err := openGit(root)
	if g != nil {
		g.opts = opts
	}
	return g, err
}

// Root is the work tree's absolute path (symlinks resolved).
func (g *Repo) Root() string { return g.root }

// Dir is the .git directory (HEAD, index); Common the directory that
// holds the refs, shared by linked work trees (the same as Dir otherwise).
func (g *Repo) Dir() string { return g.dir }

// Common is the git directory holding refs, objects and the config; see
// Dir.
func (g *Repo) Common() string { return g.common }

// Prefix is the repo root relative to the work tree, slash-separated; ""
// when they are the same.
func (g *Repo) Prefix() string { return g.prefix }

// openGit is Open without the options.
func openGit(root string) (*Repo, error) {
	repo, err := gogit.PlainOpenWithOptions(root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the git repository around %s: %w", root, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, gogit.ErrIsBareRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the git work tree around %s: %w", root, err)
	}
	g := &Repo{repo: repo, root: wt.Filesystem.Root()}
	if r, err := filepath.EvalSymlinks(g.root); err == nil {
		g.root = r
	}
	rel, err := filepath.Rel(g.root, root)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, nil
	}
	if rel != "." {
		g.prefix = filepath.ToSlash(rel)
	}
	g.dir = filepath.Join(g.root, ".git")
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		g.dir = fs.Filesystem().Root()
	}
	g.common = g.dir
	if b, err := os.ReadFile(filepath.Join(g.dir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(g.dir, c)
		}
		g.common = filepath.Clean(c)
	}
	return g, nil
}

// gitPath turns a path relative to the repo root into one relative to the
// work tree.
func (g *Repo) gitPath(rel string) string {
	if g.prefix == "" {
		return rel
	}
	return path.Join(g.prefix, rel)
}

// readBlob reads a blob, refusing one larger than MaxBlobSize with
// TooBig's error. Callers hold mu.
func (g *Repo) readBlob(h plumbing.Hash) ([]byte, error) {
	obj, err := g.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	if obj.Size() > g.opts.MaxBlobSize {
		return nil, g.opts.TooBig(obj.Size())
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// resolve turns a revision (branch, tag, hash, HEAD~1, …) into a commit.
// Callers hold mu.
func (g *Repo) resolve(rev string) (*object.Commit, error) {
	h, err := g.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("unknown revision %q: %w", rev, err)
	}
	c, err := g.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("revision %q (%s) is not a commit: %w", rev, h, err)
	}
	return c, nil
}

// subtree returns the commit's tree at the repo root, or nil when the
// directory does not exist in that commit. Callers hold mu.
func (g *Repo) subtree(c *object.Commit) (*object.Tree, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of commit %s: %w", c.Hash, err)
	}
	if g.prefix == "" {
		return t, nil
	}
	sub, err := t.Tree(g.prefix)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, nil
	}
	return sub, err
}

// Head is where HEAD points.
type Head struct {
	// Hash is zero in a repository without commits.
	Hash Hash
	// Branch is the branch HEAD points to, "" when it is detached.
	Branch string
}

// Head reads HEAD.
func (g *Repo) Head() (Head, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.head()
}

// head reads HEAD. Callers hold mu.
func (g *Repo) head() (Head, error) {
	ref, err := g.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return Head{}, fmt.Errorf("reading HEAD: %w", err)
	}
	var hs Head
	if ref.Type() == plumbing.SymbolicReference {
		if ref.Target().IsBranch() {
			hs.Branch = ref.Target().Short()
		}
		resolved, err := g.repo.Reference(ref.Target(), true)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return hs, nil // unborn branch: no commits yet
		}
		if err != nil {
			return hs, fmt.Errorf("resolving HEAD: %w", err)
		}
		hs.Hash = resolved.Hash()
		return hs, nil
	}
	hs.Hash = ref.Hash()
	return hs, nil
}

// blobs lists the files of a tree (the repo root's subtree) by path
// relative to the repo root. Callers hold mu.
func blobs(t *object.Tree) (map[string]plumbing.Hash, error) {
	out := make(map[string]plumbing.Hash)
	if t == nil {
		return out, nil
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Mode.IsFile() {
			out[name] = e.Hash
		}
	}
}

// indexEntry is a file's entry in the git index.
type indexEntry struct {
	hash plumbing.Hash
	// conflict is set for an unmerged path (several stages).
	conflict bool
}

// index reads the git index for the files under the repo root, by path
// relative to it. Callers hold mu.
func (g *Repo) index() (map[string]indexEntry, error) {
	idx, err := g.repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the git index: %w", err)
	}
	out := make(map[string]indexEntry, len(idx.Entries))
	pre := ""
	if g.prefix != "" {
		pre = g.prefix + "/"
	}
	for _, e := range idx.Entries {
		if !strings.HasPrefix(e.Name, pre) {
			continue
		}
		rel := e.Name[len(pre):]
		if old, ok := out[rel]; ok || e.Stage != 0 {
			old.conflict = true
			old.hash = e.Hash
			out[rel] = old
			continue
		}
		out[rel] = indexEntry{hash: e.Hash}
	}
	return out, nil
}

// ignoreMatcher builds the .gitignore matcher from .git/info/exclude, the
// .gitignore files above the repo root up to the work tree, and those
// found below it (read through read; one that cannot be read is left out).
func (g *Repo) ignoreMatcher(read func(rel string) ([]byte, error), found []string) gitignore.Matcher {
	var ps []gitignore.Pattern
	add := func(data []byte, domain []string) {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, "\r")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			ps = append(ps, gitignore.ParsePattern(line, domain))
		}
	}
	if b, err := os.ReadFile(filepath.Join(g.common, "info", "exclude")); err == nil {
		add(b, nil)
	}
	if g.prefix != "" {
		segs := strings.Split(g.prefix, "/")
		for i := 0; i < len(segs); i++ {
			if b, err := os.ReadFile(filepath.Join(g.root, filepath.Join(segs[:i]...), ".gitignore")); err == nil {
				add(b, segs[:i])
			}
		}
	}
	for _, rel := range found {
		data, err := read(rel)
		if err != nil {
			continue
		}
		dir := path.Dir(g.gitPath(rel))
		var domain []string
		if dir != "." {
			domain = strings.Split(dir, "/")
		}
		add(data, domain)
	}
	return gitignore.NewMatcher(ps)
}

// Facts is what git says about the files under the repo root at one
// moment. Facts{Head: h} alone (for --rev, where every file is clean) is
// valid.
type Facts struct {
	Head  Head
	tree  map[string]plumbing.Hash // HEAD's blobs
	index map[string]indexEntry
	// ignore matches work-tree paths (relative to the git work tree).
	ignore gitignore.Matcher
}

// InHead reports whether rel (relative to the repo root) is a file in
// HEAD's tree.
func (f *Facts) InHead(rel string) bool {
	_, ok := f.tree[rel]
	return ok
}

// Facts reads HEAD, its tree, the index and the ignore rules:
// .git/info/exclude, the .gitignore files above the repo root, and the
// gitignores found below it (paths relative to the repo root), which read
// returns. prev, when set, are the facts of the previous read: HEAD's tree
// listing is reused when HEAD has not moved (a commit's tree never changes,
// and an index rewrite by `git status` is the most common git event).
func (g *Repo) Facts(read func(rel string) ([]byte, error), gitignores []string, prev *Facts) (*Facts, error) {
	var f Facts
	var err error
	f.ignore = g.ignoreMatcher(read, gitignores)
	g.mu.Lock()
	defer g.mu.Unlock()
	if f.Head, err = g.head(); err != nil {
		return nil, err
	}
	if f.index, err = g.index(); err != nil {
		return nil, err
	}
	if prev != nil && prev.tree != nil && prev.Head.Hash == f.Head.Hash {
		f.tree = prev.tree
		return &f, nil
	}
	f.tree = map[string]plumbing.Hash{}
	if !f.Head.Hash.IsZero() {
		c, err := g.repo.CommitObject(f.Head.Hash)
		if err != nil {
			return nil, fmt.Errorf("reading HEAD commit %s: %w", f.Head.Hash, err)
		}
		sub, err := g.subtree(c)
		if err != nil {
			return nil, err
		}
		if f.tree, err = blobs(sub); err != nil {
			return nil, err
		}
	}
	return &f, nil
}

// Status computes one file's status from its work-tree blob hash (known
// is false when the file could not be hashed) — the comparison `git status`
// makes, for one file, without walking the whole work tree as go-git's
// Worktree.Status does.
func (g *Repo) Status(f *Facts, rel string, wt Hash, known bool) model.FileStatus {
	ie, inIndex := f.index[rel]
	headHash, inHead := f.tree[rel]
	switch {
	case !inIndex:
		if f.ignore != nil && f.ignore.Match(strings.Split(g.gitPath(rel), "/"), false) {
			return model.FileIgnored
		}
		return model.FileUntracked
	case ie.conflict:
		return model.FileModified
	case !known:
		return model.FileUnknown
	case ie.hash != wt:
		return model.FileModified
	case !inHead || headHash != ie.hash:
		return model.FileStaged
	}
	return model.FileClean
}

// Dirty reports whether a status makes the repo dirty.
func Dirty(s model.FileStatus) bool {
	return s == model.FileModified || s == model.FileUntracked || s == model.FileStaged
}

// LastCommits finds, for every wanted path (relative to the repo root), the
// most recent commit before or at `from` that changed it, as `git log`
// does, walking at most MaxLogCommits commits and no further than stop (a
// commit already walked: reachedStop says whether paths not found may keep
// their earlier answer).
func (g *Repo) LastCommits(from Hash, want map[string]bool, stop Hash) (found map[string]*model.Commit, reachedStop bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, err := g.repo.CommitObject(from)
	if err != nil {
		return nil, false, err
	}
	return g.lastCommits(c, want, stop)
}

// lastCommits walks the history from `from` (newest first, by committer
// time, as `git log` does) and finds, for every wanted path (relative to
// the repo root), the most recent commit that changed it. It stops when
// every path is found, after MaxLogCommits commits, or at stop (a commit
// whose history was already walked; it and its ancestors are not visited).
// reachedStop tells whether stop was a parent of a visited commit, i.e.
// whether paths not found can keep their earlier answer. Callers hold mu.
//
// A commit changed a path when the path differs from the commit's parent,
// or — for a merge — from every parent (otherwise the change came from the
// parent it equals, whose history is walked too). Only the repo root's
// subtree is compared, and equal subtrees are skipped by hash.
func (g *Repo) lastCommits(from *object.Commit, want map[string]bool, stop plumbing.Hash) (map[string]*model.Commit, bool, error) {
	found := make(map[string]*model.Commit)
	reachedStop := false
	if len(want) == 0 {
		return found, false, nil
	}
	seen := map[plumbing.Hash]bool{}
	if !stop.IsZero() {
		seen[stop] = true
	}
	iter := object.NewCommitIterCTime(from, seen, nil)
	defer iter.Close()
	n := 0
	err := iter.ForEach(func(c *object.Commit) error {
		n++
		if n > MaxLogCommits {
			return storer.ErrStop
		}
		for _, p := range c.ParentHashes {
			if p == stop {
				reachedStop = true
			}
		}
		touched, err := g.changedPaths(c)
		if err != nil {
			return err
		}
		var summary *model.Commit
		for _, p := range touched {
			if !want[p] || found[p] != nil {
				continue
			}
			if summary == nil {
				summary = Summary(c)
			}
			found[p] = summary
		}
		if len(found) == len(want) {
			return storer.ErrStop
		}
		return nil
	})
	return found, reachedStop, err
}

// changedPaths lists the paths under the repo root that commit c changed.
func (g *Repo) changedPaths(c *object.Commit) ([]string, error) {
	sub, err := g.subtree(c)
	if err != nil {
		return nil, err
	}
	if c.NumParents() == 0 {
		m, err := blobs(sub)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(m))
		for p := range m {
			out = append(out, p)
		}
		return out, nil
	}
	var result map[string]bool
	for i, ph := range c.ParentHashes {
		parent, err := g.repo.CommitObject(ph)
		if err != nil {
			return nil, fmt.Errorf("reading commit %s: %w", ph, err)
		}
		psub, err := g.subtree(parent)
		if err != nil {
			return nil, err
		}
		if hashOf(psub) == hashOf(sub) {
			return nil, nil // the same as this parent: nothing changed here
		}
		changes, err := object.DiffTree(psub, sub)
		if err != nil {
			return nil, fmt.Errorf("comparing commit %s with its parent: %w", c.Hash, err)
		}
		cur := make(map[string]bool, len(changes))
		for _, ch := range changes {
			name := ch.To.Name
			if name == "" {
				name = ch.From.Name
			}
			if i == 0 || result[name] {
				cur[name] = true
			}
		}
		result = cur
	}
	out := make([]string, 0, len(result))
	for p := range result {
		out = append(out, p)
	}
	return out, nil
}

func hashOf(t *object.Tree) plumbing.Hash {
	if t == nil {
		return plumbing.ZeroHash
	}
	return t.Hash
}

// Summary is the model's view of a commit. Author is "Name <email>";
// Time is the author time, as `git log` shows it.
func Summary(c *object.Commit) *model.Commit {
	subject, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return &model.Commit{
		Hash:    c.Hash.String(),
		Author:  fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
		Time:    c.Author.When,
		Subject: strings.TrimSpace(subject),
	}
}

// ShortHash is the 7-character form git shows ("" for the zero hash).
func ShortHash(h Hash) string {
	if h.IsZero() {
		return ""
	}
	return h.String()[:7]
}
