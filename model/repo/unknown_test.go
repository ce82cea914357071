package repo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// shopRepo is a repo at DIR/repo (so that the root itself can go) whose
// one manifest defines web/shop, and an inventory whose cluster holds
// web/shop and web/debug.
func shopRepo(t *testing.T) (root string, r *Repo, inv *model.Inventory) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "repo")
	write(t, root, "apps/shop.yaml", ingressYAML("web", "shop", "shop.example.com"))
	r, err := Open(Options{Root: root})
	must(t, err)
	return root, r, liveInv()
}

// liveInv is an inventory whose cluster holds web/shop and web/debug.
func liveInv() *model.Inventory {
	inv := model.NewInventory(diffengine.Options{})
	for _, name := range []string{"shop", "debug"} {
		inv.UpsertLive(&model.LiveObject{Ingress: &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: name}}})
	}
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	return inv
}

func entryOf(inv *model.Inventory, name string) model.Entry {
	e, _ := inv.Get(model.Key{Namespace: "web", Name: name})
	return e
}

// knownMissing reports whether name is missing-git as a verdict.
func knownMissing(inv *model.Inventory, name string) bool {
	e := entryOf(inv, name)
	return e.Status == model.StatusMissingGit && !e.GitUnknown
}

// TestWatchRootVanishes: the repo root moved away or deleted while watched
// is a repo error that blocks every missing-git verdict, not "everything
// is unmanaged": what was read is kept. When it comes back it is read
// again; when it comes back empty it stays an error.
func TestWatchRootVanishes(t *testing.T) {
	root, r, inv := shopRepo(t)
	watchInto(t, r, inv)
	if !knownMissing(inv, "debug") || entryOf(inv, "shop").Status == model.StatusMissingGit {
		t.Fatalf("after the scan: debug %+v, shop %s", entryOf(inv, "debug"), entryOf(inv, "shop").Status)
	}

	// Moved away: one event, nothing removed.
	must(t, os.Rename(root, root+".old"))
	waitFor(t, "the repo error", func() bool { return inv.Snapshot().Repo.Unreadable })
	if e := entryOf(inv, "debug"); !e.GitUnknown || e.BlockedPlaces(3) != "the repo root" {
		t.Errorf("debug with the root gone: GitUnknown %v, blocked by %q", e.GitUnknown, e.BlockedPlaces(3))
	}
	if e := entryOf(inv, "shop"); e.Status == model.StatusMissingGit {
		t.Errorf("shop lost its manifest when the root went: %s", e.Status)
	}
	if s := inv.Snapshot().Repo.Err; !strings.Contains(s, root) || !strings.Contains(s, "gone") {
		t.Errorf("repo error = %q, want the root named as gone", s)
	}

	// Back: read again, the verdicts are facts again.
	must(t, os.Rename(root+".old", root))
	waitFor(t, "the repo read again", func() bool { return !inv.Snapshot().Repo.Unreadable && knownMissing(inv, "debug") })
	write(t, root, "apps/debug.yaml", ingressYAML("web", "debug", "debug.example.com"))
	waitFor(t, "a new file seen in the root that came back", func() bool { return entryOf(inv, "debug").Status != model.StatusMissingGit })

	// Deleted, files first: whatever batches the removals fall into, no
	// verdict says missing-git once the root is gone.
	must(t, os.RemoveAll(root))
	waitFor(t, "the repo error", func() bool { return inv.Snapshot().Repo.Unreadable })
	for _, name := range []string{"shop", "debug"} {
		if knownMissing(inv, name) {
			t.Errorf("%s is missing-git with the root deleted", name)
		}
	}

	// Recreated empty (a clone about to start): still an error.
	must(t, os.Mkdir(root, 0o755))
	waitFor(t, "the empty root read", func() bool { return strings.Contains(inv.Snapshot().Repo.Err, "without manifests") })
	if !inv.Snapshot().Repo.Unreadable || knownMissing(inv, "shop") || knownMissing(inv, "debug") {
		t.Errorf("a root that came back empty: %+v, shop %+v", inv.Snapshot().Repo, entryOf(inv, "shop"))
	}
	// The manifests arrive: read, and the error clears.
	write(t, root, "apps/shop.yaml", ingressYAML("web", "shop", "shop.example.com"))
	waitFor(t, "the refilled root", func() bool {
		return !inv.Snapshot().Repo.Unreadable && knownMissing(inv, "debug") && entryOf(inv, "shop").Status != model.StatusMissingGit
	})
}

// TestScanUnreadableRootBlocks: a scan that cannot list the root reports a
// repo error and keeps what an earlier scan read; no entry becomes a
// missing-git verdict until the root is read again.
func TestScanUnreadableRootBlocks(t *testing.T) {
	root, r, inv := shopRepo(t)
	must(t, r.Scan(context.Background(), inv))
	must(t, os.RemoveAll(root))
	if err := r.Scan(context.Background(), inv); err == nil {
		t.Fatal("Scan of a deleted root succeeded")
	}
	if rs := inv.Snapshot().Repo; !rs.Unreadable || rs.Err == "" {
		t.Errorf("repo state = %+v, want an unreadable root", rs)
	}
	if knownMissing(inv, "debug") || knownMissing(inv, "shop") {
		t.Errorf("missing-git verdicts with the root gone: debug %+v, shop %+v", entryOf(inv, "debug"), entryOf(inv, "shop"))
	}
	// Readable again: the next refresh (a watch batch, a write) reads it
	// all, and the error clears.
	write(t, root, "apps/shop.yaml", ingressYAML("web", "shop", "shop.example.com"))
	must(t, r.Refresh(context.Background(), inv))
	if rs := inv.Snapshot().Repo; rs.Unreadable || rs.Err != "" || !knownMissing(inv, "debug") {
		t.Errorf("after the root came back: repo %+v, debug %+v", rs, entryOf(inv, "debug"))
	}
}

// TestYAMLErrorBlocksThroughScan: a manifest with a YAML error, read by a
// real scan, makes the live object it defined unknown, naming the file.
func TestYAMLErrorBlocksThroughScan(t *testing.T) {
	root := t.TempDir()
	write(t, root, "apps/shop.yaml", strings.Replace(ingressYAML("web", "shop", "shop.example.com"), "spec:", "spec: [", 1))
	r, err := Open(Options{Root: root})
	must(t, err)
	inv := liveInv()
	must(t, r.Scan(context.Background(), inv))
	e := entryOf(inv, "shop")
	if e.Status != model.StatusMissingGit || !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0].File != "apps/shop.yaml" {
		t.Fatalf("shop = %s, GitUnknown %v, BlockedBy %v; want unknown, blocked by apps/shop.yaml", e.Status, e.GitUnknown, e.BlockedBy)
	}
}

// TestWatchUnreadableNewDirectory: a directory that appears while watched
// and cannot be listed (mode 300, read by an unprivileged user: root reads
// anything) may hold manifests. It becomes an error source that blocks
// missing-git verdicts, instead of being skipped in silence. As root, the
// test runs itself again as nobody.
func TestWatchUnreadableNewDirectory(t *testing.T) {
	if dir := os.Getenv("REPO_UNREADABLE_DIR"); dir != "" {
		unreadableNewDirectory(t, dir)
		return
	}
	if os.Geteuid() != 0 {
		work := t.TempDir()
		t.Cleanup(func() { _ = os.Chmod(filepath.Join(work, "repo", "private"), 0o755) })
		unreadableNewDirectory(t, work)
		return
	}
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		must(t, os.Chmod(d, 0o755))
	}
	work := filepath.Join(dir, "work")
	must(t, os.Mkdir(work, 0o777))
	must(t, os.Chmod(work, 0o777))
	self, err := os.ReadFile(os.Args[0])
	must(t, err)
	bin := filepath.Join(dir, "repo.test")
	must(t, os.WriteFile(bin, self, 0o755))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestWatchUnreadableNewDirectory$", "-test.count=1", "-test.v")
	cmd.Env = []string{"HOME=" + work, "REPO_UNREADABLE_DIR=" + work}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestWatchUnreadableNewDirectory") {
		t.Fatalf("as nobody, the test did not run:\n%s", out)
	}
}

// unreadableNewDirectory is TestWatchUnreadableNewDirectory as a user that
// mode 300 keeps out, in the writable directory work.
func unreadableNewDirectory(t *testing.T, work string) {
	root := filepath.Join(work, "repo")
	write(t, root, "apps/shop.yaml", ingressYAML("web", "shop", "shop.example.com"))
	r, err := Open(Options{Root: root})
	must(t, err)
	inv := liveInv()
	watchInto(t, r, inv)
	if !knownMissing(inv, "debug") {
		t.Fatalf("debug before: %+v", entryOf(inv, "debug"))
	}
	// Built outside and moved in whole, already unreadable: write and
	// search only (moving a directory needs write permission on it).
	write(t, work, "outside/private/debug.yaml", ingressYAML("web", "debug", "debug.example.com"))
	must(t, os.Chmod(filepath.Join(work, "outside", "private"), 0o300))
	must(t, os.Rename(filepath.Join(work, "outside", "private"), filepath.Join(root, "private")))
	waitFor(t, "debug to be unknown", func() bool {
		e := entryOf(inv, "debug")
		return e.GitUnknown && len(e.BlockedBy) == 1 && e.BlockedBy[0].File == "private"
	})
	must(t, os.Chmod(filepath.Join(root, "private"), 0o755))
}
