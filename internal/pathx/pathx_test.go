package pathx

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOutsideUnderInside(t *testing.T) {
	for rel, want := range map[string]bool{
		"a/b.yaml": false, ".": false, "..a": false, "a/../b": false,
		"..": true, "../a": true, "/etc": true,
	} {
		if Outside(rel) != want {
			t.Errorf("Outside(%q) = %v", rel, !want)
		}
	}
	for _, c := range []struct {
		rel, dir string
		want     bool
	}{
		{"a/b", "a", true}, {"a", "a", true}, {"a/b", ".", true},
		{"ab/c", "a", false}, {"a", "a/b", false},
	} {
		if Under(c.rel, c.dir) != c.want {
			t.Errorf("Under(%q, %q) = %v", c.rel, c.dir, !c.want)
		}
	}
	root := filepath.FromSlash("/r/repo")
	for p, want := range map[string]bool{
		root: true, filepath.Join(root, "a"): true,
		root + "x": false, filepath.Dir(root): false,
	} {
		if Inside(root, p) != want {
			t.Errorf("Inside(%q, %q) = %v", root, p, !want)
		}
	}
}

// EvalExisting resolves the part that exists: a symlinked directory is
// followed even when the file below it is missing.
func TestEvalExisting(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	got, err := EvalExisting(filepath.Join(dir, "link", "missing", "x.yaml"))
	if want := filepath.Join(target, "missing", "x.yaml"); err != nil || got != want {
		t.Errorf("EvalExisting = %q, %v; want %q", got, err, want)
	}
}
