package repo

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

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// MaxFileSize is the largest manifest file read. Real Ingress manifests are
// a few KiB; a multi-megabyte .yaml is a data dump or a vendored bundle,
// and reading it would cost memory and time for nothing. Larger files are
// reported as errors so that a person can exclude them.
const MaxFileSize = 5 << 20

// manifestExt reports whether a file name is a manifest by its extension.
func manifestExt(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// entry is one regular file found by a walk.
type entry struct {
	// rel is the path relative to the repo root, slash-separated.
	rel string
	// size is the file's size in bytes (-1 when unknown until read).
	size int64
	// blob is the file's git blob hash when read from a commit's tree.
	blob git.Hash
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
// and the config's exclude patterns (.gitignore syntax, see
// git.NewPatterns).
type excluder struct {
	m *git.Patterns
}

func newExcluder(patterns []string) *excluder {
	if len(patterns) == 0 {
		return &excluder{}
	}
	return &excluder{m: git.NewPatterns(patterns)}
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

// gitTree is a commit's tree (--rev), read through model/git without a
// checkout.
type gitTree struct {
	rev *git.Rev
}

func (t gitTree) stat(rel string) (bool, bool) { return t.rev.Stat(rel) }

func (t gitTree) escapes(rel string) (string, bool) { return t.rev.Escapes(rel) }

func (t gitTree) read(e entry) ([]byte, error) { return t.rev.Read(e.blob) }

func (t gitTree) walk(ctx context.Context, x *excluder) (listing, error) {
	var l listing
	err := t.walkTree(ctx, x, &l, t.rev.Root(), ".")
	return l, err
}

func (t gitTree) walkTree(ctx context.Context, x *excluder, l *listing, entries []git.Entry, dir string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	l.dirs = append(l.dirs, dir)
	for _, e := range entries {
		rel := path.Join(dir, e.Name)
		switch e.Kind {
		case git.KindDir:
			if x.excluded(rel, true) {
				continue
			}
			sub, err := t.rev.Dir(e.Hash)
			if err != nil {
				l.fail(rel, "cannot read directory from git: %v", err)
				continue
			}
			if err := t.walkTree(ctx, x, l, sub, rel); err != nil {
				return err
			}
		case git.KindFile:
			if !x.excluded(rel, false) {
				l.files = append(l.files, entry{rel: rel, size: -1, blob: e.Hash})
			}
		case git.KindSymlink:
			if !manifestExt(rel) || x.excluded(rel, false) {
				continue
			}
			target, outside, err := t.rev.Link(dir, e.Hash)
			if err != nil {
				l.fail(rel, "cannot read symlink from git: %v", err)
				continue
			}
			if outside {
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
