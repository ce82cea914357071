package yamledit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// docRange locates documents the way model/manifest.SplitDocuments does
// (kept small here, for tests only: yamledit must not import model/manifest): offset is the
// start of the first content line after a separator, end the start of the
// next separator line or the end of the file.
type docRange struct{ offset, end int }

func splitDocs(file []byte) []docRange {
	var docs []docRange
	cur := -1
	for off := 0; off < len(file); {
		l := lineAt(file, off)
		switch {
		case separatorLine(l) != 0:
			if cur >= 0 {
				docs = append(docs, docRange{cur, off})
				cur = -1
			}
		case cur < 0 && !ignorable(l):
			cur = off
		}
		off += len(l)
	}
	if cur >= 0 {
		docs = append(docs, docRange{cur, len(file)})
	}
	return docs
}

// lineAt returns the line that starts at off, with its line break.
func lineAt(b []byte, off int) []byte {
	if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
		return b[off : off+i+1]
	}
	return b[off:]
}

// separatorLine returns '-' for a "---" line, '.' for a "..." line (each
// possibly followed by white space and more), else 0.
func separatorLine(l []byte) byte {
	if len(l) < 3 || !(bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
		return 0
	}
	if len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' || l[3] == '\n' {
		return l[0]
	}
	return 0
}

// ignorable reports whether a line is blank, a comment or a directive.
func ignorable(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	return len(t) == 0 || t[0] == '#' || t[0] == '\n' || t[0] == '\r' || (t[0] == '%' && len(t) == len(l))
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "yamledit", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEditDemoShopFile is the demo's accept: the first document of the
// multi-document shop file edited, the file spliced back together, and
// compared with the golden file byte for byte.
func TestEditDemoShopFile(t *testing.T) {
	file := readFixture(t, "shop.yaml")
	docs := splitDocs(file)
	if len(docs) != 2 {
		t.Fatalf("%d documents", len(docs))
	}
	d := docs[0]
	doc := file[d.offset:d.end]
	live := liveFrom(t, string(doc), "")
	live.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"
	live.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081
	out, paths, err := EditIngress(doc, diffengine.CleanForManifest(live), "shop")
	if err != nil {
		t.Fatal(err)
	}
	result := bytes.Join([][]byte{file[:d.offset], out, file[d.end:]}, nil)
	if d := gocmp.Diff(string(readFixture(t, "shop.accepted.yaml")), string(result)); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
	if d := gocmp.Diff([]string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", apiPort}, paths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	removed, added := lineDiff(string(file), string(result))
	if d := gocmp.Diff([]int{12, 36}, removed); d != "" || len(added) != 2 {
		t.Errorf("lines changed: removed %v added %v, want [12 36] and 2", removed, added)
	}
}

// TestEditSecondDocument edits the second document of the shop file: its
// leading comment is outside the document's range and stays.
func TestEditSecondDocument(t *testing.T) {
	file := readFixture(t, "shop.yaml")
	d := splitDocs(file)[1]
	doc := file[d.offset:d.end]
	live := liveFrom(t, string(doc), "")
	live.Spec.TLS = nil
	out, _, err := EditIngress(doc, diffengine.CleanForManifest(live), "shop")
	if err != nil {
		t.Fatal(err)
	}
	result := string(bytes.Join([][]byte{file[:d.offset], out, file[d.end:]}, nil))
	want := repl(string(file), "  tls:\n    - hosts: [admin.shop.example.com]\n      secretName: shop-admin-tls\n", "")
	if d := gocmp.Diff(want, result); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
}

// dupDoc has two paths equal in path and pathType.
const dupDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: dup
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - path: /x
        pathType: Prefix
        backend:
          service:
            name: one
            port:
              number: 80
      - path: /x
        pathType: Prefix
        backend:
          service:
            name: two
            port:
              number: 80
`

// TestEditDuplicates covers elements that diffengine merges or numbers:
// two rules for one host, and two paths equal in path and pathType.
func TestEditDuplicates(t *testing.T) {
	doc := dupDoc + `  - host: a.example.com
    http:
      paths:
      - path: /y
        pathType: Exact
        backend:
          service:
            name: why
            port:
              number: 80
`
	runEdit(t, editCase{
		name:    "the second of two equal paths (#2) pointed elsewhere",
		doc:     doc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Name = "three" },
		want:    repl(doc, "name: two", "name: three"),
		paths:   []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#2].backend.service.name"},
		removed: []int{21}, added: 1,
	})
	runEdit(t, editCase{
		name:    "a path of the second rule for the same host",
		doc:     doc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[1].HTTP.Paths[0].Backend.Service.Port.Number = 81 },
		want:    repl(doc, "name: why\n            port:\n              number: 80", "name: why\n            port:\n              number: 81"),
		paths:   []string{"spec.rules[host=a.example.com].http.paths[path=/y].backend.service.port.number"},
		removed: []int{33}, added: 1,
	})
}

func TestEditDuplicatesFirstOccurrence(t *testing.T) {
	doc := dupDoc
	// diffengine pairs equal paths by position (a controller routes /x to
	// the first, or the last, of them): live's first is zero, so the
	// document's first becomes zero and two stays second, as live has it.
	runEdit(t, editCase{
		doc:     doc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "zero" },
		want:    repl(doc, "name: one", "name: zero"),
		paths:   []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix].backend.service.name"},
		removed: []int{14}, added: 1,
	})
}

func TestEditEmptyAndNullContainers(t *testing.T) {
	base := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
  labels: {}
spec:
  tls:
    - hosts:
        - a.example.com
      secretName: a-tls
    - hosts:
        - c.example.com
      secretName: c-tls
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`
	runEdit(t, editCase{
		name:  "annotation added under a null annotations key",
		doc:   base,
		live:  func(l *networkingv1.Ingress) { l.Annotations = map[string]string{"a": "b"} },
		want:  repl(base, "  annotations:\n", "  annotations:\n    a: b\n"),
		paths: []string{"metadata.annotations[a]"},
		// The key line is rewritten together with its new content.
		added: 1,
	})
	runEdit(t, editCase{
		name:    "label added to an empty flow map",
		doc:     base,
		live:    func(l *networkingv1.Ingress) { l.Labels = map[string]string{"team": "web"} },
		want:    repl(base, "labels: {}", "labels: {team: web}"),
		paths:   []string{"metadata.labels[team]"},
		removed: []int{6}, added: 1,
	})
	runEdit(t, editCase{
		name: "TLS entry added between two, in live order",
		doc:  base,
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = []networkingv1.IngressTLS{l.Spec.TLS[0], {Hosts: []string{"b.example.com"}, SecretName: "b-tls"}, l.Spec.TLS[1]}
		},
		want:  repl(base, "      secretName: a-tls\n", "      secretName: a-tls\n    - hosts:\n        - b.example.com\n      secretName: b-tls\n"),
		paths: []string{"spec.tls[secretName=b-tls]"},
		added: 3,
	})
	folded := repl(base, "  annotations:\n", "  annotations:\n    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8,\n      192.168.0.0/16\n    other: x\n")
	runEdit(t, editCase{
		name: "multi-line plain scalar replaced by one line",
		doc:  folded,
		live: func(l *networkingv1.Ingress) {
			l.Annotations["nginx.ingress.kubernetes.io/whitelist-source-range"] = "10.0.0.0/8"
		},
		want:    repl(folded, "10.0.0.0/8,\n      192.168.0.0/16\n", "10.0.0.0/8\n"),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/whitelist-source-range]"},
		removed: []int{6, 7}, added: 1,
	})
}
