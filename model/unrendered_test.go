package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// remoteApp is the notice render gives for an Argo CD Application of the
// repo whose chart is in a Helm repository; a new copy each call, as a
// re-render makes one.
func remoteApp() model.RepoError {
	return model.RepoError{File: "argocd/remote.yaml", Line: 3, Notice: true,
		Message: "Application remote-app: spec.source: chart web from the Helm repository https://charts.example.com is not rendered (that would fetch it; ingress-drift never reaches the network)",
		Unrendered: &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "remote-app",
			File: "argocd/remote.yaml", Line: 3, SelfHeal: true}}
}

// managedLive is a live-only object with the given annotations and labels.
func managedLive(ns, name string, ann, labels map[string]string) *model.LiveObject {
	ing := ingress(ns, name, name+".example.com", 80)
	ing.Annotations, ing.Labels = ann, labels
	return live(ing)
}

func tracked(app, ns, name string) map[string]string {
	return map[string]string{"argocd.argoproj.io/tracking-id": app + ":networking.k8s.io/Ingress:" + ns + "/" + name}
}

// TestUnrenderedGitOpsMakesItsObjectsUnknown: a live object in no
// manifest whose manager is a GitOps object of the repo that is not
// rendered here (a notice naming it) is GitUnknown, blocked by that
// notice, with a cause that names the object and why; the live objects of
// other managers, of a rendered GitOps object, or of none stay
// missing-git. The notice gone, the object is missing-git again; the
// same notice re-read changes nothing.
func TestUnrenderedGitOpsMakesItsObjectsUnknown(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	remote := model.Key{Namespace: "remote", Name: "remote"}
	inv.UpsertLive(managedLive("remote", "remote", tracked("remote-app", "remote", "remote"), nil))
	ch, cancel := inv.Subscribe()
	defer cancel()

	// The notice arrives after the live object.
	notice := remoteApp()
	inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{notice})
	e := mustGet(t, inv, remote)
	if e.Status != model.StatusMissingGit || !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0].Place() != "argocd/remote.yaml:3" {
		t.Fatalf("managed by the unrendered Application: %s, GitUnknown %v, BlockedBy %v; want unknown, blocked by argocd/remote.yaml:3", e.Status, e.GitUnknown, e.BlockedBy)
	}
	wantCause := "Argo CD Application argocd/remote-app (argocd/remote.yaml:3) is not rendered here: spec.source: chart web from the Helm repository " +
		"https://charts.example.com is not rendered (that would fetch it; ingress-drift never reaches the network); " +
		"the live remote/remote names it (annotation argocd.argoproj.io/tracking-id)"
	if got := e.GitUnknownCause(); got != wantCause {
		t.Errorf("cause:\n got %s\nwant %s", got, wantCause)
	}
	if got := e.GitUnknownReason(); !strings.HasPrefix(got, wantCause) || !strings.HasSuffix(got, "so whether remote/remote is in what it renders is not known") {
		t.Errorf("reason = %q", got)
	}
	if e.ReportStatus() != model.StatusUnknown || e.BlockedPlaces(3) != "argocd/remote.yaml:3" {
		t.Errorf("report status %s, places %q", e.ReportStatus(), e.BlockedPlaces(3))
	}
	if code := inv.Snapshot().ExitCode(); code != 2 {
		t.Errorf("exit code = %d, want 2 (as for any unknown)", code)
	}
	if n := inv.Notices(); len(n) != 1 {
		t.Errorf("notices = %v, want the one notice, still shown", n)
	}
	waitChanged(t, ch, remote, true)

	// Live objects arriving after the notice: each is matched once.
	for _, c := range []struct {
		name        string
		ann, labels map[string]string
		unknown     bool
	}{
		{"ns-form", tracked("argocd_remote-app", "remote", "ns-form"), nil, true},
		{"other-ns", tracked("team_remote-app", "remote", "other-ns"), nil, false},
		{"other-app", tracked("web", "remote", "other-app"), nil, false},
		{"flux", nil, map[string]string{"kustomize.toolkit.fluxcd.io/name": "remote-app", "kustomize.toolkit.fluxcd.io/namespace": "argocd"}, false},
		{"handmade", nil, nil, false},
	} {
		inv.UpsertLive(managedLive("remote", c.name, c.ann, c.labels))
		e := mustGet(t, inv, model.Key{Namespace: "remote", Name: c.name})
		if e.Status != model.StatusMissingGit || e.GitUnknown != c.unknown || c.unknown != (len(e.BlockedBy) == 1) {
			t.Errorf("%s: %s, GitUnknown %v, BlockedBy %v; want missing-git, unknown %v", c.name, e.Status, e.GitUnknown, e.BlockedBy, c.unknown)
		}
	}

	// The same notice re-read (new pointers): nothing is recomputed.
	before := mustGet(t, inv, remote).Version
	inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{remoteApp()})
	if after := mustGet(t, inv, remote).Version; after != before {
		t.Errorf("the same notice re-read recomputed remote/remote (version %d → %d)", before, after)
	}

	// The Application rendered after all (its values not all known: a
	// notice naming no unrendered object): its live-only object is
	// missing from what it renders, a verdict.
	rendered := model.RepoError{File: "argocd/remote.yaml", Line: 3, Notice: true, Message: "Application remote-app: spec.source: values are incomplete: helm.fileParameters are not read"}
	inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{rendered})
	if e := mustGet(t, inv, remote); e.Status != model.StatusMissingGit || e.GitUnknown || e.BlockedBy != nil {
		t.Errorf("rendered: %s, GitUnknown %v, BlockedBy %v; want missing-git", e.Status, e.GitUnknown, e.BlockedBy)
	}
	waitChanged(t, ch, remote, false)

	inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{remoteApp()})
	if e := mustGet(t, inv, remote); !e.GitUnknown {
		t.Error("the notice back: remote/remote is not unknown")
	}
	// The notice gone with its source: missing-git again.
	inv.RemoveSource("gitops:argocd/remote.yaml")
	for _, name := range []string{"remote", "ns-form"} {
		if e := mustGet(t, inv, model.Key{Namespace: "remote", Name: name}); e.Status != model.StatusMissingGit || e.GitUnknown || e.BlockedBy != nil {
			t.Errorf("%s after the notice went: %s, GitUnknown %v, BlockedBy %v; want missing-git", name, e.Status, e.GitUnknown, e.BlockedBy)
		}
	}
}

// TestUnrenderedFluxAndErrorsFirst: a Flux HelmRelease of the repo with
// no namespace in its file matches its live objects by name (the labels'
// namespace is not ruled out); an error that blocks every verdict is
// named first, and once fixed the unrendered object still blocks.
func TestUnrenderedFluxAndErrorsFirst(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	hr := model.RepoError{File: "clusters/flux.yaml", Line: 81, Notice: true,
		Message:    "HelmRelease fromrepo: chart nginx from a HelmRepository (bitnami) is not rendered (that would fetch it; ingress-drift never reaches the network)",
		Unrendered: &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Name: "fromrepo", File: "clusters/flux.yaml", Line: 81}}
	inv.SetSource("gitops:clusters/flux.yaml", nil, []model.RepoError{hr})
	k := model.Key{Namespace: "web", Name: "nginx"}
	inv.UpsertLive(managedLive("web", "nginx", nil, map[string]string{"helm.toolkit.fluxcd.io/name": "fromrepo", "helm.toolkit.fluxcd.io/namespace": "flux-system"}))
	other := model.Key{Namespace: "web", Name: "kust"}
	inv.UpsertLive(managedLive("web", "kust", nil, map[string]string{"kustomize.toolkit.fluxcd.io/name": "fromrepo", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}))
	if e := mustGet(t, inv, k); !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0].Line != 81 ||
		!strings.HasPrefix(e.GitUnknownCause(), "Flux HelmRelease fromrepo (clusters/flux.yaml:81) is not rendered here: chart nginx from a HelmRepository") {
		t.Errorf("Flux: GitUnknown %v, BlockedBy %v, cause %q", e.GitUnknown, e.BlockedBy, e.GitUnknownCause())
	}
	if e := mustGet(t, inv, other); e.GitUnknown {
		t.Errorf("a Kustomization of the same name: unknown, blocked by %v", e.BlockedBy)
	}

	broken := model.RepoError{File: "apps/x.yaml", Line: 2, Message: "YAML: bad"}
	inv.SetSource("apps/x.yaml", nil, []model.RepoError{broken})
	if e := mustGet(t, inv, k); !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0] != broken {
		t.Errorf("with a broken file: BlockedBy %v, want the broken file", e.BlockedBy)
	}
	inv.RemoveSource("apps/x.yaml")
	if e := mustGet(t, inv, k); !e.GitUnknown || len(e.BlockedBy) != 1 || e.BlockedBy[0].Line != 81 {
		t.Errorf("file fixed: GitUnknown %v, BlockedBy %v; want the HelmRelease again", e.GitUnknown, e.BlockedBy)
	}
	if e := mustGet(t, inv, other); e.GitUnknown {
		t.Errorf("file fixed: web/kust still unknown (%v)", e.BlockedBy)
	}
}

// BenchmarkUnrenderedToggle: 10,000 live-only objects, each tracked by
// an Argo CD Application; one op is the unrendered notice arriving and
// going again: every missing-git entry is matched and recomputed twice,
// nothing else is.
func BenchmarkUnrenderedToggle(b *testing.B) {
	inv := model.NewInventory(diffengine.Options{})
	read(inv)
	for i := range 10000 {
		name := fmt.Sprintf("obj-%05d", i)
		inv.UpsertLive(managedLive("remote", name, tracked(fmt.Sprintf("app-%d", i%50), "remote", name), nil))
	}
	n := remoteApp()
	n.Unrendered.Name = "app-7"
	for b.Loop() {
		inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{n})
		inv.RemoveSource("gitops:argocd/remote.yaml")
	}
}
