package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
)

// repoFS is the file system krusty renders from, confined to the repo
// root. Kustomize's load restrictor keeps the files a kustomization loads
// in its own directory, but not the directories it names as bases or
// components: those it would open anywhere, and through symlinks. Every
// path krusty opens goes through here instead: cleaned, resolved through
// symlinks on disk, and refused when it leaves the root (an outsideError);
// what is then opened on disk is opened through an os.Root, which refuses
// a symlink swapped in after the check.
//
// Paths are absolute, as krusty passes them; a relative one is taken
// relative to the root, not to the process's working directory. Rendering
// never writes: the writing methods refuse.
type repoFS struct {
	// root is absolute, cleaned, symlinks resolved.
	root string
	// mem holds a commit's files (--rev) at their absolute paths below
	// root; nil: the work tree on disk.
	mem filesys.FileSystem
}

var _ filesys.FileSystem = repoFS{}

// outsideError is a path krusty asked for that is not in the repo.
type outsideError struct {
	path string
	// target is where a symlink on the way leads ("": the path itself
	// leaves the root).
	target string
}

func (e *outsideError) Error() string {
	if e.target != "" {
		return fmt.Sprintf("%s is outside the repo (through a symlink, to %s)", e.path, e.target)
	}
	return e.path + " is outside the repo"
}

// clean makes p absolute and clean, and refuses it when it is not the root
// or below it by name.
func (f repoFS) clean(p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(f.root, p)
	}
	p = filepath.Clean(p)
	if !pathx.Inside(f.root, p) {
		return "", &outsideError{path: p}
	}
	return p, nil
}

// resolve returns p relative to the root with the symlinks on disk
// resolved, refusing it when it or a symlink on the way leaves the root.
func (f repoFS) resolve(p string) (string, error) {
	abs, err := f.clean(p)
	if err != nil {
		return "", err
	}
	if real, err := pathx.EvalExisting(abs); err == nil {
		if !pathx.Inside(f.root, real) {
			return "", &outsideError{path: abs, target: real}
		}
		abs = real
	}
	rel, err := filepath.Rel(f.root, abs)
	if err != nil {
		return "", err
	}
	return rel, nil
}

// onDisk runs op with p resolved below the root, on an os.Root opened for
// it: one open and close per call keeps no descriptor between renders and
// follows a work tree that was replaced.
func (f repoFS) onDisk(p string, op func(r *os.Root, rel string) error) error {
	rel, err := f.resolve(p)
	if err != nil {
		return err
	}
	r, err := os.OpenRoot(f.root)
	if err != nil {
		return err
	}
	defer r.Close()
	return op(r, rel)
}

func refuseWrite(op, p string) error {
	return fmt.Errorf("%s %s: refused, rendering never writes to the repo", op, p)
}

// Create refuses: rendering never writes.
func (f repoFS) Create(p string) (filesys.File, error) { return nil, refuseWrite("create", p) }

// Mkdir refuses: rendering never writes.
func (f repoFS) Mkdir(p string) error { return refuseWrite("mkdir", p) }

// MkdirAll refuses: rendering never writes.
func (f repoFS) MkdirAll(p string) error { return refuseWrite("mkdir", p) }

// RemoveAll refuses: rendering never writes.
func (f repoFS) RemoveAll(p string) error { return refuseWrite("remove", p) }

// WriteFile refuses: rendering never writes.
func (f repoFS) WriteFile(p string, _ []byte) error { return refuseWrite("write", p) }

// either runs inMem with p made absolute and checked by name, for a
// commit, or onDisk with p resolved below the root, for the work tree.
func either[T any](f repoFS, p string, inMem func(abs string) (T, error), onDisk func(r *os.Root, rel string) (T, error)) (T, error) {
	var out T
	if f.mem != nil {
		abs, err := f.clean(p)
		if err != nil {
			return out, err
		}
		return inMem(abs)
	}
	err := f.onDisk(p, func(r *os.Root, rel string) (err error) {
		out, err = onDisk(r, rel)
		return err
	})
	return out, err
}

// Open opens a file in the repo for reading.
func (f repoFS) Open(p string) (filesys.File, error) {
	// Method values of f.mem would be evaluated, and panic, when it is nil.
	return either(f, p, func(abs string) (filesys.File, error) { return f.mem.Open(abs) }, func(r *os.Root, rel string) (filesys.File, error) {
		file, err := r.Open(rel)
		if err != nil {
			return nil, err // not a non-nil interface holding a nil *os.File
		}
		return file, nil
	})
}

// IsDir reports whether p is a directory in the repo.
func (f repoFS) IsDir(p string) bool {
	ok, _ := either(f, p, func(abs string) (bool, error) { return f.mem.IsDir(abs), nil },
		func(r *os.Root, rel string) (bool, error) {
			fi, err := r.Stat(rel)
			return err == nil && fi.IsDir(), nil
		})
	return ok
}

// Exists reports whether p exists in the repo.
func (f repoFS) Exists(p string) bool {
	ok, _ := either(f, p, func(abs string) (bool, error) { return f.mem.Exists(abs), nil },
		func(r *os.Root, rel string) (bool, error) {
			_, err := r.Stat(rel)
			return err == nil, nil
		})
	return ok
}

// ReadDir lists the names in a directory of the repo, sorted.
func (f repoFS) ReadDir(p string) ([]string, error) {
	return either(f, p, func(abs string) ([]string, error) { return f.mem.ReadDir(abs) }, func(r *os.Root, rel string) ([]string, error) {
		ents, err := fs.ReadDir(r.FS(), filepath.ToSlash(rel))
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names, err
	})
}

// ReadFile returns the content of a file in the repo.
func (f repoFS) ReadFile(p string) ([]byte, error) {
	return either(f, p, func(abs string) ([]byte, error) { return f.mem.ReadFile(abs) }, func(r *os.Root, rel string) ([]byte, error) { return r.ReadFile(rel) })
}

// CleanedAbs splits p, symlinks resolved, into the directory it is or is
// in and the file name ("" for a directory), as kustomize's disk file
// system does; kustomize compares these to keep files in their
// kustomization's directory and to detect cycles.
func (f repoFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	if f.mem != nil {
		abs, err := f.clean(p)
		if err != nil {
			return "", "", err
		}
		return f.mem.CleanedAbs(abs)
	}
	var abs string
	var fi fs.FileInfo
	err := f.onDisk(p, func(r *os.Root, rel string) (err error) {
		abs = filepath.Join(f.root, rel)
		fi, err = r.Stat(rel)
		return err
	})
	var outside *outsideError
	if errors.As(err, &outside) {
		return "", "", err
	}
	if err != nil {
		return "", "", fmt.Errorf("evalsymlink failure on '%s' : %w", p, err)
	}
	if fi.IsDir() {
		return filesys.ConfirmedDir(abs), "", nil
	}
	return filesys.ConfirmedDir(filepath.Dir(abs)), filepath.Base(abs), nil
}

// Glob returns the paths in the repo matching pattern, without hidden
// files unless the pattern names them, as kustomize's disk file system.
func (f repoFS) Glob(pattern string) ([]string, error) {
	abs, err := f.clean(pattern)
	if err != nil {
		return nil, err
	}
	if f.mem != nil {
		return f.mem.Glob(abs)
	}
	rel, err := filepath.Rel(f.root, abs)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(f.root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	matches, err := fs.Glob(r.FS(), filepath.ToSlash(rel))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		out = append(out, filepath.Join(f.root, filepath.FromSlash(m)))
	}
	if filesys.IsHiddenFilePath(pattern) {
		return out, nil
	}
	return filesys.RemoveHiddenFiles(out), nil
}

// Walk walks a directory of the repo like filepath.Walk: symlinks below it
// are reported, not followed.
func (f repoFS) Walk(p string, walkFn filepath.WalkFunc) error {
	if f.mem != nil {
		abs, err := f.clean(p)
		if err != nil {
			return err
		}
		return f.mem.Walk(abs, walkFn)
	}
	return f.onDisk(p, func(r *os.Root, rel string) error {
		return fs.WalkDir(r.FS(), filepath.ToSlash(rel), func(sp string, d fs.DirEntry, err error) error {
			var fi fs.FileInfo
			if d != nil {
				if info, ierr := d.Info(); ierr == nil {
					fi = info
				}
			}
			return walkFn(filepath.Join(f.root, filepath.FromSlash(sp)), fi, err)
		})
	})
}
