package model_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// read marks the repo's first scan as reported.
func read(inv *model.Inventory) { inv.SetRepo(model.RepoState{Root: "/repo"}) }

// TestGitUnknownWhileAnInputCannotBeRead: a live object in no manifest is
// missing-git only while every repo input that could define it was read.
// A YAML error that names no object makes it unknown, naming the file; the
// fix makes it missing-git again. An error that names its object (its own
// error entry) blocks nothing else.
func TestGitUnknownWhileAnInputCannotBeRead(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	k := model.Key{Namespace: "shop", Name: "shop"}
	inv.UpsertLive(live(ingress("shop", "shop", "shop.example.com", 80)))
	if e := mustGet(t, inv, k); e.Status != model.StatusMissingGit || e.GitUnknown {
		t.Fatalf("no manifest, repo read: %s, GitUnknown %v; want missing-git, known", e.Status, e.GitUnknown)
	}
	old := model.Key{Namespace: "tools", Name: "old"}
	inv.SetSource("legacy.yaml", nil, []model.RepoError{{File: "legacy.yaml", Line: 1, Message: "extensions/v1beta1", Key: &old}})
	if e := mustGet(t, inv, k); e.GitUnknown {
		t.Fatal("an error that names its object (tools/old) made shop/shop unknown")
	}

	ch, cancel := inv.Subscribe()
	defer cancel()
	broken := model.RepoError{File: "apps/shop/ingress.yaml", Line: 3, Message: "YAML: did not find expected key"}
	inv.SetSource("apps/shop/ingress.yaml", nil, []model.RepoError{broken})
	e := mustGet(t, inv, k)
	if e.Status != model.StatusMissingGit || !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0] != broken {
		t.Fatalf("with a YAML error: %s, GitUnknown %v, BlockedBy %v; want unknown, blocked by %v", e.Status, e.GitUnknown, e.BlockedBy, broken)
	}
	if e.ReportStatus() != model.StatusUnknown {
		t.Errorf("report status = %s, want unknown", e.ReportStatus())
	}
	if why := e.GitUnknownReason(); !strings.Contains(why, "apps/shop/ingress.yaml:3") {
		t.Errorf("reason %q does not name the file and line", why)
	}
	waitChanged(t, ch, k, true)

	// Another namespace is blocked too: the broken file's namespace is
	// not known.
	other := model.Key{Namespace: "blog", Name: "blog"}
	inv.UpsertLive(live(ingress("blog", "blog", "blog.example.com", 80)))
	if e := mustGet(t, inv, other); !e.GitUnknown {
		t.Error("blog/blog in another namespace is not unknown")
	}

	// Objects Git does define keep their verdicts.
	inv.UpsertLive(live(ingress("shop", "api", "api.example.com", 80)))
	inv.SetSource("apps/api.yaml", []model.Desired{desired(ingress("shop", "api", "api.example.com", 80), "apps/api.yaml", 1)}, nil)
	if e := mustGet(t, inv, model.Key{Namespace: "shop", Name: "api"}); e.Status != model.StatusInSync || e.GitUnknown {
		t.Errorf("a defined object: %s, GitUnknown %v", e.Status, e.GitUnknown)
	}

	// Fixed: the file now defines the object.
	inv.SetSource("apps/shop/ingress.yaml", []model.Desired{desired(ingress("shop", "shop", "shop.example.com", 80), "apps/shop/ingress.yaml", 1)}, nil)
	if e := mustGet(t, inv, k); e.Status != model.StatusInSync || e.GitUnknown {
		t.Errorf("after the fix: %s, GitUnknown %v; want in-sync", e.Status, e.GitUnknown)
	}
	if e := mustGet(t, inv, other); e.Status != model.StatusMissingGit || e.GitUnknown || e.BlockedBy != nil {
		t.Errorf("blog/blog after the fix: %s, GitUnknown %v, BlockedBy %v; want missing-git", e.Status, e.GitUnknown, e.BlockedBy)
	}
}

// TestGitUnknownUntilRepoRead: before the first scan is reported no key is
// known to be missing from Git, like LiveUnknown on the other side.
func TestGitUnknownUntilRepoRead(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	k := model.Key{Namespace: "shop", Name: "debug"}
	inv.UpsertLive(live(ingress("shop", "debug", "debug.example.com", 80)))
	inv.SetRepo(model.RepoState{Root: "/repo", Scanning: true})
	if e := mustGet(t, inv, k); !e.GitUnknown || len(e.BlockedBy) != 0 || !strings.Contains(e.GitUnknownReason(), "not been read yet") {
		t.Fatalf("while scanning: GitUnknown %v, BlockedBy %v, reason %q", e.GitUnknown, e.BlockedBy, e.GitUnknownReason())
	}
	read(inv)
	if e := mustGet(t, inv, k); e.GitUnknown {
		t.Fatal("still unknown after the scan was reported")
	}
	// A rescan later keeps what is known.
	inv.SetRepo(model.RepoState{Root: "/repo", Scanning: true})
	if e := mustGet(t, inv, k); e.GitUnknown {
		t.Error("a rescan made a known entry unknown again")
	}
}

// TestGitUnknownWhileRepoUnreadable: a root that cannot be read makes every
// missing-git entry unknown, blocked by the root; it keeps what was read.
func TestGitUnknownWhileRepoUnreadable(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	k := model.Key{Namespace: "shop", Name: "debug"}
	inv.UpsertLive(live(ingress("shop", "debug", "debug.example.com", 80)))
	inv.UpsertLive(live(ingress("shop", "shop", "shop.example.com", 8081)))
	inv.SetSource("shop.yaml", []model.Desired{desired(ingress("shop", "shop", "shop.example.com", 80), "shop.yaml", 1)}, nil)
	inv.SetRepo(model.RepoState{Root: "/repo", Err: "repo root /repo no longer exists", Unreadable: true})
	e := mustGet(t, inv, k)
	if !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0].File != "." || e.BlockedPlaces(3) != "the repo root" {
		t.Fatalf("root gone: GitUnknown %v, BlockedBy %v", e.GitUnknown, e.BlockedBy)
	}
	if !strings.Contains(e.GitUnknownReason(), "no longer exists") {
		t.Errorf("reason = %q", e.GitUnknownReason())
	}
	if e := mustGet(t, inv, model.Key{Namespace: "shop", Name: "shop"}); e.Status != model.StatusDrifted {
		t.Errorf("the drifted object read before: %s", e.Status)
	}
	if code := inv.Snapshot().ExitCode(); code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	read(inv)
	if e := mustGet(t, inv, k); e.GitUnknown {
		t.Error("still unknown after the root came back")
	}
}

// TestGitUnknownInReport: check's JSON never says missing-git for an
// unverified absence: status unknown, with the blocking places, counted
// apart, exit 2.
func TestGitUnknownInReport(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	inv.UpsertLive(live(ingress("shop", "debug", "debug.example.com", 80)))
	inv.SetSource("apps/a.yaml", nil, []model.RepoError{{File: "apps/a.yaml", Line: 4, Message: "YAML: bad"}})
	inv.SetSource("apps/b", nil, []model.RepoError{{File: "apps/b", Message: "cannot read: permission denied"}})
	snap := inv.Snapshot()
	var b strings.Builder
	if err := model.WriteReportJSON(&b, snap); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Objects []struct {
			Namespace, Name, Status string
			BlockedBy               []string `json:"blockedBy"`
		}
		Summary map[string]int
	}
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range doc.Objects {
		if o.Name == "debug" {
			found = true
			if o.Status != "unknown" || strings.Join(o.BlockedBy, " ") != "apps/a.yaml:4 apps/b" {
				t.Errorf("shop/debug: status %q, blockedBy %v; want unknown, [apps/a.yaml:4 apps/b]", o.Status, o.BlockedBy)
			}
		}
	}
	if !found {
		t.Fatal("shop/debug not in the report")
	}
	if doc.Summary["unknown"] != 1 || doc.Summary["missing-git"] != 0 {
		t.Errorf("summary = %v, want unknown 1, missing-git 0", doc.Summary)
	}
	if code := snap.ExitCode(); code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
}

// waitChanged waits for a batch that carries k with the given GitUnknown.
func waitChanged(t *testing.T, ch <-chan model.Batch, k model.Key, unknown bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b := <-ch:
			for _, e := range b.Changed {
				if e.Key == k && e.GitUnknown == unknown {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no batch with %s GitUnknown=%v", k, unknown)
		}
	}
}
