package engine

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// TestUnitRevertedObject: the object a revert PUTs is the live one with
// the manifest's labels, annotations and spec; labels and annotations
// whose difference an ignore rule hides (built-in or the repo's) keep
// their live value or absence; kubectl's last-applied annotation, when
// the live object has one, becomes the manifest as `kubectl apply` would
// write it. The ignored changes are the inventory's (diffengine.Diff of
// the manifest against the live object), so they have the shape the
// inventory gives them.
func TestUnitRevertedObject(t *testing.T) {
	const la = diffengine.LastAppliedAnnotation
	const backends = "ingress.kubernetes.io/backends"
	for _, tc := range []struct {
		name string
		// live and manifest change the live object and the manifest
		// (both shopDoc to start with); rules are the repo's ignore rules.
		live, manifest func(*networkingv1.Ingress)
		rules          []diffengine.IgnoreRule
		// labels and annotations are what the object must carry (the
		// last-applied annotation aside); nil = none at all.
		labels, annotations map[string]string
		// applied are the annotations the last-applied manifest must
		// carry; nil = the object must have no last-applied annotation.
		applied map[string]string
	}{
		{name: "added live: removed", live: func(i *networkingv1.Ingress) {
			annotated(i)
			i.Labels = map[string]string{"hand": "made"}
		}, annotations: map[string]string{"team": "shop"}},
		{name: "changed live: the manifest's value", live: func(i *networkingv1.Ingress) {
			i.Annotations["team"] = "web"
			i.Labels = map[string]string{"app": "web"}
		}, manifest: func(i *networkingv1.Ingress) { i.Labels = map[string]string{"app": "shop"} },
			labels: map[string]string{"app": "shop"}, annotations: map[string]string{"team": "shop"}},
		{name: "removed live: back", live: func(i *networkingv1.Ingress) { i.Annotations = nil },
			annotations: map[string]string{"team": "shop"}},
		{name: "neither side has any: none", live: func(i *networkingv1.Ingress) { i.Annotations = nil },
			manifest: func(i *networkingv1.Ingress) { i.Annotations = nil }},
		{name: "built-in ignore: the controller's annotation kept", live: func(i *networkingv1.Ingress) {
			annotated(i)
			i.Annotations[backends] = `{"k8s-be-30080":"HEALTHY"}`
		}, annotations: map[string]string{"team": "shop", backends: `{"k8s-be-30080":"HEALTHY"}`}},
		{name: "repo ignore, changed live: the live value", live: func(i *networkingv1.Ingress) { i.Annotations["team"] = "web" },
			rules:       []diffengine.IgnoreRule{{Annotations: []string{"team"}, Source: ".ingress-drift.yaml:2"}},
			annotations: map[string]string{"team": "web"}},
		{name: "repo ignore, absent live: stays absent", manifest: func(i *networkingv1.Ingress) {
			i.Annotations["example.com/deployed-at"] = "monday"
		}, rules: []diffengine.IgnoreRule{{Annotations: []string{"example.com/*"}, Source: ".ingress-drift.yaml:2"}},
			annotations: map[string]string{"team": "shop"}},
		{name: "ignored label kept, the annotation of the same name is not", live: func(i *networkingv1.Ingress) {
			i.Labels = map[string]string{"kustomize.toolkit.fluxcd.io/name": "apps"}
			i.Annotations["kustomize.toolkit.fluxcd.io/name"] = "apps"
		}, labels: map[string]string{"kustomize.toolkit.fluxcd.io/name": "apps"}, annotations: map[string]string{"team": "shop"}},
		{name: "ignored spec path: the spec is the manifest's all the same", live: func(i *networkingv1.Ingress) {
			// Only metadata keeps ignored live values (see revertedObject):
			// the cert-manager solver's path goes with the PUT.
			i.Spec.Rules[0].HTTP.Paths = append(i.Spec.Rules[0].HTTP.Paths, networkingv1.HTTPIngressPath{
				Path: "/.well-known/acme-challenge/token", PathType: i.Spec.Rules[0].HTTP.Paths[0].PathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "cm-acme-http-solver",
					Port: networkingv1.ServiceBackendPort{Number: 8089}}}})
		}, annotations: map[string]string{"team": "shop"}},
		{name: "last-applied: the manifest, in the live namespace, ignored values not in it", live: func(i *networkingv1.Ingress) {
			annotated(i)
			i.Annotations[backends] = "b"
			i.Annotations[la] = `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"shop"}}` + "\n"
		}, manifest: func(i *networkingv1.Ingress) { i.Namespace = "" },
			annotations: map[string]string{"team": "shop", backends: "b"}, applied: map[string]string{"team": "shop"}},
		{name: "last-applied: apiVersion and kind filled in", live: func(i *networkingv1.Ingress) { i.Annotations[la] = "{}\n" },
			manifest:    func(i *networkingv1.Ingress) { i.TypeMeta = metav1.TypeMeta{} },
			annotations: map[string]string{"team": "shop"}, applied: map[string]string{"team": "shop"}},
		{name: "last-applied: the manifest's own is not nested", live: func(i *networkingv1.Ingress) { i.Annotations[la] = "{}\n" },
			manifest:    func(i *networkingv1.Ingress) { i.Annotations[la] = `{"kind":"Ingress"}` },
			annotations: map[string]string{"team": "shop"}, applied: map[string]string{"team": "shop"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fresh := decode(t, shopDoc)
			fresh.ResourceVersion, fresh.UID = "7", "uid-7"
			fresh.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl-annotate", Operation: metav1.ManagedFieldsOperationUpdate}}
			fresh.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "192.0.2.7"}}
			if tc.live != nil {
				tc.live(fresh)
			}
			desired := &model.Desired{Ingress: decode(t, shopDoc), Namespace: "shop", Origin: model.Origin{File: "apps/shop.yaml", Item: -1}}
			if tc.manifest != nil {
				tc.manifest(desired.Ingress)
			}
			ignored := diffengine.Diff(desired.Ingress, fresh, diffengine.Options{DefaultNamespace: "shop", Ignore: tc.rules}).Ignored
			freshBefore, desiredBefore := fresh.DeepCopy(), desired.Ingress.DeepCopy()

			obj := revertedObject(fresh, desired, ignored)

			if !equality.Semantic.DeepEqual(fresh, freshBefore) || !equality.Semantic.DeepEqual(desired.Ingress, desiredBefore) {
				t.Error("revertedObject changed its arguments")
			}
			// The preconditions and what the server owns stay the live
			// object's; managedFields are not sent.
			if obj.Name != "shop" || obj.Namespace != "shop" || obj.ResourceVersion != "7" || obj.UID != "uid-7" || obj.ManagedFields != nil ||
				!equality.Semantic.DeepEqual(obj.Status, fresh.Status) {
				t.Errorf("object meta %+v, status %+v", obj.ObjectMeta, obj.Status)
			}
			if !equality.Semantic.DeepEqual(obj.Spec, desired.Ingress.Spec) {
				t.Errorf("spec = %+v, want the manifest's %+v", obj.Spec, desired.Ingress.Spec)
			}
			if !sameMap(obj.Labels, tc.labels) {
				t.Errorf("labels = %#v, want %#v", obj.Labels, tc.labels)
			}
			annotations := maps.Clone(obj.Annotations)
			applied, hasApplied := annotations[la]
			delete(annotations, la)
			if !sameMap(annotations, tc.annotations) {
				t.Errorf("annotations = %#v, want %#v", annotations, tc.annotations)
			}
			if tc.applied == nil {
				if hasApplied {
					t.Errorf("a last-applied annotation was written: %s", applied)
				}
				return
			}
			if !hasApplied || !strings.HasSuffix(applied, "}\n") {
				t.Fatalf("last-applied = %q, want the manifest's JSON and a newline, as kubectl writes it", applied)
			}
			var got networkingv1.Ingress
			if err := json.Unmarshal([]byte(applied), &got); err != nil {
				t.Fatalf("last-applied %q: %v", applied, err)
			}
			if got.APIVersion != diffengine.APIVersion || got.Kind != diffengine.Kind || got.Name != "shop" || got.Namespace != "shop" ||
				got.ResourceVersion != "" || got.UID != "" || !sameMap(got.Annotations, tc.applied) || !sameMap(got.Labels, desired.Ingress.Labels) ||
				!equality.Semantic.DeepEqual(got.Spec, desired.Ingress.Spec) || !equality.Semantic.DeepEqual(got.Status, networkingv1.IngressStatus{}) {
				t.Errorf("last-applied = %s, want the manifest with annotations %v", applied, tc.applied)
			}
		})
	}
}

// sameMap is maps.Equal that also tells nil from empty.
func sameMap(got, want map[string]string) bool {
	return (got == nil) == (want == nil) && maps.Equal(got, want)
}

// TestUnitTargetNamespace: a document that sets a namespace which its
// GitOps object's target namespace replaces (a Flux Kustomization's
// targetNamespace) is in the inventory in the namespace applied. Revert
// PUTs it there, the document on disk being what was read; accept refuses
// to write it (it would have to move the document's namespace), naming the
// document and the object.
func TestUnitTargetNamespace(t *testing.T) {
	u := newUnit(t, map[string]string{"shop.yaml": shopDoc})
	flux := &model.GitOpsOrigin{Controller: "flux", Kind: "Kustomization", Namespace: "flux-system", Name: "apps", File: "clusters/prod/apps.yaml", Line: 1, SelfHeal: true}
	forced := func() {
		var docs []model.Desired
		for _, e := range u.e.Inv.Snapshot().Entries {
			for _, d := range e.Desired {
				d.Ingress = d.Ingress.DeepCopy()
				d.Ingress.Namespace, d.Namespace = "prod", "prod"
				d.Origin.GitOps = flux
				docs = append(docs, d)
			}
		}
		u.e.Inv.SetSource("shop.yaml", docs, nil)
	}
	forced()
	k := model.Key{Namespace: "prod", Name: "shop"}
	live := decode(t, shopDoc)
	live.Namespace = "prod"
	live.Spec.Rules[0].Host = "hotfix.example.com"
	u.cl.put(live)
	u.sync()

	p := u.plan(t, k, model.ActionRevert)
	if p.Operation != model.OpUpdateLive {
		t.Fatalf("revert: operation %s, want %s", p.Operation, model.OpUpdateLive)
	}
	u.execute(t, p, model.ExecOptions{Confirm: p.ConfirmName})
	got, err := u.cl.Get(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	if h := got.Spec.Rules[0].Host; h != decode(t, shopDoc).Spec.Rules[0].Host {
		t.Errorf("after revert: host %q, want the manifest's", h)
	}

	live = got.DeepCopy()
	live.Spec.Rules[0].Host = "hotfix.example.com"
	u.cl.put(live)
	u.sync()
	_, err = u.e.Plan(context.Background(), k, model.ActionAccept)
	var refused *model.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Reason, `shop.yaml:1 sets namespace "shop"`) || !strings.Contains(refused.Reason, "Flux Kustomization flux-system/apps") {
		t.Fatalf("accept: %v, want a refusal naming the document and the Kustomization", err)
	}
	if got := string(u.st.files["shop.yaml"]); got != shopDoc {
		t.Errorf("accept changed shop.yaml:\n%s", got)
	}
}
