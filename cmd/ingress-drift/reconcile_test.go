package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
)

// gitRepo makes a git repo with one committed manifest for namespace ns and
// applies it to the cluster.
func gitRepo(t *testing.T, env *testcluster.Env, ns string) string {
	t.Helper()
	repo := t.TempDir()
	manifest := strings.Replace(syncedManifest, "  name: web\n", "  name: web\n  namespace: "+ns+"\n", 1)
	if err := os.WriteFile(filepath.Join(repo, "web.yaml"), []byte("# the web front end\n"+manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "add web")
	env.Kubectl(t, "apply", "-f", filepath.Join(repo, "web.yaml"))
	return repo
}

// commitAll makes dir a git repo with a local identity and commits all
// its files.
func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q"}, {"config", "user.name", "E2E"}, {"config", "user.email", "e2e@example.com"},
		{"add", "."}, {"commit", "-q", "-m", msg}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// cliRepo is a namespace with web applied from a git repo, and the flags
// that point the CLI at both.
func cliRepo(t *testing.T) (env *testcluster.Env, ns, repo string, base []string) {
	t.Helper()
	env = testcluster.Get(t)
	ns = env.Namespace(t)
	repo = gitRepo(t, env, ns)
	return env, ns, repo, []string{"--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo}
}

// TestRevertAndAcceptCLI drives the CLI twins: previews, refusals without
// confirmation, a revert that removes a hand-added annotation, an accept
// with --commit, and the audit log.
func TestRevertAndAcceptCLI(t *testing.T) {
	t.Parallel()
	env, ns, repo, base := cliRepo(t)
	key := ns + "/web"

	if r := run(t, append([]string{"revert", key}, base...)...); r.code != exitOK || !strings.Contains(r.stdout, "in sync") {
		t.Fatalf("revert of an in-sync object: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	env.Kubectl(t, "-n", ns, "annotate", "ingress", "web", "nginx.ingress.kubernetes.io/ssl-redirect=false")

	// Without --yes and without a terminal: preview, then refusal.
	r := run(t, append([]string{"revert", key}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stdout, "metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]") || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("unconfirmed revert: exit %d, want 1 with the preview and a hint at --yes\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := env.Kubectl(t, "-n", ns, "get", "ingress", "web", "-o", "jsonpath={.metadata.annotations}"); !strings.Contains(out, "ssl-redirect") {
		t.Fatal("an unconfirmed revert changed the object")
	}
	r = run(t, append([]string{"revert", key, "--yes"}, base...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "reverted") {
		t.Fatalf("revert --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := env.Kubectl(t, "-n", ns, "get", "ingress", "web", "-o", "jsonpath={.metadata.annotations}"); strings.Contains(out, "ssl-redirect") {
		t.Fatalf("the hand-added annotation survived the revert: %s", out)
	}

	// Accept: the live port goes into the file, which is committed.
	env.Kubectl(t, "-n", ns, "patch", "ingress", "web", "--type=json", "-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`)
	r = run(t, append([]string{"accept", key, "--yes", "--commit"}, base...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "+                  number: 8080") || !strings.Contains(r.stdout, "committed") {
		t.Fatalf("accept --yes --commit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(repo, "web.yaml"))
	if err != nil || !strings.HasPrefix(string(b), "# the web front end\n") || !strings.Contains(string(b), "number: 8080") {
		t.Fatalf("web.yaml after accept:\n%s (%v)", b, err)
	}
	log, _ := exec.Command("git", "-C", repo, "log", "-1", "--format=%s").CombinedOutput()
	if strings.TrimSpace(string(log)) != "ingress-drift: accept live state of "+key {
		t.Errorf("last commit subject = %q", log)
	}
	if r := run(t, append([]string{"check"}, base...)...); r.code != exitOK {
		t.Errorf("check after revert and accept: exit %d, want 0\n%s", r.code, r.stdout)
	}

	// Deleting needs the typed name even with --yes.
	env.Kubectl(t, "-n", ns, "create", "ingress", "handmade", "--class=nginx", "--rule=x.example.com/*=x:80")
	if r := run(t, append([]string{"revert", ns + "/handmade", "--yes"}, base...)...); r.code != exitDrift || !strings.Contains(r.stderr, "--confirm handmade") {
		t.Fatalf("delete without --confirm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"revert", ns + "/handmade", "--yes", "--confirm", "handmade"}, base...)...); r.code != exitOK {
		t.Fatalf("delete with --confirm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	audit, err := os.ReadFile(filepath.Join(stateDir(t), "ingress-drift", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(audit)), "\n"); len(lines) != 3 ||
		!strings.Contains(lines[0], `"operation":"update-live"`) || !strings.Contains(lines[1], `"operation":"edit-manifest"`) || !strings.Contains(lines[2], `"operation":"delete-live"`) {
		t.Errorf("audit log:\n%s", audit)
	}
}

// TestAcceptCriticalNeedsConfirmCLI: accepting critical drift into Git
// (ssl-redirect turned off by hand) needs --confirm NAME even with --yes,
// and the refusal names the critical change; nothing is written until then.
func TestAcceptCriticalNeedsConfirmCLI(t *testing.T) {
	t.Parallel()
	env, ns, repo, base := cliRepo(t)
	key := ns + "/web"
	env.Kubectl(t, "-n", ns, "annotate", "ingress", "web", "nginx.ingress.kubernetes.io/ssl-redirect=false")
	before, err := os.ReadFile(filepath.Join(repo, "web.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, append([]string{"accept", key, "--yes"}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stderr, "needs --confirm web with --yes (it writes 1 critical change(s) into Git: metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect] (https-redirect-disabled))") {
		t.Fatalf("accept --yes of critical drift: exit %d, want 1 asking for --confirm web\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(repo, "web.yaml")); string(after) != string(before) {
		t.Fatalf("a refused accept wrote web.yaml:\n%s", after)
	}
	r = run(t, append([]string{"accept", key, "--yes", "--confirm", "wbe"}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stderr, `--confirm "wbe" is not the name: accept `+key+` (edit-manifest) needs --confirm web with --yes`) {
		t.Fatalf("accept --yes --confirm wbe: exit %d, want 1 saying the name does not match\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, append([]string{"accept", key, "--yes", "--confirm", "web"}, base...)...)
	if after, _ := os.ReadFile(filepath.Join(repo, "web.yaml")); r.code != exitOK || !strings.Contains(string(after), `ssl-redirect: "false"`) {
		t.Fatalf("accept --yes --confirm web: exit %d, file:\n%s\n%s%s", r.code, after, r.stdout, r.stderr)
	}
}

// refusal's exit codes: 1 refused or stale (nothing written), 4 written
// but not committed, and other errors left to main (3).
func TestRefusalExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		code int
		out  string
	}{
		{&model.RefusedError{Reason: "no"}, exitDrift, "refused: no"},
		{&model.StaleError{What: "x"}, exitDrift, "run the command again"},
		{&model.NotCommittedError{File: "a.yaml", Err: errors.New("index.lock exists")}, exitNotCommitted,
			"written, not committed: a.yaml was written as previewed, but the commit failed: index.lock exists\nthe file stays written"},
	} {
		var b strings.Builder
		var ee exitError
		if err := refusal(&b, tc.err); !errors.As(err, &ee) || ee.code != tc.code || !strings.Contains(b.String(), tc.out) {
			t.Errorf("refusal(%v) = %v, printed %q; want exit %d and %q", tc.err, err, b.String(), tc.code, tc.out)
		}
	}
	if err := refusal(&strings.Builder{}, errors.New("disk full")); err == nil || err.Error() != "disk full" {
		t.Errorf("a failed write = %v, want the error itself (exit 3)", err)
	}
}

// TestBrokenManifestBlocksDelete is the hostile test of issue 9: the
// manifest of a live Ingress gets a YAML error. The object is not
// "missing-git": check reports it unknown (exit 2) naming the file, and
// `revert --yes --confirm NAME` and `accept --yes` refuse; the object and
// the repo stay as they were.
func TestBrokenManifestBlocksDelete(t *testing.T) {
	t.Parallel()
	env, ns, repo, base := cliRepo(t)
	key := ns + "/web"
	b, err := os.ReadFile(filepath.Join(repo, "web.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// An unclosed flow sequence on line 9: nothing of the file can be read.
	broken := strings.Replace(string(b), "  rules:\n", "  rules: [\n", 1)
	if err := os.WriteFile(filepath.Join(repo, "web.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}

	r := run(t, append([]string{"check"}, base...)...)
	row := ""
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, key) {
			row = line
			break
		}
	}
	if r.code != exitPartial || !strings.HasPrefix(row, "unknown ") || !strings.Contains(row, "web.yaml:") ||
		!strings.Contains(r.stdout, "0 missing-git") {
		t.Fatalf("check: exit %d, want 2 with %s unknown (not missing-git), naming web.yaml\n%s%s", r.code, key, r.stdout, r.stderr)
	}
	r = run(t, append([]string{"check", "-o", "json"}, base...)...)
	if r.code != exitPartial || !strings.Contains(r.stdout, `"status": "unknown"`) || !strings.Contains(r.stdout, `"blockedBy": [`) {
		t.Fatalf("check -o json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = run(t, append([]string{"revert", key, "--yes", "--confirm", "web"}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stderr, "web.yaml:") || strings.Contains(r.stdout, "deleted") {
		t.Fatalf("revert --yes --confirm web: exit %d, want 1 refused naming web.yaml\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := env.Kubectl(t, "-n", ns, "get", "ingress", "web", "-o", "name"); !strings.Contains(out, "web") {
		t.Fatalf("the live Ingress is gone: %q", out)
	}
	r = run(t, append([]string{"accept", key, "--yes"}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stderr, "web.yaml:") {
		t.Fatalf("accept --yes: exit %d, want 1 refused naming web.yaml\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(repo, ns)); !os.IsNotExist(err) {
		t.Errorf("accept wrote a new manifest: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(repo, "web.yaml")); string(b) != broken {
		t.Error("web.yaml changed")
	}
}
