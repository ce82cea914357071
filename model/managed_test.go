package model_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

var (
	helmOrigin = &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Namespace: "prod",
		Template: "charts/web/templates/ingress.yaml", ValueFiles: []string{"envs/prod/values.yaml"}}
	argoOrigin = &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "web",
		File: "apps/web.yaml", Line: 3, SelfHeal: true}
)

// helmInstalled is ing as `helm install` leaves it live: the release
// annotations and the managed-by label.
func helmInstalled(ing *networkingv1.Ingress) *networkingv1.Ingress {
	l := ing.DeepCopy()
	l.Annotations = map[string]string{"meta.helm.sh/release-name": "web-prod", "meta.helm.sh/release-namespace": "prod"}
	l.Labels = map[string]string{"app.kubernetes.io/managed-by": "Helm"}
	return l
}

// TestAgentAdditionsNotDriftForRenderedObjects: what Helm adds when it
// installs a chart is ignored for a chart-rendered object only; the same
// annotations and label on an object from a plain manifest are drift.
// Argo CD's instance label is ignored for an object its Application
// renders, and only with that Application's name.
func TestAgentAdditionsNotDriftForRenderedObjects(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	plainKey := model.Key{Namespace: "prod", Name: "plain"}
	chartKey := model.Key{Namespace: "prod", Name: "web"}

	chart := desired(ingress("prod", "web", "web.example.com", 80), "charts/web/templates/ingress.yaml", 1)
	chart.Origin.Helm = helmOrigin
	inv.SetSource("charts/web", []model.Desired{chart}, nil)
	inv.UpsertLive(live(helmInstalled(ingress("prod", "web", "web.example.com", 80))))
	inv.SetSource("apps/plain.yaml", []model.Desired{desired(ingress("prod", "plain", "plain.example.com", 80), "apps/plain.yaml", 1)}, nil)
	inv.UpsertLive(live(helmInstalled(ingress("prod", "plain", "plain.example.com", 80))))

	e := mustGet(t, inv, chartKey)
	if e.Status != model.StatusInSync || len(e.Ignored) != 3 {
		t.Fatalf("chart-rendered: %s, %d ignored %v; want in-sync with 3 ignored", e.Status, len(e.Ignored), e.Ignored)
	}
	for _, ic := range e.Ignored {
		if !strings.HasPrefix(ic.IgnoredBy, "Helm chart charts/web: ") || !strings.Contains(ic.IgnoredBy, "(namespace=prod name=web)") {
			t.Errorf("ignored by %q: want the chart and this object named", ic.IgnoredBy)
		}
	}
	if e := mustGet(t, inv, plainKey); e.Status != model.StatusDrifted || len(e.Changes) != 3 {
		t.Errorf("plain manifest: %s, %d changes %v; want drifted in the 3 Helm fields", e.Status, len(e.Changes), e.Changes)
	}

	// The chart sets managed-by itself: a different live value is drift.
	chart.Ingress = ingress("prod", "web", "web.example.com", 80)
	chart.Ingress.Labels = map[string]string{"app.kubernetes.io/managed-by": "Helm"}
	inv.SetSource("charts/web", []model.Desired{chart}, nil)
	l := helmInstalled(ingress("prod", "web", "web.example.com", 80))
	l.Labels["app.kubernetes.io/managed-by"] = "kubectl"
	inv.UpsertLive(live(l))
	if e := mustGet(t, inv, chartKey); e.Status != model.StatusDrifted || len(e.Changes) != 1 || e.Changes[0].Path != "metadata.labels[app.kubernetes.io/managed-by]" {
		t.Errorf("chart sets managed-by, live differs: %s %v; want the label as drift", e.Status, e.Changes)
	}

	// Argo CD's label tracking.
	app := desired(ingress("prod", "argo", "argo.example.com", 80), "apps/argo/ingress.yaml", 1)
	app.Origin.GitOps = argoOrigin
	inv.SetSource("apps/argo/ingress.yaml", []model.Desired{app}, nil)
	tracked := ingress("prod", "argo", "argo.example.com", 80)
	tracked.Labels = map[string]string{"app.kubernetes.io/instance": "web"}
	inv.UpsertLive(live(tracked))
	if e := mustGet(t, inv, model.Key{Namespace: "prod", Name: "argo"}); e.Status != model.StatusInSync || len(e.Ignored) != 1 {
		t.Errorf("Argo CD instance label: %s %v; want in-sync, ignored", e.Status, e.Changes)
	}
	tracked = tracked.DeepCopy()
	tracked.Labels["app.kubernetes.io/instance"] = "other"
	inv.UpsertLive(live(tracked))
	if e := mustGet(t, inv, model.Key{Namespace: "prod", Name: "argo"}); e.Status != model.StatusDrifted {
		t.Errorf("instance label naming another app: %s; want drifted", e.Status)
	}
}

// TestManagedBy: who manages an object, from the repo's GitOps object
// first, else from what the live object carries; self-heal is known only
// from the repo.
func TestManagedBy(t *testing.T) {
	withMeta := func(ann, labels map[string]string, managers ...string) *model.LiveObject {
		ing := ingress("shop", "web", "web.example.com", 80)
		ing.Annotations, ing.Labels = ann, labels
		l := &model.LiveObject{Ingress: ing}
		for _, m := range managers {
			l.Managers = append(l.Managers, model.Manager{Manager: m, Operation: "Apply"})
		}
		return l
	}
	fromRepo := desired(ingress("shop", "web", "web.example.com", 80), "apps/web/ingress.yaml", 1)
	fromRepo.Origin.GitOps = argoOrigin
	cases := []struct {
		name    string
		entry   model.Entry
		want    string // GitOpsManager.String, "" for nil
		healKnw bool
	}{
		{"repo Application", model.Entry{Desired: []model.Desired{fromRepo},
			Live: withMeta(nil, map[string]string{"kustomize.toolkit.fluxcd.io/name": "x", "kustomize.toolkit.fluxcd.io/namespace": "y"})},
			"Argo CD Application argocd/web (apps/web.yaml:3), self-heal on", true},
		{"tracking-id", model.Entry{Live: withMeta(map[string]string{"argocd.argoproj.io/tracking-id": "web:networking.k8s.io/Ingress:shop/web"}, nil)},
			"Argo CD Application web (from the live annotation argocd.argoproj.io/tracking-id), self-heal not known", false},
		{"tracking-id, app in another namespace", model.Entry{Live: withMeta(map[string]string{"argocd.argoproj.io/tracking-id": "team_web:networking.k8s.io/Ingress:shop/web"}, nil)},
			"Argo CD Application team/web (from the live annotation argocd.argoproj.io/tracking-id), self-heal not known", false},
		{"instance label with an Argo CD manager", model.Entry{Live: withMeta(nil, map[string]string{"app.kubernetes.io/instance": "web"}, "kubectl-patch", "argocd-application-controller")},
			"Argo CD Application web (from the live label app.kubernetes.io/instance and managedFields manager argocd-application-controller), self-heal not known", false},
		{"instance label alone", model.Entry{Live: withMeta(nil, map[string]string{"app.kubernetes.io/instance": "web"}, "helm")}, "", false},
		{"argocd-controller manager", model.Entry{Live: withMeta(nil, nil, "argocd-controller")},
			"Argo CD (from the live managedFields manager argocd-controller), self-heal not known", false},
		{"Flux Kustomization labels", model.Entry{Live: withMeta(nil, map[string]string{"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"})},
			"Flux Kustomization flux-system/apps (from the live labels kustomize.toolkit.fluxcd.io/name, kustomize.toolkit.fluxcd.io/namespace), self-heal not known", false},
		{"Flux HelmRelease labels", model.Entry{Live: withMeta(nil, map[string]string{"helm.toolkit.fluxcd.io/name": "web", "helm.toolkit.fluxcd.io/namespace": "shop"})},
			"Flux HelmRelease shop/web (from the live labels helm.toolkit.fluxcd.io/name, helm.toolkit.fluxcd.io/namespace), self-heal not known", false},
		{"Flux name label without namespace", model.Entry{Live: withMeta(nil, map[string]string{"helm.toolkit.fluxcd.io/name": "web"})}, "", false},
		{"kustomize-controller manager", model.Entry{Live: withMeta(nil, nil, "kustomize-controller")},
			"Flux (from the live managedFields manager kustomize-controller), self-heal not known", false},
		{"helm-controller manager", model.Entry{Live: withMeta(nil, nil, "helm-controller")},
			"Flux (from the live managedFields manager helm-controller), self-heal not known", false},
		{"nothing", model.Entry{Live: withMeta(nil, nil, "kubectl-client-side-apply")}, "", false},
		{"no live, no GitOps", model.Entry{Desired: []model.Desired{desired(ingress("shop", "web", "w", 80), "a.yaml", 1)}}, "", false},
	}
	for _, c := range cases {
		g := c.entry.ManagedBy()
		got := ""
		if g != nil {
			got = g.String()
			if _, known := g.SelfHeal(); known != c.healKnw {
				t.Errorf("%s: self-heal known %v, want %v", c.name, known, c.healKnw)
			}
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	var nilEntry *model.Entry
	if nilEntry.ManagedBy() != nil {
		t.Error("a nil entry is managed by someone")
	}
}

// TestManagedByNotes pins what revert and accept mean under each
// controller and self-heal state: the words the TUI's dialogs and the CLI
// show (Plan.GitOps). Each controller's words say what it does with live
// drift: Argo CD shows it; a Flux HelmRelease reports it only with
// driftDetection warn; a suspended Flux object does nothing.
func TestManagedByNotes(t *testing.T) {
	heal := &model.GitOpsManager{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "web", Repo: argoOrigin}
	off := *argoOrigin
	off.SelfHeal = false
	noHeal := &model.GitOpsManager{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "web", Repo: &off}
	flux := &model.GitOpsManager{Controller: "flux", Kind: "Kustomization", Namespace: "flux-system", Name: "apps", Via: "labels …"}
	fluxRepo := func(kind string, set func(*model.GitOpsOrigin)) *model.GitOpsManager {
		o := &model.GitOpsOrigin{Controller: "flux", Kind: kind, Namespace: "apps", Name: "web", File: "clusters/prod/web.yaml", Line: 1}
		set(o)
		return &model.GitOpsManager{Controller: "flux", Kind: kind, Namespace: "apps", Name: "web", Repo: o}
	}
	hrOff := fluxRepo("HelmRelease", func(*model.GitOpsOrigin) {})
	hrWarn := fluxRepo("HelmRelease", func(o *model.GitOpsOrigin) { o.DriftDetection = "warn" })
	suspended := fluxRepo("Kustomization", func(o *model.GitOpsOrigin) { o.Suspended = true })
	argoOff := "Argo CD Application argocd/web does not self-heal: it shows live drift as OutOfSync and does not correct it; " +
		"a sync (by hand, or automated on a new commit) applies the repo."
	hrNone := "Flux HelmRelease apps/web has no drift detection: helm-controller neither reports nor corrects live drift " +
		"(unless started with its deprecated DetectDrift feature gate); it applies the chart again only on an upgrade (a new chart revision or values)."
	susp := "Flux Kustomization apps/web is suspended: its controller neither applies nor corrects anything until it is resumed."
	deleted := " manages this object: deleting it live does not remove it from the repo it syncs from, so it may recreate it on its next sync"
	cases := []struct {
		g    *model.GitOpsManager
		a    model.Action
		op   model.Operation
		want string
	}{
		{heal, model.ActionRevert, model.OpUpdateLive, "Argo CD Application argocd/web self-heals: this revert is what it will do anyway on its next sync."},
		{heal, model.ActionAccept, model.OpEditManifest, "Argo CD Application argocd/web self-heals: the accepted state holds only once pushed and synced; until then it will undo the live state (a race)."},
		{noHeal, model.ActionRevert, model.OpUpdateLive, argoOff},
		{noHeal, model.ActionAccept, model.OpEditManifest, argoOff + " Until the accept is pushed, its next sync would undo the live state."},
		{hrOff, model.ActionRevert, model.OpUpdateLive, hrNone},
		{hrOff, model.ActionAccept, model.OpEditManifest, hrNone + " Until the accept is pushed, its next upgrade would undo the live state."},
		{hrWarn, model.ActionRevert, model.OpUpdateLive, "Flux HelmRelease apps/web has driftDetection mode warn: helm-controller reports live drift (a DriftDetected event) and does not correct it."},
		{suspended, model.ActionRevert, model.OpUpdateLive, susp},
		{suspended, model.ActionAccept, model.OpEditManifest, susp + " Until the accept is pushed, its next reconcile once resumed would undo the live state."},
		// Self-heal not known: an accept warns that a self-healing
		// controller could undo the live state meanwhile.
		{flux, model.ActionAccept, model.OpNewManifest, "Flux Kustomization flux-system/apps manages this object (self-heal not known): " +
			"if it self-heals, it may undo the live state before the accept is pushed and synced."},
		{flux, model.ActionRevert, model.OpUpdateLive, "Flux Kustomization flux-system/apps manages this object (self-heal not known): " +
			"what it does with live drift depends on its settings, which the repo does not hold."},
		// A live delete of what the controller applies.
		{flux, model.ActionRevert, model.OpDeleteLive, "Flux Kustomization flux-system/apps" + deleted + " (self-heal not known)."},
		{heal, model.ActionRevert, model.OpDeleteLive, "Argo CD Application argocd/web" + deleted + "."},
	}
	for _, c := range cases {
		e := model.Entry{Live: &model.LiveObject{Ingress: ingress("apps", "web", "web.example.com", 80)}}
		if c.g.Repo != nil {
			d := desired(ingress("apps", "web", "web.example.com", 80), "apps/web.yaml", 1)
			d.Origin.GitOps = c.g.Repo
			e.Desired = []model.Desired{d}
		} else {
			e.Live.Ingress.Labels = map[string]string{"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}
		}
		if got := e.PlanNote(c.a, c.op); got != c.want {
			t.Errorf("%s %s %s:\n got %q\nwant %q", c.g.Who(), c.a, c.op, got, c.want)
		}
	}
	if got := (&model.Entry{Live: &model.LiveObject{Ingress: ingress("apps", "web", "w", 80)}}).PlanNote(model.ActionRevert, model.OpDeleteLive); got != "" {
		t.Errorf("unmanaged: note %q", got)
	}
}

// TestValuesIncompleteNote: a revert of an object rendered from values
// not all read warns that what it reverts to may not be what the
// controller renders; an accept (refused for a chart anyway) does not.
func TestValuesIncompleteNote(t *testing.T) {
	d := desired(ingress("apps", "web", "web.example.com", 80), "charts/web/templates/ingress.yaml", 1)
	h := *helmOrigin
	h.ValuesIncomplete = "valuesFrom Secret/web-values is not read"
	d.Origin.Helm = &h
	d.Origin.GitOps = &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "apps", Name: "web", File: "clusters/prod/web.yaml", Line: 1,
		SelfHeal: true, DriftDetection: "enabled"}
	e := model.Entry{Desired: []model.Desired{d}, Live: &model.LiveObject{Ingress: ingress("apps", "web", "web.example.com", 80)}}
	want := "Flux HelmRelease apps/web self-heals: this revert is what it will do anyway on its next sync. " +
		"Values incomplete (valuesFrom Secret/web-values is not read): what is reverted to may not be what Flux renders."
	for _, op := range []model.Operation{model.OpUpdateLive, model.OpCreateLive} {
		if got := e.PlanNote(model.ActionRevert, op); got != want {
			t.Errorf("%s:\n got %q\nwant %q", op, got, want)
		}
	}
	if got := e.PlanNote(model.ActionAccept, model.OpEditManifest); strings.Contains(got, "incomplete") {
		t.Errorf("accept: %q", got)
	}
}

// TestHelmOriginWords: Origin.String names the template and release, the
// edit hint names the template and every value file (the chart's own
// values.yaml when none), and JSON carries the Helm and GitOps origins.
func TestHelmOriginWords(t *testing.T) {
	o := model.Origin{File: "charts/web/templates/ingress.yaml", Line: 1, Item: -1, Helm: helmOrigin, GitOps: argoOrigin}
	if got, want := o.String(), "helm charts/web/templates/ingress.yaml (release web-prod)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !o.Rendered() {
		t.Error("a chart-rendered origin is not Rendered")
	}
	if got, want := helmOrigin.EditHint(), "rendered by Helm chart charts/web (release web-prod): edit charts/web/templates/ingress.yaml "+
		"or the values (each later one wins): charts/web/values.yaml (defaults), envs/prod/values.yaml"; got != want {
		t.Errorf("EditHint() = %q\nwant %q", got, want)
	}
	bare := model.HelmOrigin{Chart: "charts/api", Release: "api", Template: "charts/api/templates/ing.yaml", ValuesIncomplete: "valuesFrom Secret api is never read"}
	if got, want := bare.EditHint(), "rendered by Helm chart charts/api (release api): edit charts/api/templates/ing.yaml "+
		"or the values (each later one wins): charts/api/values.yaml (defaults); values not all known: valuesFrom Secret api is never read"; got != want {
		t.Errorf("EditHint() without value files = %q\nwant %q", got, want)
	}
	// Inline values after the files; a Flux valuesFiles listing the
	// chart's values.yaml is not named twice.
	inline := model.HelmOrigin{Chart: "charts/docs", Release: "docs", Template: "charts/docs/templates/ingress.yaml",
		ValueFiles: []string{"charts/docs/values.yaml", "envs/prod/docs.yaml"}, InlineValues: []string{"clusters/prod/docs.yaml:15"}}
	if got, want := inline.EditHint(), "rendered by Helm chart charts/docs (release docs): edit charts/docs/templates/ingress.yaml "+
		"or the values (each later one wins): charts/docs/values.yaml (defaults), envs/prod/docs.yaml, clusters/prod/docs.yaml:15 (inline)"; got != want {
		t.Errorf("EditHint() with inline values = %q\nwant %q", got, want)
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Helm   map[string]any `json:"helm"`
		GitOps map[string]any `json:"gitops"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	wantHelm := map[string]any{"chart": "charts/web", "release": "web-prod", "namespace": "prod",
		"template": "charts/web/templates/ingress.yaml", "valueFiles": []any{"envs/prod/values.yaml"}}
	if d := cmp.Diff(wantHelm, doc.Helm); d != "" {
		t.Errorf("origin.helm (-want +got):\n%s", d)
	}
	if doc.GitOps["file"] != "apps/web.yaml" || doc.GitOps["line"] != 3.0 || doc.GitOps["selfHeal"] != true {
		t.Errorf("origin.gitops = %v", doc.GitOps)
	}
}

// TestHelmAnnotationsOnlyWhereHelmInstalls: Helm's release annotations
// are ignored only where Helm installs the release (a config entry, a
// Flux HelmRelease) and only with this release's name and namespace;
// Argo CD renders with helm template and never writes them, so there
// they are drift.
func TestHelmAnnotationsOnlyWhereHelmInstalls(t *testing.T) {
	fluxHR := &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "apps", Name: "web", File: "clusters/prod/web.yaml", Line: 1}
	noNS := *helmOrigin
	noNS.Namespace = ""
	cases := []struct {
		name    string
		helm    *model.HelmOrigin
		via     *model.GitOpsOrigin
		mutate  func(*networkingv1.Ingress)
		changes []string // drifted paths, nil: in sync
	}{
		{"config entry", helmOrigin, nil, nil, nil},
		{"config entry, no namespace: the object's", &noNS, nil, nil, nil},
		{"Flux HelmRelease", helmOrigin, fluxHR, nil, nil},
		{"hijacked release name", helmOrigin, nil, func(i *networkingv1.Ingress) { i.Annotations["meta.helm.sh/release-name"] = "hijacked" },
			[]string{"metadata.annotations[meta.helm.sh/release-name]"}},
		{"Flux, other release namespace", helmOrigin, fluxHR, func(i *networkingv1.Ingress) { i.Annotations["meta.helm.sh/release-namespace"] = "staging" },
			[]string{"metadata.annotations[meta.helm.sh/release-namespace]"}},
		{"Argo CD renders", helmOrigin, argoOrigin, nil, []string{"metadata.annotations[meta.helm.sh/release-name]",
			"metadata.annotations[meta.helm.sh/release-namespace]", "metadata.labels[app.kubernetes.io/managed-by]"}},
	}
	for _, c := range cases {
		inv := model.NewInventory(diffengine.Options{})
		d := desired(ingress("prod", "web", "web.example.com", 80), "charts/web/templates/ingress.yaml", 1)
		d.Origin.Helm, d.Origin.GitOps = c.helm, c.via
		inv.SetSource("charts/web", []model.Desired{d}, nil)
		l := helmInstalled(ingress("prod", "web", "web.example.com", 80))
		if c.mutate != nil {
			c.mutate(l)
		}
		inv.UpsertLive(live(l))
		e := mustGet(t, inv, model.Key{Namespace: "prod", Name: "web"})
		var got []string
		for _, ch := range e.Changes {
			got = append(got, ch.Path)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.changes) {
			t.Errorf("%s: %s, changes %v; want %v", c.name, e.Status, got, c.changes)
		}
	}
}
