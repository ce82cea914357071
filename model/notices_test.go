package model_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// TestNoticesAreNotErrors: a RepoError marked Notice is kept apart at
// SetSource. It makes no entry and no error entry, blocks no missing-git
// verdict (GitUnknown, BlockedBy), counts in no summary or exit code, and
// is in Snapshot.Notices and the report's notices, sorted by place; the
// source's errors beside it still block. Replacing or removing the source
// replaces or drops its notices, and subscribers get them in a batch.
func TestNoticesAreNotErrors(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	k := model.Key{Namespace: "shop", Name: "debug"}
	inv.UpsertLive(live(ingress("shop", "debug", "debug.example.com", 80)))
	ch, cancel := inv.Subscribe()
	defer cancel()

	unknownValues := model.RepoError{File: "apps/web.yaml", Line: 3, Message: "values not all known: valuesFrom Secret web-values is never read", Notice: true}
	unused := model.RepoError{File: "charts/old", Message: "no release renders this chart", Notice: true}
	inv.SetSource("charts", nil, []model.RepoError{unused})
	inv.SetSource("apps/web.yaml", []model.Desired{desired(ingress("shop", "web", "web.example.com", 80), "apps/web.yaml", 3)},
		[]model.RepoError{unknownValues})

	e := mustGet(t, inv, k)
	if e.Status != model.StatusMissingGit || e.GitUnknown || len(e.BlockedBy) != 0 {
		t.Errorf("with notices only: %s, GitUnknown %v, BlockedBy %v; want missing-git, known", e.Status, e.GitUnknown, e.BlockedBy)
	}
	snap := inv.Snapshot()
	if want := []model.RepoError{unknownValues, unused}; !cmp.Equal(snap.Notices, want) {
		t.Errorf("Snapshot.Notices = %v, want %v (sorted by place)", snap.Notices, want)
	}
	for _, en := range snap.Entries {
		if en.Status == model.StatusError || len(en.Errors) > 0 {
			t.Errorf("a notice made an error entry: %s %s %v", en.Key, en.Status, en.Errors)
		}
	}
	if n := snap.Summary()[model.StatusError]; n != 0 {
		t.Errorf("summary counts %d errors, want 0", n)
	}
	if code := snap.ExitCode(); code != 1 {
		t.Errorf("exit code = %d, want 1 (a missing object; notices do not make it 2)", code)
	}
	waitNotices(t, ch, 2)

	// An error beside a notice in the same source still blocks.
	broken := model.RepoError{File: "apps/web.yaml", Line: 9, Message: "render: template: boom"}
	inv.SetSource("apps/web.yaml", nil, []model.RepoError{unknownValues, broken})
	if e := mustGet(t, inv, k); !e.GitUnknown || !slices.Equal(e.BlockedBy, []model.RepoError{broken}) {
		t.Errorf("with an error and a notice: GitUnknown %v, BlockedBy %v; want blocked by the error alone", e.GitUnknown, e.BlockedBy)
	}
	if got := inv.Notices(); len(got) != 2 {
		t.Errorf("notices after the error arrived = %v, want both", got)
	}

	// The source replaced without its notice, then the other removed.
	inv.SetSource("apps/web.yaml", nil, nil)
	inv.RemoveSource("charts")
	if got := inv.Notices(); len(got) != 0 {
		t.Errorf("notices after their sources went = %v", got)
	}
	waitNotices(t, ch, 0)
}

// waitNotices waits for a batch that says the notices changed to n.
func waitNotices(t *testing.T, ch <-chan model.Batch, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b := <-ch:
			if b.NoticesChanged && len(b.Notices) == n {
				return
			}
		case <-deadline:
			t.Fatalf("no batch with %d notices", n)
		}
	}
}

// TestReportNotices: check -o json lists notices (file, line, message)
// under a top-level notices list, empty when there are none, and not under
// errors; the streamed report matches the one built whole.
func TestReportNotices(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	inv.SetSource("apps/broken.yaml", nil, []model.RepoError{{File: "apps/broken.yaml", Line: 9, Message: "bad"}})
	inv.SetSource("apps/web.yaml", nil, []model.RepoError{{File: "apps/web.yaml", Line: 3, Message: "values not all known", Notice: true}})
	for name, snap := range map[string]model.Snapshot{"with": inv.Snapshot(), "without": model.NewInventory(diffengine.Options{}).Snapshot()} {
		var streamed strings.Builder
		if err := model.WriteReportJSON(&streamed, snap); err != nil {
			t.Fatal(err)
		}
		whole, _ := json.MarshalIndent(model.NewReport(snap), "", "  ")
		if d := cmp.Diff(string(whole)+"\n", streamed.String()); d != "" {
			t.Errorf("%s: streamed report differs (-whole +streamed):\n%s", name, d)
		}
		var doc struct {
			Errors  []map[string]any `json:"errors"`
			Notices []map[string]any `json:"notices"`
		}
		if err := json.Unmarshal([]byte(streamed.String()), &doc); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(streamed.String(), `"notices": [`) {
			t.Errorf("%s: no notices list in\n%s", name, streamed.String())
		}
		if name == "without" {
			continue
		}
		want := []map[string]any{{"file": "apps/web.yaml", "line": 3.0, "message": "values not all known"}}
		if d := cmp.Diff(want, doc.Notices); d != "" {
			t.Errorf("notices (-want +got):\n%s", d)
		}
		if len(doc.Errors) != 1 || doc.Errors[0]["file"] != "apps/broken.yaml" {
			t.Errorf("errors = %v, want only apps/broken.yaml", doc.Errors)
		}
	}
}
