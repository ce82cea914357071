package model

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// TestClaimHashCollisions: with every claim of one hash, routes that are
// not the same never conflict (claimedBy holds one key per hash, and the
// others are kept by their full claim), and the same route still does,
// also as claimers come and go.
func TestClaimHashCollisions(t *testing.T) {
	inv := NewInventory(diffengine.Options{})
	inv.hashClaim = func(claim) uint64 { return 7 }
	prefix := networkingv1.PathTypePrefix
	obj := func(name string, paths ...string) *LiveObject {
		var hp []networkingv1.HTTPIngressPath
		for _, p := range paths {
			hp = append(hp, networkingv1.HTTPIngressPath{Path: p, PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "s", Port: networkingv1.ServiceBackendPort{Number: 80}}}})
		}
		return &LiveObject{Ingress: &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: name},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "h.example.com",
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: hp}}}}}}}
	}
	conflicts := func(name string) []string {
		t.Helper()
		e, ok := inv.Get(Key{Namespace: "web", Name: name})
		if !ok {
			t.Fatalf("no entry %s", name)
		}
		var out []string
		for _, f := range e.Findings {
			if f.Kind == FindingRouteClaimed {
				for _, o := range f.Others {
					out = append(out, f.Path+" "+o.Name)
				}
			}
		}
		return out
	}
	want := func(name string, w ...string) {
		t.Helper()
		got := conflicts(name)
		if len(got) != len(w) {
			t.Fatalf("%s conflicts = %q, want %q", name, got, w)
		}
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("%s conflicts = %q, want %q", name, got, w)
			}
		}
	}
	inv.UpsertLive(obj("a", "/a", "/both"))
	inv.UpsertLive(obj("b", "/b"))
	want("a")
	want("b")
	inv.UpsertLive(obj("c", "/both", "/c"))
	want("a", "/both c")
	want("c", "/both a")
	want("b")
	inv.DeleteLive(Key{Namespace: "web", Name: "a"})
	want("c")
	inv.UpsertLive(obj("d", "/b"))
	want("b", "/b d")
	inv.UpsertLive(obj("b", "/x"))
	want("d")
	inv.UpsertLive(obj("e", "/x", "/c", "/b"))
	want("e", "/b d", "/c c", "/x b")
	for _, k := range []string{"b", "c", "d", "e"} {
		inv.DeleteLive(Key{Namespace: "web", Name: k})
	}
	if len(inv.claimedBy) != 0 || len(inv.claimedByMore) != 0 {
		t.Errorf("claims left after every object went: %v %v", inv.claimedBy, inv.claimedByMore)
	}
}

// TestDriftedIndexes: an object drifted to two ports of one service counts
// once for the service, and the indexes are empty once it is in sync
// again and once it is gone.
func TestDriftedIndexes(t *testing.T) {
	inv := NewInventory(diffengine.Options{})
	prefix := networkingv1.PathTypePrefix
	obj := func(ports ...int32) *networkingv1.Ingress {
		var hp []networkingv1.HTTPIngressPath
		for i, p := range ports {
			hp = append(hp, networkingv1.HTTPIngressPath{Path: "/" + string(rune('a'+i)), PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "s", Port: networkingv1.ServiceBackendPort{Number: p}}}})
		}
		return &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "a"},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "h.example.com",
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: hp}}}}}}
	}
	inv.SetRepo(RepoState{Root: "/repo"})
	inv.SetCluster(ConnState{Phase: ConnLive})
	inv.SetSource("a.yaml", []Desired{{Ingress: obj(80, 80), Namespace: "web", Origin: Origin{File: "a.yaml", Line: 1, Item: -1}}}, nil)
	inv.UpsertLive(&LiveObject{Ingress: obj(81, 82)})
	sk := serviceKey{"web", "s"}
	if n := inv.driftedToService[sk]; n != 1 || len(inv.driftedTo) != 2 {
		t.Fatalf("drifted to two ports of s: driftedToService = %d, driftedTo = %v", n, inv.driftedTo)
	}
	inv.UpsertLive(&LiveObject{Ingress: obj(81, 80)})
	if n := inv.driftedToService[sk]; n != 1 || len(inv.driftedTo) != 1 {
		t.Fatalf("drifted to one port of s: driftedToService = %d, driftedTo = %v", n, inv.driftedTo)
	}
	inv.UpsertLive(&LiveObject{Ingress: obj(80, 80)})
	if len(inv.driftedToService) != 0 || len(inv.driftedTo) != 0 {
		t.Errorf("in sync: driftedToService = %v, driftedTo = %v", inv.driftedToService, inv.driftedTo)
	}
	inv.UpsertLive(&LiveObject{Ingress: obj(81, 82)})
	inv.DeleteLive(Key{Namespace: "web", Name: "a"})
	if len(inv.driftedToService) != 0 || len(inv.driftedTo) != 0 {
		t.Errorf("gone: driftedToService = %v, driftedTo = %v", inv.driftedToService, inv.driftedTo)
	}
}
