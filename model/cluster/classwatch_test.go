package cluster_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// classes records what WatchDefaultIngressClass reports.
type classes struct {
	mu    sync.Mutex
	names []string
}

func (c *classes) set(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
}

// reported returns every name reported so far.
func (c *classes) reported() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.names)
}

// is reports whether the latest report is name.
func (c *classes) is(name string) bool {
	n := c.reported()
	return len(n) > 0 && n[len(n)-1] == name
}

// watchClasses runs WatchDefaultIngressClass on tg until the test ends,
// and checks that it then returns nil.
func watchClasses(t *testing.T, tg *cluster.Target) *classes {
	t.Helper()
	c := &classes{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cluster.WatchDefaultIngressClass(ctx, tg, c.set) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchDefaultIngressClass: %v", err)
		}
	})
	return c
}

// defaultClass creates an IngressClass annotated as the default, deleted
// when the test ends.
func defaultClass(t *testing.T, env *testcluster.Env, name string) *networkingv1.IngressClass {
	t.Helper()
	ctx := context.Background()
	ic, err := env.Client.NetworkingV1().IngressClasses().Create(ctx, &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}},
		Spec:       networkingv1.IngressClassSpec{Controller: "example.com/ingress"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.NetworkingV1().IngressClasses().Delete(ctx, name, metav1.DeleteOptions{}) })
	return ic
}

// admitted waits until the DefaultIngressClass admission plugin fills
// want into an Ingress created without a class (a server-side dry run in
// ns; nil want: fills nothing). The plugin reads the classes through its
// own informer, so it may lag behind the watch.
func admitted(t *testing.T, env *testcluster.Env, ns string, want *string) {
	t.Helper()
	probe := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: ns},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
			Name: "probe", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}
	waitFor(t, "the admission plugin to fill in the class the watch chose", 30*time.Second, func() bool {
		got, err := env.Client.NetworkingV1().Ingresses(ns).Create(context.Background(), probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			return false
		}
		if want == nil {
			return got.Spec.IngressClassName == nil
		}
		return got.Spec.IngressClassName != nil && *got.Spec.IngressClassName == *want
	})
}

// TestWatchDefaultIngressClass: the watch follows a class made default,
// no longer default, outdone by a newer default (the newest wins, as the
// admission plugin decides, not the first by name) and deleted, and never
// reports the same class twice in a row.
//
// Not parallel: a default IngressClass is cluster-wide.
func TestWatchDefaultIngressClass(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	t.Cleanup(func() { admitted(t, env, ns, nil) }) // runs after the classes are deleted
	got := watchClasses(t, target(t, env, ""))
	waitFor(t, "the first choice (none)", 30*time.Second, func() bool { return got.is("") })

	nginx := defaultClass(t, env, "nginx")
	waitFor(t, "nginx", 30*time.Second, func() bool { return got.is("nginx") })
	admitted(t, env, ns, &nginx.Name)

	classes := env.Client.NetworkingV1().IngressClasses()
	annotate := func(value string) {
		t.Helper()
		patch := `{"metadata":{"annotations":{"` + networkingv1.AnnotationIsDefaultIngressClass + `":"` + value + `"}}}`
		if _, err := classes.Patch(ctx, "nginx", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	annotate("false")
	waitFor(t, "no default", 30*time.Second, func() bool { return got.is("") })
	annotate("true")
	waitFor(t, "nginx again", 30*time.Second, func() bool { return got.is("nginx") })

	// creationTimestamp counts seconds: one later, or it is a tie.
	waitFor(t, "a second to pass since nginx was created", 30*time.Second, func() bool {
		return time.Now().After(nginx.CreationTimestamp.Add(time.Second))
	})
	newer := defaultClass(t, env, "zz-newer")
	if !nginx.CreationTimestamp.Before(&newer.CreationTimestamp) {
		t.Fatalf("zz-newer created at %v, not after nginx (%v)", newer.CreationTimestamp, nginx.CreationTimestamp)
	}
	waitFor(t, "zz-newer", 30*time.Second, func() bool { return got.is("zz-newer") })
	admitted(t, env, ns, &newer.Name)

	if err := classes.Delete(ctx, "zz-newer", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nginx after zz-newer's deletion", 30*time.Second, func() bool { return got.is("nginx") })
	if err := classes.Delete(ctx, "nginx", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "no default after nginx's deletion", 30*time.Second, func() bool { return got.is("") })

	names := got.reported()
	if want := []string{"", "nginx", "", "nginx", "zz-newer", "nginx", ""}; !slices.Equal(names, want) {
		t.Errorf("reported %q, want %q (each change once)", names, want)
	}
}

// countRequests makes tg count its requests whose path contains part.
func countRequests(tg *cluster.Target, part string) *atomic.Int64 {
	var n atomic.Int64
	tg.Config.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(r.URL.Path, part) {
				n.Add(1)
			}
			return rt.RoundTrip(r)
		})
	})
	return &n
}

// TestWatchDefaultIngressClassForbidden: a user who may watch Ingresses in
// one namespace and nothing else (a Role cannot grant IngressClasses,
// which are cluster-scoped). The Ingress watch, run beside the class watch
// as the engine runs them, goes live, delivers, and never turns stale;
// the class watch reports nothing and after its one refused request does
// not ask again before ClassRefusedRetry. Once the user is granted
// IngressClasses (a ClusterRole), a later retry picks the default up.
// Nothing is logged about IngressClasses meanwhile.
//
// Not parallel: it creates a default IngressClass, changes what klog
// logs to, and binds a ClusterRole.
func TestWatchDefaultIngressClassForbidden(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	user := "ingress-only-" + ns
	var (
		logMu  sync.Mutex
		logged []string
	)
	// Contextual: what client-go logs through klog.Background() and
	// klog.FromContext comes here too, at ingress-drift's verbosity (0:
	// klog's -v is not a flag of ours).
	klog.SetLoggerWithOptions(funcr.New(func(prefix, args string) {
		if line := prefix + " " + args; strings.Contains(strings.ToLower(line), "ingressclass") {
			logMu.Lock()
			logged = append(logged, line)
			logMu.Unlock()
		}
	}, funcr.Options{}), klog.ContextualLogger(true))
	t.Cleanup(klog.ClearLogger)
	tg := userWithRole(t, env, ns, user, rbacv1.PolicyRule{
		APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list", "watch"}})
	asked := countRequests(tg, "/ingressclasses")
	// Long enough that the test never sees the retry: with the reflector's
	// own backoff, its watch-list request would be followed by a list at
	// once, and another pair 0.8 s later.
	cluster.SetClassRefusedRetry(tg, time.Hour)
	run := func(tg *cluster.Target) (*recorder, *classes) {
		rec := newRecorder()
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- cluster.Watch(ctx, tg, rec) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Watch: %v", err)
			}
		})
		return rec, watchClasses(t, tg)
	}
	rec, got := run(tg)
	t.Cleanup(func() { admitted(t, env, ns, nil) }) // runs after the class is deleted
	defaultClass(t, env, "house-"+ns)
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, typicalIngress(ns, "shop"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	shop := model.Key{Namespace: ns, Name: "shop"}
	waitFor(t, "the Ingress watch to deliver shop", 30*time.Second, func() bool {
		o, _ := rec.get(shop)
		return o != nil && rec.state().Phase == model.ConnLive
	})
	waitFor(t, "the class watch's first request", 30*time.Second, func() bool { return asked.Load() > 0 })
	for _, s := range rec.snapshotStates() {
		if s.Phase == model.ConnStale || s.Err != "" {
			t.Errorf("connection state %+v: a refused IngressClass watch must not show", s)
		}
	}
	if n := got.reported(); len(n) != 0 {
		t.Errorf("class watch reported %q without the right to read IngressClasses", n)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("%d requests for IngressClasses, want 1 until the retry", n)
	}

	// Granted meanwhile: a watch that retries soon (here) finds the class.
	tg2 := userWithRole(t, env, ns, user+"-later", rbacv1.PolicyRule{
		APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list", "watch"}})
	cluster.SetClassRefusedRetry(tg2, 10*time.Millisecond)
	asked2 := countRequests(tg2, "/ingressclasses")
	_, later := run(tg2)
	waitFor(t, "the class watch's first (refused) request", 30*time.Second, func() bool { return asked2.Load() > 0 })
	env.Kubectl(t, "create", "clusterrole", user+"-later", "--verb=get,list,watch", "--resource=ingressclasses.networking.k8s.io")
	env.Kubectl(t, "create", "clusterrolebinding", user+"-later", "--clusterrole="+user+"-later", "--user="+user+"-later")
	t.Cleanup(func() {
		env.Kubectl(t, "delete", "clusterrolebinding", user+"-later")
		env.Kubectl(t, "delete", "clusterrole", user+"-later")
	})
	waitFor(t, "the class watch to pick up the default once allowed", 60*time.Second, func() bool { return later.is("house-" + ns) })
	logMu.Lock()
	defer logMu.Unlock()
	if len(logged) != 0 {
		t.Errorf("logged about IngressClasses, want nothing:\n%s", strings.Join(logged, "\n"))
	}
}
