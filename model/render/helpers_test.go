package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
)

// write creates a file (and its directories) under dir.
func write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(content), 0o644))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// outsideRepo makes, in a fresh directory (symlinks resolved), a repo
// directory "repo" and beside it a kustomization "elsewhere": something a
// path in the repo can reach on disk.
func outsideRepo(t *testing.T) (repo, elsewhere string) {
	parent, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	repo, elsewhere = filepath.Join(parent, "repo"), filepath.Join(parent, "elsewhere")
	write(t, elsewhere, "kustomization.yaml", "resources:\n  - ingress.yaml\n")
	write(t, elsewhere, "ingress.yaml", "kind: Ingress\n")
	must(t, os.MkdirAll(repo, 0o755))
	return repo, elsewhere
}

// memFiles is a commit's listing in memory (Files with OnDisk false): a
// kind that read the disk instead would find nothing at root.
type memFiles struct {
	root  string
	files map[string]string
	// links are symlinks leaving the repo, by path, to their targets.
	links map[string]string
}

func (m memFiles) RootDir() string { return m.root }
func (m memFiles) OnDisk() bool    { return false }

func (m memFiles) List() []string {
	out := make([]string, 0, len(m.files))
	for rel := range m.files {
		out = append(out, rel)
	}
	sort.Strings(out)
	return out
}

func (m memFiles) Stat(rel string) (bool, bool) {
	if _, ok := m.files[rel]; ok {
		return true, false
	}
	for f := range m.files {
		if rel == "." || strings.HasPrefix(f, rel+"/") {
			return true, true
		}
	}
	return false, false
}

func (m memFiles) Read(rel string) ([]byte, error) {
	data, ok := m.files[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(data), nil
}

func (m memFiles) Escapes(rel string) (string, bool) {
	for link, target := range m.links {
		if pathx.Under(rel, link) {
			return target, true
		}
	}
	return "", false
}
