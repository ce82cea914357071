package repo

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
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

// repoFiles are the repo's files as one scan reads them: the work tree on
// disk (diskFiles), or the files of the --rev commit (revFiles).
type repoFiles interface {
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

// diskFiles is the work tree.
type diskFiles struct {
	root string // absolute, symlinks resolved
}

func (w diskFiles) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

func (w diskFiles) stat(rel string) (bool, bool) {
	fi, err := os.Stat(w.abs(rel))
	if err != nil {
		return false, false
	}
	return true, fi.IsDir()
}

func (w diskFiles) escapes(rel string) (string, bool) {
	real, err := pathx.EvalExisting(w.abs(rel))
	if err != nil || pathx.Inside(w.root, real) {
		return "", false
	}
	return real, true
}

func (w diskFiles) read(e entry) ([]byte, error) {
	if e.size > MaxFileSize {
		return nil, &tooBigError{e.size}
	}
	f, err := os.Open(w.abs(e.rel))
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

func (w diskFiles) walk(ctx context.Context, x *excluder) (listing, error) {
	return w.walkFrom(ctx, x, ".")
}

// walkFrom walks the directory start (relative to the root) and below.
func (w diskFiles) walkFrom(ctx context.Context, x *excluder, start string) (listing, error) {
	var l listing
	err := filepath.WalkDir(w.abs(start), func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(w.root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if rel == start {
				return err
			}
			l.fail(rel, "cannot read: %v", pathx.UnwrapPathError(err))
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
			w.symlink(&l, x, rel, p)
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
		return l, fmt.Errorf("reading repo %s: %w", w.root, err)
	}
	return l, nil
}

// symlink checks a symbolic link. One that stays inside the repo is not
// read (its target is read at its own path, so reading both would define
// every object twice); one that leaves the repo or dangles is reported when
// it looks like a manifest or a directory of them.
func (w diskFiles) symlink(l *listing, x *excluder, rel, p string) {
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
	if pathx.Inside(w.root, target) {
		return
	}
	what := "symlink"
	if isDir {
		what = "symlinked directory"
	}
	l.fail(rel, "%s points outside the repo, to %s: not read", what, target)
}

// revFiles are the files of the --rev commit, read through model/git without a
// checkout.
type revFiles struct {
	rev *git.Rev
}

func (c revFiles) stat(rel string) (bool, bool) { return c.rev.Stat(rel) }

func (c revFiles) escapes(rel string) (string, bool) { return c.rev.Escapes(rel) }

func (c revFiles) read(e entry) ([]byte, error) { return c.rev.Read(e.blob) }

func (c revFiles) walk(ctx context.Context, x *excluder) (listing, error) {
	var l listing
	err := c.walkDir(ctx, x, &l, c.rev.Root(), ".")
	return l, err
}

// walkDir lists one directory of the commit (entries) and below.
func (c revFiles) walkDir(ctx context.Context, x *excluder, l *listing, entries []git.Entry, dir string) error {
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
			sub, err := c.rev.Dir(e.Hash)
			if err != nil {
				l.fail(rel, "cannot read directory from git: %v", err)
				continue
			}
			if err := c.walkDir(ctx, x, l, sub, rel); err != nil {
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
			target, outside, err := c.rev.Link(dir, e.Hash)
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
