package cluster_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// createMany creates n typical Ingresses named ing-0000… in ns with 16
// concurrent writers, as field manager "loader".
func createMany(t testing.TB, cs kubernetes.Interface, ns string, n int) {
	t.Helper()
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				_, err := cs.NetworkingV1().Ingresses(ns).Create(ctx, typicalIngress(ns, fmt.Sprintf("ing-%04d", i)), metav1.CreateOptions{FieldManager: "loader"})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("create: %v", err)
	}
}

// requestLog records the list requests a Target makes.
type requestLog struct {
	mu    sync.Mutex
	lists []string // query strings
	types []string // response content types
}

func (l *requestLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/ingresses") && req.URL.Query().Get("watch") == "" {
			l.mu.Lock()
			l.lists = append(l.lists, req.URL.RawQuery)
			if resp != nil {
				l.types = append(l.types, resp.Header.Get("Content-Type"))
			}
			l.mu.Unlock()
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestListPaginates(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	// Three pages: a first, a middle and a partial last one.
	const n = 2*cluster.ListPageSize + 1
	start := time.Now()
	createMany(t, fastClient(t, env), ns, n)
	t.Logf("created %d Ingresses in %v", n, time.Since(start))

	tg := target(t, env, ns)
	var log requestLog
	tg.Config.Wrap(log.wrap)
	start = time.Now()
	objs, err := cluster.List(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("List of %d objects: %v", len(objs), time.Since(start))
	if len(objs) != n {
		t.Fatalf("List returned %d objects, want %d", len(objs), n)
	}
	seen := map[model.Key]bool{}
	for _, o := range objs {
		k := o.Key()
		if seen[k] {
			t.Fatalf("%s listed twice", k)
		}
		seen[k] = true
		if o.Ingress.ManagedFields != nil {
			t.Fatalf("%s kept managedFields", k)
		}
		if ms := o.ManagersFor([]string{"spec", "rules"}); len(ms) != 1 || ms[0].Manager != "loader" || ms[0].Operation != "Update" {
			t.Fatalf("%s: spec.rules attributed to %v, want loader/Update", k, ms)
		}
		if len(o.Managers) != 1 {
			t.Fatalf("%s: managers %v", k, o.Managers)
		}
	}
	for i := range n {
		if k := (model.Key{Namespace: ns, Name: fmt.Sprintf("ing-%04d", i)}); !seen[k] {
			t.Fatalf("%s missing", k)
		}
	}

	if want := (n + cluster.ListPageSize - 1) / cluster.ListPageSize; len(log.lists) != want {
		t.Errorf("%d list requests %v, want %d pages", len(log.lists), log.lists, want)
	}
	for i, q := range log.lists {
		if !strings.Contains(q, fmt.Sprintf("limit=%d", cluster.ListPageSize)) || (i > 0) != strings.Contains(q, "continue=") {
			t.Errorf("list request %d: query %q, want limit=%d and a continue token after the first", i, q, cluster.ListPageSize)
		}
	}
	for _, ct := range log.types {
		if ct != "application/vnd.kubernetes.protobuf" {
			t.Errorf("response content type %q, want protobuf", ct)
		}
	}
}

func TestListUnreachable(t *testing.T) {
	t.Parallel()
	// A port that refuses connections (bound, not listening).
	server := testcluster.RefusingServer(t)
	tg := &cluster.Target{Config: &rest.Config{Host: server}, Server: server, Namespace: "shop"}
	_, err := cluster.List(context.Background(), tg)
	if err == nil {
		t.Fatal("List succeeded against a closed port")
	}
	for _, want := range []string{"list ingresses in namespace shop", strings.TrimPrefix(server, "https://"), "API server unreachable", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestResolveExecPlugin: credentials from an exec plugin (here a script
// printing a client certificate), as cloud kubeconfigs use.
func TestResolveExecPlugin(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(context.Background(), typicalIngress(ns, "shop"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := env.Cluster.AddUser("exec-admin", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cred := fmt.Sprintf(`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":%q,"clientKeyData":%q}}`,
		string(cfg.CertData), string(cfg.KeyData))
	credFile := writeFile(t, dir, "cred.json", cred)
	plugin := writeFile(t, dir, "plugin.sh", "#!/bin/sh\ncat "+credFile+"\n")
	if err := os.Chmod(plugin, 0o700); err != nil {
		t.Fatal(err)
	}
	kc := writeFile(t, dir, "kubeconfig", fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: cloud
clusters:
- name: cloud
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: sso-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: %s
      interactiveMode: Never
contexts:
- name: cloud
  context: {cluster: cloud, user: sso-user}
`, env.Config.Host, base64.StdEncoding.EncodeToString(env.Config.CAData), plugin))

	tg, err := cluster.Resolve(flags(kc, "", ns), false)
	if err != nil {
		t.Fatal(err)
	}
	if tg.User != "sso-user" || tg.Context != "cloud" {
		t.Errorf("target %+v, want user sso-user in context cloud", tg)
	}
	objs, err := cluster.List(context.Background(), tg)
	if err != nil {
		t.Fatalf("List with exec credentials: %v", err)
	}
	if len(objs) != 1 || objs[0].Ingress.Name != "shop" {
		t.Errorf("List = %d objects, want shop", len(objs))
	}
}
