package repo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/model"
)

// The manifests of testdata/manifests, which manifest's tests read too
// (FuzzParseFile's seeds).
var (
	multiDoc    = manifestFixture("multidoc.yaml")
	listYAML    = manifestFixture("list.yml")
	jsonIngress = manifestFixture("one.json")
	jsonList    = manifestFixture("dump.json") // a `kubectl get ingress -o json` dump: a List in JSON
)

func manifestFixture(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "manifests", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

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
