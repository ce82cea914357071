package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/model"
)

// TestRevertChartRenderedKeepsHelmFields: on a real API server, an object
// as `helm install` leaves it (release annotations, managed-by label) and
// rendered from a chart is in sync with its chart; a hand-added annotation
// is its only drift, and the revert (a PUT from no file, as for kustomize
// output) removes that and keeps what Helm added. The chart's rendering is
// fed to the inventory by hand, as the Helm renderer will.
func TestRevertChartRenderedKeepsHelmFields(t *testing.T) {
	t.Parallel()
	shopDoc, adminDoc, _ := strings.Cut(shopFile, "---\n# Admin")
	f := newFixture(t, map[string]string{"apps/admin.yaml": "# Admin" + adminDoc}, "")
	installed := strings.ReplaceAll(shopDoc, "  labels:\n    team: shop\n",
		"  labels:\n    team: shop\n    app.kubernetes.io/managed-by: Helm\n")
	installed = strings.Replace(installed, "  annotations:\n", "  annotations:\n    meta.helm.sh/release-name: shop\n    meta.helm.sh/release-namespace: NS\n", 1)
	file := filepath.Join(t.TempDir(), "installed.yaml")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(installed, "NS", f.ns)), 0o644); err != nil {
		t.Fatal(err)
	}
	f.env.Kubectl(t, "apply", "-f", file)
	f.status(t, "shop", model.StatusMissingGit)

	ing, err := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chart := ing.DeepCopy()
	chart.ObjectMeta = metav1.ObjectMeta{Name: "shop", Namespace: f.ns, Labels: map[string]string{"team": "shop"},
		Annotations: map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "true"}}
	helm := &model.HelmOrigin{Chart: "charts/shop", Release: "shop", Namespace: f.ns, Template: "charts/shop/templates/ingress.yaml"}
	f.eng.Inv.SetSource("helm:charts/shop", []model.Desired{{Ingress: chart, Namespace: f.ns,
		Origin: model.Origin{File: helm.Template, Line: 1, Item: -1, Helm: helm}}}, nil)
	if e := f.status(t, "shop", model.StatusInSync); len(e.Ignored) != 3 {
		t.Errorf("in sync with %d ignored %v, want Helm's 3 fields", len(e.Ignored), e.Ignored)
	}

	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "nginx.ingress.kubernetes.io/configuration-snippet=return 200;")
	f.drifted(t, "shop", 1)
	if _, err := f.eng.Plan(context.Background(), f.key("shop"), model.ActionAccept); err == nil || !strings.Contains(err.Error(), "rendered by Helm chart charts/shop") {
		t.Errorf("accept = %v, want refused: rendered by Helm chart", err)
	}
	p := f.plan(t, "shop", model.ActionRevert)
	if p.Operation != model.OpUpdateLive || len(p.Changes) != 1 || len(p.Remaining) != 0 {
		t.Fatalf("plan = %s, changes %v, remaining %v; want the snippet removed, nothing remaining", p.Operation, paths(p.Changes), paths(p.Remaining))
	}
	f.execute(t, p, model.ExecOptions{})
	got, _ := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if _, ok := got.Annotations["nginx.ingress.kubernetes.io/configuration-snippet"]; ok || got.Annotations["meta.helm.sh/release-name"] != "shop" ||
		got.Annotations["meta.helm.sh/release-namespace"] != f.ns || got.Labels["app.kubernetes.io/managed-by"] != "Helm" {
		t.Errorf("after the revert: annotations %v, labels %v", got.Annotations, got.Labels)
	}
	f.status(t, "shop", model.StatusInSync)
}
