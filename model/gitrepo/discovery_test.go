package gitrepo

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/model"
)

const multiDoc = `# Ingresses of the shop team.
# Owner: shop@example.com
---
# the storefront
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: zoo
spec:
  rules:
    - host: shop.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
---
---
# a document of comments only is not a document
---

apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
spec:
  rules:
    - host: api.example.com
...
`

const listYAML = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: listed
      namespace: web
    spec:
      ingressClassName: nginx
`

const jsonIngress = `{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "Ingress",
  "metadata": {"name": "from-json", "namespace": "json"},
  "spec": {"ingressClassName": "nginx"}
}
`

// A `kubectl get ingress -o json` dump: a List in JSON.
const jsonList = `{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "dump-a", "namespace": "d"}
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "dump-b"}
        }
    ],
    "kind": "List"
}
`

func TestDiscoveryFormatsAndOrigins(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "apps/shop.yaml", multiDoc)
	write(t, dir, "apps/list.yml", listYAML)
	write(t, dir, "json/one.json", jsonIngress)
	write(t, dir, "json/dump.json", jsonList)
	write(t, dir, "deploy/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
	write(t, dir, "README.md", "apiVersion: networking.k8s.io/v1\nkind: Ingress\n") // not a manifest extension
	write(t, dir, ".hidden/dot.yaml", ingressYAML("", "in-dot-dir", "dot.example.com"))
	write(t, dir, ".git-not/x.yaml", ingressYAML("", "git-like-name", "x.example.com"))
	_, s := scan(t, Options{Root: dir, DefaultNamespace: "fallback"})

	type got struct {
		Name, Namespace, ManifestNS string
		Origin                      model.Origin
	}
	var all []got
	for _, d := range s.docs() {
		o := d.Origin
		o.Offset, o.End = 0, 0 // checked below
		all = append(all, got{d.Ingress.Name, d.Namespace, d.Ingress.Namespace, o})
	}
	want := []got{
		{"in-dot-dir", "fallback", "", model.Origin{File: ".hidden/dot.yaml", Line: 1, Doc: 0, Item: -1}},
		{"git-like-name", "fallback", "", model.Origin{File: ".git-not/x.yaml", Line: 1, Doc: 0, Item: -1}},
		{"listed", "web", "web", model.Origin{File: "apps/list.yml", Line: 8, Doc: 0, Item: 1}},
		{"shop", "zoo", "zoo", model.Origin{File: "apps/shop.yaml", Line: 5, Doc: 0, Item: -1}},
		{"api", "fallback", "", model.Origin{File: "apps/shop.yaml", Line: 25, Doc: 2, Item: -1}},
		{"dump-a", "d", "d", model.Origin{File: "json/dump.json", Line: 4, Doc: 0, Item: 0}},
		{"dump-b", "fallback", "", model.Origin{File: "json/dump.json", Line: 9, Doc: 0, Item: 1}},
		{"from-json", "json", "json", model.Origin{File: "json/one.json", Line: 1, Doc: 0, Item: -1}},
	}
	sortGot := func(g []got) {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				if g[j].Origin.File < g[i].Origin.File || (g[j].Origin.File == g[i].Origin.File && g[j].Origin.Line < g[i].Origin.Line) {
					g[i], g[j] = g[j], g[i]
				}
			}
		}
	}
	sortGot(all)
	sortGot(want)
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if errs := s.errs(); len(errs) > 0 {
		t.Errorf("unexpected errors: %v", errStrings(errs))
	}

	// Offsets delimit the document's bytes exactly.
	shop := s.find(t, "shop")
	text := multiDoc[shop.Origin.Offset:shop.Origin.End]
	if !strings.HasPrefix(text, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop") || !strings.HasSuffix(text, "shop.example.com\n") {
		t.Errorf("shop document bytes = %q", text)
	}
	api := s.find(t, "api")
	if text := multiDoc[api.Origin.Offset:api.Origin.End]; !strings.HasPrefix(text, "apiVersion") || !strings.HasSuffix(text, "api.example.com\n") {
		t.Errorf("api document bytes = %q", text)
	}
	if shop.Ingress.Spec.Rules[0].Host != "shop.example.com" || shop.Ingress.APIVersion != "networking.k8s.io/v1" {
		t.Errorf("shop decoded as %+v", shop.Ingress)
	}
	// Sources are named by file; files without Ingresses are no source.
	for _, name := range []string{"apps/shop.yaml", "apps/list.yml", "json/one.json", "json/dump.json"} {
		if _, ok := s.source(name); !ok {
			t.Errorf("no source %s", name)
		}
	}
	if _, ok := s.source("deploy/deployment.yaml"); ok {
		t.Errorf("a file without Ingresses is a source")
	}
	if st := s.state(); st.Scanning || st.GitRoot != "" || st.Head != "" || st.Root != dirOf(t, dir) {
		t.Errorf("repo state of a plain directory = %+v", st)
	}
}

func TestSplitDocuments(t *testing.T) {
	type doc struct{ Index, Line int }
	cases := []struct {
		name, in string
		want     []doc
	}{
		{"empty", "", nil},
		{"only comments", "# a\n# b\n", nil},
		{"one without separator", "a: 1\n", []doc{{0, 1}}},
		{"leading separator", "---\na: 1\n", []doc{{0, 2}}},
		{"header comment then separator", "# h\n---\n# c\n\na: 1\n", []doc{{0, 5}}},
		{"empty documents skipped", "---\n---\n\n---\na: 1\n---\n", []doc{{0, 5}}},
		{"content on the separator line", "--- {a: 1}\n--- # comment\nb: 2\n", []doc{{0, 1}, {1, 3}}},
		{"dash lines in a block scalar are not separators", "a: |\n  ---x\n  ----\n---\nb: 1\n", []doc{{0, 1}, {1, 5}}},
		{"document end marker", "a: 1\n...\n---\nb: 1\n", []doc{{0, 1}, {1, 4}}},
		{"CRLF", "# h\r\n---\r\na: 1\r\n---\r\nb: 2\r\n", []doc{{0, 3}, {1, 5}}},
		{"directive", "%YAML 1.2\n---\na: 1\n", []doc{{0, 3}}},
		// FuzzParseFile: the document began a line later, so the editor
		// and the engine re-read it without its apiVersion.
		{"a line starting with a lone CR", "\ra: 1\nb: 2\n", []doc{{0, 1}}},
		{"content after a lone CR in a comment", "# c\ra: 1\nb: 2\n", []doc{{0, 1}}},
		{"a comment with a lone CR and nothing after", "# c\r\na: 1\n", []doc{{0, 2}}},
		{"CR-only blank line", "\r\n\r\na: 1\n", []doc{{0, 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []doc
			for _, d := range SplitDocuments([]byte(c.in)) {
				got = append(got, doc{d.Index, d.Line})
				if lineAt([]byte(c.in), d.Offset) != d.Line {
					t.Errorf("offset %d is on line %d, want %d", d.Offset, lineAt([]byte(c.in), d.Offset), d.Line)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateLine(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"a: 1\nname: {{ .Values.name }}\n", 2},
		{"{{- if .Values.enabled }}\napiVersion: v1\n", 1},
		{"name: web-{{ .Release.Name }}\n", 1},
		{"a: \"{{ quoted }}\"\nb: '{{ x }}'\n", 0},
		{"# {{ in a comment }}\na: 1\n", 0},
		{"annotations:\n  snippet: |\n    location { {{ not a template }} }\n  other: x\n", 0},
		{"annotations:\n  snippet: |-\n    {{ block }}\nname: {{ .Values.x }}\n", 4},
	}
	for _, c := range cases {
		if got := templateLine([]byte(c.in)); got != c.want {
			t.Errorf("templateLine(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
