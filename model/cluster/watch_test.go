package cluster_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	networkingclient "k8s.io/client-go/kubernetes/typed/networking/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// recoveryDeadline bounds waits that include the reflector's backoff
// (doubling up to 30 s): generous on purpose, never a speed assertion.
const recoveryDeadline = 90 * time.Second

// startWatch runs Watch until the test ends and checks that it returns nil.
func startWatch(t *testing.T, tg *cluster.Target) *recorder {
	t.Helper()
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cluster.Watch(ctx, tg, rec) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Watch returned %v after cancel, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("Watch did not return after cancel")
		}
	})
	return rec
}

func phaseIs(rec *recorder, p model.ConnPhase) func() bool {
	return func() bool { return rec.state().Phase == p }
}

func TestWatchFeedsSink(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	ings := env.Client.NetworkingV1().Ingresses(ns)
	if _, err := ings.Create(ctx, typicalIngress(ns, "before"), metav1.CreateOptions{FieldManager: "argocd-controller"}); err != nil {
		t.Fatal(err)
	}
	tg := target(t, env, ns)
	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))

	// syncing first, then live, with the target described.
	rec.mu.Lock()
	states := slices.Clone(rec.states)
	rec.mu.Unlock()
	if len(states) < 2 || states[0].Phase != model.ConnSyncing || states[len(states)-1].Phase != model.ConnLive {
		t.Errorf("states = %+v, want syncing … live", states)
	}
	for _, s := range states {
		if s.Server != tg.Server || s.Namespace != ns || s.Context != tg.Context || s.Context == "" {
			t.Errorf("state %+v does not describe the target %+v", s, tg)
		}
	}
	// The initial list reached the sink before live was reported.
	before, _ := rec.get(model.Key{Namespace: ns, Name: "before"})
	if before == nil {
		t.Fatal("object created before the watch started is missing at live")
	}
	if before.Ingress.ManagedFields != nil || len(before.Managers) != 1 || before.Managers[0].Manager != "argocd-controller" {
		t.Errorf("initial object not converted: managedFields %v, managers %v", before.Ingress.ManagedFields, before.Managers)
	}

	// Create.
	if _, err := ings.Create(ctx, typicalIngress(ns, "shop"), metav1.CreateOptions{FieldManager: "argocd-controller"}); err != nil {
		t.Fatal(err)
	}
	shop := model.Key{Namespace: ns, Name: "shop"}
	waitFor(t, "create", 30*time.Second, func() bool { o, _ := rec.get(shop); return o != nil })

	// Updates as kubectl edit makes them: latency from the request to the
	// sink call, over several edits.
	var lat []time.Duration
	for i := range 20 {
		cur, err := ings.Get(ctx, "shop", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		metav1.SetMetaDataAnnotation(&cur.ObjectMeta, "edit", strings.Repeat("x", i+1))
		start := time.Now()
		upd, err := ings.Update(ctx, cur, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
		if err != nil {
			t.Fatal(err)
		}
		var seen time.Time
		waitFor(t, "update", 30*time.Second, func() bool {
			o, at := rec.get(shop)
			seen = at
			return o != nil && o.Ingress.ResourceVersion == upd.ResourceVersion
		})
		lat = append(lat, seen.Sub(start))
	}
	slices.Sort(lat)
	t.Logf("client-go Update → sink.UpsertLive latency over %d edits: min %v, median %v, p95 %v, max %v",
		len(lat), lat[0], lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1])
	o, _ := rec.get(shop)
	if ms := o.ManagersFor([]string{"metadata", "annotations", "edit"}); len(ms) != 1 || ms[0].Manager != "kubectl-edit" {
		t.Errorf("edited annotation attributed to %v, want kubectl-edit", ms)
	}

	// A real `kubectl edit`, its editor a sed script.
	start := time.Now()
	cmd := env.Cluster.Kubectl(env.Kubeconfig, "-n", ns, "edit", "ingress", "shop")
	cmd.Env = append(os.Environ(), "KUBE_EDITOR=sed -i s/number:\\ 8080/number:\\ 9090/")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kubectl edit: %v\n%s", err, out)
	}
	exited := time.Now()
	var seen time.Time
	waitFor(t, "kubectl edit", 30*time.Second, func() bool {
		o, at := rec.get(shop)
		seen = at
		return o != nil && o.Ingress.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number == 9090
	})
	t.Logf("kubectl edit: %v from start to sink call (%v after kubectl exited)", seen.Sub(start), seen.Sub(exited))
	o, _ = rec.get(shop)
	if ms := o.ManagersFor([]string{"spec", "rules"}); len(ms) == 0 || ms[0].Manager != "kubectl-edit" {
		t.Errorf("spec.rules after kubectl edit attributed to %v, want kubectl-edit first", ms)
	}

	// Delete.
	if err := ings.Delete(ctx, "shop", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delete", 30*time.Second, func() bool { o, _ := rec.get(shop); return o == nil })
	if rec.state().Phase != model.ConnLive {
		t.Errorf("state after the run = %+v, want live", rec.state())
	}
}

// TestWatchAllNamespaces stays serial, like TestReadLiveFileFromKubectl.
func TestWatchAllNamespaces(t *testing.T) {
	env := testcluster.Get(t)
	a, b := env.Namespace(t), env.Namespace(t)
	ctx := context.Background()
	for _, ns := range []string{a, b} {
		if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, typicalIngress(ns, "web"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tg := target(t, env, "")
	if tg.Namespace != "" {
		t.Fatalf("scope %q, want all namespaces", tg.Namespace)
	}
	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))
	for _, ns := range []string{a, b} {
		if o, _ := rec.get(model.Key{Namespace: ns, Name: "web"}); o == nil {
			t.Errorf("%s/web missing from an all-namespaces watch", ns)
		}
	}
}

// TestWatchForbidden: a user who may only get Ingresses sees a stale state
// that names the user and namespace; granting list and watch brings the
// informer back without help.
func TestWatchForbidden(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, typicalIngress(ns, "shop"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	user := "drift-viewer"
	_, kc, err := env.Cluster.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	kcPath := writeFile(t, t.TempDir(), "kubeconfig", string(kc))
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "ingress-reader", Namespace: ns},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get"}}},
	}
	rbac := env.Client.RbacV1()
	if role, err = rbac.Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "ingress-reader", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "ingress-reader"},
		Subjects:   []rbacv1.Subject{{Kind: "User", Name: user}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	tg, err := cluster.Resolve(flags(kcPath, "", ns), false)
	if err != nil {
		t.Fatal(err)
	}
	// List reports the same in its error.
	if _, err := cluster.List(ctx, tg); err == nil || !strings.Contains(err.Error(), "Forbidden") || !strings.Contains(err.Error(), `"`+user+`"`) {
		t.Errorf("List as %s: %v, want a Forbidden error naming the user", user, err)
	} else {
		t.Logf("List error: %v", err)
	}

	rec := startWatch(t, tg)
	// Each attempt of the reflector is a watch-list request and, that
	// refused, a plain list; the state says the latest failure, so for a
	// moment it names the watch. Wait for the list's (checking the first
	// stale state failed whenever the list came late, as under load).
	var st model.ConnState
	waitFor(t, "stale, naming the list", recoveryDeadline, func() bool {
		st = rec.state()
		return st.Phase == model.ConnStale && strings.Contains(st.Err, "list")
	})
	t.Logf("stale state: %+v", st)
	for _, want := range []string{"Forbidden", `"` + user + `"`, `"` + ns + `"`, "list"} {
		if !strings.Contains(st.Err, want) {
			t.Errorf("stale error %q does not mention %s", st.Err, want)
		}
	}
	if st.Since.IsZero() {
		t.Error("stale without Since")
	}

	granted := time.Now()
	role.Rules[0].Verbs = []string{"get", "list", "watch"}
	if _, err := rbac.Roles(ns).Update(ctx, role, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "live after the grant", recoveryDeadline, phaseIs(rec, model.ConnLive))
	t.Logf("live %v after list/watch were granted (reflector backoff)", time.Since(granted))
	if o, _ := rec.get(model.Key{Namespace: ns, Name: "shop"}); o == nil {
		t.Error("object missing after recovery")
	}
}

// TestWatchAPIServerRestart stops the API server mid-watch and starts it
// again on the same port. The watch goes stale with the dial error, comes
// back live on its own, and sees an edit and a deletion made meanwhile
// through another API server on the same etcd (as in an HA control plane
// where our server went away).
//
// The server stopped is a real one (a second kube-apiserver on the
// package's etcd, so that the package's own stays up for the tests running
// in parallel), not a proxy cut as in TestWatchLiveOnlyWhenRelistDelivered:
// a restarted server comes back with an empty watch cache that it fills
// from etcd, and the relist must see what etcd holds.
func TestWatchAPIServerRestart(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	ings := env.Client.NetworkingV1().Ingresses(ns)
	createShopAndBlog(t, ings, ns)
	api, kubeconfig := startAPIServer(t, env, env.Cluster.Environment().ControlPlane.Etcd.URL)

	tg, err := cluster.Resolve(flags(kubeconfig, "", ns), false)
	if err != nil {
		t.Fatal(err)
	}
	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))

	port := api.SecureServing.Port
	restart := stopKeepingCerts(t, env, api)
	stopped := time.Now()
	waitFor(t, "stale", recoveryDeadline, phaseIs(rec, model.ConnStale))
	stale := rec.state()
	t.Logf("stale %v after the API server stopped: %+v", time.Since(stopped), stale)
	if !strings.Contains(stale.Err, "API server unreachable") || !strings.Contains(stale.Err, "connection refused") {
		t.Errorf("stale error %q, want the dial error in words", stale.Err)
	}

	// Meanwhile, through the package's API server.
	editAndDeleteWhileDown(t, ings)
	if s := rec.state(); s.Phase != model.ConnStale || !s.Since.Equal(stale.Since) {
		t.Errorf("state while down = %+v, want stale since %v", s, stale.Since)
	}

	restart()
	restarted := time.Now()
	if api.SecureServing.Port != port {
		t.Errorf("API server came back on port %s, want %s", api.SecureServing.Port, port)
	}
	waitFor(t, "live again", recoveryDeadline, phaseIs(rec, model.ConnLive))
	t.Logf("live %v after the API server was back (%v after it stopped)", time.Since(restarted), time.Since(stopped))
	shop := model.Key{Namespace: ns, Name: "shop"}
	waitFor(t, "the edit made while down", recoveryDeadline, func() bool {
		o, _ := rec.get(shop)
		return o != nil && o.Ingress.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] == "false"
	})
	waitFor(t, "the deletion made while down", recoveryDeadline, func() bool {
		o, _ := rec.get(model.Key{Namespace: ns, Name: "blog"})
		return o == nil
	})
	t.Logf("edit and deletion made while down seen %v after the restart", time.Since(restarted))
	o, _ := rec.get(shop)
	if ms := o.ManagersFor([]string{"metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"}); len(ms) != 1 || ms[0].Manager != "kubectl-edit" {
		t.Errorf("edit made while down attributed to %v, want kubectl-edit", ms)
	}

	rec.mu.Lock()
	var phases []model.ConnPhase
	for _, s := range rec.states {
		if len(phases) == 0 || phases[len(phases)-1] != s.Phase {
			phases = append(phases, s.Phase)
		}
	}
	rec.mu.Unlock()
	t.Logf("phases: %v", phases)
	if !slices.Equal(phases, []model.ConnPhase{model.ConnSyncing, model.ConnLive, model.ConnStale, model.ConnLive}) {
		t.Errorf("phases = %v, want syncing live stale live", phases)
	}
	// The package's control plane is whole for the tests after us.
	if _, err := env.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
		t.Fatalf("admin client after restart: %v", err)
	}
}

// createShopAndBlog creates the outage tests' two objects, as Argo CD.
func createShopAndBlog(t *testing.T, ings networkingclient.IngressInterface, ns string) {
	t.Helper()
	for _, name := range []string{"shop", "blog"} {
		if _, err := ings.Create(context.Background(), typicalIngress(ns, name), metav1.CreateOptions{FieldManager: "argocd-controller"}); err != nil {
			t.Fatal(err)
		}
	}
}

// editAndDeleteWhileDown is what the outage tests do while the watch
// cannot see: kubectl-edit turns shop's HTTPS redirect off, and blog is
// deleted.
func editAndDeleteWhileDown(t *testing.T, ings networkingclient.IngressInterface) {
	t.Helper()
	ctx := context.Background()
	cur, err := ings.Get(ctx, "shop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	metav1.SetMetaDataAnnotation(&cur.ObjectMeta, "nginx.ingress.kubernetes.io/ssl-redirect", "false")
	if _, err := ings.Update(ctx, cur, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}
	if err := ings.Delete(ctx, "blog", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// stopKeepingCerts kills the API server (as in a crash: a graceful stop
// waits up to --request-timeout, 60 s, for open watches such as ours to
// end) and returns a function that starts it again on the same port with
// the same serving certificates, so that existing clients trust it. envtest keeps the port but would
// regenerate the certificates in a fresh directory unless CertDir is set,
// so they are copied into a directory that lives as long as the control
// plane.
func stopKeepingCerts(t *testing.T, env *testcluster.Env, api *envtest.APIServer) (restart func()) {
	t.Helper()
	keep, err := os.MkdirTemp(env.Dir, "apiserver-certs-")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(api.CertDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(api.CertDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(keep, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pid := childWithArgs(t, "--secure-port="+api.SecureServing.Port, "--cert-dir="+api.CertDir)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill API server %d: %v", pid, err)
	}
	if err := api.Stop(); err != nil { // reaps it and cleans up
		t.Fatalf("stop API server: %v", err)
	}
	return func() {
		t.Helper()
		api.CertDir = keep
		if err := api.Start(); err != nil {
			t.Fatalf("restart API server: %v", err)
		}
	}
}

// childWithArgs finds the process this test binary started whose command
// line has all of args.
func childWithArgs(t *testing.T, args ...string) int {
	t.Helper()
	pid, ok := findChild(args...)
	if !ok {
		t.Fatalf("no child process with %v", args)
	}
	return pid
}

// findChild is childWithArgs for a process that may have gone.
func findChild(args ...string) (int, bool) {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may contain spaces, so split after ')'.
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		f := strings.Fields(string(rest))
		if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		argv := strings.Split(string(cmdline), "\x00")
		if !containsAll(argv, args) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		return pid, true
	}
	return 0, false
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// startAPIServer starts another kube-apiserver on etcd (the package's, or
// a proxy in front of it) for a test that stops it or cuts it off from
// etcd, which the package's API server, shared by the tests running in
// parallel, must never be. It returns the server and an admin kubeconfig
// for it; the server is killed when the test ends.
func startAPIServer(t *testing.T, env *testcluster.Env, etcd *url.URL) (*envtest.APIServer, string) {
	t.Helper()
	api := &envtest.APIServer{EtcdURL: etcd, Path: env.Cluster.Environment().ControlPlane.GetAPIServer().Path,
		StartTimeout: 2 * time.Minute, StopTimeout: 30 * time.Second}
	if err := api.Start(); err != nil {
		t.Fatalf("start API server: %v", err)
	}
	t.Cleanup(func() {
		// Killed: a graceful stop waits for open watches, and hangs while
		// the server cannot reach etcd (TestEtcdDown). Stop then reaps it
		// and cleans up.
		if pid, ok := findChild("--secure-port=" + api.SecureServing.Port); ok {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if err := api.Stop(); err != nil {
			t.Errorf("stop API server: %v", err)
		}
	})
	base := &rest.Config{Host: api.SecureServing.URL("https", "").String(), TLSClientConfig: rest.TLSClientConfig{CAData: api.SecureServing.CA}}
	cfg, err := api.SecureServing.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, base)
	if err != nil {
		t.Fatal(err)
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["apiserver"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["apiserver"] = &clientcmdapi.Context{Cluster: "apiserver", AuthInfo: "admin"}
	kc.CurrentContext = "apiserver"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return api, path
}

// TestWatchQuitsPromptlyWhileUnreachable: with the API server
// unreachable and the reflector sleeping out a long backoff (client-go's
// watch-list backoff sleep does not look at the context; here it is made
// an hour, where client-go's own grows to 30 s), cancelling the context
// still returns at once (a person quitting the TUI must not wait out
// client-go's backoff sleep).
func TestWatchQuitsPromptlyWhileUnreachable(t *testing.T) {
	t.Parallel()
	tg := unreachableTarget(t)
	cluster.SetReflectorBackoff(tg, time.Hour)
	var failed atomic.Int32
	tg.Config.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(req)
			// The reflector's attempts only: the stale probe (limit=1)
			// says nothing about its backoff.
			if err != nil && req.URL.Query().Get("limit") != "1" {
				failed.Add(1)
			}
			return resp, err
		})
	}
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cluster.Watch(ctx, tg, rec) }()
	waitFor(t, "stale", 30*time.Second, phaseIs(rec, model.ConnStale))
	// Once its first attempt has failed, the reflector's next one is an
	// hour away.
	waitFor(t, "the reflector's first attempt to fail", recoveryDeadline, func() bool { return failed.Load() >= 1 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return within 5 s of cancellation while the API server was unreachable")
	}
}

// tcpProxy forwards 127.0.0.1 connections to an address, and can cut
// every connection and refuse new ones (as a dropped network path does)
// until restored on the same port.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, addr: ln.Addr().String(), target: target}
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener (new connections are refused) and every
// connection made through it.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens on the same port again.
func (p *tcpProxy) restore() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// proxiedTarget returns a target for ns that reaches the API server
// through a tcpProxy, and the proxy.
func proxiedTarget(t *testing.T, env *testcluster.Env, ns string) (*tcpProxy, *cluster.Target) {
	t.Helper()
	api, err := url.Parse(env.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, api.Host)
	tg := target(t, env, ns)
	tg.Config = rest.CopyConfig(tg.Config)
	tg.Config.Host = "https://" + proxy.addr
	tg.Server = tg.Config.Host
	return proxy, tg
}

// liveChecker is a sink that, each time the phase becomes live, runs
// check against what the recorder holds at that moment and keeps what it
// says is wrong.
type liveChecker struct {
	*recorder
	check      atomic.Pointer[func() string]
	violations []string // under recorder.mu
}

func (l *liveChecker) SetCluster(s model.ConnState) {
	if s.Phase == model.ConnLive {
		if f := l.check.Load(); f != nil {
			if msg := (*f)(); msg != "" {
				l.mu.Lock()
				l.violations = append(l.violations, msg)
				l.mu.Unlock()
			}
		}
	}
	l.recorder.SetCluster(s)
}

// TestWatchLiveOnlyWhenRelistDelivered cuts the watch's network path (a
// proxy between it and the API server), changes and deletes objects
// meanwhile, and restores the path. Every time the state becomes live, the
// sink must already hold the cluster as it is after the outage; and the
// "connection refused" error must give way as soon as a request succeeds.
func TestWatchLiveOnlyWhenRelistDelivered(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	ings := env.Client.NetworkingV1().Ingresses(ns)
	createShopAndBlog(t, ings, ns)
	proxy, tg := proxiedTarget(t, env, ns)

	sink := &liveChecker{recorder: newRecorder()}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- cluster.Watch(wctx, tg, sink) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	rec := sink.recorder
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))

	proxy.cut()
	cutAt := time.Now()
	// The broken stream may be reported first (a decoding error); the
	// refused reconnection follows.
	waitFor(t, "stale, connection refused", recoveryDeadline, func() bool {
		s := rec.state()
		return s.Phase == model.ConnStale && strings.Contains(s.Err, "connection refused")
	})
	t.Logf("stale %v after the cut: %+v", time.Since(cutAt), rec.state())

	// Meanwhile, straight to the API server.
	editAndDeleteWhileDown(t, ings)
	shop, blog := model.Key{Namespace: ns, Name: "shop"}, model.Key{Namespace: ns, Name: "blog"}
	current := func() string {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		var wrong []string
		if o := rec.objs[shop]; o == nil || o.Ingress.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] != "false" {
			wrong = append(wrong, "shop still has the annotation from before the outage")
		}
		if rec.objs[blog] != nil {
			wrong = append(wrong, "blog, deleted during the outage, is still there")
		}
		return strings.Join(wrong, "; ")
	}
	sink.check.Store(&current)
	nStates := len(rec.snapshotStates())

	proxy.restore()
	restored := time.Now()
	waitFor(t, "live after the restore", recoveryDeadline, phaseIs(rec, model.ConnLive))
	t.Logf("live %v after the network path was restored (%v after the cut)", time.Since(restored), time.Since(cutAt))
	rec.mu.Lock()
	violations := slices.Clone(sink.violations)
	rec.mu.Unlock()
	for _, v := range violations {
		t.Errorf("live while the rows were stale: %s", v)
	}
	if msg := current(); msg != "" {
		t.Errorf("after live: %s", msg)
	}

	// Between the refused connection and live: the error that says the
	// server answers again.
	after := rec.snapshotStates()[nStates-1:]
	var errs []string
	for _, s := range after {
		errs = append(errs, string(s.Phase)+": "+s.Err)
	}
	t.Logf("states from the restore on: %q", errs)
	if len(after) < 3 || after[len(after)-1].Phase != model.ConnLive ||
		after[len(after)-2].Phase != model.ConnStale || after[len(after)-2].Err != cluster.ReconnectedErr {
		t.Errorf("states from the restore on = %q, want … stale %q, live", errs, cluster.ReconnectedErr)
	}
	for _, s := range after[1:] {
		if s.Phase == model.ConnStale && !s.Since.Equal(after[0].Since) {
			t.Errorf("stale state %+v moved Since from %v", s, after[0].Since)
		}
	}
}

// requestOrder records, in order, the probe's successful answers and the
// relist requests (watch-list or full list) that a Watch sends.
type requestOrder struct {
	mu     sync.Mutex
	events []string // "probe ok", "relist"
}

func (o *requestOrder) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		probe := q.Get("limit") == "1" && q.Get("watch") == ""
		relist := q.Get("sendInitialEvents") == "true" || (q.Get("watch") == "" && !probe)
		if relist {
			o.add("relist")
		}
		resp, err := rt.RoundTrip(req)
		if probe && err == nil && resp.StatusCode == http.StatusOK {
			o.add("probe ok")
		}
		return resp, err
	})
}

func (o *requestOrder) add(ev string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, ev)
}

func (o *requestOrder) snapshot() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.events)
}

// TestWatchRelistsWhenProbeAnswers: with the reflector's retry backoff
// made longer than the test, a cut network path is recovered from only
// because the stale probe's first success replaces the reflector, whose
// successor relists at once. The first relist request after the restore
// follows the first successful probe; the state goes live, with the
// changes made during the outage delivered.
func TestWatchRelistsWhenProbeAnswers(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ings := env.Client.NetworkingV1().Ingresses(ns)
	createShopAndBlog(t, ings, ns)
	proxy, tg := proxiedTarget(t, env, ns)
	cluster.SetReflectorBackoff(tg, time.Hour)
	// With that backoff only the probe notices the cut; production's
	// interval would only make the test wait longer.
	cluster.SetProbeInterval(tg, 100*time.Millisecond)
	order := &requestOrder{}
	tg.Config.WrapTransport = order.wrap

	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))
	proxy.cut()
	waitFor(t, "stale, connection refused", recoveryDeadline, func() bool {
		s := rec.state()
		return s.Phase == model.ConnStale && strings.Contains(s.Err, "connection refused")
	})
	editAndDeleteWhileDown(t, ings)

	from := len(order.snapshot())
	proxy.restore()
	// Far shorter than the hour the reflector would sleep.
	waitFor(t, "live after the restore", 30*time.Second, phaseIs(rec, model.ConnLive))
	after := order.snapshot()[from:]
	t.Logf("requests from the restore on: %q", after)
	probeOK, relist := slices.Index(after, "probe ok"), slices.Index(after, "relist")
	if probeOK < 0 || relist < 0 || relist < probeOK {
		t.Errorf("requests from the restore on = %q, want a successful probe, then a relist", after)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if o := rec.objs[model.Key{Namespace: ns, Name: "shop"}]; o == nil || o.Ingress.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] != "false" {
		t.Errorf("live, but shop has not got the edit made during the outage: %+v", o)
	}
	if rec.objs[model.Key{Namespace: ns, Name: "blog"}] != nil {
		t.Errorf("live, but blog, deleted during the outage, is still there")
	}
}
