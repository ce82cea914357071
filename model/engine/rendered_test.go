package engine

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/model"
)

var helmWeb = &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Namespace: "shop",
	Template: "charts/web/templates/ingress.yaml", ValueFiles: []string{"envs/prod/values.yaml"}}

// reorigin makes the inventory's shop/shop come from a source with origin
// o instead of apps/shop.yaml (as a renderer would report it).
func reorigin(t *testing.T, u *unit, source string, o model.Origin) {
	t.Helper()
	e, _ := u.e.Inv.Get(shop)
	d := e.Desired[0]
	d.Origin = o
	u.e.Inv.RemoveSource("apps/shop.yaml")
	u.e.Inv.SetSource(source, []model.Desired{d}, nil)
}

// helmInstalled adds what `helm install` leaves on an object.
func helmInstalled(i *networkingv1.Ingress) {
	i.Annotations["meta.helm.sh/release-name"] = "web-prod"
	i.Annotations["meta.helm.sh/release-namespace"] = "shop"
	i.Labels = map[string]string{"app.kubernetes.io/managed-by": "Helm"}
}

// TestUnitHelmRendered: accept of a chart-rendered object is refused with
// the files to edit (the words the TUI uses too), and writes nothing; its
// revert works as for a kustomize-rendered one (no file is pinned), takes
// back only the drift, and keeps what Helm added live, which is not
// remaining drift either.
func TestUnitHelmRendered(t *testing.T) {
	u := newUnit(t, manifests, liveOf(t, "shop", func(i *networkingv1.Ingress) { annotated(i); helmInstalled(i) }))
	reorigin(t, u, "helm:charts/web", model.Origin{File: helmWeb.Template, Line: 1, Item: -1, Helm: helmWeb})
	if e, _ := u.e.Inv.Get(shop); len(e.Changes) != 1 || len(e.Ignored) != 3 {
		t.Fatalf("entry: changes %v, ignored %v; want the ssl-redirect drift, Helm's three fields ignored", e.Changes, e.Ignored)
	}

	_, err := u.e.Plan(t.Context(), shop, model.ActionAccept)
	want := "refused: rendered by Helm chart charts/web (release web-prod): edit charts/web/templates/ingress.yaml " +
		"or the values (each later one wins): charts/web/values.yaml (defaults), envs/prod/values.yaml"
	if err == nil || err.Error() != want {
		t.Errorf("accept = %v\nwant %s", err, want)
	}
	if len(u.st.calls) != 0 {
		t.Errorf("the refused accept asked the store: %v", u.st.calls)
	}

	p := u.plan(t, shop, model.ActionRevert)
	if p.Operation != model.OpUpdateLive || p.FileHash != "" || len(p.Changes) != 1 || len(p.Remaining) != 0 ||
		p.Summary != "update shop/shop in the cluster (context unit, https://unit.test): 1 field(s) back to helm charts/web/templates/ingress.yaml (release web-prod)" {
		t.Fatalf("plan = %+v", p)
	}
	if len(u.st.calls) != 0 {
		t.Errorf("the revert read the template as a manifest: %v", u.st.calls)
	}
	u.execute(t, p, model.ExecOptions{})
	got := u.cl.objs[shop]
	if _, ok := got.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]; ok || got.Annotations["meta.helm.sh/release-name"] != "web-prod" ||
		got.Labels["app.kubernetes.io/managed-by"] != "Helm" {
		t.Errorf("after the revert: annotations %v, labels %v; want the drift gone and Helm's kept", got.Annotations, got.Labels)
	}
}

// TestUnitGitOpsNote: a plan on an object a GitOps controller manages says
// what the action means for it (model.GitOpsManager.Note), from the repo's
// GitOps object or from the live object; an object nobody manages has no
// note.
func TestUnitGitOpsNote(t *testing.T) {
	argo := &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "shop", File: "apps/shop-app.yaml", Line: 4, SelfHeal: true}
	u := drifted(t)
	if p := u.plan(t, shop, model.ActionRevert); p.GitOps != "" {
		t.Errorf("unmanaged: note %q", p.GitOps)
	}
	e, _ := u.e.Inv.Get(shop)
	o := e.Desired[0].Origin
	o.GitOps = argo
	reorigin(t, u, "apps/shop.yaml", o)
	for _, a := range []model.Action{model.ActionRevert, model.ActionAccept} {
		e, _ := u.e.Inv.Get(shop)
		p := u.plan(t, shop, a)
		if want := e.PlanNote(a, p.Operation); p.GitOps != want || want == "" {
			t.Errorf("%s: note %q, want %q", a, p.GitOps, want)
		}
	}
	if p := u.plan(t, shop, model.ActionAccept); p.GitOps != "Argo CD Application argocd/shop self-heals: the accepted state holds "+
		"only once pushed and synced; until then it will undo the live state (a race)." {
		t.Errorf("accept note %q", p.GitOps)
	}

	// Values not all read: a revert says what it reverts to may not be
	// what the controller renders.
	o.Helm = &model.HelmOrigin{Chart: "charts/web", Release: "shop", Namespace: "shop", Template: "charts/web/templates/ingress.yaml",
		ValuesIncomplete: "valuesFrom Secret/web-values is not read"}
	o.GitOps = &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "shop", Name: "web", File: "clusters/prod/web.yaml", Line: 1}
	reorigin(t, u, "helm:charts/web", o)
	if p := u.plan(t, shop, model.ActionRevert); p.GitOps != "Flux HelmRelease shop/web has no drift detection: helm-controller neither reports "+
		"nor corrects live drift (unless started with its deprecated DetectDrift feature gate); it applies the chart again only on an upgrade (a new chart revision or values). "+
		"Values incomplete (valuesFrom Secret/web-values is not read): what is reverted to may not be what Flux renders." {
		t.Errorf("values incomplete: note %q", p.GitOps)
	}

	// Known only from the live object: self-heal not known. Its revert
	// deletes it, which the controller may undo; its accept writes a
	// manifest, which a self-healing controller may race.
	u = newUnit(t, manifests, liveOf(t, "handmade", func(i *networkingv1.Ingress) {
		i.Annotations["argocd.argoproj.io/tracking-id"] = "tools:networking.k8s.io/Ingress:shop/handmade"
	}))
	want := "Argo CD Application tools manages this object: deleting it live does not remove it from the repo it syncs from, " +
		"so it may recreate it on its next sync (self-heal not known)."
	if p := u.plan(t, handmade, model.ActionRevert); p.Operation != model.OpDeleteLive || p.GitOps != want {
		t.Errorf("live-only revert: %s, note %q\nwant %q", p.Operation, p.GitOps, want)
	}
	want = "Argo CD Application tools manages this object (self-heal not known): if it self-heals, " +
		"it may undo the live state before the accept is pushed and synced."
	if p := u.plan(t, handmade, model.ActionAccept); p.GitOps != want {
		t.Errorf("live-only accept: note %q\nwant %q", p.GitOps, want)
	}
}
