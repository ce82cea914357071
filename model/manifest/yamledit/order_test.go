package yamledit

import (
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// TestEditEqualPathsAddedInLiveOrder: two paths equal in path and
// pathType but not in backend, added together, are written in live's
// order whichever it is. Controllers route such a path to one of them by
// position (ingress-nginx the first, Traefik the last), so the other order
// would be a manifest that, applied, sends the traffic elsewhere.
func TestEditEqualPathsAddedInLiveOrder(t *testing.T) {
	for _, order := range [][2]string{{"zee", "zed"}, {"zed", "zee"}} {
		runEdit(t, editCase{
			name: order[0] + " then " + order[1],
			doc:  dupHostsDoc,
			live: func(l *networkingv1.Ingress) {
				h := l.Spec.Rules[1].HTTP
				h.Paths = append(h.Paths, httpPath("/z", networkingv1.PathTypePrefix, svc(order[0], 80)), httpPath("/z", networkingv1.PathTypePrefix, svc(order[1], 80)))
			},
			want: dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one")) +
				ruleItem("b.example.com", pathItem("/", "Prefix", "bee"), pathItem("/z", "Prefix", order[0]), pathItem("/z", "Prefix", order[1])) +
				ruleItem("a.example.com", pathItem("/y", "Exact", "why")),
			paths: []string{"spec.rules[host=b.example.com].http.paths[path=/z,pathType=Prefix,#2]",
				"spec.rules[host=b.example.com].http.paths[path=/z,pathType=Prefix]"},
			added: 14,
		})
	}
	// Live adds a second /z before the one the document has.
	doc := dupHead + "  rules:\n" + ruleItem("b.example.com", pathItem("/", "Prefix", "bee"), pathItem("/z", "Prefix", "zed"))
	runEdit(t, editCase{
		name: "before an existing equal path",
		doc:  doc,
		live: func(l *networkingv1.Ingress) {
			h := l.Spec.Rules[0].HTTP
			h.Paths = slices.Insert(h.Paths, 1, httpPath("/z", networkingv1.PathTypePrefix, svc("zee", 80)))
		},
		want:  dupHead + "  rules:\n" + ruleItem("b.example.com", pathItem("/", "Prefix", "bee"), pathItem("/z", "Prefix", "zee"), pathItem("/z", "Prefix", "zed")),
		paths: []string{"spec.rules[host=b.example.com].http.paths[path=/z,pathType=Prefix]"},
		added: 7,
	})
}

// splitEqualPathsDoc has a /x path in each of two rules for a.example.com
// (one, then two), around a rule for b.example.com.
var splitEqualPathsDoc = dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one")) + bRoot +
	ruleItem("a.example.com", pathItem("/x", "Prefix", "two"))

// TestEditEqualPathsInLiveOrder: accepting live writes paths equal in
// path and pathType in live's order (the backend a controller routes to
// depends on it) with the fewest edits: a changed position is edited in
// place (its comments stay where they are), a path live inserted among
// them goes where live has it, also when the document spreads them over
// two rules of the host. The order of paths that are not equal is left
// alone.
func TestEditEqualPathsInLiveOrder(t *testing.T) {
	commented := dupHead + "  rules:\n" + ruleItem("a.example.com",
		repl(pathItem("/x", "Prefix", "one"), "- path: /x\n", "- path: /x # routes first\n"), pathItem("/x", "Prefix", "two"))
	mid := dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one"), pathItem("/x", "Prefix", "three"))
	front := dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one"), pathItem("/y", "Prefix", "why"))
	split := splitEqualPathsDoc
	paths := func(l *networkingv1.Ingress, rule int) *[]networkingv1.HTTPIngressPath {
		return &l.Spec.Rules[rule].HTTP.Paths
	}
	x := func(name string) networkingv1.HTTPIngressPath {
		return httpPath("/x", networkingv1.PathTypePrefix, svc(name, 80))
	}
	for _, c := range []editCase{{
		name: "swapped: each position edited in place, the comment kept",
		doc:  commented,
		live: func(l *networkingv1.Ingress) { p := *paths(l, 0); p[0], p[1] = p[1], p[0] },
		want: repl(repl(repl(commented, "name: one", "name: @"), "name: two", "name: one"), "name: @", "name: two"),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#2].backend.service.name",
			"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix].backend.service.name"},
		removed: []int{14, 21}, added: 2,
	}, {
		name:  "inserted between two equal paths",
		doc:   mid,
		live:  func(l *networkingv1.Ingress) { p := paths(l, 0); *p = slices.Insert(*p, 1, x("two")) },
		want:  dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one"), pathItem("/x", "Prefix", "two"), pathItem("/x", "Prefix", "three")),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#2]"},
		added: 7,
	}, {
		name: "inserted first, where live also moved another path before them",
		doc:  front,
		live: func(l *networkingv1.Ingress) {
			p := paths(l, 0)
			*p = []networkingv1.HTTPIngressPath{(*p)[1], x("zero"), (*p)[0]}
		},
		want:  dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "zero"), pathItem("/x", "Prefix", "one"), pathItem("/y", "Prefix", "why")),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix]"},
		added: 7,
	}, {
		name:  "added after the last of them, which is in the host's second rule",
		doc:   split,
		live:  func(l *networkingv1.Ingress) { p := paths(l, 2); *p = append(*p, x("three")) },
		want:  split + pathItem("/x", "Prefix", "three"),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#3]"},
		added: 7,
	}} {
		t.Run(c.name, func(t *testing.T) { runEdit(t, c) })
	}
}

// TestEditEqualPathsOrderIgnored: a user ignore rule that hides the
// order change of equal paths keeps accept from writing it, as for any
// other ignored change.
func TestEditEqualPathsOrderIgnored(t *testing.T) {
	live := liveFrom(t, dupDoc, "")
	p := live.Spec.Rules[0].HTTP.Paths
	p[0], p[1] = p[1], p[0]
	live.Labels = map[string]string{"team": "web"}
	opts := diffengine.Options{Ignore: []diffengine.IgnoreRule{{Paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,*"}}}}
	out, paths, err := Edit([]byte(dupDoc), diffengine.CleanForManifest(live), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := repl(dupDoc, "  name: dup\n", "  name: dup\n  labels:\n    team: web\n"); string(out) != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if !slices.Equal(paths, []string{"metadata.labels[team]"}) {
		t.Errorf("paths = %v", paths)
	}
}
