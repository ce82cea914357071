package pathx

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Outside reports whether rel, a clean slash-separated path taken relative
// to the repo root, leaves the repo by name: absolute, or up past the root.
// The repo side's and the renders' checks of a path the repo names (a
// kustomization's entries, the config's roots and newManifestPath) are this
// one; through symlinks, see render.Files.Escapes and EvalExisting.
func Outside(rel string) bool {
	return path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../")
}

// Under reports whether rel is inside dir (both relative to the repo root,
// slash-separated; "." is the root).
func Under(rel, dir string) bool {
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// Inside reports whether p is root or below it (absolute OS paths).
func Inside(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// EvalExisting resolves the symlinks of the longest part of p that exists
// and appends the rest: a symlink leaving a directory is caught even when
// the file asked for below it does not exist.
func EvalExisting(p string) (string, error) {
	rest := ""
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		parent := filepath.Dir(p)
		if !errors.Is(err, fs.ErrNotExist) || parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// UnwrapPathError drops the path an *fs.PathError repeats, for messages
// that name the file themselves.
func UnwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
