package diffengine

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/internal/tlsmeaning"
)

func withTLS(tls ...networkingv1.IngressTLS) *networkingv1.Ingress {
	i := ing(nil)
	i.Spec.TLS = tls
	return i
}

func tlsEntry(secret string, hosts ...string) networkingv1.IngressTLS {
	return networkingv1.IngressTLS{SecretName: secret, Hosts: hosts}
}

// TestDiffTLSWithoutHosts: an entry without hosts serves its certificate
// for every host, so it is never one entry with the entries of its secret
// that list hosts. Each case names the changes Diff must report (path →
// rule); widening TLS to every host, or losing it, is critical.
func TestDiffTLSWithoutHosts(t *testing.T) {
	const (
		hostless = "spec.tls[secretName=c-tls,hosts=]"
		entry    = "spec.tls[secretName=c-tls]"
	)
	cases := []struct {
		name      string
		git, live []networkingv1.IngressTLS
		want      map[string]string // path → rule
	}{{
		name: "two entries of one secret, live empties the second one's hosts",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", "b.example")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls")},
		// b.example still gets TLS (from the entry for every host), but
		// the certificate now serves every host.
		want: map[string]string{entry + ".hosts[b.example]": RuleTLS, hostless: RuleTLSAllHosts},
	}, {
		name: "two entries of one secret, live drops the second",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", "b.example")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example")},
		want: map[string]string{entry + ".hosts[b.example]": RuleTLSHostRemoved},
	}, {
		name: "an entry listing hosts in Git has none live",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls")},
		want: map[string]string{entry: RuleTLS, hostless: RuleTLSAllHosts},
	}, {
		name: "an entry's hosts list becomes empty",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example", "b.example")},
		live: []networkingv1.IngressTLS{{SecretName: "c-tls", Hosts: []string{}}},
		want: map[string]string{entry: RuleTLS, hostless: RuleTLSAllHosts},
	}, {
		name: "an entry for every host in Git lists hosts live",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example")},
		want: map[string]string{hostless: RuleTLSEntryRemoved, entry: RuleTLS},
	}, {
		name: "the entry for every host of a secret that also lists hosts is gone live",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example")},
		want: map[string]string{hostless: RuleTLSEntryRemoved},
	}, {
		name: "an entry for every host renamed to another secret",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls")},
		live: []networkingv1.IngressTLS{tlsEntry("d-tls")},
		want: map[string]string{hostless + ".secretName": RuleTLS},
	}, {
		name: "duplicate entries are one entry",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", "a.example"), tlsEntry("c-tls"), tlsEntry("c-tls", "")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls"), tlsEntry("c-tls", "a.example")},
		want: map[string]string{},
	}, {
		name: "hosts split over entries of one secret are one entry",
		git:  []networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", "b.example")},
		live: []networkingv1.IngressTLS{tlsEntry("c-tls", "b.example", "a.example")},
		want: map[string]string{},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Diff(withTLS(c.git...), withTLS(c.live...), Options{})
			got := map[string]string{}
			for _, ch := range res.Changes {
				got[ch.Path] = ch.Rule
				if ch.Category != CategoryTLS {
					t.Errorf("%s: category %s", ch.Path, ch.Category)
				}
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("changes (-want +got):\n%s\n%+v", d, res.Changes)
			}
			if same := maps.Equal(tlsmeaning.Of(c.git), tlsmeaning.Of(c.live)); same == res.Drifted() {
				t.Errorf("drifted=%v, but the lists mean the same: %v", res.Drifted(), same)
			}
		})
	}
}

func TestNormalizeTLSWithoutHostsKeptApart(t *testing.T) {
	got := Normalize(withTLS(tlsEntry("c-tls", "b.example"), tlsEntry("c-tls"), tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", "")), "").Spec.TLS
	want := []networkingv1.IngressTLS{tlsEntry("c-tls"), tlsEntry("c-tls", "a.example", "b.example")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Normalize TLS (-want +got):\n%s", d)
	}
	sel := TLSSel{SecretName: "c-tls"}
	if got := sel.Select([]networkingv1.IngressTLS{tlsEntry("c-tls", "a.example"), tlsEntry("c-tls", ""), tlsEntry("c-tls")}); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("the selector of the entry without hosts selects %v, want [1 2]", got)
	}
	if got := tlsAt(tlsEntry("c-tls")).String(); got != "spec.tls[secretName=c-tls,hosts=]" {
		t.Errorf("path of an entry without hosts: %s", got)
	}
}
