package model_test

import (
	"fmt"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// rt is one path of a test Ingress: host, path (pathType Prefix unless
// pt), backend service and port.
type rt struct {
	host, path string
	pt         networkingv1.PathType
	svc        string
	port       int32
}

// routed builds an Ingress of class ("" = no spec.ingressClassName) with
// the paths, grouped into rules by host in order.
func routed(ns, name, class string, paths ...rt) *networkingv1.Ingress {
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
	}
	if class != "" {
		ing.Spec.IngressClassName = &class
	}
	for _, p := range paths {
		pt := p.pt
		if pt == "" {
			pt = networkingv1.PathTypePrefix
		}
		hp := networkingv1.HTTPIngressPath{Path: p.path, PathType: &pt, Backend: networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: p.svc, Port: networkingv1.ServiceBackendPort{Number: p.port}}}}
		rules := ing.Spec.Rules
		if n := len(rules); n > 0 && rules[n-1].Host == p.host {
			rules[n-1].HTTP.Paths = append(rules[n-1].HTTP.Paths, hp)
			continue
		}
		ing.Spec.Rules = append(rules, networkingv1.IngressRule{Host: p.host,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{hp}}}})
	}
	return ing
}

func withTLS(ing *networkingv1.Ingress, tls ...networkingv1.IngressTLS) *networkingv1.Ingress {
	ing.Spec.TLS = tls
	return ing
}

// inGit records ing as the manifest of its own file, name.yaml.
func inGit(inv *model.Inventory, ing *networkingv1.Ingress) {
	f := ing.Namespace + "/" + ing.Name + ".yaml"
	inv.SetSource(f, []model.Desired{desired(ing.DeepCopy(), f, 1)}, nil)
}

// findingsOf renders the findings of one key, one per line, as
// "kind severity host path [suspect] others=…", to compare whole.
func findingsOf(t *testing.T, inv *model.Inventory, name string) string {
	t.Helper()
	e := mustGet(t, inv, model.Key{Namespace: "web", Name: name})
	var lines []string
	for _, f := range e.Findings {
		if f.Message == "" || strings.Contains(f.Message, "\n") {
			t.Errorf("%s: finding %+v has no one-line message", name, f)
		}
		l := fmt.Sprintf("%s %s %s%s", f.Kind, f.Severity, f.Host, f.Path)
		if f.Suspect {
			l += " suspect"
		}
		if f.Class != "" {
			l += " class=" + f.Class
		}
		for _, o := range f.Others {
			l += " " + o.Name
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

func wantFindings(t *testing.T, inv *model.Inventory, name, want string) {
	t.Helper()
	if got := findingsOf(t, inv, name); got != want {
		t.Errorf("findings of %s:\n got: %q\nwant: %q", name, got, want)
	}
}

func readRepo(inv *model.Inventory) {
	inv.SetRepo(model.RepoState{Root: "/repo"})
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
}

// TestRouteClaimedTwice: a route of one class claimed by an object from
// Git and one made by hand: both have the finding, the hand-made one is
// the suspect; another class does not conflict; the finding goes from
// the other object when the hand-made one goes or changes its path.
func TestRouteClaimedTwice(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	app := routed("web", "app", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80})
	inv.UpsertLive(live(app))
	inGit(inv, app)
	wantFindings(t, inv, "app", "")

	inv.UpsertLive(live(routed("web", "handmade", "nginx", rt{host: "shop.example.com", path: "/", svc: "debug", port: 80})))
	inv.UpsertLive(live(routed("web", "other-class", "traefik", rt{host: "shop.example.com", path: "/", svc: "web", port: 80})))
	inv.UpsertLive(live(routed("web", "exact", "nginx", rt{host: "shop.example.com", path: "/", pt: networkingv1.PathTypeExact, svc: "web", port: 80})))
	wantFindings(t, inv, "app", "route-claimed-twice medium shop.example.com/ class=nginx handmade")
	wantFindings(t, inv, "handmade", "route-claimed-twice high shop.example.com/ suspect class=nginx app")
	wantFindings(t, inv, "other-class", "")
	wantFindings(t, inv, "exact", "")
	h := mustGet(t, inv, model.Key{Namespace: "web", Name: "handmade"})
	if m := h.Findings[0].Message; !strings.Contains(m, "shop.example.com/ (Prefix)") || !strings.Contains(m, "web/app") ||
		!strings.Contains(m, "class nginx") || !strings.Contains(m, "not in Git") {
		t.Errorf("message %q does not name the route, the other object, the class and why it is the suspect", m)
	}

	// The hand-made object moves to another path: the claim goes from both.
	inv.UpsertLive(live(routed("web", "handmade", "nginx", rt{host: "shop.example.com", path: "/debug", svc: "debug", port: 80})))
	wantFindings(t, inv, "app", "")
	wantFindings(t, inv, "handmade", "")
	// Back, then deleted.
	inv.UpsertLive(live(routed("web", "handmade", "nginx", rt{host: "shop.example.com", path: "/", svc: "debug", port: 80})))
	wantFindings(t, inv, "app", "route-claimed-twice medium shop.example.com/ class=nginx handmade")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "handmade"})
	wantFindings(t, inv, "app", "")

	// Only live objects have findings: a manifest that is not live claims
	// nothing.
	inGit(inv, routed("web", "planned", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80}))
	wantFindings(t, inv, "app", "")
	wantFindings(t, inv, "planned", "")
}

// TestRouteClaimDrift: of two objects in Git, the one whose claim is drift
// (a path added live, a backend changed live) is the suspect; a conflict
// that is in Git as it is live has no suspect.
func TestRouteClaimDrift(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	a := routed("web", "a", "nginx", rt{host: "shop.example.com", path: "/api", svc: "api", port: 80})
	b := routed("web", "b", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80})
	for _, ing := range []*networkingv1.Ingress{a, b} {
		inv.UpsertLive(live(ing))
		inGit(inv, ing)
	}
	// b gains /api live.
	inv.UpsertLive(live(routed("web", "b", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80}, rt{host: "shop.example.com", path: "/api", svc: "web", port: 80})))
	wantFindings(t, inv, "a", "route-claimed-twice medium shop.example.com/api class=nginx b")
	wantFindings(t, inv, "b", "route-claimed-twice high shop.example.com/api suspect class=nginx a")

	// The same conflict in Git: nobody is the suspect.
	inGit(inv, routed("web", "b", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80}, rt{host: "shop.example.com", path: "/api", svc: "web", port: 80}))
	wantFindings(t, inv, "b", "route-claimed-twice medium shop.example.com/api class=nginx a")
	// Now b's /api backend changes live: the route was b's in Git all
	// along, so that is a backend change, not a claim that is drift.
	inv.UpsertLive(live(routed("web", "b", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80}, rt{host: "shop.example.com", path: "/api", svc: "api", port: 80})))
	wantFindings(t, inv, "b", "route-claimed-twice medium shop.example.com/api class=nginx a")
	wantFindings(t, inv, "a", "route-claimed-twice medium shop.example.com/api class=nginx b")

	// A whole rule added live (another host) and a pathType changed live.
	c := routed("web", "c", "nginx", rt{host: "blog.example.com", path: "/", svc: "blog", port: 80})
	inv.UpsertLive(live(c))
	inGit(inv, c)
	inv.UpsertLive(live(routed("web", "c", "nginx", rt{host: "blog.example.com", path: "/", svc: "blog", port: 80}, rt{host: "shop.example.com", path: "/", svc: "blog", port: 80})))
	wantFindings(t, inv, "c", "route-claimed-twice high shop.example.com/ suspect class=nginx b")
	d := routed("web", "d", "nginx", rt{host: "blog.example.com", path: "/", pt: networkingv1.PathTypeExact, svc: "blog", port: 80})
	inGit(inv, d)
	inv.UpsertLive(live(routed("web", "d", "nginx", rt{host: "blog.example.com", path: "/", svc: "blog", port: 80})))
	wantFindings(t, inv, "d", "route-claimed-twice high blog.example.com/ suspect class=nginx c")
	wantFindings(t, inv, "c", "route-claimed-twice medium blog.example.com/ class=nginx d\nroute-claimed-twice high shop.example.com/ suspect class=nginx b")
}

// TestRouteClaimClass: the class is spec.ingressClassName, else the
// annotation, else the cluster's default class; objects with none form
// their own group, and a default class that changes regroups them.
func TestRouteClaimClass(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	r := rt{host: "shop.example.com", path: "/", svc: "web", port: 80}
	byAnnotation := routed("web", "annotated", "", r)
	byAnnotation.Annotations = map[string]string{diffengine.IngressClassAnnotation: "nginx"}
	inv.UpsertLive(live(byAnnotation))
	inv.UpsertLive(live(routed("web", "spec", "nginx", r)))
	inv.UpsertLive(live(routed("web", "none", "", r)))
	wantFindings(t, inv, "annotated", "route-claimed-twice high shop.example.com/ suspect class=nginx spec")
	wantFindings(t, inv, "none", "")

	inv.UpsertLive(live(routed("web", "none2", "", r)))
	wantFindings(t, inv, "none", "route-claimed-twice high shop.example.com/ suspect none2")
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "none"}).Findings[0].Message; !strings.Contains(m, "no IngressClass") {
		t.Errorf("message %q does not say the objects have no class", m)
	}

	inv.SetDefaultIngressClass("nginx")
	wantFindings(t, inv, "none", "route-claimed-twice high shop.example.com/ suspect class=nginx annotated none2 spec")
	wantFindings(t, inv, "spec", "route-claimed-twice high shop.example.com/ suspect class=nginx annotated none none2")
	inv.SetDefaultIngressClass("traefik")
	wantFindings(t, inv, "spec", "route-claimed-twice high shop.example.com/ suspect class=nginx annotated")
	wantFindings(t, inv, "none", "route-claimed-twice high shop.example.com/ suspect class=traefik none2")
}

// TestRouteClaimWithoutHost: rules without host claim the route for every
// host, which is one route to compare; it is not the same route as one of
// a named host.
func TestRouteClaimWithoutHost(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	inv.UpsertLive(live(routed("web", "a", "nginx", rt{path: "/", svc: "a", port: 80})))
	inv.UpsertLive(live(routed("web", "b", "nginx", rt{path: "/", svc: "b", port: 80})))
	inv.UpsertLive(live(routed("web", "c", "nginx", rt{host: "c.example.com", path: "/", svc: "c", port: 80})))
	wantFindings(t, inv, "a", "route-claimed-twice high / suspect class=nginx b")
	wantFindings(t, inv, "c", "")
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "a"}).Findings[0].Message; !strings.Contains(m, "any host/ (Prefix)") {
		t.Errorf("message %q does not say the route is for any host", m)
	}
}

// TestRouteClaimPathTypes: Prefix and ImplementationSpecific (also when
// unset) on one host and path of one class may be one route (ingress-nginx
// and Traefik match ImplementationSpecific as Prefix): both objects have
// the finding, naming the pathTypes; Exact is another route. The finding
// goes from both when one changes its pathType to Exact.
func TestRouteClaimPathTypes(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	prefix := routed("web", "prefix", "nginx", rt{host: "shop.example.com", path: "/", svc: "web", port: 80})
	inv.UpsertLive(live(prefix))
	inGit(inv, prefix)
	impl := routed("web", "impl", "nginx", rt{host: "shop.example.com", path: "/", pt: networkingv1.PathTypeImplementationSpecific, svc: "debug", port: 80})
	inv.UpsertLive(live(impl))
	inGit(inv, impl)
	unset := routed("web", "unset", "other", rt{host: "shop.example.com", path: "/", svc: "debug", port: 80})
	unset.Spec.Rules[0].HTTP.Paths[0].PathType = nil
	inv.UpsertLive(live(unset))
	inv.UpsertLive(live(routed("web", "prefix2", "other", rt{host: "shop.example.com", path: "/", svc: "web", port: 80})))
	wantFindings(t, inv, "prefix", "route-claimed-twice medium shop.example.com/ class=nginx impl")
	wantFindings(t, inv, "impl", "route-claimed-twice medium shop.example.com/ class=nginx prefix")
	wantFindings(t, inv, "unset", "route-claimed-twice high shop.example.com/ suspect class=other prefix2")
	for name, want := range map[string][]string{
		"prefix": {"Prefix", "shop.example.com/ (Prefix)", "web/impl as ImplementationSpecific", "may collide"},
		"impl":   {"ImplementationSpecific", "shop.example.com/ (ImplementationSpecific)", "web/prefix as Prefix", "may collide"},
		"unset":  {"ImplementationSpecific", "web/prefix2 as Prefix"},
	} {
		f := mustGet(t, inv, model.Key{Namespace: "web", Name: name}).Findings[0]
		if f.PathType != want[0] {
			t.Errorf("%s: pathType %q, want %q", name, f.PathType, want[0])
		}
		for _, w := range want[1:] {
			if !strings.Contains(f.Message, w) {
				t.Errorf("%s: message %q does not say %q", name, f.Message, w)
			}
		}
	}

	// Same pathType: no "may".
	inv.UpsertLive(live(routed("web", "impl2", "nginx", rt{host: "shop.example.com", path: "/", pt: networkingv1.PathTypeImplementationSpecific, svc: "x", port: 80})))
	wantFindings(t, inv, "impl2", "route-claimed-twice high shop.example.com/ suspect class=nginx impl prefix")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "prefix"})
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "impl2"}).Findings[0].Message; strings.Contains(m, "may collide") {
		t.Errorf("message %q says may for one pathType", m)
	}
	inv.DeleteLive(model.Key{Namespace: "web", Name: "impl2"})
	inv.UpsertLive(live(prefix))

	// Exact is another route: the finding goes from both.
	inv.UpsertLive(live(routed("web", "impl", "nginx", rt{host: "shop.example.com", path: "/", pt: networkingv1.PathTypeExact, svc: "debug", port: 80})))
	wantFindings(t, inv, "prefix", "")
	wantFindings(t, inv, "impl", "")
}

// TestRouteClaimDefaultBackend: two Ingresses of one class with a
// spec.defaultBackend claim the controller's one default backend; another
// class does not conflict; the one whose defaultBackend was added live is
// the suspect; the finding goes from the other when it goes.
func TestRouteClaimDefaultBackend(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	withDefault := func(ing *networkingv1.Ingress, svc string) *networkingv1.Ingress {
		ing.Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: 80}}}
		return ing
	}
	a := withDefault(routed("web", "a", "nginx"), "fallback")
	inv.UpsertLive(live(a))
	inGit(inv, a)
	b := routed("web", "b", "nginx", rt{host: "b.example.com", path: "/", svc: "b", port: 80})
	inGit(inv, b)
	inv.UpsertLive(live(withDefault(b.DeepCopy(), "other")))
	inv.UpsertLive(live(withDefault(routed("web", "c", "traefik"), "fallback")))
	inGit(inv, withDefault(routed("web", "c", "traefik"), "fallback"))
	wantFindings(t, inv, "a", "route-claimed-twice medium  class=nginx b")
	wantFindings(t, inv, "b", "route-claimed-twice high  suspect class=nginx a\nbackend-used-nowhere-else low ")
	wantFindings(t, inv, "c", "")
	if f := mustGet(t, inv, model.Key{Namespace: "web", Name: "a"}).Findings[0]; f.PathType != "" ||
		!strings.Contains(f.Message, "defaultBackend in class nginx is also set by web/b") {
		t.Errorf("finding %+v does not name the defaultBackend, the class and the other", f)
	}
	inv.UpsertLive(live(b))
	wantFindings(t, inv, "a", "")
	wantFindings(t, inv, "b", "")
}

// TestTLSFindings: a rule host no TLS entry covers while another is, and
// a TLS host no rule serves; wildcards cover one label, an entry without
// hosts covers every host, a rule without host serves every host.
func TestTLSFindings(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	// Each in a class of its own: their routes do not conflict.
	two := func(name string, tls ...networkingv1.IngressTLS) {
		inv.UpsertLive(live(withTLS(routed("web", name, name,
			rt{host: "a.example.com", path: "/", svc: "a", port: 80}, rt{host: "b.example.com", path: "/", svc: "b", port: 80}), tls...)))
	}
	two("partial", networkingv1.IngressTLS{SecretName: "a-tls", Hosts: []string{"a.example.com"}})
	wantFindings(t, inv, "partial", "host-without-tls medium b.example.com")
	two("typo", networkingv1.IngressTLS{SecretName: "tls", Hosts: []string{"a.example.com", "b.exmaple.com"}})
	wantFindings(t, inv, "typo", "host-without-tls medium b.example.com\ntls-host-unserved low b.exmaple.com")
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "typo"}).Findings[1].Message; !strings.Contains(m, "TLS entry of secret tls names b.exmaple.com") {
		t.Errorf("message %q does not name the TLS entry's secret and the host", m)
	}
	two("wildcard", networkingv1.IngressTLS{SecretName: "star", Hosts: []string{"*.example.com"}})
	wantFindings(t, inv, "wildcard", "")
	two("all", networkingv1.IngressTLS{SecretName: "default"}, networkingv1.IngressTLS{SecretName: "x", Hosts: []string{"x.example.com"}})
	wantFindings(t, inv, "all", "tls-host-unserved low x.example.com")
	two("none")
	wantFindings(t, inv, "none", "")
	two("uncovered", networkingv1.IngressTLS{SecretName: "c", Hosts: []string{"c.example.com"}})
	wantFindings(t, inv, "uncovered", "tls-host-unserved low c.example.com")

	// A wildcard covers one label only.
	inv.UpsertLive(live(withTLS(routed("web", "deep", "deep",
		rt{host: "a.example.com", path: "/", svc: "a", port: 80}, rt{host: "x.b.example.com", path: "/", svc: "b", port: 80}),
		networkingv1.IngressTLS{SecretName: "star", Hosts: []string{"*.example.com"}})))
	wantFindings(t, inv, "deep", "host-without-tls medium x.b.example.com")
	// A wildcard rule serves the TLS hosts under it; a host-less rule
	// serves every TLS host.
	inv.UpsertLive(live(withTLS(routed("web", "wildrule", "wildrule", rt{host: "*.example.com", path: "/", svc: "a", port: 80}),
		networkingv1.IngressTLS{SecretName: "s", Hosts: []string{"shop.example.com", "shop.example.org"}})))
	wantFindings(t, inv, "wildrule", "tls-host-unserved low shop.example.org")
	inv.UpsertLive(live(withTLS(routed("web", "hostless", "hostless", rt{path: "/", svc: "a", port: 80}),
		networkingv1.IngressTLS{SecretName: "s", Hosts: []string{"shop.example.com"}})))
	wantFindings(t, inv, "hostless", "")
	m := mustGet(t, inv, model.Key{Namespace: "web", Name: "partial"}).Findings[0].Message
	if !strings.Contains(m, "b.example.com") || !strings.Contains(m, "a.example.com is covered") {
		t.Errorf("message %q does not name the host and the covered one", m)
	}
}

// TestBackendUsedNowhereElse: a backend changed live to a port nothing
// else uses is a hint; another live object or a manifest using it ends
// the hint, and their going brings it back.
func TestBackendUsedNowhereElse(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	shop := routed("web", "shop", "nginx", rt{host: "shop.example.com", path: "/api", svc: "api", port: 8080})
	inGit(inv, shop)
	inv.UpsertLive(live(routed("web", "shop", "nginx", rt{host: "shop.example.com", path: "/api", svc: "api", port: 8081})))
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "shop"}).Findings[0].Message; !strings.Contains(m, "service api port 8081") {
		t.Errorf("message %q does not name the backend", m)
	}

	// Another live object uses api:8081: no hint; it goes: the hint is back.
	other := routed("web", "other", "nginx", rt{host: "other.example.com", path: "/", svc: "api", port: 8081})
	inv.UpsertLive(live(other))
	wantFindings(t, inv, "shop", "")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "other"})
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")
	// The same in another namespace is another backend.
	other.Namespace = "elsewhere"
	inv.UpsertLive(live(other))
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")

	// A manifest only (not live) uses it.
	inv.SetSource("planned.yaml", []model.Desired{desired(routed("web", "planned", "nginx", rt{host: "p.example.com", path: "/", svc: "api", port: 8081}), "planned.yaml", 1)}, nil)
	wantFindings(t, inv, "shop", "")
	inv.RemoveSource("planned.yaml")
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")

	// A bundle of documents: a re-read that changes one of them counts
	// what that one uses, and the rest still count.
	doc := func(name string, port int32) model.Desired {
		return desired(routed("web", name, "nginx", rt{host: name + ".example.com", path: "/", svc: "api", port: port}), "bundle.yaml", 1)
	}
	inv.SetSource("bundle.yaml", []model.Desired{doc("b1", 80), doc("b2", 8081), doc("b3", 8081)}, nil)
	wantFindings(t, inv, "shop", "")
	inv.SetSource("bundle.yaml", []model.Desired{doc("b1", 80), doc("b2", 8082), doc("b3", 8081)}, nil)
	wantFindings(t, inv, "shop", "")
	inv.SetSource("bundle.yaml", []model.Desired{doc("b1", 8081), doc("b2", 8082), doc("b3", 8083)}, nil)
	wantFindings(t, inv, "shop", "")
	inv.SetSource("bundle.yaml", []model.Desired{doc("b2", 8082), doc("b3", 8083)}, nil)
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")
	inv.SetSource("bundle.yaml", []model.Desired{doc("b2", 8081), doc("b2", 8081)}, nil)
	wantFindings(t, inv, "shop", "")
	inv.RemoveSource("bundle.yaml")
	wantFindings(t, inv, "shop", "backend-used-nowhere-else low shop.example.com/api")

	// The defaultBackend changed live.
	def := routed("web", "def", "nginx")
	def.Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "fallback", Port: networkingv1.ServiceBackendPort{Name: "http"}}}
	inGit(inv, def)
	def = def.DeepCopy()
	def.Spec.DefaultBackend.Service.Port.Name = "htpp"
	inv.UpsertLive(live(def))
	wantFindings(t, inv, "def", "backend-used-nowhere-else low ")
	if m := mustGet(t, inv, model.Key{Namespace: "web", Name: "def"}).Findings[0].Message; !strings.Contains(m, "defaultBackend") || !strings.Contains(m, "port htpp") {
		t.Errorf("message %q does not name the defaultBackend and its port", m)
	}

	// A missing-git object is not drifted: no hint (nothing changed).
	inv.UpsertLive(live(routed("web", "handmade", "nginx", rt{host: "h.example.com", path: "/", svc: "lonely", port: 1})))
	wantFindings(t, inv, "handmade", "")
}

// TestBackendPortForms: a port name and a port number cannot be matched
// without reading the Service, so a backend changed live to a port
// number of a service that others use by port name (or the reverse) is
// no hint; the message says whether the service itself is used
// elsewhere, and follows the others as they come and go.
func TestBackendPortForms(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	named := func(ing *networkingv1.Ingress, port string) *networkingv1.Ingress {
		ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port = networkingv1.ServiceBackendPort{Name: port}
		return ing
	}
	g := named(routed("web", "g", "nginx", rt{host: "g.example.com", path: "/", svc: "api"}), "http")
	inv.UpsertLive(live(g))
	inGit(inv, g)
	inGit(inv, routed("web", "f", "nginx", rt{host: "f.example.com", path: "/", svc: "web", port: 80}))
	inv.UpsertLive(live(routed("web", "f", "nginx", rt{host: "f.example.com", path: "/", svc: "api", port: 80})))
	wantFindings(t, inv, "f", "")

	// g goes (live and from Git): nothing else uses service api.
	inv.DeleteLive(model.Key{Namespace: "web", Name: "g"})
	wantFindings(t, inv, "f", "")
	inv.RemoveSource("web/g.yaml")
	wantFindings(t, inv, "f", "backend-used-nowhere-else low f.example.com/")
	msg := func() string { return mustGet(t, inv, model.Key{Namespace: "web", Name: "f"}).Findings[0].Message }
	if m := msg(); !strings.Contains(m, "service api port 80") || !strings.Contains(m, "nothing else uses service api at all") {
		t.Errorf("message %q does not say service api is used nowhere else", m)
	}
	// Another port number of api: the service is used, not the port.
	h := routed("web", "h", "nginx", rt{host: "h.example.com", path: "/", svc: "api", port: 8080})
	inv.UpsertLive(live(h))
	wantFindings(t, inv, "f", "backend-used-nowhere-else low f.example.com/")
	if m := msg(); !strings.Contains(m, "which nothing else uses (service api is, with other ports)") {
		t.Errorf("message %q does not say the service is used with other ports", m)
	}
	// A manifest names a port of api: no hint; it goes: the hint is back.
	inv.SetSource("planned.yaml", []model.Desired{desired(named(routed("web", "planned", "nginx", rt{host: "p.example.com", path: "/", svc: "api"}), "http"), "planned.yaml", 1)}, nil)
	wantFindings(t, inv, "f", "")
	inv.RemoveSource("planned.yaml")
	wantFindings(t, inv, "f", "backend-used-nowhere-else low f.example.com/")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "h"})
	if m := msg(); !strings.Contains(m, "nothing else uses service api at all") {
		t.Errorf("message %q did not follow h going", m)
	}
	// Two documents of one key come at once (the counts jump by two).
	twice := func(port string, n int32) []model.Desired {
		var docs []model.Desired
		for _, name := range []string{"b2", "b2"} {
			ing := routed("web", name, "nginx", rt{host: name + ".example.com", path: "/", svc: "api", port: n})
			if port != "" {
				ing = named(ing, port)
			}
			docs = append(docs, desired(ing, "bundle.yaml", 1))
		}
		return docs
	}
	inv.SetSource("bundle.yaml", twice("", 8080), nil)
	if m := msg(); !strings.Contains(m, "(service api is, with other ports)") {
		t.Errorf("message %q did not follow the bundle", m)
	}
	inv.RemoveSource("bundle.yaml")
	inv.SetSource("bundle.yaml", twice("http", 0), nil)
	wantFindings(t, inv, "f", "")
	inv.RemoveSource("bundle.yaml")
	wantFindings(t, inv, "f", "backend-used-nowhere-else low f.example.com/")
	// The same while another port number of api is in use: only the
	// count of port names crosses zero.
	inv.UpsertLive(live(h))
	inv.SetSource("bundle.yaml", twice("http", 0), nil)
	wantFindings(t, inv, "f", "")
	inv.RemoveSource("bundle.yaml")
	wantFindings(t, inv, "f", "backend-used-nowhere-else low f.example.com/")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "h"})

	// The reverse: changed live to a port name of a service f uses by
	// number; f goes: the hint.
	inGit(inv, routed("web", "n", "nginx", rt{host: "n.example.com", path: "/", svc: "old", port: 80}))
	inv.UpsertLive(live(named(routed("web", "n", "nginx", rt{host: "n.example.com", path: "/", svc: "api"}), "htpp")))
	wantFindings(t, inv, "n", "")
	inv.DeleteLive(model.Key{Namespace: "web", Name: "f"})
	wantFindings(t, inv, "n", "backend-used-nowhere-else low n.example.com/")
}

// TestFindingsSorted: by kind (declaration order), then host and path.
func TestFindingsSorted(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	mk := func(name string) *networkingv1.Ingress {
		return withTLS(routed("web", name, "nginx",
			rt{host: "b.example.com", path: "/z", svc: "s", port: 80}, rt{host: "b.example.com", path: "/a", svc: "s", port: 80},
			rt{host: "a.example.com", path: "/", svc: "s", port: 80}, rt{host: "c.example.com", path: "/", svc: "s", port: 80}),
			networkingv1.IngressTLS{SecretName: "c", Hosts: []string{"c.example.com", "d.example.com"}})
	}
	inv.UpsertLive(live(mk("x")))
	inv.UpsertLive(live(mk("y")))
	wantFindings(t, inv, "x", strings.Join([]string{
		"route-claimed-twice high a.example.com/ suspect class=nginx y",
		"route-claimed-twice high b.example.com/a suspect class=nginx y",
		"route-claimed-twice high b.example.com/z suspect class=nginx y",
		"route-claimed-twice high c.example.com/ suspect class=nginx y",
		"host-without-tls medium a.example.com",
		"host-without-tls medium b.example.com",
		"tls-host-unserved low d.example.com",
	}, "\n"))
}

// TestFindingsInReport: the JSON report carries them.
func TestFindingsInReport(t *testing.T) {
	inv := model.NewInventory(diffengine.Options{})
	readRepo(inv)
	inv.UpsertLive(live(routed("web", "a", "nginx", rt{host: "s.example.com", path: "/", svc: "a", port: 80})))
	inv.UpsertLive(live(routed("web", "b", "nginx", rt{host: "s.example.com", path: "/", svc: "b", port: 80})))
	r := model.NewReport(inv.Snapshot())
	if len(r.Objects) != 2 || len(r.Objects[0].Findings) != 1 || r.Objects[0].Findings[0].Others[0] != (model.Key{Namespace: "web", Name: "b"}) {
		t.Fatalf("report objects = %+v", r.Objects)
	}
}
