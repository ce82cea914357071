package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/model"
)

// The git helpers are shared with model/git's tests (see internal/gittest).
var (
	isolateGit  = gittest.Isolate
	newGitRepo  = gittest.NewRepo
	wantRefused = gittest.WantRefused
	readFile    = gittest.ReadFile
)

// openRepo opens root as --repo.
func openRepo(t *testing.T, root string, rev string) *Repo {
	t.Helper()
	r, err := Open(Options{Root: root, Rev: rev})
	if err != nil {
		t.Fatalf("Open %s: %v", root, err)
	}
	return r
}

// wantStale fails unless err is a *model.StaleError (errors.Is ErrStale)
// with the given message.
func wantStale(t *testing.T, err error, msg string) {
	t.Helper()
	var stale *model.StaleError
	if !errors.As(err, &stale) || !errors.Is(err, model.ErrStale) {
		t.Fatalf("error = %v (%T), want a *model.StaleError", err, err)
	}
	if err.Error() != msg {
		t.Errorf("error = %q, want %q", err, msg)
	}
}

// leftovers lists the temporary files a write left under dir.
func leftovers(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if strings.HasSuffix(d.Name(), ".ingress-drift-tmp") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
