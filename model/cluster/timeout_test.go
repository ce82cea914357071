package cluster_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// TestRequestTimeoutSilentServer: against a server that accepts the
// connection and never completes TLS, every kind of request ends at the
// request deadline with an error that names the server, the deadline and
// the flag that sets it; the watch goes stale saying the same.
func TestRequestTimeoutSilentServer(t *testing.T) {
	t.Parallel()
	server := testcluster.SilentServer(t)
	tg := &cluster.Target{
		Config: &rest.Config{Host: server, Timeout: time.Second, TLSClientConfig: rest.TLSClientConfig{Insecure: true}},
		Server: server, Namespace: "shop",
	}
	const said = "API server did not answer within 1s (--request-timeout)"
	check := func(what string, err error, want ...string) {
		t.Helper()
		var timeout *cluster.RequestTimeoutError
		if !errors.As(err, &timeout) || timeout.After != time.Second {
			t.Errorf("%s: err = %v, want a *RequestTimeoutError after 1s", what, err)
			return
		}
		for _, w := range append(want, server, said) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", what, err, w)
			}
		}
		t.Logf("%s: %v", what, err)
	}
	ctx := context.Background()
	_, err := cluster.List(ctx, tg)
	check("list", err, "list ingresses in namespace shop")
	_, err = cluster.Get(ctx, tg, model.Key{Namespace: "shop", Name: "shop"})
	check("get", err, "get ingress shop/shop")
	obj := typicalIngress("shop", "shop")
	obj.ResourceVersion = "1"
	_, err = cluster.Update(ctx, tg, obj, true)
	check("dry-run update", err, "dry-run update ingress shop/shop")
	_, err = cluster.CheckAccess(ctx, tg, "shop")
	check("access review", err, "check access to ingresses in namespace shop")
	_, err = cluster.DefaultIngressClass(ctx, tg)
	check("ingress class lookup", err, "list ingressclasses")

	// The caller's own, shorter deadline is not blamed on the flag.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = cluster.List(short, tg)
	var timeout *cluster.RequestTimeoutError
	if err == nil || errors.As(err, &timeout) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("list under the caller's 100ms deadline: %v, want the caller's deadline, not --request-timeout", err)
	}

	rec := startWatch(t, tg)
	waitFor(t, "stale", recoveryDeadline, phaseIs(rec, model.ConnStale))
	if s := rec.state(); s.Err != said {
		t.Errorf("watch state %+v, want stale with %q", s, said)
	}
}

// watchLog records, for the watch requests a Target makes, whether they
// carry a deadline or a server-side timeout.
type watchLog struct {
	requestTimeout time.Duration
	mu             sync.Mutex
	watches        int
	bounded        []string
}

func (l *watchLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("watch") == "true" {
			l.mu.Lock()
			l.watches++
			if _, ok := req.Context().Deadline(); ok {
				l.bounded = append(l.bounded, "deadline on "+req.URL.String())
			}
			// client-go sends the reflector's own watch length
			// (timeoutSeconds) as ?timeout= too; only the request
			// timeout's value would be wrong.
			if req.URL.Query().Get("timeout") == l.requestTimeout.String() {
				l.bounded = append(l.bounded, "request timeout as a parameter on "+req.URL.String())
			}
			l.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// TestWatchStreamOutlivesRequestTimeout: the request deadline bounds the
// wait for an answer, not the watch stream (client-go applies
// rest.Config.Timeout to the whole request and sends it as ?timeout=, which
// would end every watch after it).
func TestWatchStreamOutlivesRequestTimeout(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	tg := target(t, env, ns)
	tg.Config = rest.CopyConfig(tg.Config)
	tg.Config.Timeout = time.Second
	log := &watchLog{requestTimeout: tg.Config.Timeout}
	tg.Config.WrapTransport = log.wrap
	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(context.Background(), typicalIngress(ns, "shop"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new object", recoveryDeadline, func() bool { o, _ := rec.get(model.Key{Namespace: ns, Name: "shop"}); return o != nil })
	log.mu.Lock()
	defer log.mu.Unlock()
	if log.watches == 0 {
		t.Fatal("no watch request seen")
	}
	for _, b := range log.bounded {
		t.Errorf("watch request bounded by the request timeout: %s", b)
	}
}

// TestEtcdDown cuts an API server off from etcd: the watch goes stale
// with the reason in words, and a one-shot list fails at the request
// deadline instead of after the API server's own 60 s limit.
//
// The API server is a second one on the package's etcd, reached through a
// proxy that the test cuts (etcd's connections close, new ones are
// refused, as when etcd stops): the package's own API server and etcd stay
// whole for the tests running in parallel.
func TestEtcdDown(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	etcd := env.Cluster.Environment().ControlPlane.Etcd.URL
	proxy := startProxy(t, etcd.Host)
	_, kc := startAPIServer(t, env, &url.URL{Scheme: etcd.Scheme, Host: proxy.addr})
	ns := env.Namespace(t)
	ctx := context.Background()
	if _, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, typicalIngress(ns, "shop"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tg, err := cluster.Resolve(flags(kc, "", ns), false)
	if err != nil {
		t.Fatal(err)
	}
	tg.Config.Timeout = 2 * time.Second
	// The probe is what notices; production's interval would only make
	// the test wait longer.
	cluster.SetProbeInterval(tg, 100*time.Millisecond)
	rec := startWatch(t, tg)
	waitFor(t, "live", recoveryDeadline, phaseIs(rec, model.ConnLive))
	if o, _ := rec.get(model.Key{Namespace: ns, Name: "shop"}); o == nil {
		t.Fatal("shop missing at live")
	}

	proxy.cut()
	stopped := time.Now()
	_, err = cluster.List(ctx, tg)
	t.Logf("list with etcd down: %v after %v", err, time.Since(stopped))
	var timeout *cluster.RequestTimeoutError
	if !errors.As(err, &timeout) || timeout.After != 2*time.Second || !strings.Contains(err.Error(), tg.Server) {
		t.Errorf("list with etcd down: %v, want the 2s request deadline, naming %s", err, tg.Server)
	}
	// The open watch says nothing; the probe notices. 30 s is far below
	// the API server's own 60 s limit, after which an old watch fails
	// anyway.
	waitFor(t, "stale", 30*time.Second, phaseIs(rec, model.ConnStale))
	s := rec.state()
	t.Logf("stale %v after etcd was cut off: %+v", time.Since(stopped), s)
	if s.Err == "" || s.Err == cluster.ReconnectedErr {
		t.Errorf("stale state %+v does not say why", s)
	}
}
