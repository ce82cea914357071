package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// readYAMLEditFixture reads a multi-document manifest shared with
// yamledit's tests.
func readYAMLEditFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "yamledit", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRemoveDocument(t *testing.T) {
	shop := string(readYAMLEditFixture(t, "shop.yaml"))
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
			docs := SplitDocuments([]byte(c.file))
			d := docs[c.index]
			out, empty, err := RemoveDocument([]byte(c.file), d.Offset, d.End)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(c.want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if empty != c.empty {
				t.Errorf("empty = %v, want %v", empty, c.empty)
			}
			if !empty && len(SplitDocuments(out)) != len(docs)-1 {
				t.Errorf("%d documents left, want %d", len(SplitDocuments(out)), len(docs)-1)
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

// BenchmarkRemoveDocument removes the first document of the shop file.
func BenchmarkRemoveDocument(b *testing.B) {
	file := readYAMLEditFixture(b, "shop.yaml")
	d := SplitDocuments(file)[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := RemoveDocument(file, d.Offset, d.End); err != nil {
			b.Fatal(err)
		}
	}
}
