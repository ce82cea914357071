// Package gittest holds the helpers that tests of model/git and
// model/repo share to build real git repositories in t.TempDir() and
// to ask the real git what it sees (the git command must be on PATH).
package gittest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
)

// Isolate makes the git config hermetic for both the code under test
// and the git command: HOME is a new temporary directory, XDG_CONFIG_HOME
// and the GIT_* variables that change what git reads are unset, and the
// system config is skipped. It returns the new HOME.
func Isolate(t *testing.T) string {
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

// Cmd runs the real git in dir and returns its trimmed output; a failure
// fails the test.
func Cmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := Run(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Run runs the real git in dir and returns its trimmed combined output.
func Run(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return strings.TrimRight(string(out), "\n"), err
}

// SetupIdentity are the -c options for commits made by the tests' setup
// (not by the code under test).
var SetupIdentity = []string{"-c", "user.name=Setup", "-c", "user.email=setup@example.com", "-c", "commit.gpgsign=false"}

// CommitAll commits everything in dir with the real git as Setup and
// returns the new HEAD.
func CommitAll(t testing.TB, dir, msg string) string {
	t.Helper()
	Cmd(t, dir, "add", "-A")
	Cmd(t, dir, append(SetupIdentity, "commit", "-q", "-m", msg)...)
	return Cmd(t, dir, "rev-parse", "HEAD")
}

// NewRepo makes a git repository (branch main) in a new temporary
// directory (symlinks resolved) with the given files, committed when
// commitFiles is set.
func NewRepo(t *testing.T, files map[string]string, commitFiles bool) string {
	t.Helper()
	dir := Dir(t, t.TempDir())
	Cmd(t, dir, "init", "-q", "-b", "main")
	for rel, content := range files {
		Write(t, dir, rel, content)
	}
	if commitFiles {
		CommitAll(t, dir, "initial")
	}
	return dir
}

// Write creates a file (and its directories) under dir; an existing file
// keeps its mode.
func Write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadFile returns a file's content under dir.
func ReadFile(t testing.TB, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Dir is dir with symlinks resolved, as the repo side reports roots.
func Dir(t testing.TB, dir string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// WantRefused fails unless err is a *model.RefusedError whose message
// contains every part.
func WantRefused(t *testing.T, err error, parts ...string) {
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
