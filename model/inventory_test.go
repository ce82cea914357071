package model_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

func ingress(ns, name, host string, port int32) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: host,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: port}}},
			}}}},
		}}},
	}
}

func live(ing *networkingv1.Ingress, owners ...model.FieldOwner) *model.LiveObject {
	l := &model.LiveObject{Ingress: ing, Owners: owners}
	for _, o := range owners {
		l.Managers = append(l.Managers, *o.Manager)
	}
	return l
}

func desired(ing *networkingv1.Ingress, file string, line int) model.Desired {
	ns := ing.Namespace
	if ns == "" {
		ns = "default"
	}
	return model.Desired{Ingress: ing, Namespace: ns, Origin: model.Origin{File: file, Line: line, Item: -1}}
}

func mustGet(t *testing.T, inv *model.Inventory, k model.Key) model.Entry {
	t.Helper()
	e, ok := inv.Get(k)
	if !ok {
		t.Fatalf("no entry for %s", k)
	}
	return e
}

func TestStatuses(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	patch := model.Manager{Manager: "kubectl-patch", Operation: "Update", Time: time.Date(2026, 11, 23, 14, 2, 11, 0, time.UTC)}

	// in sync: same object on both sides.
	inv.UpsertLive(live(ingress("web", "same", "same.example.com", 80)))
	inv.SetSource("apps/same.yaml", []model.Desired{desired(ingress("web", "same", "same.example.com", 80), "apps/same.yaml", 1)}, nil)
	// drifted: the port changed live, by kubectl-patch.
	inv.UpsertLive(live(ingress("web", "shop", "shop.example.com", 8081), model.FieldOwner{Field: []string{"spec", "rules"}, Manager: &patch}))
	inv.SetSource("apps/shop.yaml", []model.Desired{desired(ingress("web", "shop", "shop.example.com", 8080), "apps/shop.yaml", 3)}, nil)
	// missing-live and missing-git.
	inv.SetSource("apps/gone.yaml", []model.Desired{desired(ingress("web", "gone", "gone.example.com", 80), "apps/gone.yaml", 1)}, nil)
	inv.UpsertLive(live(ingress("web", "handmade", "debug.example.com", 80)))
	// conflict: defined in two files.
	inv.SetSource("a.yaml", []model.Desired{desired(ingress("web", "twice", "a.example.com", 80), "a.yaml", 1)}, nil)
	inv.SetSource("b.yaml", []model.Desired{desired(ingress("web", "twice", "b.example.com", 80), "b.yaml", 7)}, nil)
	// error: with and without a key.
	oldKey := model.Key{Namespace: "web", Name: "old"}
	inv.SetSource("legacy.yaml", nil, []model.RepoError{
		{File: "legacy.yaml", Line: 1, Message: "extensions/v1beta1 Ingress was removed", Key: &oldKey},
		{File: "legacy.yaml", Line: 12, Message: "yaml: line 12: did not find expected key"},
	})

	want := map[string]model.Status{
		"web/same": model.StatusInSync, "web/shop": model.StatusDrifted, "web/gone": model.StatusMissingLive,
		"web/handmade": model.StatusMissingGit, "web/twice": model.StatusConflict, "web/old": model.StatusError,
		"/legacy.yaml:12": model.StatusError,
	}
	snap := inv.Snapshot()
	got := map[string]model.Status{}
	for _, e := range snap.Entries {
		got[e.Key.String()] = e.Status
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}

	shop := mustGet(t, inv, model.Key{Namespace: "web", Name: "shop"})
	if len(shop.Changes) != 1 {
		t.Fatalf("shop changes = %+v, want one (the port)", shop.Changes)
	}
	c := shop.Changes[0]
	if c.Op != diffengine.OpChanged || c.Category != diffengine.CategoryRouting || !strings.HasSuffix(c.Path, "port.number") {
		t.Errorf("shop change = %+v, want a routing change of the port number", c.Change)
	}
	if len(c.Managers) != 1 || c.Managers[0] != patch {
		t.Errorf("shop change managers = %+v, want [%v]", c.Managers, patch)
	}
	if shop.Severity != diffengine.SeverityHigh || !cmp.Equal(shop.Categories, []diffengine.Category{diffengine.CategoryRouting}) {
		t.Errorf("shop severity/categories = %v %v", shop.Severity, shop.Categories)
	}
	twice := mustGet(t, inv, model.Key{Namespace: "web", Name: "twice"})
	if len(twice.Desired) != 2 || twice.Desired[0].Origin.File != "a.yaml" || twice.Desired[1].Origin.File != "b.yaml" {
		t.Errorf("conflict origins = %+v, want a.yaml then b.yaml", twice.Desired)
	}
	if code := snap.ExitCode(); code != 2 {
		t.Errorf("exit code = %d, want 2 (unreadable input)", code)
	}
	sum := snap.Summary()
	if sum[model.StatusError] != 2 || sum[model.StatusInSync] != 1 || sum[model.StatusDrifted] != 1 {
		t.Errorf("summary = %v", sum)
	}
}

func TestSourceReplacementAndRemoval(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	k := model.Key{Namespace: "web", Name: "shop"}
	inv.UpsertLive(live(ingress("web", "shop", "shop.example.com", 80)))
	inv.SetSource("shop.yaml", []model.Desired{desired(ingress("web", "shop", "shop.example.com", 80), "shop.yaml", 1)}, nil)
	if e := mustGet(t, inv, k); e.Status != model.StatusInSync {
		t.Fatalf("status = %s, want in-sync", e.Status)
	}
	// The file now defines another object: shop loses its manifest.
	inv.SetSource("shop.yaml", []model.Desired{desired(ingress("web", "other", "o.example.com", 80), "shop.yaml", 1)}, nil)
	if e := mustGet(t, inv, k); e.Status != model.StatusMissingGit {
		t.Fatalf("after the file changed: status = %s, want missing-git", e.Status)
	}
	inv.RemoveSource("shop.yaml")
	if _, ok := inv.Get(model.Key{Namespace: "web", Name: "other"}); ok {
		t.Fatal("web/other still present after its only source was removed")
	}
	inv.DeleteLive(k)
	if inv.Len() != 0 {
		t.Fatalf("inventory has %d entries, want 0", inv.Len())
	}
}

func TestDefaultNamespaceAndScope(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	inv.SetScope("web")
	noNS := ingress("", "shop", "shop.example.com", 80)
	d := desired(noNS, "shop.yaml", 1)
	d.Namespace = "web" // the kustomization's namespace
	inv.SetSource("shop.yaml", []model.Desired{d, desired(ingress("other", "x", "x.example.com", 80), "shop.yaml", 20)}, nil)
	inv.UpsertLive(live(ingress("web", "shop", "shop.example.com", 80)))
	inv.UpsertLive(live(ingress("kube-system", "y", "y.example.com", 80)))
	snap := inv.Snapshot()
	if len(snap.Entries) != 1 || snap.Entries[0].Key != (model.Key{Namespace: "web", Name: "shop"}) || snap.Entries[0].Status != model.StatusInSync {
		t.Fatalf("entries = %+v, want only web/shop in sync (other namespaces are out of scope)", snap.Entries)
	}
}

func TestFileInfoRecomputesOnlyThatFile(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	for i := range 3 {
		f := fmt.Sprintf("f%d.yaml", i)
		inv.SetSource(f, []model.Desired{desired(ingress("web", fmt.Sprint("o", i), "h", 80), f, 1)}, nil)
	}
	before := inv.Snapshot()
	commit := &model.Commit{Hash: "abc1234", Author: "Dana", Subject: "fix"}
	inv.SetFileInfo("f1.yaml", model.FileInfo{Status: model.FileModified, LastCommit: commit})
	after := inv.Snapshot()
	for i := range after.Entries {
		changed := after.Entries[i].Version != before.Entries[i].Version
		if want := after.Entries[i].Key.Name == "o1"; changed != want {
			t.Errorf("%s recomputed = %v, want %v", after.Entries[i].Key, changed, want)
		}
	}
	if g := mustGet(t, inv, model.Key{Namespace: "web", Name: "o1"}).Git; g.Status != model.FileModified || g.LastCommit.Hash != "abc1234" {
		t.Errorf("o1 git = %+v", g)
	}
}

// TestBatchesCoalesce: a burst of events reaches a subscriber as few
// batches, each holding only the keys that changed, the last state winning.
func TestBatchesCoalesce(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	for i := range 100 {
		inv.UpsertLive(live(ingress("web", fmt.Sprint("o", i), "h", 80)))
	}
	ch, cancel := inv.Subscribe()
	defer cancel()
	const edits = 500
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range edits {
			inv.UpsertLive(live(ingress("web", "o7", "h", int32(1000+i))))
		}
		inv.UpsertLive(live(ingress("web", "new", "n", 80)))
	})
	wg.Wait()
	batches := 0
	seen := map[model.Key]model.Entry{}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b := <-ch:
			batches++
			for _, e := range b.Changed {
				seen[e.Key] = e
			}
		case <-deadline:
			t.Fatalf("after %d batches: saw %d keys, want o7 with the last port and new", batches, len(seen))
		}
		if e, ok := seen[model.Key{Namespace: "web", Name: "o7"}]; ok && e.Live.Ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number == 1000+edits-1 {
			if _, ok := seen[model.Key{Namespace: "web", Name: "new"}]; ok {
				break
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("batches carried %d keys, want only the 2 that changed", len(seen))
	}
	if batches > 50 {
		t.Errorf("%d edits arrived as %d batches; they should coalesce", edits, batches)
	}
}

// TestReportJSON pins the `check -o json` field names and status words.
func TestReportJSON(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	at := time.Date(2026, 11, 23, 14, 2, 11, 0, time.UTC)
	inv.UpsertLive(live(ingress("zoo", "shop", "shop.example.com", 8081),
		model.FieldOwner{Field: []string{"spec", "rules"}, Manager: &model.Manager{Manager: "kubectl-patch", Operation: "Update", Time: at}}))
	inv.SetSource("apps/shop.yaml", []model.Desired{desired(ingress("zoo", "shop", "shop.example.com", 8080), "apps/shop.yaml", 12)}, nil)
	inv.SetSource("apps/broken.yaml", nil, []model.RepoError{{File: "apps/broken.yaml", Line: 9, Message: "bad"}})
	b, err := json.Marshal(model.NewReport(inv.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	objs := doc["objects"].([]any)
	var shop map[string]any
	for _, o := range objs {
		if o.(map[string]any)["name"] == "shop" {
			shop = o.(map[string]any)
		}
	}
	if shop == nil {
		t.Fatalf("no shop in %s", b)
	}
	for k, want := range map[string]any{"namespace": "zoo", "status": "drifted", "severity": "high"} {
		if shop[k] != want {
			t.Errorf("objects[shop].%s = %v, want %v", k, shop[k], want)
		}
	}
	origin := shop["origin"].(map[string]any)
	if origin["file"] != "apps/shop.yaml" || origin["line"] != 12.0 {
		t.Errorf("origin = %v", origin)
	}
	if _, ok := origin["item"]; ok {
		t.Errorf("origin of a plain document has an item: %v", origin)
	}
	listed, _ := json.Marshal(model.Origin{File: "list.yaml", Line: 7, Item: 2})
	if !strings.Contains(string(listed), `"item":2`) {
		t.Errorf("origin of a List item = %s, want item 2", listed)
	}
	changes, _ := shop["changes"].([]any)
	if len(changes) != 1 {
		t.Fatalf("objects[shop].changes = %v, want one change", shop["changes"])
	}
	ch := changes[0].(map[string]any)
	for _, k := range []string{"path", "op", "category", "severity", "git", "live", "managers"} {
		if _, ok := ch[k]; !ok {
			t.Errorf("change has no %q: %v", k, ch)
		}
	}
	managers, _ := ch["managers"].([]any)
	if len(managers) != 1 {
		t.Fatalf("change managers = %v, want one", ch["managers"])
	}
	m := managers[0].(map[string]any)
	if m["manager"] != "kubectl-patch" || m["operation"] != "Update" || m["time"] != "2026-11-23T14:02:11Z" {
		t.Errorf("manager = %v", m)
	}
	if _, ok := shop["ignored"].([]any); !ok {
		t.Errorf("ignored must be a list, even when empty: %v", shop["ignored"])
	}
	errs := doc["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["file"] != "apps/broken.yaml" || errs[0].(map[string]any)["line"] != 9.0 {
		t.Errorf("errors = %v", errs)
	}
	sum := doc["summary"].(map[string]any)
	for _, st := range []string{"in-sync", "drifted", "missing-live", "missing-git", "conflict", "error"} {
		if _, ok := sum[st]; !ok {
			t.Errorf("summary has no %q: %v", st, sum)
		}
	}
}

// TestWriteReportJSONMatchesReport: the streamed report is the same JSON
// document as the one built whole, with and without entries.
func TestWriteReportJSONMatchesReport(t *testing.T) {
	full := model.NewInventory(diffengine.Options{})
	full.UpsertLive(live(ingress("zoo", "shop", "shop.example.com", 8081)))
	full.SetSource("apps/shop.yaml", []model.Desired{desired(ingress("zoo", "shop", "shop.example.com", 8080), "apps/shop.yaml", 12)}, nil)
	full.SetSource("apps/broken.yaml", nil, []model.RepoError{{File: "apps/broken.yaml", Line: 9, Message: "bad"}})
	full.UpsertLive(live(ingress("zoo", "debug", "debug.example.com", 80)))
	for name, inv := range map[string]*model.Inventory{"full": full, "empty": model.NewInventory(diffengine.Options{})} {
		snap := inv.Snapshot()
		want, err := json.MarshalIndent(model.NewReport(snap), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		if err := model.WriteReportJSON(&got, snap); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want)+"\n", got.String()); d != "" {
			t.Errorf("%s: streamed report differs (-whole +streamed):\n%s", name, d)
		}
	}
}

// TestLiveUnknownUntilListed: before the cluster has been listed, a
// manifest without a live object is not known to be missing live; the first
// live (or offline) state recomputes those entries.
func TestLiveUnknownUntilListed(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	k := model.Key{Namespace: "web", Name: "shop"}
	inv.SetSource("shop.yaml", []model.Desired{desired(ingress("web", "shop", "shop.example.com", 80), "shop.yaml", 1)}, nil)
	inv.SetCluster(model.ConnState{Phase: model.ConnStale, Err: "API server unreachable"})
	if e := mustGet(t, inv, k); e.Status != model.StatusMissingLive || !e.LiveUnknown {
		t.Fatalf("before any list: status %s, LiveUnknown %v; want missing-live, unknown", e.Status, e.LiveUnknown)
	}
	ch, cancel := inv.Subscribe()
	defer cancel()
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	if e := mustGet(t, inv, k); e.LiveUnknown {
		t.Fatal("still unknown after the cluster was listed")
	}
	select {
	case b := <-ch:
		if len(b.Changed) != 1 || b.Changed[0].Key != k || b.Changed[0].LiveUnknown {
			t.Errorf("batch = %+v, want the recomputed entry", b.Changed)
		}
	case <-time.After(30 * time.Second): // a limit for a loaded machine; the batch normally comes within a frame
		t.Fatal("no batch after the first list")
	}
	// Going stale later keeps what is known: the object is still missing.
	inv.SetCluster(model.ConnState{Phase: model.ConnStale, Err: "x"})
	if e := mustGet(t, inv, k); e.LiveUnknown {
		t.Error("a cluster that went stale after a list made the entry unknown again")
	}
}

// TestLiveUnknownOnlyQualifiesMissingLive: errors and conflicts are facts
// of the repo side and keep saying so while the cluster is unknown.
func TestLiveUnknownOnlyQualifiesMissingLive(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	inv.SetSource("a.yaml", []model.Desired{desired(ingress("web", "twice", "a.example.com", 80), "a.yaml", 1)}, nil)
	inv.SetSource("b.yaml", []model.Desired{desired(ingress("web", "twice", "b.example.com", 80), "b.yaml", 1)}, nil)
	if e := mustGet(t, inv, model.Key{Namespace: "web", Name: "twice"}); e.Status != model.StatusConflict || e.LiveUnknown {
		t.Errorf("conflict before any list: %s, LiveUnknown %v", e.Status, e.LiveUnknown)
	}
}

// TestRepoErrorPlace: a file without a known line is named alone, never
// as file:0.
func TestRepoErrorPlace(t *testing.T) {
	for _, c := range []struct {
		e           model.RepoError
		place, text string
	}{
		{model.RepoError{File: "a.yaml", Line: 9, Message: "bad"}, "a.yaml:9", "a.yaml:9: bad"},
		{model.RepoError{File: "huge.yaml", Message: "too big"}, "huge.yaml", "huge.yaml: too big"},
	} {
		if c.e.Place() != c.place || c.e.Error() != c.text {
			t.Errorf("%+v: Place %q, Error %q; want %q, %q", c.e, c.e.Place(), c.e.Error(), c.place, c.text)
		}
	}
}

// TestBigSourceJoinsEachKey: a source of many documents (a generated
// bundle), given out of key order, with a key defined twice, errors with
// and without a key and a key shared with another file, joins each key to
// exactly its own documents and errors; replacing and removing it leaves
// nothing behind, and the file index follows (SetFileInfo reaches exactly
// the keys whose manifest the file still is).
func TestBigSourceJoinsEachKey(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	const n = 50
	var docs []model.Desired
	for i := n - 1; i >= 0; i-- { // reverse order: the source sorts a copy
		docs = append(docs, desired(ingress("web", fmt.Sprintf("o%02d", i), "h", 80), "bundle.yaml", 1+10*i))
	}
	docs = append(docs, desired(ingress("web", "o07", "h", 80), "bundle.yaml", 1000))
	given := slices.Clone(docs)
	keyed := model.Key{Namespace: "web", Name: "o09"}
	errs := []model.RepoError{
		{File: "bundle.yaml", Line: 2000, Message: "no name"},
		{File: "bundle.yaml", Line: 91, Key: &keyed, Message: "bad port"},
	}
	inv.SetSource("bundle.yaml", docs, errs)
	if !slices.EqualFunc(docs, given, func(a, b model.Desired) bool { return a.Origin == b.Origin }) {
		t.Error("SetSource reordered the caller's documents")
	}
	inv.SetSource("other.yaml", []model.Desired{desired(ingress("web", "o03", "h", 80), "other.yaml", 1)}, nil)
	for i := range n {
		k := model.Key{Namespace: "web", Name: fmt.Sprintf("o%02d", i)}
		e := mustGet(t, inv, k)
		want, lines := model.StatusMissingLive, []int{1 + 10*i}
		switch i {
		case 3:
			want = model.StatusConflict
		case 7:
			want, lines = model.StatusConflict, []int{1 + 10*i, 1000}
		case 9:
			want = model.StatusError
		}
		if e.Status != want {
			t.Errorf("%s: status %s, want %s", k, e.Status, want)
		}
		var got []int
		for _, d := range e.Desired {
			if d.Origin.File == "bundle.yaml" {
				got = append(got, d.Origin.Line)
			}
		}
		if !slices.Equal(got, lines) {
			t.Errorf("%s: documents at lines %v, want %v", k, got, lines)
		}
		if (len(e.Errors) > 0) != (i == 9) {
			t.Errorf("%s: errors %v", k, e.Errors)
		}
	}
	if e := mustGet(t, inv, model.ErrorKey(errs[0])); e.Status != model.StatusError || len(e.Errors) != 1 || e.Errors[0].Line != 2000 {
		t.Errorf("unnamed error entry = %+v", e)
	}

	// The file now holds only o00..o09: the others are gone, and a git
	// status change reaches exactly the keys the file is still the
	// manifest of (o03's first origin is bundle.yaml: it sorts first).
	inv.SetSource("bundle.yaml", slices.DeleteFunc(slices.Clone(given), func(d model.Desired) bool { return d.Origin.Line > 100 }), nil)
	if _, ok := inv.Get(model.Key{Namespace: "web", Name: "o10"}); ok {
		t.Error("web/o10 still present after the file dropped it")
	}
	before := inv.Snapshot()
	inv.SetFileInfo("bundle.yaml", model.FileInfo{Status: model.FileModified})
	for i, e := range inv.Snapshot().Entries {
		changed := e.Version != before.Entries[i].Version
		if want := e.Origin() != nil && e.Origin().File == "bundle.yaml"; changed != want || (want && e.Git.Status != model.FileModified) {
			t.Errorf("%s: refreshed %v (git %v), want %v", e.Key, changed, e.Git.Status, want)
		}
	}
	// o03 leaves the bundle: its manifest is now other.yaml alone.
	inv.SetSource("bundle.yaml", slices.DeleteFunc(slices.Clone(given), func(d model.Desired) bool { return d.Origin.Line > 100 || d.Origin.Line == 31 }), nil)
	before = inv.Snapshot()
	inv.SetFileInfo("other.yaml", model.FileInfo{Status: model.FileUntracked})
	for i, e := range inv.Snapshot().Entries {
		if changed, want := e.Version != before.Entries[i].Version, e.Key.Name == "o03"; changed != want || (want && e.Git.Status != model.FileUntracked) {
			t.Errorf("%s: refreshed %v (git %v) by other.yaml's status, want %v", e.Key, changed, e.Git.Status, want)
		}
	}
	inv.RemoveSource("bundle.yaml")
	inv.RemoveSource("other.yaml")
	if inv.Len() != 0 {
		t.Fatalf("inventory has %d entries after both sources left, want 0", inv.Len())
	}
}

// TestFileInfoDoesNotDiffAgain: a git status change refreshes the entry's
// Git facts but keeps its diff: the documents and the live object did not
// change, and re-diffing every key of a 40,000-document file for a status
// flip would double the cost of every edit of it.
func TestFileInfoDoesNotDiffAgain(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	k := model.Key{Namespace: "web", Name: "shop"}
	inv.UpsertLive(live(ingress("web", "shop", "shop.example.com", 8080)))
	inv.SetSource("shop.yaml", []model.Desired{desired(ingress("web", "shop", "shop.example.com", 80), "shop.yaml", 1)}, nil)
	before := mustGet(t, inv, k)
	if before.Status != model.StatusDrifted || len(before.Changes) == 0 {
		t.Fatalf("setup: %s with %d changes, want drifted", before.Status, len(before.Changes))
	}
	inv.SetFileInfo("shop.yaml", model.FileInfo{Status: model.FileModified})
	after := mustGet(t, inv, k)
	if after.Git.Status != model.FileModified || after.Version == before.Version {
		t.Errorf("git = %v, version %d → %d: want modified, a new version", after.Git.Status, before.Version, after.Version)
	}
	if &after.Changes[0] != &before.Changes[0] {
		t.Error("SetFileInfo diffed the entry again")
	}
}

// TestLiveUnknownWhilePartial: a live side that holds only some objects (a
// --live-file of one Ingress) leaves the others unknown, not missing.
func TestLiveUnknownWhilePartial(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	for _, name := range []string{"shop", "blog"} {
		inv.SetSource(name+".yaml", []model.Desired{desired(ingress("web", name, name+".example.com", 80), name+".yaml", 1)}, nil)
	}
	inv.UpsertLive(live(ingress("web", "shop", "shop.example.com", 80)))
	inv.SetCluster(model.ConnState{Phase: model.ConnOffline, Partial: true})
	if e := mustGet(t, inv, model.Key{Namespace: "web", Name: "blog"}); e.Status != model.StatusMissingLive || !e.LiveUnknown {
		t.Errorf("blog: %s, LiveUnknown %v; want missing-live, unknown", e.Status, e.LiveUnknown)
	}
	if e := mustGet(t, inv, model.Key{Namespace: "web", Name: "shop"}); e.Status != model.StatusInSync {
		t.Errorf("shop: %s, want in-sync", e.Status)
	}
}
