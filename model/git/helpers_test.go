package git

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// The git helpers are shared with model/repo's tests (see
// internal/gittest).
var (
	isolateGit    = gittest.Isolate
	gitCmd        = gittest.Cmd
	gitRun        = gittest.Run
	setupIdentity = gittest.SetupIdentity
	gitCommitAll  = gittest.CommitAll
	newGitRepo    = gittest.NewRepo
	wantRefused   = gittest.WantRefused
	readFile      = gittest.ReadFile
	write         = gittest.Write
	dirOf         = gittest.Dir
)

const (
	shopV1 = "# shop\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n"
	shopV2 = "# shop\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  annotations:\n    a: \"1\"\n"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testRepo stands in for repo.Repo in the commit tests, which came
// from there: the repo root opened as the repo side opens it, with the
// manifest writes done as plain file writes after the same hash check
// (the write-back itself is repo's and tested there).
type testRepo struct {
	g    *Repo
	root string
}

// maxBlob is repo.MaxFileSize.
const maxBlob = 5 << 20

// openRepo opens root (a work tree or a directory in one) as --repo.
func openRepo(t *testing.T, root string) *testRepo {
	t.Helper()
	root = dirOf(t, root)
	g, err := Open(root, Options{MaxBlobSize: maxBlob, TooBig: func(n int64) error { return fmt.Errorf("file is %d bytes, too big", n) }})
	if err != nil || g == nil {
		t.Fatalf("Open %s: %v, %v", root, g, err)
	}
	return &testRepo{g: g, root: root}
}

// files is the work tree as repo gives it to a commit, without its
// symlink refusal (tested in repo).
type files struct{ root *os.Root }

func (f files) Lstat(rel string) (os.FileInfo, error) { return f.root.Lstat(filepath.FromSlash(rel)) }
func (f files) Open(rel string) (*os.File, error)     { return f.root.Open(filepath.FromSlash(rel)) }

func (r *testRepo) CommitFile(ctx context.Context, rel, message string) (string, error) {
	root, err := os.OpenRoot(r.root)
	if err != nil {
		return "", err
	}
	defer root.Close()
	return r.g.CommitFile(ctx, files{root}, rel, message)
}

func (r *testRepo) CheckCommit(rel string, data []byte) (bool, error) {
	root, err := os.OpenRoot(r.root)
	if err != nil {
		return false, err
	}
	defer root.Close()
	return r.g.CheckCommit(files{root}, rel, data)
}

// WriteManifest writes data to rel when its content hashes to expected
// ("": it must not exist).
func (r *testRepo) WriteManifest(rel, expected string, data []byte) error {
	if err := r.expect(rel, expected); err != nil {
		return err
	}
	p := filepath.Join(r.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// RemoveManifest removes rel when its content hashes to expected.
func (r *testRepo) RemoveManifest(rel, expected string) error {
	if err := r.expect(rel, expected); err != nil {
		return err
	}
	return os.Remove(filepath.Join(r.root, filepath.FromSlash(rel)))
}

// ReadManifest reads rel and its hash.
func (r *testRepo) ReadManifest(rel string) ([]byte, string, error) {
	data, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, "", err
	}
	return data, manifest.Hash(data), nil
}

func (r *testRepo) expect(rel, expected string) error {
	data, _, err := r.ReadManifest(rel)
	switch {
	case expected == "" && os.IsNotExist(err):
		return nil
	case err != nil:
		return err
	case manifest.Hash(data) != expected:
		return fmt.Errorf("%s changed", rel)
	}
	return nil
}
