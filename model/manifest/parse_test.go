package manifest

import (
	"bytes"
	"strings"
	"testing"
)

func TestDuplicateKeysOutsideIngressAreIgnored(t *testing.T) {
	p := Parse("x.yaml", []byte("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: a\n  name: b\n"), "default")
	if len(p.Errs) != 0 || len(p.Docs) != 0 {
		t.Errorf("IngressClass with a duplicate key: docs %d, errs %v", len(p.Docs), errStrings(p.Errs))
	}
	if !bytes.Contains([]byte("IngressClass"), []byte("Ingress")) {
		t.Fatal("the test needs a kind that mentions Ingress")
	}
}

// TestTextAfterADocument: the repository parser applies the editor's
// one-document rule (yamledit.ParseDocument). sigs.k8s.io/yaml alone
// drops text after the first document, so the Ingresses below were
// listed, and then every action on them failed because the editor and
// the engine's on-disk check (yamledit.Decode) refuse them. Now they are
// YAML errors at the line of the extra text (in the file); a non-Ingress
// with the same problem stays none of our business.
func TestTextAfterADocument(t *testing.T) {
	head := "# header\n---\n"
	cases := []struct {
		file string
		data string
		line int
	}{
		{"flow.yaml", head + `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":A}}0`, 3},
		{"next-line.yaml", head + "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a}}\n\nb: 1\n", 5},
		{"indented.yaml", head + "  apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata:\n    name: a\nspec: {}\n", 7},
	}
	for _, c := range cases {
		p := Parse(c.file, []byte(c.data), "default")
		if len(p.Docs) != 0 || len(p.Errs) != 1 || p.Errs[0].Line != c.line || p.Errs[0].File != c.file ||
			!strings.Contains(p.Errs[0].Message, "text after the end of the document") {
			t.Errorf("%s: docs %v, errs %v; want one error at line %d", c.file, names(p.Docs), errStrings(p.Errs), c.line)
		}
	}
	p := Parse("cm.yaml", []byte("{kind: ConfigMap, data: {a: Ingress}}\n0\n"), "default")
	if len(p.Docs) != 0 || len(p.Errs) != 0 {
		t.Errorf("ConfigMap with text after it: docs %d, errs %v", len(p.Docs), errStrings(p.Errs))
	}
	p = Parse("ok.yaml", []byte(head+"{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a}} # c\n\n# end\n---\n"), "default")
	if len(p.Docs) != 1 || len(p.Errs) != 0 {
		t.Errorf("flow Ingress with a trailing comment: docs %v, errs %v", names(p.Docs), errStrings(p.Errs))
	}
}

// TestYAMLErrorAtTheEndOfADocument: yaml.v2 places an error at the end of
// its input on the line after the last one; the error names the
// document's last line instead (FuzzParseFile found "0: Ingress\n0"
// reported at line 3 of a 2-line file). A broken last line of a document
// in the middle of a file is blamed on that line, not on the "---" after.
func TestYAMLErrorAtTheEndOfADocument(t *testing.T) {
	for _, c := range []struct {
		data string
		line int
	}{
		{"0: Ingress\n0", 2},
		{"0: Ingress\n0\n", 2},
		{"# h\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nx\n---\n" + ingressYAML("", "next", "n.example.com"), 6},
	} {
		p := Parse("x.yaml", []byte(c.data), "default")
		if len(p.Errs) != 1 || p.Errs[0].Line != c.line || !strings.Contains(p.Errs[0].Message, "could not find expected ':'") {
			t.Errorf("%q: errors %v, want one at line %d", c.data, errStrings(p.Errs), c.line)
		}
	}
}

// TestLoneCarriageReturns: YAML counts a lone "\r" (old Mac line ends) as
// a line break, the file's lines (and the user's editor) do not. Errors
// found through the node tree stayed at YAML's count, past the end of the
// file (FuzzParseFile); they are kept inside the document now.
func TestLoneCarriageReturns(t *testing.T) {
	data := "# h\n---\napiVersion: networking.k8s.io/v1\rkind: Ingress\rmetadata:\r  name: a\rspec:\r  rulez: 1\n---\n" + ingressYAML("", "next", "n.example.com")
	p := Parse("x.yaml", []byte(data), "default")
	if len(p.Errs) != 1 || p.Errs[0].Line != 3 || !strings.Contains(p.Errs[0].Message, "rulez") || len(p.Docs) != 1 {
		t.Errorf("errors %v, docs %v; want one error at line 3 and the next document", errStrings(p.Errs), names(p.Docs))
	}
}

// TestInvalidUTF8Line: the YAML parsers name no line for bytes that are
// not UTF-8; the error is at the line of the first such byte, never line 0
// (FuzzParseFile finding).
func TestInvalidUTF8Line(t *testing.T) {
	for _, c := range []struct {
		data string
		line int
	}{
		{"0\n: Ingress\xc4", 2},
		{"# c\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: \xff\n", 6},
	} {
		p := Parse("u.yaml", []byte(c.data), "default")
		if len(p.Errs) != 1 || p.Errs[0].Line != c.line {
			t.Errorf("%q: errs %v, want one error at line %d", c.data, errStrings(p.Errs), c.line)
		}
	}
}
