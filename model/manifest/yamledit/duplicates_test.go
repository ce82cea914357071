package yamledit

import (
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
)

// pathItem is a path of the documents below (port 80), at their
// indentation; ruleItem is a rule with its paths.
func pathItem(path, pathType, service string) string {
	return "      - path: " + path + "\n        pathType: " + pathType + "\n        backend:\n          service:\n" +
		"            name: " + service + "\n            port:\n              number: 80\n"
}

func ruleItem(host string, paths ...string) string {
	return "  - host: " + host + "\n    http:\n      paths:\n" + strings.Join(paths, "")
}

const dupHead = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dup\nspec:\n"

var (
	aRoot = ruleItem("a.example.com", pathItem("/", "Prefix", "web"))
	bRoot = ruleItem("b.example.com", pathItem("/", "Prefix", "bee"))
	// dupHostsDoc has two rules for a.example.com around one for
	// b.example.com; diffengine merges the two into one rule.
	dupHostsDoc = dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one")) +
		bRoot + ruleItem("a.example.com", pathItem("/y", "Exact", "why"))
	// bareHostsDoc has two rules for a.example.com without http.
	bareHostsDoc = dupHead + "  rules:\n  - host: a.example.com\n" + bRoot + "  - host: a.example.com\n"
	// dupTLSDoc has two TLS entries with the same host set and no
	// secretName (one entry to diffengine) and two with the same
	// secretName (merged).
	dupTLSDoc = dupHead + `  tls:
  - hosts:
    - a.example.com
  - hosts:
    - a.example.com
  - hosts:
    - c.example.com
    secretName: c-tls
  - hosts:
    - d.example.com
    secretName: c-tls
  rules:
` + aRoot
	// exactDupDoc holds exactDupPath twice, equal in everything (Normalize
	// keeps it once), with another path between.
	exactDupPath = pathItem("/x", "Prefix", "one")
	exactDupDoc  = dupHead + "  rules:\n" + ruleItem("a.example.com", exactDupPath, pathItem("/", "Prefix", "web"), exactDupPath)
)

// TestEditDuplicateElements: where several items of the document are one
// element to diffengine (rules with one host, TLS entries with one
// secretName or one host set, exact-duplicate paths), a removal or a field
// change reaches every item and an addition goes to the first; where one
// change adds several equal paths, each is written once. Each want is the
// file after an SRE accepts the live object: it reads back as live, and
// nothing else changed.
func TestEditDuplicateElements(t *testing.T) {
	cases := []editCase{{
		name:    "a host with two rules removed: both go",
		doc:     dupHostsDoc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules = l.Spec.Rules[1:2] },
		want:    dupHead + "  rules:\n" + bRoot,
		paths:   []string{"spec.rules[host=a.example.com]"},
		removed: join(lines(7, 16), lines(25, 34)),
	}, {
		name: "a host with two rules gains http: the first rule gets it",
		doc:  bareHostsDoc,
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0] = rule("a.example.com", httpPath("/", networkingv1.PathTypePrefix, svc("web", 80)))
		},
		want:  dupHead + "  rules:\n" + aRoot + bRoot + "  - host: a.example.com\n",
		paths: []string{"spec.rules[host=a.example.com].http"},
		added: 9,
	}, {
		// Both changes land at one place, in live's order (the other
		// order is in TestEditEqualPathsAddedInLiveOrder).
		name: "two paths equal in path and pathType added together: each once, in live's order",
		doc:  dupHostsDoc,
		live: func(l *networkingv1.Ingress) {
			h := l.Spec.Rules[1].HTTP
			h.Paths = append(h.Paths, httpPath("/z", networkingv1.PathTypePrefix, svc("zee", 80)), httpPath("/z", networkingv1.PathTypePrefix, svc("zed", 80)))
		},
		want: dupHead + "  rules:\n" + ruleItem("a.example.com", pathItem("/x", "Prefix", "one")) +
			ruleItem("b.example.com", pathItem("/", "Prefix", "bee"), pathItem("/z", "Prefix", "zee"), pathItem("/z", "Prefix", "zed")) +
			ruleItem("a.example.com", pathItem("/y", "Exact", "why")),
		paths: []string{"spec.rules[host=b.example.com].http.paths[path=/z,pathType=Prefix,#2]",
			"spec.rules[host=b.example.com].http.paths[path=/z,pathType=Prefix]"},
		added: 14,
	}, {
		name: "two TLS entries with one host set gain a secretName: both get it",
		doc:  dupTLSDoc,
		live: func(l *networkingv1.Ingress) { l.Spec.TLS[0].SecretName, l.Spec.TLS[1].SecretName = "a-tls", "a-tls" },
		want: repl(dupTLSDoc, "  - hosts:\n    - a.example.com\n  - hosts:\n    - a.example.com\n",
			"  - hosts:\n    - a.example.com\n    secretName: a-tls\n  - hosts:\n    - a.example.com\n    secretName: a-tls\n"),
		paths: []string{"spec.tls[hosts=a.example.com].secretName"},
		added: 2,
	}, {
		name:  "two TLS entries with one secretName gain a host: the first gets it",
		doc:   dupTLSDoc,
		live:  func(l *networkingv1.Ingress) { l.Spec.TLS[2].Hosts = append(l.Spec.TLS[2].Hosts, "e.example.com") },
		want:  repl(dupTLSDoc, "    - c.example.com\n", "    - c.example.com\n    - e.example.com\n"),
		paths: []string{"spec.tls[secretName=c-tls].hosts[e.example.com]"},
		added: 1,
	}, {
		name:  "TLS host added that an earlier entry lists: it goes after the entry's own host",
		doc:   dupTLSDoc,
		live:  func(l *networkingv1.Ingress) { l.Spec.TLS[2].Hosts = append(l.Spec.TLS[2].Hosts, "a.example.com") },
		want:  repl(dupTLSDoc, "    - c.example.com\n", "    - c.example.com\n    - a.example.com\n"),
		paths: []string{"spec.tls[secretName=c-tls].hosts[a.example.com]"},
		added: 1,
	}, {
		name: "an exact-duplicate path pointed at another port: both copies change",
		doc:  exactDupDoc,
		live: func(l *networkingv1.Ingress) {
			p := l.Spec.Rules[0].HTTP.Paths
			p[0].Backend.Service.Port.Number, p[2].Backend.Service.Port.Number = 81, 81
		},
		want: strings.ReplaceAll(exactDupDoc, "name: one\n            port:\n              number: 80\n",
			"name: one\n            port:\n              number: 81\n"),
		paths:   []string{"spec.rules[host=a.example.com].http.paths[path=/x].backend.service.port.number"},
		removed: []int{16, 30}, added: 2,
	}, {
		name:    "an exact-duplicate path removed: both copies go",
		doc:     exactDupDoc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths = l.Spec.Rules[0].HTTP.Paths[1:2] },
		want:    dupHead + "  rules:\n" + aRoot,
		paths:   []string{"spec.rules[host=a.example.com].http.paths[path=/x]"},
		removed: join(lines(10, 16), lines(22, 28)),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runEdit(t, c) })
	}
}
