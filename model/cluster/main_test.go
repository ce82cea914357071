package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

func TestMain(m *testing.M) { testcluster.Main(m) }

// flags returns kubectl-style flags as cobra would fill them, with
// ingress-drift's defaults.
func flags(kubeconfig, context, namespace string) *genericclioptions.ConfigFlags {
	f := cluster.NewConfigFlags()
	*f.KubeConfig = kubeconfig
	*f.Context = context
	*f.Namespace = namespace
	return f
}

// target resolves the test cluster's admin kubeconfig, scoped to ns.
func target(t testing.TB, env *testcluster.Env, ns string) *cluster.Target {
	t.Helper()
	tg, err := cluster.Resolve(flags(env.Kubeconfig, "", ns), ns == "")
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	return tg
}

// fastClient is an admin clientset without client-side rate limiting, for
// creating many objects.
func fastClient(t testing.TB, env *testcluster.Env) kubernetes.Interface {
	t.Helper()
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS, cfg.Burst = -1, 0
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// typicalIngress is a realistic object: two hosts, TLS, a class and a few
// controller annotations.
func typicalIngress(ns, name string) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	class := "nginx"
	path := func(p, svc string, port int32) networkingv1.HTTPIngressPath {
		return networkingv1.HTTPIngressPath{Path: p, PathType: &prefix, Backend: networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: port}}}}
	}
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
			Labels: map[string]string{"app": name, "team": "web"},
			Annotations: map[string]string{
				"nginx.ingress.kubernetes.io/ssl-redirect":    "true",
				"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
				"cert-manager.io/cluster-issuer":              "letsencrypt",
			}},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			TLS:              []networkingv1.IngressTLS{{Hosts: []string{name + ".example.com", "www." + name + ".example.com"}, SecretName: name + "-tls"}},
			Rules: []networkingv1.IngressRule{
				{Host: name + ".example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{path("/", "web", 80), path("/api", "api", 8080)}}}},
				{Host: "www." + name + ".example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{path("/", "web", 80)}}}},
			},
		},
	}
}

// recorder is a thread-safe LiveSink that remembers every call.
type recorder struct {
	mu      sync.Mutex
	objs    map[model.Key]*model.LiveObject
	seen    map[model.Key]time.Time // time of the last upsert per key
	deleted map[model.Key]time.Time
	states  []model.ConnState
	upserts int
}

func newRecorder() *recorder {
	return &recorder{objs: map[model.Key]*model.LiveObject{}, seen: map[model.Key]time.Time{}, deleted: map[model.Key]time.Time{}}
}

func (r *recorder) UpsertLive(obj *model.LiveObject) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := obj.Key()
	r.objs[k] = obj
	r.seen[k] = time.Now()
	delete(r.deleted, k)
	r.upserts++
}

func (r *recorder) DeleteLive(k model.Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.objs, k)
	r.deleted[k] = time.Now()
}

func (r *recorder) SetCluster(s model.ConnState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
}

// state returns the latest connection state.
func (r *recorder) state() model.ConnState {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.states) == 0 {
		return model.ConnState{}
	}
	return r.states[len(r.states)-1]
}

// snapshotStates returns every state reported so far.
func (r *recorder) snapshotStates() []model.ConnState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.states)
}

// get returns the object under k and when it last arrived.
func (r *recorder) get(k model.Key) (*model.LiveObject, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.objs[k], r.seen[k]
}

// waitFor polls cond until it holds or the deadline passes. Deadlines are
// generous: they bound a broken test, they do not measure speed.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}
