package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

// tmux drives a real terminal: the binary runs in a detached tmux session on
// its own server socket, and the test reads the screen with capture-pane.
type tmux struct {
	t       *testing.T
	socket  string
	session string
}

func newTmux(t *testing.T, width, height int, env []string, args ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is required for the end-to-end test (apt-get install tmux); `make test` installs it")
	}
	tm := &tmux{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), session: "e2e"}
	// The program's symbols follow the locale (asciiLocale): the screens
	// these tests expect are UTF-8 ones, whatever locale runs the tests.
	env = append([]string{"LC_ALL=C.UTF-8"}, env...)
	cmdline := strings.Join(append(env, quoteAll(args)...), " ")
	tm.run("new-session", "-d", "-s", tm.session, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height),
		"env "+cmdline+"; echo EXITED $?; sleep 60")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *tmux) screen() string { return tm.run("capture-pane", "-p", "-t", tm.session) }

func (tm *tmux) keys(keys ...string) {
	tm.run(append([]string{"send-keys", "-t", tm.session}, keys...)...)
}

// waitFor polls the screen until ok holds; a deadline, not a timing
// assertion: the test fails only if the screen never gets there.
func (tm *tmux) waitFor(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		if ok(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("screen never showed %s; last screen:\n%s", what, s)
	return ""
}

func rowOf(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

// TestEndToEndTUI runs the real binary in tmux against the local API server
// and a temporary git repo, changes an Ingress with kubectl, and sees its row
// change in place; then opens the detail view and quits.
func TestEndToEndTUI(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repo := t.TempDir()
	manifest := strings.Replace(syncedManifest, "  name: web\n", "  name: web\n  namespace: "+ns+"\n", 1)
	if err := os.WriteFile(filepath.Join(repo, "web.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "web.yaml"}, {"-c", "user.name=E2E", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "add web"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	env.Kubectl(t, "apply", "-f", filepath.Join(repo, "web.yaml"))

	tm := newTmux(t, 120, 30, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		binary(t), "--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo)
	tm.waitFor("web in sync", func(s string) bool {
		return strings.Contains(rowOf(s, ns+"/web"), "in-sync")
	})

	env.Kubectl(t, "-n", ns, "annotate", "ingress", "web", "nginx.ingress.kubernetes.io/ssl-redirect=false")
	s := tm.waitFor("web drifted after kubectl annotate", func(s string) bool {
		return strings.Contains(rowOf(s, ns+"/web"), "drifted")
	})
	if row := rowOf(s, ns+"/web"); !strings.Contains(row, "kubectl-annotate") {
		t.Errorf("row does not name the manager that changed it: %q", row)
	}

	tm.keys("Enter")
	tm.waitFor("the detail view with the annotation", func(s string) bool {
		return strings.Contains(s, "ssl-redirect") && strings.Contains(s, "kubectl-annotate")
	})
	tm.keys("Escape")
	// Wait for the list before the next key: ESC followed at once by q
	// reaches a terminal program as alt+q.
	tm.waitFor("the list again", func(s string) bool { return strings.Contains(s, "NAMESPACE/NAME") })
	tm.keys("q")
	tm.waitFor("the program to exit with status 0", func(s string) bool { return strings.Contains(s, "EXITED 0") })
}

// TestEndToEndReconcile reverts one drift and accepts another from the TUI
// of the real binary, against the local API server and a real git repo.
func TestEndToEndReconcile(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repo := gitRepo(t, env, ns)
	tm := newTmux(t, 120, 36, []string{"NO_COLOR=1", "TERM=xterm-256color", "XDG_STATE_HOME=" + stateDir(t)},
		binary(t), "--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo)
	row := func(status string) func(string) bool {
		return func(s string) bool { return strings.Contains(rowOf(s, ns+"/web"), status) }
	}
	tm.waitFor("web in sync", row("in-sync"))

	// Revert: a hand-added annotation goes away.
	env.Kubectl(t, "-n", ns, "annotate", "ingress", "web", "nginx.ingress.kubernetes.io/ssl-redirect=false")
	tm.waitFor("web drifted", row("drifted"))
	tm.keys("r")
	tm.waitFor("the revert preview", func(s string) bool {
		return strings.Contains(s, "Revert "+ns+"/web to Git?") && strings.Contains(s, "ssl-redirect")
	})
	tm.keys("y")
	tm.waitFor("web in sync after the revert", func(s string) bool {
		return row("in-sync")(s) && strings.Contains(s, "reverted "+ns+"/web")
	})
	if out := env.Kubectl(t, "-n", ns, "get", "ingress", "web", "-o", "jsonpath={.metadata.annotations}"); strings.Contains(out, "ssl-redirect") {
		t.Fatalf("annotation still live after the revert: %s", out)
	}

	// Accept: the live port goes into the manifest, committed.
	env.Kubectl(t, "-n", ns, "patch", "ingress", "web", "--type=json", "-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`)
	tm.waitFor("web drifted again", row("drifted"))
	tm.keys("a")
	tm.waitFor("the accept preview with the file diff", func(s string) bool {
		return strings.Contains(s, "+                  number: 8080") && strings.Contains(s, "[ ] commit")
	})
	tm.keys("c")
	tm.waitFor("commit ticked", func(s string) bool { return strings.Contains(s, "[x] commit") })
	tm.keys("y")
	tm.waitFor("web in sync after the accept", func(s string) bool {
		return row("in-sync")(s) && strings.Contains(s, "wrote the live state of "+ns+"/web")
	})
	log, err := exec.Command("git", "-C", repo, "log", "-1", "--format=%s", "--name-only").CombinedOutput()
	if err != nil || !strings.Contains(string(log), "ingress-drift: accept live state of "+ns+"/web") || !strings.Contains(string(log), "web.yaml") {
		t.Fatalf("last commit:\n%s (%v)", log, err)
	}
	tm.keys("q")
	tm.waitFor("the program to exit with status 0", func(s string) bool { return strings.Contains(s, "EXITED 0") })
}
