package git

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
)

// Rev is a resolved revision (--rev): the files under the repo root as one
// commit holds them, read through go-git without a checkout.
type Rev struct {
	g *Repo
	c *object.Commit
	// top is the tree of the whole commit; sub the tree at the repo root
	// (nil when the commit has no such directory).
	top, sub *object.Tree
}

// Resolve turns a revision (branch, tag, hash, HEAD~1, …) into the commit
// it names.
func (g *Repo) Resolve(rev string) (*Rev, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, err := g.resolve(rev)
	if err != nil {
		return nil, err
	}
	sub, err := g.subtree(c)
	if err != nil {
		return nil, err
	}
	top, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of commit %s: %w", c.Hash, err)
	}
	return &Rev{g: g, c: c, top: top, sub: sub}, nil
}

// Hash is the commit's hash.
func (r *Rev) Hash() Hash { return r.c.Hash }

// HasRoot reports whether the commit has the repo root directory.
func (r *Rev) HasRoot() bool { return r.sub != nil }

// Kind is what a tree entry is.
type Kind int

// The kinds of tree entries; a submodule is KindOther.
const (
	KindOther Kind = iota
	KindDir
	KindFile // regular or executable
	KindSymlink
)

// Entry is one entry of a directory in a commit.
type Entry struct {
	Name string
	Kind Kind
	// Hash is the blob (a file's content, a symlink's target) or the tree.
	Hash Hash
}

func kindOf(m filemode.FileMode) Kind {
	switch m {
	case filemode.Dir:
		return KindDir
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		return KindFile
	case filemode.Symlink:
		return KindSymlink
	}
	return KindOther
}

func entries(t *object.Tree) []Entry {
	out := make([]Entry, 0, len(t.Entries))
	for _, e := range t.Entries {
		out = append(out, Entry{Name: e.Name, Kind: kindOf(e.Mode), Hash: e.Hash})
	}
	return out
}

// Root lists the repo root directory of the commit (see HasRoot).
func (r *Rev) Root() []Entry {
	if r.sub == nil {
		return nil
	}
	return entries(r.sub)
}

// Dir lists the directory whose tree is h (an Entry of KindDir).
func (r *Rev) Dir(h Hash) ([]Entry, error) {
	r.g.mu.Lock()
	defer r.g.mu.Unlock()
	t, err := r.g.repo.TreeObject(h)
	if err != nil {
		return nil, err
	}
	return entries(t), nil
}

// Read reads a blob, refusing one larger than Options.MaxBlobSize.
func (r *Rev) Read(h Hash) ([]byte, error) {
	r.g.mu.Lock()
	defer r.g.mu.Unlock()
	return r.g.readBlob(h)
}

// Find is the entry at rel (relative to the repo root); an error wrapping
// fs.ErrNotExist when the commit has none.
func (r *Rev) Find(rel string) (Entry, error) {
	r.g.mu.Lock()
	defer r.g.mu.Unlock()
	e, err := r.top.FindEntry(r.g.gitPath(rel))
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return Entry{}, fs.ErrNotExist
	}
	if err != nil {
		return Entry{}, err
	}
	return Entry{Name: e.Name, Kind: kindOf(e.Mode), Hash: e.Hash}, nil
}

// Stat reports whether a path relative to the repo root (it may start
// with "../" to reach the rest of the work tree, not beyond) exists in the
// commit and is a directory.
func (r *Rev) Stat(rel string) (exists, isDir bool) {
	p := path.Join(r.g.prefix, rel)
	if p == "." || p == "" {
		return true, true
	}
	if pathx.Outside(p) {
		return false, false
	}
	r.g.mu.Lock()
	defer r.g.mu.Unlock()
	e, err := r.top.FindEntry(p)
	if err != nil {
		return false, false
	}
	return true, e.Mode == filemode.Dir
}

// Link reads the symlink in dir (relative to the repo root) whose target
// blob is h, and reports whether the target leaves the repo root
// (absolute, or up past it).
func (r *Rev) Link(dir string, h Hash) (target string, outside bool, err error) {
	data, err := r.Read(h)
	if err != nil {
		return "", false, err
	}
	target = string(data)
	resolved := path.Join(r.g.prefix, dir, target)
	return target, path.IsAbs(target) || !r.inRepo(resolved), nil
}

// maxSymlinks bounds the symlinks followed for one path, as the kernel's
// limit does; a loop is left for kustomize to report.
const maxSymlinks = 40

// Escapes reports whether rel, inside the repo root by name, leads outside
// it through a symlink of the commit, and to which target.
func (r *Rev) Escapes(rel string) (string, bool) {
	r.g.mu.Lock()
	defer r.g.mu.Unlock()
	p := path.Join(r.g.prefix, rel)
	for range maxSymlinks {
		link, target, rest, ok := r.firstSymlink(p)
		if !ok {
			return "", false
		}
		p = path.Join(path.Dir(link), target, rest)
		if path.IsAbs(target) || !r.inRepo(p) {
			return target, true
		}
	}
	return "", false
}

// firstSymlink finds the first element of p (relative to the git root)
// that is a symlink in the commit: its path, its target and what of p
// follows it. Callers hold g.mu.
func (r *Rev) firstSymlink(p string) (link, target, rest string, ok bool) {
	parts := strings.Split(p, "/")
	for i := range parts {
		cur := path.Join(parts[:i+1]...)
		e, err := r.top.FindEntry(cur)
		if err != nil {
			return "", "", "", false
		}
		if e.Mode == filemode.Symlink {
			data, err := r.g.readBlob(e.Hash)
			if err != nil {
				return "", "", "", false
			}
			return cur, string(data), path.Join(parts[i+1:]...), true
		}
	}
	return "", "", "", false
}

// inRepo reports whether p, relative to the git root and cleaned, is the
// repo root or below it.
func (r *Rev) inRepo(p string) bool {
	if pathx.Outside(p) {
		return false
	}
	return r.g.prefix == "" || pathx.Under(p, r.g.prefix) // the prefix is never "."
}

// Patterns match paths with .gitignore syntax (go-git's matcher); the
// repo side's exclude list uses them.
type Patterns struct {
	m gitignore.Matcher
}

// NewPatterns parses .gitignore-syntax patterns, relative to the repo
// root.
func NewPatterns(patterns []string) *Patterns {
	ps := make([]gitignore.Pattern, 0, len(patterns))
	for _, p := range patterns {
		ps = append(ps, gitignore.ParsePattern(p, nil))
	}
	return &Patterns{m: gitignore.NewMatcher(ps)}
}

// Match reports whether the path (split at "/") matches, the last
// matching pattern deciding as in .gitignore.
func (p *Patterns) Match(path []string, isDir bool) bool {
	return p.m.Match(path, isDir)
}
