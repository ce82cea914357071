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

// docRange locates documents the way model/gitrepo.SplitDocuments does
// (kept small here: yamledit must not import model/gitrepo): offset is the
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

func TestRemoveDocument(t *testing.T) {
	shop := string(readFixture(t, "shop.yaml"))
	header := "# Shop: public storefront and API.\n# Owned by team-shop; changes go through the deploy pipeline.\n"
	first := shop[len(header)+len("---\n") : bytes.Index([]byte(shop), []byte("---\n# Admin"))]
	second := shop[bytes.Index([]byte(shop), []byte("---\n# Admin")):]
	doc := func(name string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\nspec:\n  ingressClassName: nginx\n"
	}
	three := "# three documents\n---\n" + doc("a") + "---\n# b's comment\n\n" + doc("b") + "# trailing comment of b\n---\n" + doc("c")
	api := "# Public and partner API endpoints.\n" + doc("public") + "---\n" + doc("partners")
	cases := []struct {
		name  string
		file  string
		index int
		want  string
		empty bool
	}{
		{"first of two, header comment kept", shop, 0, header + second, false},
		{"last of two, with its leading comment", shop, 1, header + "---\n" + first, false},
		{"middle of three", three, 1, "# three documents\n---\n" + doc("a") + "---\n" + doc("c"), false},
		{"first of three", three, 0, "# three documents\n" + three[len("# three documents\n")+len("---\n")+len(doc("a")):], false},
		{"last of three", three, 2, three[:len(three)-len("---\n")-len(doc("c"))], false},
		{"first without a separator: the top comment stays", api, 0, "# Public and partner API endpoints.\n---\n" + doc("partners"), false},
		{"second after a first without a separator", api, 1, "# Public and partner API endpoints.\n" + doc("public"), false},
		{"only document with a header", header + "---\n" + doc("x"), 0, header, true},
		{"only document", doc("x"), 0, "", true},
		{"only document, no final newline", doc("x")[:len(doc("x"))-1], 0, "", true},
		{"JSON file", "{\n  \"kind\": \"Ingress\"\n}\n", 0, "", true},
		{"CRLF", "a: 1\r\n---\r\n# b\r\nb: 2\r\n", 1, "a: 1\r\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := splitDocs([]byte(c.file))
			d := docs[c.index]
			out, empty, err := RemoveDocument([]byte(c.file), d.offset, d.end)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(c.want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if empty != c.empty {
				t.Errorf("empty = %v, want %v", empty, c.empty)
			}
			if !empty && len(splitDocs(out)) != len(docs)-1 {
				t.Errorf("%d documents left, want %d", len(splitDocs(out)), len(docs)-1)
			}
		})
	}
}

func TestRemoveDocumentErrors(t *testing.T) {
	file := []byte("a: 1\n---\nb: 2\n")
	for _, c := range []struct {
		name       string
		start, end int
	}{
		{"empty range", 9, 9},
		{"outside", 9, 99},
		{"start inside a line", 10, 14},
		{"end not at a separator", 0, 9},
		{"end inside a line", 0, 3},
	} {
		if _, _, err := RemoveDocument(file, c.start, c.end); err == nil {
			t.Errorf("%s: no error", c.name)
		}
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
	// diffengine pairs equal paths by occurrence in backend order: one↔two
	// and two↔zero; both items are rewritten, and the set is live's.
	runEdit(t, editCase{
		doc:  doc,
		live: func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "zero" },
		want: repl(repl(doc, "name: two", "name: zero"), "name: one", "name: two"),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#2].backend.service.name",
			"spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix].backend.service.name"},
		removed: []int{14, 21}, added: 2,
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
