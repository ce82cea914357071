package yamledit

import (
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
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
