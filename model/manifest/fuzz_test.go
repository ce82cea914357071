package manifest

import (
	"bytes"
	"cmp"
	"reflect"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
)

// fuzzSentinel is a valid Ingress appended as a document of its own.
var fuzzSentinel = ingressYAML("", "fuzz-sentinel", "sentinel.example.com")

// FuzzParseFile reads arbitrary bytes as a manifest file (.yaml, or .json
// when asJSON is set), the way a scan reads every file of a repository.
//
// Properties: no panic; the same bytes give the same result; every error
// names the file and a line inside it (line 0 only for a binary file);
// every document names the file, a line inside it and a byte range that
// starts on that line, and a document that is not a List item reads back
// from exactly that range with yamledit.Decode as the same object (the
// engine and the editor re-read it that way, and refuse when they do not
// agree with the scan: issue 9); and one broken document never hides
// another: a valid Ingress appended after "---" is always found, unless
// the file is binary or a template.
func FuzzParseFile(f *testing.F) {
	yamlSeeds := []string{
		multiDoc, listYAML,
		ingressYAML("web", "one", "one.example.com"),
		strings.ReplaceAll(multiDoc, "\n", "\r\n"),
		strings.TrimSuffix(ingressYAML("", "no-final-newline", "a.example.com"), "\n"),
		// The issue 9 finding, and text after a flow or indented document.
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":A}}0`,
		"{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a}}\n\nb: 1\n",
		"  apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata:\n    name: a\nspec: {}\n",
		"--- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: inline}}\n--- # c\n" + ingressYAML("", "after", "b.example.com"),
		// Errors: syntax, template, duplicate key, unknown field, wrong
		// type, removed API version, no name.
		ingressYAML("web", "first", "a.example.com") + "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: broken\n   namespace: web\n",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dupe\n  name: dupe2\n",
		strings.Replace(ingressYAML("web", "typo", "t.example.com"), "port:", "prot:", 1),
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: types\nspec:\n  rules: 12\n",
		"# old\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  generateName: web-\n",
		// Anchors, a block scalar holding "---" and "{{", a quoted "{{".
		"x: &spec\n  rules: [{host: a.example.com}]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: anchored\n  annotations:\n    a: &v \"{{ not a template }}\"\n    b: *v\n    nginx.ingress.kubernetes.io/configuration-snippet: |\n      ---\n      {{ x }}\nspec: {}\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [\n  kind: Ingress\n",
	}
	for _, s := range yamlSeeds {
		f.Add([]byte(s), false)
	}
	jsonSeeds := []string{jsonIngress, jsonList, "{\n  \"kind\": \"Ingress\",\n  \"metadata\": {\n}\n",
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a"}} {"kind":"Ingress"}`,
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a","name":"b"}}`,
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a"},"spec":{"rules":[{"host":"h","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":1e2}}}}]}}]}}`,
	}
	for _, s := range jsonSeeds {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		file := "apps/fuzz.yaml"
		if asJSON {
			file = "apps/fuzz.json"
		}
		const ns = "fuzz-ns"
		p := Parse(file, data, ns)
		if again := Parse(file, data, ns); !reflect.DeepEqual(p, again) {
			t.Fatalf("two parses differ:\n%+v\n%+v", p, again)
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, e := range p.Errs {
			if e.File != file || e.Line > lines || (e.Line < 1 && !strings.HasPrefix(e.Message, "binary file")) {
				t.Fatalf("error %q at %s:%d (the file has %d lines)", e.Message, e.File, e.Line, lines)
			}
		}
		for _, d := range p.Docs {
			o := d.Origin
			if o.File != file || o.Line < 1 || o.Line > lines || o.Offset < 0 || o.Offset > o.End || o.End > len(data) {
				t.Fatalf("document %s at %+v (%d lines, %d bytes)", d.Ingress.Name, o, lines, len(data))
			}
			if d.Ingress.Name == "" || d.Namespace != cmp.Or(d.Ingress.Namespace, ns) {
				t.Fatalf("document %q in namespace %q (manifest says %q)", d.Ingress.Name, d.Namespace, d.Ingress.Namespace)
			}
			if o.Item >= 0 {
				continue
			}
			if l := LineAt(data, o.Offset); l != o.Line {
				t.Fatalf("document %s: offset %d is on line %d, origin says %d", d.Ingress.Name, o.Offset, l, o.Line)
			}
			got, err := yamledit.Decode(data[o.Offset:o.End])
			if err != nil {
				t.Fatalf("document %s at line %d does not read back with yamledit.Decode: %v\n%q", d.Ingress.Name, o.Line, err, data[o.Offset:o.End])
			}
			if !reflect.DeepEqual(got, d.Ingress) {
				t.Fatalf("document %s reads back as another object:\n%+v\n%+v", d.Ingress.Name, got, d.Ingress)
			}
		}
		if asJSON {
			return
		}
		more := append(append(bytes.Clone(data), "\n---\n"...), fuzzSentinel...)
		if bytes.IndexByte(more[:min(len(more), binarySniff)], 0) >= 0 || templateLine(more) > 0 {
			return
		}
		p = Parse(file, more, ns)
		for _, d := range p.Docs {
			if d.Ingress.Name == "fuzz-sentinel" && string(more[d.Origin.Offset:d.Origin.End]) == fuzzSentinel {
				return
			}
		}
		t.Fatalf("the Ingress appended after \"---\" is not found: docs %v, errors %v", names(p.Docs), errStrings(p.Errs))
	})
}
