package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
)

// isolateGit makes the git config hermetic for both the code under test
// and the git command: HOME is a new temporary directory, XDG_CONFIG_HOME
// and the GIT_* variables that change what git reads are unset, and the
// system config is skipped. It returns the new HOME.
func isolateGit(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_DIR", "GIT_WORK_TREE",
		"GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG_COUNT",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE"} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
	return home
}

// gitCmd runs the real git in dir and returns its trimmed output; a failure
// fails the test.
func gitCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitRun(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return strings.TrimRight(string(out), "\n"), err
}

// setupIdentity are the -c options for commits made by the tests' setup
// (not by the code under test).
var setupIdentity = []string{"-c", "user.name=Setup", "-c", "user.email=setup@example.com", "-c", "commit.gpgsign=false"}

// gitCommitAll commits everything in dir with the real git as Setup.
func gitCommitAll(t testing.TB, dir, msg string) string {
	t.Helper()
	gitCmd(t, dir, "add", "-A")
	gitCmd(t, dir, append(setupIdentity, "commit", "-q", "-m", msg)...)
	return gitCmd(t, dir, "rev-parse", "HEAD")
}

// newGitRepo makes a git repository (branch main) in a new temporary
// directory with the given files, committed when commitFiles is set.
func newGitRepo(t *testing.T, files map[string]string, commitFiles bool) string {
	t.Helper()
	dir := dirOf(t, t.TempDir())
	gitCmd(t, dir, "init", "-q", "-b", "main")
	for rel, content := range files {
		write(t, dir, rel, content)
	}
	if commitFiles {
		gitCommitAll(t, dir, "initial")
	}
	return dir
}

// openRepo opens root as --repo.
func openRepo(t *testing.T, root string, rev string) *Repo {
	t.Helper()
	r, err := Open(Options{Root: root, Rev: rev})
	if err != nil {
		t.Fatalf("Open %s: %v", root, err)
	}
	return r
}

// wantRefused fails unless err is a *model.RefusedError whose message
// contains every part.
func wantRefused(t *testing.T, err error, parts ...string) {
	t.Helper()
	var refused *model.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("error = %v (%T), want a *model.RefusedError", err, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
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

// readFile returns a file's content under dir.
func readFile(t testing.TB, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
