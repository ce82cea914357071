package diffengine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
)

// withPaths is ing(nil) with its rule's paths replaced; each path is
// (path, service) with pathType Prefix and port 80.
func withPaths(ps ...[2]string) *networkingv1.Ingress {
	x := ing(nil)
	prefix := networkingv1.PathTypePrefix
	var paths []networkingv1.HTTPIngressPath
	for _, p := range ps {
		paths = append(paths, networkingv1.HTTPIngressPath{Path: p[0], PathType: &prefix, Backend: svcBackend(p[1], 80)})
	}
	x.Spec.Rules[0].HTTP.Paths = paths
	return x
}

// summary is each change as "op path git→live severity", a whole path
// shown as {path} and an absent value as –.
func summary(r Result) []string {
	val := func(v any) string {
		switch x := v.(type) {
		case nil:
			return "–"
		case string:
			return x
		}
		return "{path}"
	}
	var out []string
	for _, c := range r.Changes {
		out = append(out, fmt.Sprintf("%s %s %s→%s %s", c.Op, c.Path, val(c.Git), val(c.Live), c.Severity))
	}
	return out
}

// TestEqualPathsOrder: paths equal in (path, pathType) are compared by
// position (ingress-nginx routes to the first, Traefik to the last), so
// their order is drift with a backend change's severity; the order of
// paths that differ in path or pathType is not (matching is by longest
// match, not by order).
func TestEqualPathsOrder(t *testing.T) {
	const at = "spec.rules[host=shop.example.com].http.paths"
	x := func(svc string) [2]string { return [2]string{"/x", svc} }
	y := func(svc string) [2]string { return [2]string{"/y", svc} }
	cases := []struct {
		name      string
		git, live *networkingv1.Ingress
		want      []string
	}{{
		name: "swapped",
		git:  withPaths(x("one"), x("two")),
		live: withPaths(x("two"), x("one")),
		want: []string{
			"changed " + at + "[path=/x,pathType=Prefix,#2].backend.service.name two→one high",
			"changed " + at + "[path=/x,pathType=Prefix].backend.service.name one→two high",
		},
	}, {
		name: "the first pointed elsewhere (the accept bug's case)",
		git:  withPaths(x("one"), x("two")),
		live: withPaths(x("zero"), x("two")),
		want: []string{"changed " + at + "[path=/x,pathType=Prefix].backend.service.name one→zero high"},
	}, {
		name: "one inserted in the middle",
		git:  withPaths(x("one"), x("three")),
		live: withPaths(x("one"), x("two"), x("three")),
		want: []string{"added " + at + "[path=/x,pathType=Prefix,#2] –→{path} high"},
	}, {
		name: "a later copy of the first dropped (Traefik's last one changes)",
		git:  withPaths(x("one"), x("two"), x("one")),
		live: withPaths(x("one"), x("two")),
		want: []string{"removed " + at + "[path=/x,pathType=Prefix,#3] {path}→– high"},
	}, {
		name: "an adjacent copy dropped: the same path routes",
		git:  withPaths(x("one"), x("one"), x("two")),
		live: withPaths(x("one"), x("two")),
	}, {
		name: "paths that are not equal reordered, equal ones kept in order",
		git:  withPaths(y("why"), x("one"), x("two")),
		live: withPaths(x("one"), x("two"), y("why")),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summary(Diff(c.git, c.live, Options{}))
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
		})
	}
}

// TestNormalizeKeepsEqualPathsOrder: Normalize sorts paths by (path,
// pathType) but keeps the order among equal ones, and keeps a path once
// only when it repeats the one before it among them.
func TestNormalizeKeepsEqualPathsOrder(t *testing.T) {
	in := withPaths([2]string{"/y", "why"}, [2]string{"/x", "two"}, [2]string{"/x", "one"}, [2]string{"/x", "one"}, [2]string{"/x", "two"})
	var got []string
	for _, p := range Normalize(in, "").Spec.Rules[0].HTTP.Paths {
		got = append(got, p.Path+" "+p.Backend.Service.Name)
	}
	if want := []string{"/x two", "/x one", "/x two", "/y why"}; !slices.Equal(got, want) {
		t.Errorf("normalized paths %v, want %v", got, want)
	}
}

// TestPathSelSelectByPosition: Select counts equal paths in document
// order, a run of exact copies as one.
func TestPathSelSelectByPosition(t *testing.T) {
	paths := withPaths([2]string{"/x", "two"}, [2]string{"/y", "why"}, [2]string{"/x", "two"}, [2]string{"/x", "one"}, [2]string{"/x", "two"}).Spec.Rules[0].HTTP.Paths
	for occ, want := range map[int][]int{1: {0, 2}, 2: {3}, 3: {4}, 4: nil} {
		sel := PathSel{Path: "/x", PathType: networkingv1.PathTypePrefix, Occurrence: occ}
		if got := sel.Select(paths); !slices.Equal(got, want) {
			t.Errorf("Select #%d = %v, want %v", occ, got, want)
		}
	}
}
