package yamledit

import (
	"bytes"
	"maps"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/tlsmeaning"
)

// tlsShareDoc has two TLS entries of one secret with two hosts in the
// first.
var tlsShareDoc = dupHead + `  tls:
  - hosts:
    - c.example.com
    - d.example.com
    secretName: c-tls
  - hosts:
    - e.example.com
    secretName: c-tls
  rules:
` + aRoot

// TestEditTLSNeverLeftWithoutHosts: a TLS entry without hosts serves its
// certificate for every host, so an accept that takes the last host out
// of an entry removes the entry (live has no such entry), and an entry
// live has without hosts is written as one.
func TestEditTLSNeverLeftWithoutHosts(t *testing.T) {
	const hostlessC = "  - secretName: c-tls\n"
	oneEntry := dupHead + "  tls:\n  - hosts:\n    - c.example.com\n    secretName: c-tls\n  rules:\n" + aRoot
	cases := []editCase{{
		name:    "live drops the second of two entries of one secret: the entry goes",
		doc:     dupTLSDoc,
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS = l.Spec.TLS[:3] },
		want:    repl(dupTLSDoc, "  - hosts:\n    - d.example.com\n    secretName: c-tls\n", ""),
		paths:   []string{"spec.tls[secretName=c-tls].hosts[d.example.com]"},
		removed: lines(14, 16),
	}, {
		name: "live empties the second entry's hosts: it is written without hosts",
		doc:  dupTLSDoc,
		live: func(l *networkingv1.Ingress) { l.Spec.TLS[3].Hosts = nil },
		want: repl(dupTLSDoc, "  - hosts:\n    - d.example.com\n    secretName: c-tls\n", hostlessC),
		paths: []string{"spec.tls[secretName=c-tls,hosts=]",
			"spec.tls[secretName=c-tls].hosts[d.example.com]"},
		removed: lines(14, 16), added: 1,
	}, {
		name: "the only entry of a secret has no hosts live",
		doc:  oneEntry,
		live: func(l *networkingv1.Ingress) { l.Spec.TLS[0].Hosts = []string{} },
		want: repl(oneEntry, "  - hosts:\n    - c.example.com\n    secretName: c-tls\n", hostlessC),
		paths: []string{"spec.tls[secretName=c-tls,hosts=]",
			"spec.tls[secretName=c-tls]"},
		removed: lines(7, 9), added: 1,
	}, {
		name: "both hosts of an entry gone live, another entry of the secret stays: the entry goes",
		doc:  tlsShareDoc,
		live: func(l *networkingv1.Ingress) { l.Spec.TLS = l.Spec.TLS[1:] },
		want: repl(tlsShareDoc, "  - hosts:\n    - c.example.com\n    - d.example.com\n    secretName: c-tls\n", ""),
		paths: []string{"spec.tls[secretName=c-tls].hosts[c.example.com]",
			"spec.tls[secretName=c-tls].hosts[d.example.com]"},
		removed: lines(8, 11), // the same lines: "  - hosts:" is on line 7 and 11
	}, {
		// f goes before e, in live's order.
		name: "an entry loses its hosts and the secret gains one elsewhere: the host goes to an entry that keeps one",
		doc:  tlsShareDoc,
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"f.example.com"}, SecretName: "c-tls"}, l.Spec.TLS[1]}
		},
		want: repl(repl(tlsShareDoc, "  - hosts:\n    - c.example.com\n    - d.example.com\n    secretName: c-tls\n", ""),
			"    - e.example.com\n", "    - f.example.com\n    - e.example.com\n"),
		paths: []string{"spec.tls[secretName=c-tls].hosts[c.example.com]",
			"spec.tls[secretName=c-tls].hosts[d.example.com]", "spec.tls[secretName=c-tls].hosts[f.example.com]"},
		removed: lines(8, 11), added: 1,
	}, {
		name:    "the only entry's host replaced: the entry keeps the new one",
		doc:     oneEntry,
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS[0].Hosts = []string{"d.example.com"} },
		want:    repl(oneEntry, "    - c.example.com\n", "    - d.example.com\n"),
		paths:   []string{"spec.tls[secretName=c-tls].hosts[c.example.com]", "spec.tls[secretName=c-tls].hosts[d.example.com]"},
		removed: []int{8}, added: 1,
	}, {
		name: "live adds an entry without hosts next to the secret's entries",
		doc:  dupTLSDoc,
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = append(l.Spec.TLS, networkingv1.IngressTLS{SecretName: "c-tls"})
		},
		want:  repl(dupTLSDoc, "    - d.example.com\n    secretName: c-tls\n", "    - d.example.com\n    secretName: c-tls\n"+hostlessC),
		paths: []string{"spec.tls[secretName=c-tls,hosts=]"},
		added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runEdit(t, c)
			live := liveFrom(t, c.doc, c.ns)
			c.live(live)
			got, err := Decode([]byte(c.want))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(tlsmeaning.Of(got.Spec.TLS), tlsmeaning.Of(live.Spec.TLS)) {
				t.Errorf("want means %v, live %v", tlsmeaning.Of(got.Spec.TLS), tlsmeaning.Of(live.Spec.TLS))
			}
		})
	}
}

// TestEditTLSFile accepts the live state of the middle document of a
// three-document file: live dropped the second TLS entry of a shared
// secret. The entry goes as a whole; every byte of the other documents,
// the separators and the comments stays.
func TestEditTLSFile(t *testing.T) {
	first := "# the shop\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  tls:\n  - hosts: [a.example]\n    secretName: c-tls\n"
	middle := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dup # shares c-tls\nspec:\n  tls:\n  - hosts:\n    - a.example\n    secretName: c-tls\n  # b gets the same certificate\n  - hosts:\n    - b.example\n    secretName: c-tls\n  rules:\n" + aRoot
	last := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
	file := []byte(first + "---\n" + middle + "---\n# the service\n" + last)
	docs := splitDocs(file)
	if len(docs) != 3 {
		t.Fatalf("%d documents", len(docs))
	}
	d := docs[1]
	doc := file[d.offset:d.end]
	live := liveFrom(t, string(doc), "shop")
	live.Spec.TLS = live.Spec.TLS[:1]
	out, paths, err := EditIngress(doc, diffengine.CleanForManifest(live), "shop")
	if err != nil {
		t.Fatal(err)
	}
	result := bytes.Join([][]byte{file[:d.offset], out, file[d.end:]}, nil)
	want := first + "---\n" + repl(middle, "  # b gets the same certificate\n  - hosts:\n    - b.example\n    secretName: c-tls\n", "") + "---\n# the service\n" + last
	if d := gocmp.Diff(want, string(result)); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
	if d := gocmp.Diff([]string{"spec.tls[secretName=c-tls].hosts[b.example]"}, paths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	if !bytes.HasPrefix(result, file[:d.offset]) || !bytes.HasSuffix(result, file[d.end:]) {
		t.Error("bytes outside the edited document changed")
	}
	got, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if gm, lm := tlsmeaning.Of(got.Spec.TLS), tlsmeaning.Of(live.Spec.TLS); !maps.Equal(gm, lm) {
		t.Errorf("the accepted document means %v, live %v", gm, lm)
	}
}
