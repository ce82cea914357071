package tlsmeaning

import (
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// Of returns the meaning of a TLS list as a set of facts: "S serves H" for
// each host H an entry with secret S lists, "S serves *" for an entry of S
// without hosts (the Ingress API: it then defaults to the controller's
// wildcard host, every host), and "no secret: H1+H2" for the host set of
// an entry without a secret (the controller's default certificate). Empty
// host strings are no host. Entries of one secret listing hosts add up,
// so their split and order do not matter; nothing else is merged.
func Of(tls []networkingv1.IngressTLS) map[string]bool {
	m := map[string]bool{}
	for _, t := range tls {
		hosts := slices.DeleteFunc(slices.Clone(t.Hosts), func(h string) bool { return h == "" })
		switch {
		case t.SecretName == "":
			slices.Sort(hosts)
			m["no secret: "+strings.Join(slices.Compact(hosts), "+")] = true
		case len(hosts) == 0:
			m[t.SecretName+" serves *"] = true
		default:
			for _, h := range hosts {
				m[t.SecretName+" serves "+h] = true
			}
		}
	}
	return m
}
