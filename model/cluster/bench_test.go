package cluster_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// fixture is a typical Ingress as the API server serves it after a
// pipeline's client-side apply, `kubectl annotate`, `kubectl patch` and an
// ingress controller's status update: four managedFields entries and the
// last-applied annotation.
const fixture = "testdata/typical-ingress.json"

// makeTypical builds the fixture's object on the real API server.
func makeTypical(t testing.TB, env *testcluster.Env, ns string) *networkingv1.Ingress {
	t.Helper()
	ing := typicalIngress("", "shop")
	ing.TypeMeta = metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"}
	manifest, err := yaml.Marshal(ing)
	if err != nil {
		t.Fatal(err)
	}
	env.Kubectl(t, "-n", ns, "apply", "-f", writeFile(t, t.TempDir(), "shop.yaml", string(manifest)))
	env.Kubectl(t, "-n", ns, "annotate", "--overwrite", "ingress", "shop", "nginx.ingress.kubernetes.io/ssl-redirect=false")
	env.Kubectl(t, "-n", ns, "patch", "ingress", "shop", "--type=json",
		"-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/port/number","value":9090}]`)
	ctx := context.Background()
	ings := env.Client.NetworkingV1().Ingresses(ns)
	cur, err := ings.Get(ctx, "shop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cur.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.10"}}
	if cur, err = ings.UpdateStatus(ctx, cur, metav1.UpdateOptions{FieldManager: "nginx-ingress-controller"}); err != nil {
		t.Fatal(err)
	}
	return cur
}

func loadFixture(t testing.TB) *networkingv1.Ingress {
	t.Helper()
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	ing := &networkingv1.Ingress{}
	if err := json.Unmarshal(b, ing); err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	return ing
}

// ownership is attribution without times, which differ between runs.
func ownership(ing *networkingv1.Ingress) []string {
	var out []string
	for _, o := range cluster.LiveObjectFrom(ing).Owners {
		out = append(out, strings.Join(o.Field, ".")+" "+o.Manager.Manager+"/"+o.Operation+"/"+o.Subresource)
	}
	return out
}

// TestTypicalFixtureMatchesServer keeps the benchmark's fixture honest: the
// same steps on the real API server give the same ownership. Run with
// UPDATE_FIXTURE=1 to rewrite it.
func TestTypicalFixtureMatchesServer(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	live := makeTypical(t, env, ns)
	if len(live.ManagedFields) != 4 {
		t.Fatalf("%d managedFields entries, want 4", len(live.ManagedFields))
	}
	if os.Getenv("UPDATE_FIXTURE") != "" {
		live.Namespace, live.UID, live.ResourceVersion = "shop", "6f1c2a9e-0000-4000-8000-000000000001", "12345"
		b, err := json.MarshalIndent(live, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fixture, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(ownership(live), ownership(loadFixture(t))); diff != "" {
		t.Errorf("fixture ownership differs from the server's (-server +fixture); rerun with UPDATE_FIXTURE=1:\n%s", diff)
	}
}

// BenchmarkLiveObjectFrom is the per-event cost of the informer's
// transform: parse four managedFields entries, derive the owners, copy the
// object without managedFields and the last-applied annotation.
func BenchmarkLiveObjectFrom(b *testing.B) {
	ing := loadFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = cluster.LiveObjectFrom(ing)
	}
}

// listNS is a namespace with listN typical Ingresses, made once for the
// List benchmarks (the control plane is torn down after the run).
const listN = 1000

var (
	listOnce sync.Once
	listNS   string
)

func listNamespace(b *testing.B, env *testcluster.Env) string {
	listOnce.Do(func() {
		listNS = "bench-list"
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: listNS}}
		if _, err := env.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		createMany(b, fastClient(b, env), listNS, listN)
	})
	return listNS
}

// BenchmarkList1000 is `ingress-drift check`'s read of the cluster: one
// paginated protobuf list of 1,000 Ingresses, converted to LiveObjects.
func BenchmarkList1000(b *testing.B) {
	env := testcluster.Get(b)
	ns := listNamespace(b, env)
	tg := target(b, env, ns)
	b.ReportAllocs()
	for b.Loop() {
		objs, err := cluster.List(context.Background(), tg)
		if err != nil {
			b.Fatal(err)
		}
		if len(objs) != listN {
			b.Fatalf("%d objects", len(objs))
		}
	}
}

// BenchmarkKubectlGetJSON1000 is the floor check is measured against:
// `kubectl get ingress -o json` of the same 1,000 objects, output
// discarded (includes kubectl's process start).
func BenchmarkKubectlGetJSON1000(b *testing.B) {
	env := testcluster.Get(b)
	ns := listNamespace(b, env)
	kubectl := filepath.Join(env.Cluster.BinDir, "kubectl")
	for b.Loop() {
		cmd := exec.Command(kubectl, "--kubeconfig", env.Kubeconfig, "get", "ingress", "-n", ns, "-o", "json")
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
