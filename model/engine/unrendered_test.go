package engine

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/model"
)

// TestUnitUnrenderedGitOpsRefused: a live-only object tracked by an Argo
// CD Application of the repo whose chart is in a Helm repository (not
// rendered here: a notice) is not missing from Git as far as anyone
// knows. Revert (a delete Argo CD would undo at once) and accept (a
// second manifest) are refused naming the Application, and a delete
// planned before the notice arrived is refused at execute; nothing is
// written.
func TestUnitUnrenderedGitOpsRefused(t *testing.T) {
	u := newUnit(t, manifests, liveOf(t, "handmade", func(i *networkingv1.Ingress) {
		i.Annotations["argocd.argoproj.io/tracking-id"] = "remote-app:networking.k8s.io/Ingress:shop/handmade"
	}))
	early := u.plan(t, handmade, model.ActionRevert)
	if early.Operation != model.OpDeleteLive {
		t.Fatalf("before the notice: %s, want a delete", early.Operation)
	}
	u.e.Inv.SetSource("gitops:argocd/remote.yaml", nil, []model.RepoError{{File: "argocd/remote.yaml", Line: 3, Notice: true,
		Message:    "Application remote-app: spec.source: chart web from the Helm repository https://charts.example.com is not rendered",
		Unrendered: &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "remote-app", File: "argocd/remote.yaml", Line: 3, SelfHeal: true}}})
	u.cl.calls, u.st.calls = nil, nil
	want := "nothing deleted or written: Argo CD Application argocd/remote-app (argocd/remote.yaml:3) is not rendered here: spec.source: chart web"
	for _, a := range []model.Action{model.ActionRevert, model.ActionAccept} {
		p, err := u.e.Plan(context.Background(), handmade, a)
		refusedWith(t, "plan "+string(a), err, want)
		if p != nil {
			t.Errorf("plan %s: a refusal came with a plan", a)
		}
	}
	_, err := u.e.Execute(context.Background(), early, model.ExecOptions{Confirm: "handmade"})
	refusedWith(t, "execute of the delete planned before", err, "argocd/remote.yaml:3")
	if w := u.cl.writes(); len(w) != 0 {
		t.Errorf("the cluster was written: %v", w)
	}
	if len(u.st.calls) != 0 {
		t.Errorf("the store was asked to write: %v", u.st.calls)
	}
	if _, ok := u.cl.objs[handmade]; !ok {
		t.Error("shop/handmade was deleted")
	}
}
