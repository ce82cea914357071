package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// The fields added by hand in driftByHand.
const (
	handAnnotation = "nginx.ingress.kubernetes.io/enable-cors"
	handLabel      = "debug"
	handPath       = "/debug"
)

// applyManifest applies m with `kubectl apply` (client-side, as pipelines
// do) and returns the manifest, which the tests treat as Git's version.
func applyManifest(t *testing.T, env *testcluster.Env, m *networkingv1.Ingress) *networkingv1.Ingress {
	t.Helper()
	m = m.DeepCopy()
	m.TypeMeta = metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"}
	b, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	env.Kubectl(t, "apply", "-f", writeFile(t, t.TempDir(), m.Name+".yaml", string(b)))
	return m
}

// driftByHand makes the edits people make live: an annotation, a label, a
// path and a defaultBackend, each with kubectl, so each is owned by its
// own field manager (kubectl-annotate, kubectl-label, kubectl-patch).
func driftByHand(t *testing.T, env *testcluster.Env, ns, name string) {
	t.Helper()
	env.Kubectl(t, "-n", ns, "annotate", "ingress", name, handAnnotation+"=true")
	env.Kubectl(t, "-n", ns, "label", "ingress", name, handLabel+"=true")
	env.Kubectl(t, "-n", ns, "patch", "ingress", name, "--type=json", "-p", `[
	  {"op":"add","path":"/spec/rules/0/http/paths/-","value":{"path":"`+handPath+`","pathType":"Prefix","backend":{"service":{"name":"debug","port":{"number":8080}}}}},
	  {"op":"add","path":"/spec/defaultBackend","value":{"service":{"name":"debug","port":{"number":8080}}}}]`)
}

// revertObject is what the engine writes for a revert: the live object
// (identity, resourceVersion) with the manifest's spec, labels and
// annotations; the last-applied annotation is kept as kubectl keeps it.
func revertObject(live, manifest *networkingv1.Ingress) *networkingv1.Ingress {
	out := live.DeepCopy()
	out.Spec = *manifest.Spec.DeepCopy()
	out.Labels = maps.Clone(manifest.Labels)
	out.Annotations = maps.Clone(manifest.Annotations)
	if la, ok := live.Annotations[lastApplied]; ok {
		out.Annotations[lastApplied] = la
	}
	return out
}

// handFields lists which of driftByHand's fields obj has.
func handFields(obj *networkingv1.Ingress) []string {
	var have []string
	if _, ok := obj.Annotations[handAnnotation]; ok {
		have = append(have, "annotation")
	}
	if _, ok := obj.Labels[handLabel]; ok {
		have = append(have, "label")
	}
	for _, r := range obj.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Path == handPath {
				have = append(have, "path")
			}
		}
	}
	if obj.Spec.DefaultBackend != nil {
		have = append(have, "defaultBackend")
	}
	return have
}

func mustGet(t *testing.T, tg *cluster.Target, key model.Key) *networkingv1.Ingress {
	t.Helper()
	ing, err := cluster.Get(context.Background(), tg, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return ing
}

// checkUnchanged fails unless the object on the server is exactly before.
func checkUnchanged(t *testing.T, tg *cluster.Target, before *networkingv1.Ingress) {
	t.Helper()
	after := mustGet(t, tg, model.Key{Namespace: before.Namespace, Name: before.Name})
	if after.ResourceVersion != before.ResourceVersion || !apiequality.Semantic.DeepEqual(after, before) {
		t.Errorf("object changed on the server (resourceVersion %s → %s):\n%s", before.ResourceVersion, after.ResourceVersion, cmp.Diff(before, after))
	}
}

// checkStale fails unless err is a *model.StaleError whose message
// mentions every string in want.
func checkStale(t *testing.T, err error, want ...string) {
	t.Helper()
	var se *model.StaleError
	if !errors.Is(err, model.ErrStale) || !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want a *model.StaleError", err, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("stale error %q does not mention %q", err, w)
		}
	}
	t.Logf("stale error: %v", err)
}

// TestUpdateRemovesFieldsAddedLive is the reason Update is a PUT: after a
// revert, fields that other managers added live (an annotation, a label, a
// path, a defaultBackend) are gone, the object equals the manifest, and
// managedFields name ingress-drift as the writer.
func TestUpdateRemovesFieldsAddedLive(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, key, manifest := f.env, f.ns, f.tg, f.key, f.manifest
	ctx := context.Background()
	driftByHand(t, env, ns, "shop")
	live := mustGet(t, tg, key)
	if got := handFields(live); len(got) != 4 {
		t.Fatalf("drift by hand did not take: live has %v", got)
	}

	stored, err := cluster.Update(ctx, tg, revertObject(live, manifest), false)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	after := mustGet(t, tg, key)
	if stored.ResourceVersion != after.ResourceVersion || stored.ResourceVersion == live.ResourceVersion {
		t.Errorf("resourceVersion: seen %s, stored %s, now %s", live.ResourceVersion, stored.ResourceVersion, after.ResourceVersion)
	}
	if got := handFields(after); len(got) != 0 {
		t.Errorf("after the revert the object still has the hand-added %v", got)
	}
	if !apiequality.Semantic.DeepEqual(after.Spec, manifest.Spec) {
		t.Errorf("spec differs from the manifest:\n%s", cmp.Diff(manifest.Spec, after.Spec))
	}
	if !maps.Equal(after.Labels, manifest.Labels) {
		t.Errorf("labels = %v, want %v", after.Labels, manifest.Labels)
	}
	delete(after.Annotations, lastApplied)
	if !maps.Equal(after.Annotations, manifest.Annotations) {
		t.Errorf("annotations = %v, want %v", after.Annotations, manifest.Annotations)
	}

	// managedFields: ingress-drift wrote (Update), and no manager owns the
	// removed fields any more.
	var ours bool
	for _, mf := range after.ManagedFields {
		t.Logf("manager %s %s: %s", mf.Manager, mf.Operation, mf.FieldsV1.String())
		if mf.Manager == cluster.FieldManager && mf.Operation == metav1.ManagedFieldsOperationUpdate {
			ours = true
		}
		// The hand edits' managers owned nothing else, so their entries go.
		if strings.HasPrefix(mf.Manager, "kubectl-") && mf.Manager != "kubectl-client-side-apply" {
			t.Errorf("manager %s still has an entry", mf.Manager)
		}
		for _, f := range []string{`"f:` + handAnnotation + `"`, `"f:` + handLabel + `"`, `"f:defaultBackend"`} {
			if strings.Contains(mf.FieldsV1.String(), f) {
				t.Errorf("manager %s still owns %s", mf.Manager, f)
			}
		}
	}
	if !ours {
		t.Errorf("no managedFields entry for %s (Update)", cluster.FieldManager)
	}
}

// TestServerSideApplyKeepsFieldsOfOtherManagers documents why Update is a
// PUT and not a server-side apply: applying the manifest with force under
// another field manager takes over the fields it names, but leaves the
// fields it does not name — the annotation, label and defaultBackend that
// other managers added by hand — in place. (The added path does go: rules
// and paths are atomic lists, replaced whole.)
func TestServerSideApplyKeepsFieldsOfOtherManagers(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, manifest := f.env, f.ns, f.tg, f.manifest
	ctx := context.Background()
	driftByHand(t, env, ns, "shop")

	// The manifest carries apiVersion and kind, as an apply body must.
	body, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	force := true
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Patch(ctx, "shop", types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: "ingress-drift-ssa", Force: &force}); err != nil {
		t.Fatalf("server-side apply: %v", err)
	}
	after := mustGet(t, tg, model.Key{Namespace: ns, Name: "shop"})
	got := handFields(after)
	want := []string{"annotation", "label", "defaultBackend"}
	if !cmp.Equal(got, want) {
		t.Errorf("after a forced server-side apply the hand-added fields are %v, want %v still there", got, want)
	}
}

// TestDryRunChangesNothing: each write with dryRun returns what the server
// would store and leaves the object as it was.
func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, key, manifest := f.env, f.ns, f.tg, f.key, f.manifest
	ctx := context.Background()
	driftByHand(t, env, ns, "shop")
	live := mustGet(t, tg, key)

	t.Run("update", func(t *testing.T) {
		would, err := cluster.Update(ctx, tg, revertObject(live, manifest), true)
		if err != nil {
			t.Fatalf("dry-run update: %v", err)
		}
		if got := handFields(would); len(got) != 0 {
			t.Errorf("the would-be object still has %v", got)
		}
		if !apiequality.Semantic.DeepEqual(would.Spec, manifest.Spec) {
			t.Errorf("would-be spec differs from the manifest:\n%s", cmp.Diff(manifest.Spec, would.Spec))
		}
		checkUnchanged(t, tg, live)
	})
	t.Run("create", func(t *testing.T) {
		m := typicalIngress(ns, "new")
		would, err := cluster.Create(ctx, tg, m, true)
		if err != nil {
			t.Fatalf("dry-run create: %v", err)
		}
		if would.Name != "new" || !apiequality.Semantic.DeepEqual(would.Spec, m.Spec) {
			t.Errorf("would-be object %s/%s differs from the manifest:\n%s", would.Namespace, would.Name, cmp.Diff(m.Spec, would.Spec))
		}
		if _, err := cluster.Get(ctx, tg, model.Key{Namespace: ns, Name: "new"}); !apierrors.IsNotFound(err) {
			t.Errorf("after a dry-run create, get = %v, want NotFound", err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := cluster.Delete(ctx, tg, key, string(live.UID), live.ResourceVersion, true); err != nil {
			t.Fatalf("dry-run delete: %v", err)
		}
		checkUnchanged(t, tg, live)
	})
}

// TestUpdateRefusedWhenChangedSincePreview: someone edits the object
// between the preview and the confirmation; the revert (dry run or not) is
// refused as stale, naming both versions, and the edit stays.
func TestUpdateRefusedWhenChangedSincePreview(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, key, manifest := f.env, f.ns, f.tg, f.key, f.manifest
	ctx := context.Background()
	seen := mustGet(t, tg, key)
	want := revertObject(seen, manifest)

	env.Kubectl(t, "-n", ns, "annotate", "ingress", "shop", handAnnotation+"=true")
	edited := mustGet(t, tg, key)

	for _, dry := range []bool{true, false} {
		_, err := cluster.Update(ctx, tg, want, dry)
		checkStale(t, err, key.String(), seen.ResourceVersion+" → "+edited.ResourceVersion, "kubectl-annotate")
	}
	checkUnchanged(t, tg, edited)
}

// TestDeleteRefusedWhenChangedSincePreview: a delete carries the uid and
// resourceVersion the user saw; an edit, or a delete and re-create under
// the same name, between preview and confirmation makes it stale.
func TestDeleteRefusedWhenChangedSincePreview(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, key := f.env, f.ns, f.tg, f.key
	ctx := context.Background()
	seen := mustGet(t, tg, key)

	env.Kubectl(t, "-n", ns, "annotate", "ingress", "shop", handAnnotation+"=true")
	edited := mustGet(t, tg, key)
	err := cluster.Delete(ctx, tg, key, string(seen.UID), seen.ResourceVersion, false)
	checkStale(t, err, key.String(), seen.ResourceVersion+" → "+edited.ResourceVersion)
	checkUnchanged(t, tg, edited)

	// Deleted and recreated under the same name: a new uid.
	env.Kubectl(t, "-n", ns, "delete", "ingress", "shop")
	applyManifest(t, env, typicalIngress(ns, "shop"))
	recreated := mustGet(t, tg, key)
	err = cluster.Delete(ctx, tg, key, string(seen.UID), seen.ResourceVersion, false)
	checkStale(t, err, "deleted and recreated", string(seen.UID)+" → "+string(recreated.UID))
	// The uid precondition alone refuses it, even with the current
	// resourceVersion.
	err = cluster.Delete(ctx, tg, key, string(seen.UID), recreated.ResourceVersion, false)
	checkStale(t, err, "deleted and recreated")
	checkUnchanged(t, tg, recreated)
}

// TestStaleWhenObjectAppearedOrVanished: create of an object that exists
// now, and update or delete of one that is gone, are stale too.
func TestStaleWhenObjectAppearedOrVanished(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, tg, key, manifest := f.env, f.ns, f.tg, f.key, f.manifest
	ctx := context.Background()
	live := mustGet(t, tg, key)

	for _, dry := range []bool{true, false} {
		_, err := cluster.Create(ctx, tg, manifest, dry)
		checkStale(t, err, key.String(), "now exists", "kubectl-client-side-apply", live.ResourceVersion)
	}
	checkUnchanged(t, tg, live)

	env.Kubectl(t, "-n", ns, "delete", "ingress", "shop")
	for _, dry := range []bool{true, false} {
		err := cluster.Delete(ctx, tg, key, string(live.UID), live.ResourceVersion, dry)
		checkStale(t, err, key.String(), "deleted")
		_, err = cluster.Update(ctx, tg, revertObject(live, manifest), dry)
		checkStale(t, err, key.String(), "deleted")
	}
}

// TestCreate creates a missing object under ingress-drift's field manager,
// even from an object that still carries server fields (a dump).
func TestCreate(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	tg := target(t, env, ns)
	m := typicalIngress(ns, "shop")
	m.ResourceVersion, m.UID = "12345", "0b0e0b0e-0000-0000-0000-000000000000"
	m.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "someone-else", Operation: metav1.ManagedFieldsOperationUpdate}}
	stored, err := cluster.Create(context.Background(), tg, m, false)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got := mustGet(t, tg, model.Key{Namespace: ns, Name: "shop"})
	if got.ResourceVersion != stored.ResourceVersion || got.UID == m.UID || !apiequality.Semantic.DeepEqual(got.Spec, m.Spec) {
		t.Errorf("created object %s (uid %s) differs:\n%s", got.ResourceVersion, got.UID, cmp.Diff(m.Spec, got.Spec))
	}
	if len(got.ManagedFields) != 1 || got.ManagedFields[0].Manager != cluster.FieldManager {
		t.Errorf("managedFields = %+v, want one entry for %s", got.ManagedFields, cluster.FieldManager)
	}
}

// TestWriteRequiresPreconditions: a write without the versions the user
// saw is a programming error, refused before any request.
func TestWriteRequiresPreconditions(t *testing.T) {
	tg := &cluster.Target{Config: &rest.Config{Host: "https://127.0.0.1:1"}, Server: "https://127.0.0.1:1"}
	obj := typicalIngress("shop", "shop")
	if _, err := cluster.Update(context.Background(), tg, obj, false); err == nil || !strings.Contains(err.Error(), "no resourceVersion") {
		t.Errorf("update without resourceVersion: %v", err)
	}
	if err := cluster.Delete(context.Background(), tg, model.Key{Namespace: "shop", Name: "shop"}, "", "1", false); err == nil || !strings.Contains(err.Error(), "no uid") {
		t.Errorf("delete without uid: %v", err)
	}
}

// TestUpdateInvalid: a validation error names the field and says why.
func TestUpdateInvalid(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tg, key := f.tg, f.key
	live := mustGet(t, tg, key)
	bad := live.DeepCopy()
	bad.Spec.Rules[0].HTTP.Paths[0].Path = "api"
	_, err := cluster.Update(context.Background(), tg, bad, false)
	checkObjectError(t, err, apierrors.IsInvalid, "update ingress "+key.String(), "spec.rules[0].http.paths[0].path", "must be an absolute path")
	checkUnchanged(t, tg, live)
}

// checkObjectError fails unless err is an *cluster.ObjectError (not stale)
// for which is holds and whose message mentions every string in want.
func checkObjectError(t *testing.T, err error, is func(error) bool, want ...string) {
	t.Helper()
	var oe *cluster.ObjectError
	if !errors.As(err, &oe) || errors.Is(err, model.ErrStale) || (is != nil && !is(err)) {
		t.Fatalf("err = %v (%T), want an *cluster.ObjectError of the right kind", err, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	t.Logf("error: %v", err)
}

// unreachableTarget is a target at a port that refuses connections (see
// testcluster.RefusingServer), scoped to namespace shop.
func unreachableTarget(t *testing.T) *cluster.Target {
	t.Helper()
	server := testcluster.RefusingServer(t)
	return &cluster.Target{Config: &rest.Config{Host: server}, Server: server, Namespace: "shop"}
}

// TestWriteUnreachable: a closed port and an API server that does not
// answer before the deadline are said in words, with the object.
func TestWriteUnreachable(t *testing.T) {
	t.Parallel()
	tg := unreachableTarget(t)
	obj := typicalIngress("shop", "shop")
	obj.ResourceVersion = "1"
	_, err := cluster.Update(context.Background(), tg, obj, false)
	checkObjectError(t, err, nil, "update ingress shop/shop", tg.Server, "API server unreachable", "connection refused")

	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)
	tg = &cluster.Target{Config: &rest.Config{Host: hang.URL}, Server: hang.URL}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = cluster.Delete(ctx, tg, model.Key{Namespace: "shop", Name: "shop"}, "u", "1", false)
	checkObjectError(t, err, nil, "delete ingress shop/shop", hang.URL, "did not answer")
}

// shopFixture is where most write tests start: a fresh namespace with the
// typical Ingress "shop" applied by kubectl from its manifest (Git's
// version).
type shopFixture struct {
	env      *testcluster.Env
	ns       string
	tg       *cluster.Target // admin, scoped to ns
	key      model.Key
	manifest *networkingv1.Ingress
}

func newShop(t *testing.T) *shopFixture {
	t.Helper()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	return &shopFixture{env: env, ns: ns, tg: target(t, env, ns), key: model.Key{Namespace: ns, Name: "shop"},
		manifest: applyManifest(t, env, typicalIngress(ns, "shop"))}
}
