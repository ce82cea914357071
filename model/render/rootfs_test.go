package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// repoFS on disk: what is in the repo reads as through kustomize's own disk
// file system, symlinks within the repo included; nothing outside does, by
// name or through a symlink; nothing is written.
func TestRepoFSOnDisk(t *testing.T) {
	dir, elsewhere := outsideRepo(t)
	write(t, dir, "a/file.yaml", "a\n")
	write(t, dir, "a/.hidden.yaml", "h\n")
	must(t, os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "abs-alias")))
	must(t, os.Symlink("../elsewhere", filepath.Join(dir, "out")))
	f := repoFS{root: dir}
	in := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }

	for _, p := range []string{in("a/file.yaml"), in("abs-alias/file.yaml"), in("a/../a/file.yaml")} {
		if data, err := f.ReadFile(p); err != nil || string(data) != "a\n" {
			t.Errorf("ReadFile %s = %q, %v", p, data, err)
		}
	}
	d, name, err := f.CleanedAbs(in("abs-alias/file.yaml"))
	if err != nil || d != filesys.ConfirmedDir(in("a")) || name != "file.yaml" {
		t.Errorf("CleanedAbs = %q %q %v, want the link resolved", d, name, err)
	}
	if d, name, err := f.CleanedAbs(in("abs-alias")); err != nil || d != filesys.ConfirmedDir(in("a")) || name != "" {
		t.Errorf("CleanedAbs of a directory = %q %q %v", d, name, err)
	}
	if names, err := f.ReadDir(in("a")); err != nil || !cmp.Equal(names, []string{".hidden.yaml", "file.yaml"}) {
		t.Errorf("ReadDir = %v, %v", names, err)
	}
	if m, err := f.Glob(in("a/*.yaml")); err != nil || !cmp.Equal(m, []string{in("a/file.yaml")}) {
		t.Errorf("Glob = %v, %v", m, err)
	}
	if !f.IsDir(in("abs-alias")) || !f.Exists(in("a/file.yaml")) || f.Exists(in("a/nope")) {
		t.Error("IsDir/Exists inside the repo")
	}

	outside := map[string]string{
		in("../elsewhere/ingress.yaml"): filepath.Join(elsewhere, "ingress.yaml") + " is outside the repo",
		filepath.Join(elsewhere, "x"):   filepath.Join(elsewhere, "x") + " is outside the repo",
		in("out/ingress.yaml"):          in("out/ingress.yaml") + " is outside the repo (through a symlink, to " + filepath.Join(elsewhere, "ingress.yaml") + ")",
		in("out/does-not-exist.yaml"):   in("out/does-not-exist.yaml") + " is outside the repo (through a symlink, to " + filepath.Join(elsewhere, "does-not-exist.yaml") + ")",
		in("out"):                       in("out") + " is outside the repo (through a symlink, to " + elsewhere + ")",
	}
	for p, want := range outside {
		_, err := f.ReadFile(p)
		if err == nil || err.Error() != want {
			t.Errorf("ReadFile %s: %v, want %q", p, err, want)
		}
		if _, _, err := f.CleanedAbs(p); err == nil || err.Error() != want {
			t.Errorf("CleanedAbs %s: %v, want %q", p, err, want)
		}
		if _, err := f.Open(p); err == nil {
			t.Errorf("Open %s: no error", p)
		}
		if f.Exists(p) || f.IsDir(p) {
			t.Errorf("%s exists", p)
		}
	}
	if _, err := f.ReadDir(in("out")); err == nil {
		t.Error("ReadDir of a symlink out of the repo: no error")
	}
	if _, err := f.Glob(filepath.Join(elsewhere, "*")); err == nil {
		t.Error("Glob outside the repo: no error")
	}

	for name, err := range map[string]error{
		"WriteFile": f.WriteFile(in("new.yaml"), []byte("x")),
		"MkdirAll":  f.MkdirAll(in("newdir")),
		"RemoveAll": f.RemoveAll(in("a")),
	} {
		if err == nil || !strings.Contains(err.Error(), "rendering never writes") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(in("a/file.yaml")); err != nil {
		t.Errorf("RemoveAll removed: %v", err)
	}
}

// repoFS over a commit's files in memory refuses paths outside the root by
// name.
func TestRepoFSInMemory(t *testing.T) {
	mem := filesys.MakeFsInMemory()
	must(t, mem.WriteFile("/repo/sub/a.yaml", []byte("a\n")))
	must(t, mem.WriteFile("/other/b.yaml", []byte("b\n")))
	f := repoFS{root: "/repo/sub", mem: mem}
	if data, err := f.ReadFile("/repo/sub/a.yaml"); err != nil || string(data) != "a\n" {
		t.Errorf("ReadFile inside = %q, %v", data, err)
	}
	for _, p := range []string{"/other/b.yaml", "/repo/sub/../../other/b.yaml", "../../other/b.yaml"} {
		if _, err := f.ReadFile(p); err == nil || !strings.HasSuffix(err.Error(), "/other/b.yaml is outside the repo") {
			t.Errorf("ReadFile %s: %v", p, err)
		}
		if f.Exists(p) {
			t.Errorf("%s exists", p)
		}
	}
}
