package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/model"
)

// commitRepo is a repo as a commit holds it: a base, an overlay that
// patches it, a broken kustomization, one naming a base through a symlink
// out of the repo, and a plain manifest.
func commitRepo() memFiles {
	return memFiles{root: "/nowhere/repo", links: map[string]string{"linked": "/etc"}, files: map[string]string{
		"base/kustomization.yaml": "resources:\n  - service.yaml\n  - ingress.yaml\n",
		"base/ingress.yaml":       "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n",
		"base/service.yaml":       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
		"overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\n" +
			"patches:\n  - path: patch.yaml\n",
		"overlays/prod/patch.yaml":  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  ingressClassName: prod\n",
		"out/kustomization.yaml":    "resources:\n  - ../linked\n",
		"plain/app.yaml":            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app\n",
		"broken/kustomization.yaml": "resources: [\n",
	}}
}

func sources(roots []Root) []string {
	var out []string
	for _, r := range roots {
		out = append(out, r.Source())
	}
	return out
}

// The kustomize kind plans and renders a commit through Files alone: the
// root directory does not exist on disk.
func TestKustomizeLayoutOfACommit(t *testing.T) {
	files := commitRepo()
	lay, errs := NewLayout(Input{Files: files, Config: Config{File: "cfg.yaml"},
		Keep: func(kind string) bool { return kind == "Ingress" }})
	if len(errs) != 0 {
		t.Errorf("config errors: %v", errs)
	}
	want := []Root{
		{Kind: "kustomize", Name: "broken", File: "broken/kustomization.yaml"},
		{Kind: "kustomize", Name: "out", File: "out/kustomization.yaml"},
		{Kind: "kustomize", Name: "overlays/prod", File: "overlays/prod/kustomization.yaml"},
	}
	if diff := cmp.Diff(want, lay.Roots()); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	prod := want[2]
	for rel, owned := range map[string]bool{"base/ingress.yaml": true, "overlays/prod/patch.yaml": true, "base/notes.yaml": true, "plain/app.yaml": false} {
		if lay.Owns(rel) != owned {
			t.Errorf("Owns(%s) = %v", rel, !owned)
		}
	}
	if diff := cmp.Diff([]Root{prod}, lay.RootsOf("base/service.yaml")); diff != "" {
		t.Errorf("RootsOf (-want +got):\n%s", diff)
	}
	if !lay.Reads("overlays/prod/patch.yaml") || lay.Reads("plain/app.yaml") {
		t.Error("Reads: the patch is read, the plain manifest is not")
	}
	if diff := cmp.Diff([]Root{prod}, lay.DefinedBy("overlays/prod/kustomization.yaml")); diff != "" {
		t.Errorf("DefinedBy (-want +got):\n%s", diff)
	}

	must(t, lay.Prepare())
	res := lay.Render(prod)
	if len(res.Errors) != 0 || len(res.Objects) != 1 {
		t.Fatalf("prod: %d objects, errors %v", len(res.Objects), res.Errors)
	}
	o := res.Objects[0]
	if diff := cmp.Diff(model.Origin{File: "overlays/prod/kustomization.yaml", Doc: 1, Item: -1, Kustomization: "overlays/prod"}, o.Origin); diff != "" {
		t.Errorf("origin (-want +got):\n%s", diff)
	}
	var obj struct {
		Metadata struct{ Namespace string }
		Spec     struct{ IngressClassName string }
	}
	must(t, json.Unmarshal(o.JSON, &obj))
	if obj.Metadata.Namespace != "prod" || obj.Spec.IngressClassName != "prod" {
		t.Errorf("rendered %s", o.JSON)
	}

	for root, want := range map[Root]string{
		want[0]: "broken/kustomization.yaml:1: YAML: ",
		want[1]: "out/kustomization.yaml:2: resources: ../linked is outside the repo (through a symlink, to /etc)",
	} {
		errs := lay.Render(root).Errors
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
			t.Errorf("%s errors = %v, want one starting %q", root.Source(), errs, want)
		}
	}
}

// Without Keep, every object a root renders is returned, in output order.
func TestKustomizeRenderKeepsAllKinds(t *testing.T) {
	lay, _ := NewLayout(Input{Files: commitRepo()})
	must(t, lay.Prepare())
	res := lay.Render(Root{Kind: "kustomize", Name: "overlays/prod", File: "overlays/prod/kustomization.yaml"})
	var docs []int
	for _, o := range res.Objects {
		docs = append(docs, o.Origin.Doc)
	}
	if diff := cmp.Diff([]int{0, 1}, docs); diff != "" || len(res.Errors) != 0 {
		t.Errorf("docs (-want +got):\n%s\nerrors %v", diff, res.Errors)
	}
}

// Roots the config lists replace detection; ones that are no kustomization
// are errors at their line in the config file.
func TestKustomizeConfiguredRoots(t *testing.T) {
	lay, errs := NewLayout(Input{Files: commitRepo(), Config: Config{File: "cfg.yaml",
		Roots: []string{"base", "plain", "nowhere"}, RootLines: map[string]int{"base": 2, "plain": 3, "nowhere": 4}}})
	if diff := cmp.Diff([]string{"kustomize:base"}, sources(lay.Roots())); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{"cfg.yaml:3: roots: plain has no kustomization.yaml", "cfg.yaml:4: roots: nowhere is not a directory in the repo"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config errors (-want +got):\n%s", diff)
	}
}

// What a change means to the plan: a kustomization file created or changed
// anywhere, or one (or a directory holding one) gone, plans again; other
// files only render again the roots that read them.
func TestKustomizeReplans(t *testing.T) {
	lay, _ := NewLayout(Input{Files: commitRepo()})
	for _, c := range []struct {
		rel  string
		gone bool
		want bool
	}{
		{"new/kustomization.yml", false, true},
		{"base/kustomization.yaml", false, true},
		{"base/ingress.yaml", false, false},
		{"base/kustomization.yaml", true, true},
		{"base", true, true},
		{"overlays/prod", true, true},
		{"overlays", true, false}, // its directories are gone one by one
		{"plain/kustomization.yaml", true, false},
		{"base/ingress.yaml", true, false},
	} {
		if got := lay.Replans(c.rel, c.gone); got != c.want {
			t.Errorf("Replans(%s, gone %v) = %v", c.rel, c.gone, got)
		}
	}
}
