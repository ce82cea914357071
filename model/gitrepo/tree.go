package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// entry is one regular file found by a walk.
type entry struct {
	// rel is the path relative to the repo root, slash-separated.
	rel string
	// size is the file's size in bytes (-1 when unknown until read).
	size int64
	// blob is the file's git blob hash when read from a commit's tree.
	blob plumbing.Hash
}

// listing is what a walk found.
type listing struct {
	files []entry
	// dirs are the directories walked ("." is the root), for watching.
	dirs []string
	// errs are problems with single paths (symlinks leaving the repo,
	// unreadable directories), by path.
	errs map[string][]model.RepoError
	// gitignores are the .gitignore files found, for the git status of
	// untracked files.
	gitignores []string
}

func (l *listing) fail(rel string, format string, args ...any) {
	if l.errs == nil {
		l.errs = make(map[string][]model.RepoError)
	}
	l.errs[rel] = append(l.errs[rel], model.RepoError{File: rel, Message: fmt.Sprintf(format, args...)})
}

// excluder decides which paths are never read: .git directories always,
// and the config's exclude patterns (.gitignore syntax, via go-git's
// matcher).
type excluder struct {
	m gitignore.Matcher
}

func newExcluder(patterns []string) *excluder {
	if len(patterns) == 0 {
		return &excluder{}
	}
	ps := make([]gitignore.Pattern, 0, len(patterns))
	for _, p := range patterns {
		ps = append(ps, gitignore.ParsePattern(p, nil))
	}
	return &excluder{m: gitignore.NewMatcher(ps)}
}

// excluded reports whether rel (slash-separated, relative to the root) is
// excluded.
func (x *excluder) excluded(rel string, isDir bool) bool {
	if rel == "." || rel == "" {
		return false
	}
	if isDir && path.Base(rel) == ".git" {
		return true
	}
	return x.m != nil && x.m.Match(strings.Split(rel, "/"), isDir)
}

// excludedPath reports whether rel or any directory above it is excluded.
func (x *excluder) excludedPath(rel string, isDir bool) bool {
	if x.excluded(rel, isDir) {
		return true
	}
	for d := path.Dir(rel); d != "." && d != "/"; d = path.Dir(d) {
		if x.excluded(d, true) {
			return true
		}
	}
	return false
}

// tree is where manifests are read from: the work tree on disk, or a
// commit's tree (--rev).
type tree interface {
	// walk lists the files and directories under the root.
	walk(ctx context.Context, x *excluder) (listing, error)
	// read returns a file's content; a file larger than MaxFileSize is not
	// read and yields a *tooBigError.
	read(e entry) ([]byte, error)
	// stat reports whether a path relative to the root (it may start with
	// "../" to reach outside the root) exists and is a directory.
	stat(rel string) (exists, isDir bool)
	// escapes reports whether rel, inside the root by name, leads outside
	// it through a symlink, and where to.
	escapes(rel string) (target string, escaped bool)
}

type tooBigError struct{ size int64 }

func (e *tooBigError) Error() string {
	return fmt.Sprintf("file is %s, larger than the %s limit for manifests: not read; add it to exclude in %s if it is not a manifest",
		humanSize(e.size), humanSize(MaxFileSize), ConfigFile)
}

// diskTree is the work tree.
type diskTree struct {
	root string // absolute, symlinks resolved
}

func (t diskTree) abs(rel string) string { return filepath.Join(t.root, filepath.FromSlash(rel)) }

func (t diskTree) stat(rel string) (bool, bool) {
	fi, err := os.Stat(t.abs(rel))
	if err != nil {
		return false, false
	}
	return true, fi.IsDir()
}

func (t diskTree) escapes(rel string) (string, bool) {
	real, err := render.EvalExisting(t.abs(rel))
	if err != nil || render.Inside(t.root, real) {
		return "", false
	}
	return real, true
}

func (t diskTree) read(e entry) ([]byte, error) {
	if e.size > MaxFileSize {
		return nil, &tooBigError{e.size}
	}
	f, err := os.Open(t.abs(e.rel))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read at most one byte past the limit: the file may have grown since
	// the walk.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		fi, _ := f.Stat()
		size := int64(len(data))
		if fi != nil {
			size = fi.Size()
		}
		return nil, &tooBigError{size}
	}
	return data, nil
}

func (t diskTree) walk(ctx context.Context, x *excluder) (listing, error) {
	return t.walkFrom(ctx, x, ".")
}

// walkFrom walks the directory start (relative to the root) and below.
func (t diskTree) walkFrom(ctx context.Context, x *excluder, start string) (listing, error) {
	var l listing
	err := filepath.WalkDir(t.abs(start), func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(t.root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if rel == start {
				return err
			}
			l.fail(rel, "cannot read: %v", unwrapPathError(err))
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			if x.excluded(rel, true) {
				return filepath.SkipDir
			}
			l.dirs = append(l.dirs, rel)
		case d.Type()&fs.ModeSymlink != 0:
			t.symlink(&l, x, rel, p)
		case d.Type().IsRegular():
			if x.excluded(rel, false) {
				return nil
			}
			if d.Name() == ".gitignore" {
				l.gitignores = append(l.gitignores, rel)
			}
			size := int64(-1)
			if fi, err := d.Info(); err == nil {
				size = fi.Size()
			}
			l.files = append(l.files, entry{rel: rel, size: size})
		default:
			if manifestExt(d.Name()) && !x.excluded(rel, false) {
				l.fail(rel, "not a regular file (%s): not read", d.Type())
			}
		}
		return nil
	})
	if err != nil {
		return l, fmt.Errorf("reading repo %s: %w", t.root, err)
	}
	return l, nil
}

// symlink checks a symbolic link. One that stays inside the repo is not
// read (its target is read at its own path, so reading both would define
// every object twice); one that leaves the repo or dangles is reported when
// it looks like a manifest or a directory of them.
func (t diskTree) symlink(l *listing, x *excluder, rel, p string) {
	if x.excluded(rel, false) || x.excluded(rel, true) {
		return
	}
	raw, _ := os.Readlink(p)
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		if manifestExt(rel) {
			l.fail(rel, "symlink to %s, which does not exist: not read", raw)
		}
		return
	}
	fi, err := os.Stat(target)
	isDir := err == nil && fi.IsDir()
	if !manifestExt(rel) && !isDir {
		return
	}
	if render.Inside(t.root, target) {
		return
	}
	what := "symlink"
	if isDir {
		what = "symlinked directory"
	}
	l.fail(rel, "%s points outside the repo, to %s: not read", what, target)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// gitTree is a commit's tree (--rev), read through go-git without a
// checkout.
type gitTree struct {
	g *gitRepo
	// top is the tree of the whole commit; sub the tree at the repo root
	// (the --repo directory inside the git work tree).
	top *object.Tree
	sub *object.Tree
}

func (t gitTree) stat(rel string) (bool, bool) {
	p := path.Join(t.g.prefix, rel)
	if p == "." || p == "" {
		return true, true
	}
	if render.Outside(p) {
		return false, false
	}
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	e, err := t.top.FindEntry(p)
	if err != nil {
		return false, false
	}
	return true, e.Mode == filemode.Dir
}

// maxSymlinks bounds the symlinks followed for one path, as the kernel's
// limit does; a loop is left for kustomize to report.
const maxSymlinks = 40

func (t gitTree) escapes(rel string) (string, bool) {
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	p := path.Join(t.g.prefix, rel)
	for range maxSymlinks {
		link, target, rest, ok := t.firstSymlink(p)
		if !ok {
			return "", false
		}
		p = path.Join(path.Dir(link), target, rest)
		if path.IsAbs(target) || !t.inRepo(p) {
			return target, true
		}
	}
	return "", false
}

// firstSymlink finds the first element of p (relative to the git root)
// that is a symlink in the commit: its path, its target and what of p
// follows it. Callers hold g.mu.
func (t gitTree) firstSymlink(p string) (link, target, rest string, ok bool) {
	parts := strings.Split(p, "/")
	for i := range parts {
		cur := path.Join(parts[:i+1]...)
		e, err := t.top.FindEntry(cur)
		if err != nil {
			return "", "", "", false
		}
		if e.Mode == filemode.Symlink {
			data, err := t.g.readBlob(e.Hash)
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
func (t gitTree) inRepo(p string) bool {
	if render.Outside(p) {
		return false
	}
	return t.g.prefix == "" || p == t.g.prefix || strings.HasPrefix(p, t.g.prefix+"/")
}

func (t gitTree) read(e entry) ([]byte, error) {
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	return t.g.readBlob(e.blob)
}

func (t gitTree) walk(ctx context.Context, x *excluder) (listing, error) {
	var l listing
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	err := t.walkTree(ctx, x, &l, t.sub, ".")
	return l, err
}

func (t gitTree) walkTree(ctx context.Context, x *excluder, l *listing, tr *object.Tree, dir string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	l.dirs = append(l.dirs, dir)
	for _, e := range tr.Entries {
		rel := path.Join(dir, e.Name)
		switch e.Mode {
		case filemode.Dir:
			if x.excluded(rel, true) {
				continue
			}
			sub, err := t.g.repo.TreeObject(e.Hash)
			if err != nil {
				l.fail(rel, "cannot read directory from git: %v", err)
				continue
			}
			if err := t.walkTree(ctx, x, l, sub, rel); err != nil {
				return err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			if !x.excluded(rel, false) {
				l.files = append(l.files, entry{rel: rel, size: -1, blob: e.Hash})
			}
		case filemode.Symlink:
			if !manifestExt(rel) || x.excluded(rel, false) {
				continue
			}
			data, err := t.g.readBlob(e.Hash)
			if err != nil {
				l.fail(rel, "cannot read symlink from git: %v", err)
				continue
			}
			target := string(data)
			resolved := path.Join(t.g.prefix, dir, target)
			if path.IsAbs(target) || !t.inRepo(resolved) {
				l.fail(rel, "symlink points outside the repo, to %s: not read", target)
			}
		}
	}
	return nil
}

// renderFiles is what rendering reads of one walk (render.Files): the
// listing, read through the tree it came from.
type renderFiles struct {
	t     tree
	root  string
	l     *listing
	files []string
	// byRel indexes the listing, on the first Read: a repo without
	// kustomizations never pays for it.
	byRel map[string]entry
}

func newRenderFiles(t tree, root string, l *listing) *renderFiles {
	f := &renderFiles{t: t, root: root, l: l, files: make([]string, len(l.files))}
	for i, e := range l.files {
		f.files[i] = e.rel
	}
	return f
}

func (f *renderFiles) RootDir() string { return f.root }

// OnDisk: a tree that is not a commit's is read from the disk.
func (f *renderFiles) OnDisk() bool {
	_, commit := f.t.(gitTree)
	return !commit
}

func (f *renderFiles) List() []string { return f.files }

func (f *renderFiles) Stat(rel string) (bool, bool) { return f.t.stat(rel) }

func (f *renderFiles) Escapes(rel string) (string, bool) { return f.t.escapes(rel) }

func (f *renderFiles) Read(rel string) ([]byte, error) {
	if f.byRel == nil {
		f.byRel = make(map[string]entry, len(f.l.files))
		for _, e := range f.l.files {
			f.byRel[e.rel] = e
		}
	}
	e, ok := f.byRel[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	data, err := f.t.read(e)
	return data, unwrapPathError(err)
}
