package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Flux's postRenderers and commonMetadata change what is applied and are
// not applied here: an error at their line, nothing rendered; empty ones
// change nothing.
func TestFluxPostRenderersAndCommonMetadata(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"k/i.yaml":              ingressDoc("x", "i"),
		"flux.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: prod}
spec:
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system}
  postRenderers:
  - kustomize:
      patches: []
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: plain, namespace: flux-system}
spec:
  path: ./k
  sourceRef: {kind: GitRepository, name: flux-system}
  commonMetadata:
    annotations: {team: x}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: empty, namespace: flux-system}
spec:
  path: ./k
  targetNamespace: x
  sourceRef: {kind: GitRepository, name: flux-system}
  commonMetadata: {}
`,
	}}
	p, helm, _ := planOf(t, files)
	got := planErrors(p)
	want := []string{
		"false flux.yaml:9: HelmRelease web: spec.postRenderers are not applied by ingress-drift: the objects would differ from what Flux applies, so it is not rendered",
		"false flux.yaml:19: Kustomization plain: spec.commonMetadata is not applied by ingress-drift: the labels and annotations would differ from what Flux applies, so it is not rendered",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(helm) != 0 {
		t.Errorf("released %+v", helm)
	}
	noChartNotice(t, files)
	var dirs []string
	for _, r := range p.roots {
		for _, d := range r.dirs {
			dirs = append(dirs, r.root.Name+" "+d.dir)
		}
	}
	if diff := cmp.Diff([]string{"flux.yaml#Kustomization/flux-system/empty k"}, dirs); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
}

// A chart that renders GitOps objects (an app of apps) renders what they
// apply nowhere: an error at the object that names the chart. An
// ApplicationSet's generated Applications are not rendered either.
func TestGitOpsChildrenNotRendered(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"root-app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\n  namespace: argocd\nspec:\n" +
			"  source:\n    repoURL: https://example.com/repo.git\n    path: apps\n  destination:\n    namespace: argocd\n",
		"apps/Chart.yaml":  "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
		"apps/values.yaml": "dest: prod\n",
		"apps/templates/guestbook.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n  namespace: argocd\nspec:\n" +
			"  source:\n    repoURL: https://example.com/repo.git\n    path: guestbook\n  destination:\n    namespace: {{ .Values.dest }}\n",
		"guestbook/ing.yaml": ingressDoc("", "gb"),
		"appset.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: gb, namespace: argocd}\nspec:\n" +
			"  generators:\n  - list:\n      elements: [{env: prod}]\n",
	}}
	lay, _ := NewLayout(Input{Files: files, Keep: func(k string) bool { return k == "Ingress" }})
	must(t, lay.Prepare())
	var got []string
	for _, r := range lay.Roots() {
		for _, e := range lay.Render(r).Errors {
			got = append(got, fmt.Sprintf("%v %s", e.Notice, e.Error()))
		}
	}
	want := []string{
		"false root-app.yaml:1: helm template of chart apps (release argocd/root) renders Application guestbook (apps/templates/guestbook.yaml): GitOps objects a chart renders are not rendered by ingress-drift, so what they apply is unknown",
		"false appset.yaml:1: ApplicationSet gb: the Applications an ApplicationSet generates are not rendered by ingress-drift, so what they apply is unknown",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// GitOps objects are read from their files: one that a kustomization
// changing its objects (namespace, patches, …) includes, directly or
// through an overlay, is an error at its line; a patch file is never one;
// one that kustomizations only list is read as its file holds it.
func TestGitOpsThroughKustomization(t *testing.T) {
	hr := func(name string) string {
		return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: " + name + "\nspec:\n  chart:\n    spec:\n" +
			"      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n"
	}
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"charts/web/Chart.yaml":         "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"apps/base/kustomization.yaml":  "resources: [hr.yaml]\n",
		"apps/base/hr.yaml":             hr("web"),
		"apps/prod/kustomization.yaml":  "resources: [../base]\nnamespace: prod\npatches:\n- path: values.yaml\n",
		"apps/prod/values.yaml":         "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  values: {a: 1}\n",
		"plain/kustomization.yaml":      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [hr.yaml]\n",
		"plain/hr.yaml":                 "# listed only\n" + hr("listed"),
		"clusters/kustomization.yaml":   "resources: [../plain]\n",
		"clusters/apps.yaml":            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./apps/prod\n  sourceRef: {kind: GitRepository, name: flux-system}\n",
		"clusters/unlisted-sibling.yml": hr("sibling"),
	}}
	p, helm, _ := planOf(t, files)
	got := planErrors(p)
	want := []string{
		"false apps/base/hr.yaml:1: HelmRelease web: applied through the kustomization apps/prod/kustomization.yaml, whose namespace (line 2) may change it: ingress-drift reads GitOps objects from their files and cannot render it faithfully here",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	var released []string
	for _, h := range helm {
		released = append(released, h.Release+" "+h.Namespace)
	}
	if diff := cmp.Diff([]string{"sibling ", "listed "}, released); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	if p.definers["apps/prod/values.yaml"] {
		t.Error("a patch file is discovered as a GitOps object")
	}
	noChartNotice(t, files)
}

// planErrors are the GitOps plan's errors and notices, "notice? file:line: message".
func planErrors(p *gitopsPlan) []string {
	var got []string
	for _, r := range p.roots {
		for _, e := range r.errs {
			got = append(got, fmt.Sprintf("%v %s", e.Notice, e.Error()))
		}
	}
	return got
}

// noChartNotice fails when the layout says nothing names a chart: a
// GitOps object that is not rendered names it.
func noChartNotice(t *testing.T, files Files) {
	t.Helper()
	_, errs := NewLayout(Input{Files: files})
	for _, e := range errs {
		if strings.Contains(e.Message, "nothing names it") {
			t.Errorf("notice %s", e.Error())
		}
	}
}

// kustomize-controller does not apply a namespaced object without a
// namespace when the Kustomization sets no targetNamespace: an error for
// that object, not one in the default namespace; the others render.
func TestFluxNoTargetNamespace(t *testing.T) {
	flux := func(name, path string) string {
		return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: " + name + ", namespace: flux-system}\nspec:\n" +
			"  path: " + path + "\n  sourceRef: {kind: GitRepository, name: flux-system}\n---\n"
	}
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"flux.yaml":              flux("dir", "./d") + flux("kust", "./k"),
		"d/a.yaml":               ingressDoc("", "bare") + "---\n" + ingressDoc("set", "withns"),
		"k/kustomization.yaml":   "resources: [i.yaml]\n",
		"k/i.yaml":               ingressDoc("", "kbare"),
		"k2/kustomization.yaml":  "resources: [../k]\nnamespace: kns\n",
		"k2/unused-by-flux.yaml": "x: 1\n",
	}}
	lay, _ := NewLayout(Input{Files: files, Keep: func(k string) bool { return k == "Ingress" }})
	must(t, lay.Prepare())
	var errs, objs []string
	for _, r := range lay.Roots() {
		res := lay.Render(r)
		for _, e := range res.Errors {
			errs = append(errs, e.Error())
		}
		for _, o := range res.Objects {
			objs = append(objs, r.Kind+" "+string(o.JSON))
		}
	}
	want := []string{
		"k/kustomization.yaml: kustomize build of k: Ingress kbare sets no namespace and Kustomization flux-system/kust sets no spec.targetNamespace: kustomize-controller does not apply it (namespace not specified), so it is not rendered",
		"d/a.yaml:1: Ingress bare sets no namespace and Kustomization flux-system/dir sets no spec.targetNamespace: kustomize-controller does not apply it (namespace not specified), so it is not rendered",
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	// withns from the directory, kbare from k2 in its namespace.
	if len(objs) != 2 || !strings.Contains(objs[0], `"kns"`) || !strings.Contains(objs[1], "withns") {
		t.Errorf("objects %v", objs)
	}
}

// A chart owns what Helm loads as the chart (top-level files, templates/,
// charts/, crds/), not every file below it: a chart at the repo root
// leaves the GitOps objects and plain manifests beside it to be read.
func TestChartAtRootOwnsOnlyChart(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"values.yaml":               "host: h\n",
		"templates/ingress.yaml":    ingressDoc("", "{{ .Release.Name }}"),
		"crds/x.yaml":               "kind: CustomResourceDefinition\n",
		"charts/sub/Chart.yaml":     "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		"charts/sub/other/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: vendored}\nspec: {}\n",
		"manifests/plain.yaml":      ingressDoc("p", "plain"),
		"argocd/app.yaml":           "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: rootchart}\nspec:\n  source: {path: .}\n  destination: {namespace: prod}\n",
		"other/Chart.yaml":          "apiVersion: v2\nname: other\nversion: 0.1.0\n",
	}}
	lay, errs := NewLayout(Input{Files: files})
	for rel, owned := range map[string]bool{
		"Chart.yaml": true, "values.yaml": true, "templates/ingress.yaml": true, "crds/x.yaml": true,
		"charts/sub/Chart.yaml": true, "charts/sub/other/app.yaml": true,
		"manifests/plain.yaml": false, "argocd/app.yaml": false, "other/Chart.yaml": true,
	} {
		if lay.Owns(rel) != owned {
			t.Errorf("Owns(%s) = %v", rel, !owned)
		}
	}
	var helm []string
	for _, r := range lay.Roots() {
		if r.Kind == helmName {
			helm = append(helm, r.Name)
		}
	}
	if len(helm) != 1 || !strings.Contains(helm[0], "rootchart") {
		t.Errorf("releases %v", helm)
	}
	var notices []string
	for _, e := range errs {
		notices = append(notices, e.Error())
	}
	// other/ is a chart of its own (not below charts/), which nothing names.
	if len(notices) != 1 || !strings.HasPrefix(notices[0], "other/Chart.yaml:1: chart other is not rendered: nothing names it") {
		t.Errorf("notices %v", notices)
	}
}
