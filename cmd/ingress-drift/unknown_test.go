package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// liveList is a saved `kubectl get ingress -A -o yaml` with web/shop and
// web/debug.
const liveList = `apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: shop, namespace: web, uid: u1, resourceVersion: "1"}
  spec:
    rules: [{host: shop.example.com}]
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: debug, namespace: web, uid: u2, resourceVersion: "2"}
  spec:
    rules: [{host: debug.example.com}]
`

// TestUnreadableDirectoryMakesUnknown: a directory of the repo that cannot
// be read (mode 000, read by an unprivileged user: root reads anything)
// may hold the manifest of a live object. check reports that object
// unknown, blocked by the directory, never missing-git; the objects Git
// does define keep their verdicts.
func TestUnreadableDirectoryMakesUnknown(t *testing.T) {
	t.Parallel()
	// Everything the unprivileged process reads must be reachable by it.
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	repo := filepath.Join(dir, "repo")
	files := map[string]string{
		"repo/apps/shop.yaml":     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: web}\nspec:\n  rules: [{host: shop.example.com}]\n",
		"repo/private/debug.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: debug, namespace: web}\nspec:\n  rules: [{host: debug.example.com}]\n",
		"live.yaml":               liveList,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "ingress-drift")
	b, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(repo, "private"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(repo, "private"), 0o755) })

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "check", "-o", "json", "--live-file", filepath.Join(dir, "live.yaml"), "--repo", repo)
	cmd.Env = []string{"HOME=" + dir, "KUBECONFIG=/nonexistent", "NO_COLOR=1", "XDG_STATE_HOME=" + dir}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	r := runCmd(t, cmd)
	rep := decodeReport(t, r)
	if r.code != exitPartial {
		t.Errorf("exit %d, want 2 (unreadable input)\n%s", r.code, r.stderr)
	}
	got := statuses(rep)
	if got["web/debug"] != "unknown/none" || got["web/shop"] != "in-sync/none" {
		t.Errorf("statuses = %v, want web/debug unknown and web/shop in-sync\n%s", got, r.stdout)
	}
	if !strings.Contains(r.stdout, `"blockedBy": [`+"\n"+`        "private"`) {
		t.Errorf("web/debug is not blocked by the directory private:\n%s", r.stdout)
	}
	if rep.Summary["missing-git"] != 0 || rep.Summary["unknown"] != 1 {
		t.Errorf("summary = %v", rep.Summary)
	}
}
