package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model/engine"

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

// TestChartSeesClusterVersion: charts are rendered for the connected
// cluster's Kubernetes version (.Capabilities.KubeVersion), as the GitOps
// controller rendering them for it does; offline they see Helm's default.
func TestChartSeesClusterVersion(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repoDir := t.TempDir()
	for name, content := range map[string]string{
		".ingress-drift.yaml":               "helm:\n  - chart: charts/web\n    release: web\n    namespace: " + ns + "\n",
		"charts/web/Chart.yaml":             "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/templates/ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kube-version: {{ .Capabilities.KubeVersion.Version | quote }}\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n",
	} {
		p := filepath.Join(repoDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	info, err := env.Client.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Namespace = &env.Kubeconfig, &ns
	rendered := func(o engine.Options) string {
		t.Helper()
		eng, err := engine.Open(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		e, ok := eng.Inv.Get(model.Key{Namespace: ns, Name: "web"})
		if !ok || len(e.Desired) != 1 {
			t.Fatalf("entry %v: want the chart's Ingress", e)
		}
		return e.Desired[0].Ingress.Annotations["kube-version"]
	}
	if got := rendered(engine.Options{Kube: flags, Repo: repoDir, DefaultNamespace: ns}); got != info.GitVersion {
		t.Errorf("connected: the chart saw %q, want the server's %q", got, info.GitVersion)
	}
	live := filepath.Join(t.TempDir(), "live.yaml")
	if err := os.WriteFile(live, []byte("apiVersion: v1\nkind: List\nitems: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := rendered(engine.Options{LiveFile: live, Repo: repoDir, DefaultNamespace: ns}); got == "" || got == info.GitVersion {
		t.Errorf("offline: the chart saw %q, want Helm's default (not the server's %q)", got, info.GitVersion)
	}
}
