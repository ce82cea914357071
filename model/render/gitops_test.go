package render

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/model"
)

func ingressDoc(ns, name string) string {
	s := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s + "spec:\n  ingressClassName: nginx\n"
}

// gitopsRepo is a repo as a commit holds it, with one GitOps object of
// each variant.
func gitopsRepo() memFiles {
	return memFiles{root: "/nowhere/repo", files: map[string]string{
		"charts/web/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"charts/web/values.yaml":               "host: a\n",
		"charts/web/values-prod.yaml":          "host: prod\n",
		"charts/web/templates/ingress.yaml":    "apiVersion: argoproj.io/v1alpha1\nkind: Application\n{{ .Values.x }}\n",
		"env/prod/web.yaml":                    "host: p\n",
		"kust/base/kustomization.yaml":         "resources: [ingress.yaml]\n",
		"kust/base/ingress.yaml":               ingressDoc("", "kust"),
		"kust/overlay/kustomization.yaml":      "resources: [../base]\n",
		"plain/top.yaml":                       ingressDoc("", "top") + "---\n" + ingressDoc("other", "top2"),
		"plain/notes.txt":                      "not read",
		"plain/sub/deep.yaml":                  ingressDoc("", "deep"),
		"plain/sub/skip.json":                  `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"json"}}`,
		"flux/gen/a.yaml":                      ingressDoc("mine", "gen-a"),
		"flux/gen/nested/b.yml":                ingressDoc("", "gen-b"),
		"flux/gen/nested/c.json":               `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"not-flux"}}`,
		"flux/gen/withkust/kustomization.yaml": "resources: [i.yaml]\n",
		"flux/gen/withkust/i.yaml":             ingressDoc("", "gen-kust"),
		"apps/argo.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  destination:
    namespace: web-prod
  syncPolicy:
    automated:
      selfHeal: true
  sources:
    - repoURL: https://example.com/repo.git
      path: charts/web
      helm:
        valueFiles: [values-prod.yaml, $values/env/prod/web.yaml, missing.yaml]
        ignoreMissingValueFiles: true
        values: |
          a: 1
        parameters:
          - name: image.tag
            value: "42"
          - name: s
            value: "true"
            forceString: true
    - repoURL: https://example.com/repo.git
      ref: values
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: detected
spec:
  destination:
    namespace: det
  source:
    path: charts/web
    helm:
      releaseName: rel
      valuesObject:
        b: 2
      values: "ignored: true"
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: kust
spec:
  destination:
    namespace: kns
  source:
    path: kust/overlay
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: kustns
spec:
  destination:
    namespace: kns
  source:
    path: kust/base
    kustomize:
      namespace: forced
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: dir
spec:
  destination:
    namespace: dirns
  source:
    path: plain
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: recurse
spec:
  destination:
    namespace: rns
  source:
    path: plain
    directory:
      recurse: true
      exclude: '{top.yaml,*.json}'
`,
		"apps/notes.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: elsewhere
spec:
  source:
    repoURL: https://example.com/other.git
    path: not/here
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: helmrepo
spec:
  source:
    repoURL: https://charts.example.com
    chart: nginx
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: outside
spec:
  source:
    path: ../../etc
`,
		"clusters/flux.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: kust
  namespace: flux-system
spec:
  path: ./kust/overlay
  targetNamespace: tns
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: gen
  namespace: flux-system
spec:
  suspend: true
  path: ./flux/gen
  targetNamespace: gns
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: oci
spec:
  path: ./x
  sourceRef:
    kind: OCIRepository
    name: x
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: missing
spec:
  path: ./not/here
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  driftDetection:
    mode: enabled
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
      valuesFiles: [charts/web/values.yaml, env/prod/web.yaml]
  values:
    c: 3
  valuesFrom:
    - kind: Secret
      name: web-secrets
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  targetNamespace: prod
  chart:
    spec:
      chart: charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: fromrepo
spec:
  chart:
    spec:
      chart: nginx
      sourceRef:
        kind: HelmRepository
        name: bitnami
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ref
spec:
  chartRef:
    kind: OCIRepository
    name: podinfo
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
spec:
  url: https://example.com/repo.git
`,
	}}
}

func planOf(t *testing.T, files memFiles) (*gitopsPlan, []HelmRelease, []kustomizeRequest) {
	t.Helper()
	return planGitOps(Input{Files: files})
}

// The releases GitOps objects name: inline values typed as Helm reads a
// values file (numbers float64), parameters as --set expressions.
func TestGitOpsHelmReleases(t *testing.T) {
	_, helm, _ := planOf(t, gitopsRepo())
	argoVia := &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "web", File: "apps/argo.yaml", Line: 1, SelfHeal: true}
	detVia := &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Name: "detected", File: "apps/argo.yaml", Line: 29}
	fluxVia := &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "apps", Name: "web", File: "clusters/flux.yaml", Line: 46, SelfHeal: true, DriftDetection: "enabled"}
	flux2Via := &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "apps", Name: "web", File: "clusters/flux.yaml", Line: 67}
	want := []HelmRelease{
		{Chart: "charts/web", Release: "web", Namespace: "web-prod",
			ValueFiles: []string{"charts/web/values-prod.yaml", "env/prod/web.yaml"},
			Values:     []map[string]any{{"a": float64(1)}}, Set: []string{"image.tag=42"}, SetString: []string{"s=true"},
			InlineValues: []string{"apps/argo.yaml:18", "apps/argo.yaml:20"},
			Via:          argoVia, File: "apps/argo.yaml", Line: 1},
		{Chart: "charts/web", Release: "rel", Namespace: "det", Values: []map[string]any{{"b": float64(2)}},
			InlineValues: []string{"apps/argo.yaml:40"}, Via: detVia, File: "apps/argo.yaml", Line: 29},
		{Chart: "charts/web", Release: "web", Namespace: "apps", ValueFiles: []string{"charts/web/values.yaml", "env/prod/web.yaml"}, ReplaceChartValues: true,
			Values:           []map[string]any{{"c": float64(3)}},
			InlineValues:     []string{"clusters/flux.yaml:61"},
			ValuesIncomplete: "valuesFrom Secret/web-secrets is not read (ingress-drift never reads Secrets, nor ConfigMaps from the cluster)",
			Via:              fluxVia, File: "clusters/flux.yaml", Line: 46},
		{Chart: "charts/web", Release: "prod-web", Namespace: "prod", Via: flux2Via, File: "clusters/flux.yaml", Line: 67},
	}
	if diff := cmp.Diff(want, helm); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
}

func TestFluxReleaseName(t *testing.T) {
	long := strings.Repeat("n", 50)
	for _, c := range []struct{ release, target, name, want string }{
		{"", "", "web", "web"},
		{"", "prod", "web", "prod-web"},
		{"mine", "prod", "web", "mine"},
		{"", "prod", long, "prod-" + strings.Repeat("n", 35) + "-" + "b1f0ee8b1ba4"},
	} {
		got := fluxReleaseName(c.release, c.target, c.name)
		if c.name == long {
			if len(got) != 53 || !strings.HasPrefix(got, "prod-"+strings.Repeat("n", 35)+"-") {
				t.Errorf("long name %q (%d)", got, len(got))
			}
			continue
		}
		if got != c.want {
			t.Errorf("fluxReleaseName(%q, %q, %q) = %q, want %q", c.release, c.target, c.name, got, c.want)
		}
	}
}

func TestGitOpsKustomizeRequests(t *testing.T) {
	_, _, kust := planOf(t, gitopsRepo())
	var got []string
	for _, k := range kust {
		got = append(got, k.name+" ns="+k.namespace+" default="+k.defaultNS+" via="+k.via.Name)
	}
	want := []string{
		"kust/overlay@apps/argo.yaml#Application//kust ns= default=kns via=kust",
		"kust/base@apps/argo.yaml#Application//kustns ns=forced default=kns via=kustns",
		"kust/overlay@clusters/flux.yaml#Kustomization/flux-system/kust ns=tns default= via=kust",
		"flux/gen/withkust@clusters/flux.yaml#Kustomization/flux-system/gen ns=gns default= via=gen",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kustomize requests (-want +got):\n%s", diff)
	}
}

// The problems: not-rendered sources are notices at the object's line,
// paths outside the repo or missing from it (a GitRepository's) errors.
func TestGitOpsProblems(t *testing.T) {
	lay, _ := NewLayout(Input{Files: gitopsRepo()})
	must(t, lay.Prepare())
	var got []string
	for _, r := range lay.Roots() {
		if r.Kind != gitopsName {
			continue
		}
		for _, e := range lay.Render(r).Errors {
			kind := "error"
			if e.Notice {
				kind = "notice"
			}
			got = append(got, kind+" "+e.Error())
		}
	}
	want := []string{
		"notice apps/notes.yaml:1: Application elsewhere: spec.source: path not/here is not a directory in this repo: not rendered (the Application may name another repo, https://example.com/other.git)",
		"notice apps/notes.yaml:10: Application helmrepo: spec.source: chart nginx from the Helm repository https://charts.example.com is not rendered (that would fetch it; ingress-drift never reaches the network)",
		"error apps/notes.yaml:19: Application outside: spec.source: path ../../etc is outside the repo",
		"notice clusters/flux.yaml:26: Kustomization oci: spec.sourceRef is a OCIRepository (x): not rendered, only a GitRepository is taken for this repo",
		"error clusters/flux.yaml:36: Kustomization missing: spec.path ./not/here is not a directory in the repo (its GitRepository flux-system is taken for this repo)",
		"notice clusters/flux.yaml:46: HelmRelease web: values are incomplete: valuesFrom Secret/web-secrets is not read (ingress-drift never reads Secrets, nor ConfigMaps from the cluster); what the chart renders from them may differ",
		"notice clusters/flux.yaml:81: HelmRelease fromrepo: chart nginx from a HelmRepository (bitnami) is not rendered (that would fetch it; ingress-drift never reaches the network)",
		"notice clusters/flux.yaml:93: HelmRelease ref: spec.chartRef (OCIRepository podinfo) is not rendered: only a chart in a GitRepository is taken for this repo",
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

type renderedIngress struct {
	name, ns, file string
	line           int
	via            string
	kust           string
}

func renderAll(t *testing.T, lay *Layout) []renderedIngress {
	t.Helper()
	var out []renderedIngress
	for _, r := range lay.Roots() {
		res := lay.Render(r)
		for _, o := range res.Objects {
			var obj struct {
				Metadata struct{ Name, Namespace string }
			}
			must(t, json.Unmarshal(o.JSON, &obj))
			ns := obj.Metadata.Namespace
			if ns == "" {
				ns = "(" + o.Namespace + ")"
			}
			via := ""
			if o.Origin.GitOps != nil {
				via = o.Origin.GitOps.Kind + "/" + o.Origin.GitOps.Name
			}
			out = append(out, renderedIngress{name: obj.Metadata.Name, ns: ns, file: o.Origin.File, line: o.Origin.Line, via: via, kust: o.Origin.Kustomization})
		}
	}
	return out
}

// What every root renders: the claimed kustomize roots once per GitOps
// object with its namespaces (and not as roots of their own), directory
// sources as plain documents with their lines.
func TestGitOpsRenders(t *testing.T) {
	lay, errs := NewLayout(Input{Files: gitopsRepo(), Keep: func(k string) bool { return k == "Ingress" }})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	must(t, lay.Prepare())
	got := renderAll(t, lay)
	want := []renderedIngress{
		// flux gen: withkust as a base, with targetNamespace.
		{name: "gen-kust", ns: "gns", file: "flux/gen/withkust/kustomization.yaml", via: "Kustomization/gen", kust: "flux/gen/withkust"},
		{name: "kust", ns: "forced", file: "kust/base/kustomization.yaml", via: "Application/kustns", kust: "kust/base"},
		{name: "kust", ns: "(kns)", file: "kust/overlay/kustomization.yaml", via: "Application/kust", kust: "kust/overlay"},
		{name: "kust", ns: "tns", file: "kust/overlay/kustomization.yaml", via: "Kustomization/kust", kust: "kust/overlay"},
		{name: "top", ns: "(dirns)", file: "plain/top.yaml", line: 1, via: "Application/dir"},
		{name: "top2", ns: "other", file: "plain/top.yaml", line: 8, via: "Application/dir"},
		{name: "deep", ns: "(rns)", file: "plain/sub/deep.yaml", line: 1, via: "Application/recurse"},
		// flux gen: yaml and yml, recursively, not json; the namespace set
		// is overridden.
		{name: "gen-a", ns: "gns", file: "flux/gen/a.yaml", line: 1, via: "Kustomization/gen"},
		{name: "gen-b", ns: "(gns)", file: "flux/gen/nested/b.yml", line: 1, via: "Kustomization/gen"},
	}
	less := func(a, b renderedIngress) int { return strings.Compare(a.name+a.ns+a.via, b.name+b.ns+b.via) }
	slices.SortFunc(got, less)
	slices.SortFunc(want, less)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(renderedIngress{})); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
	for _, r := range lay.Roots() {
		if r.Kind == kustomizeName && (r.Name == "kust/overlay" || r.Name == "kust/base" || r.Name == "flux/gen/withkust") {
			t.Errorf("claimed root %s is also a root of its own", r.Name)
		}
	}
}

// Directory sources own their files (no plain read), by rule, so a file
// created since the listing is theirs too; a document keeps its exact
// offsets for accept.
func TestGitOpsDirectoryOwnsAndOrigin(t *testing.T) {
	files := gitopsRepo()
	lay, _ := NewLayout(Input{Files: files})
	for rel, owned := range map[string]bool{
		"plain/top.yaml": true, "plain/sub/deep.yaml": true, "plain/new.yaml": true, "plain/sub/skip.json": false,
		"flux/gen/nested/c.json": false, "flux/gen/new/x.yaml": true, "apps/argo.yaml": false,
		// The helm kind's: a value file of the releases GitOps objects name.
		"env/prod/web.yaml": true,
	} {
		if lay.Owns(rel) != owned {
			t.Errorf("Owns(%s) = %v", rel, !owned)
		}
	}
	if got := sources(lay.RootsOf("plain/top.yaml")); !slices.Equal(got, []string{"gitops:apps/argo.yaml#Application//dir"}) {
		t.Errorf("RootsOf(plain/top.yaml) = %v", got)
	}
	if got := sources(lay.RootsOf("plain/sub/deep.yaml")); !slices.Equal(got, []string{"gitops:apps/argo.yaml#Application//recurse"}) {
		t.Errorf("RootsOf(plain/sub/deep.yaml) = %v", got)
	}
	must(t, lay.Prepare())
	res := lay.Render(Root{Kind: gitopsName, Name: "apps/argo.yaml#Application//dir"})
	if len(res.Objects) != 2 {
		t.Fatalf("objects %d, errors %v", len(res.Objects), res.Errors)
	}
	o := res.Objects[1].Origin
	text := files.files["plain/top.yaml"]
	if o.Doc != 1 || o.Offset != strings.Index(text, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: top2") || o.End != len(text) || o.Kustomization != "" || o.Helm != nil {
		t.Errorf("origin %+v", o)
	}
	if o.GitOps == nil || o.GitOps.Name != "dir" || o.GitOps.Line != 66 {
		t.Errorf("via %+v", o.GitOps)
	}
}

// Two GitOps objects rendering the same directory both render it.
func TestGitOpsSamePathTwice(t *testing.T) {
	files := gitopsRepo()
	lay, _ := NewLayout(Input{Files: files})
	must(t, lay.Prepare())
	n := 0
	for _, r := range renderAll(t, lay) {
		if r.name == "kust" && r.kust == "kust/overlay" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("kust/overlay rendered %d times, want 2 (Argo CD and Flux)", n)
	}
}

func TestArgoGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"*.yaml", "a.yaml", true},
		{"*.yaml", "sub/a.yaml", true}, // no separators: * crosses /
		{"{a.yaml,b/*}", "b/c.json", true},
		{"{a.yaml,b/*}", "c.yaml", false},
		{"a?.yaml", "ab.yaml", true},
		{"[!x]*.yaml", "x.yaml", false},
		{"a.yaml", "aXyaml", false},
	} {
		re, err := argoGlob(c.pattern)
		must(t, err)
		if got := re.MatchString(c.name); got != c.want {
			t.Errorf("argoGlob(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
	if _, err := argoGlob("{a,b"); err == nil {
		t.Error("an unclosed { is an error")
	}
}

// A GitOps object that cannot be read is an error at its line; templates
// in a chart are not read at all.
func TestGitOpsUnreadable(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"apps/broken.yaml":         "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: [x\n",
		"apps/typed.yaml":          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: t\nspec:\n  source:\n    path: [a, b]\n",
		"apps/old.yaml":            "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: o\n",
		"chart/Chart.yaml":         "name: c\n",
		"chart/templates/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .x }\n",
	}}
	lay, _ := NewLayout(Input{Files: files})
	must(t, lay.Prepare())
	var got []string
	for _, r := range lay.Roots() {
		for _, e := range lay.Render(r).Errors {
			got = append(got, e.Place()+" "+strings.SplitN(e.Message, ":", 2)[0]+" notice="+map[bool]string{true: "y", false: "n"}[e.Notice])
		}
	}
	slices.Sort(got)
	want := []string{
		"apps/broken.yaml:7 YAML notice=n",
		"apps/old.yaml:1 HelmRelease o notice=y",
		"apps/typed.yaml:7 Application t notice=n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if !lay.Replans("apps/broken.yaml", false) || lay.Replans("chart/templates/app.yaml", false) {
		t.Error("a broken GitOps file is a definer; a chart template is not")
	}
}

// Replans: a definer file, a file created or gone in a directory source,
// a kustomization file appearing in a rendered path, a rendered path gone;
// not a plain file, nor a changed file already in a directory source.
func TestGitOpsReplans(t *testing.T) {
	lay, _ := NewLayout(Input{Files: gitopsRepo()})
	for _, c := range []struct {
		rel  string
		gone bool
		want bool
	}{
		{"apps/argo.yaml", false, true},
		{"clusters/flux.yaml", true, true},
		{"clusters", true, true},
		{"plain/top.yaml", false, false},
		{"plain/top.yaml", true, true},
		{"plain/new.yaml", false, true},
		{"plain/kustomization.yaml", false, true},
		{"plain", true, true},
		{"charts/web/Chart.yaml", true, true},
		{"env/prod/web.yaml", false, false},
		{"other/app.yaml", false, false},
		{"other", true, false},
		// Named but missing: created, they replan.
		{"not/here/app.yaml", false, true},
		{"charts/web/missing.yaml", false, true},
	} {
		if got := lay.Replans(c.rel, c.gone); got != c.want {
			t.Errorf("Replans(%s, gone %v) = %v", c.rel, c.gone, got)
		}
	}
}

// Value file paths: Argo CD's relative to the source path, absolute from
// the repo root, $ref/ from the ref source's root, missing ones skipped
// only when ignored; Flux's from the repo root, with a notice when the
// chart's values.yaml is not among them.
func TestGitOpsValueFilePaths(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"charts/web/Chart.yaml":  "name: web\n",
		"charts/web/values.yaml": "a: 1\n",
		"charts/web/prod.yaml":   "a: 2\n",
		"env/prod.yaml":          "a: 3\n",
		"apps.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: abs
spec:
  source:
    path: charts/web
    helm:
      valueFiles: [/env/prod.yaml, prod.yaml]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: missing
spec:
  source:
    path: charts/web
    helm:
      valueFiles: [nope.yaml]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: noref
spec:
  sources:
    - path: charts/web
      helm:
        valueFiles: [$vals/env/prod.yaml]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: flux
spec:
  chart:
    spec:
      chart: charts/web
      sourceRef: {kind: GitRepository, name: repo}
      valuesFiles: [env/prod.yaml, env/gone.yaml]
      ignoreMissingValuesFiles: true
`,
	}}
	p, helm, _ := planOf(t, files)
	var got []string
	for _, h := range helm {
		got = append(got, h.Release+": "+strings.Join(h.ValueFiles, ","))
	}
	if diff := cmp.Diff([]string{"abs: env/prod.yaml,charts/web/prod.yaml", "flux: env/prod.yaml"}, got); diff != "" {
		t.Errorf("value files (-want +got):\n%s", diff)
	}
	got = nil
	for _, r := range p.roots {
		for _, e := range r.errs {
			got = append(got, e.Error())
		}
	}
	want := []string{
		"apps.yaml:11: Application missing: spec.source: helm.valueFiles: charts/web/nope.yaml does not exist in this repo (ignoreMissingValueFiles is not set: Argo CD fails to render it)",
		"apps.yaml:21: Application noref: spec.sources[0]: helm.valueFiles: $vals/env/prod.yaml names no source with ref: vals",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Flux's valuesFiles replace the chart's values.yaml (not listed here).
	if r := helm[len(helm)-1]; !r.ReplaceChartValues {
		t.Errorf("release %s: valuesFiles do not replace the chart's values", r.Release)
	}
}

// Parameters as helm --set and --set-string read them (Helm's strvals):
// typed, dotted, list indexes; --set-string after every --set; commas in a
// value are the value's, a {list} is a list.
func TestParametersLayer(t *testing.T) {
	layer := map[string]any{}
	set, setString, err := argoSets([]argoParam{
		{Name: "image.tag", Value: "042"},
		{Name: "s", Value: "12", ForceString: true},
		{Name: "image.pull", Value: "true"},
		{Name: "hosts[1]", Value: "b.example.com"},
		{Name: "csv", Value: "a,b"},
		{Name: "list", Value: "{x,y}"},
		{Name: "s", Value: "13"},
		{Name: `ann.a\.b`, Value: "null"},
	})
	must(t, err)
	must(t, applySets(layer, set, setString))
	want := map[string]any{"image": map[string]any{"tag": "042", "pull": true}, "s": "12", "hosts": []any{nil, "b.example.com"},
		"csv": "a,b", "list": []any{"x", "y"}, "ann": map[string]any{"a.b": nil}}
	if diff := cmp.Diff(want, layer); diff != "" {
		t.Errorf("layer (-want +got):\n%s", diff)
	}
	if _, _, err := argoSets([]argoParam{{Name: "a[x]", Value: "1"}}); err == nil {
		t.Error("a bad parameter name is an error")
	}
}

// What a controller would apply differently than ingress-drift renders
// is not rendered: an error (kustomize options, postBuild, patches that
// may hit an Ingress, jsonnet), or a notice for what is not in the repo
// (a plugin).
func TestGitOpsNotApplied(t *testing.T) {
	app := func(name, source string) string {
		return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name + "\nspec:\n  source:\n" + source + "---\n"
	}
	flux := func(name, spec string) string {
		return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name +
			"\nspec:\n  path: ./k\n  sourceRef: {kind: GitRepository, name: r}\n" + spec + "---\n"
	}
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"k/kustomization.yaml": "resources: [i.yaml]\n",
		"k/i.yaml":             ingressDoc("", "i"),
		"j/a.jsonnet":          "{}",
		"all.yaml": app("prefix", "    path: k\n    kustomize:\n      namePrefix: p-\n") +
			app("images", "    path: k\n    kustomize:\n      images: [nginx:2]\n") +
			app("plugin", "    path: k\n    plugin:\n      name: x\n") +
			app("jsonnet", "    path: j\n") +
			flux("post", "  postBuild:\n    substitute: {a: b}\n") +
			flux("patch", "  patches:\n    - patch: '[]'\n      target: {kind: Ingress}\n") +
			flux("deploy", "  patches:\n    - patch: '[]'\n      target: {kind: Deployment}\n"),
	}}
	p, _, kust := planOf(t, files)
	var got []string
	for _, r := range p.roots {
		for _, e := range r.errs {
			got = append(got, strings.SplitN(e.Message, ":", 2)[0]+map[bool]string{true: " notice", false: " error"}[e.Notice])
		}
	}
	slices.Sort(got)
	want := []string{"Application jsonnet error", "Application plugin notice", "Application prefix error", "Kustomization patch error", "Kustomization post error"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var rendered []string
	for _, k := range kust {
		rendered = append(rendered, k.via.Name)
	}
	if diff := cmp.Diff([]string{"images", "deploy"}, rendered); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
}

// A notice that a source is not rendered names the GitOps object
// (RepoError.Unrendered), so that the inventory does not take what it
// manages for missing from Git; a notice about an object that is
// rendered (values not all known) names none, and neither does an error.
func TestGitOpsUnrenderedNamesTheObject(t *testing.T) {
	files := gitopsRepo()
	files.files["apps/old.yaml"] = "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: o\n  namespace: team\n"
	lay, _ := NewLayout(Input{Files: files})
	must(t, lay.Prepare())
	got := map[string]*model.GitOpsOrigin{}
	for _, r := range lay.Roots() {
		for _, e := range lay.Render(r).Errors {
			if e.Unrendered != nil && !e.Notice {
				t.Errorf("an error names an unrendered object: %v", e)
			}
			got[e.Place()] = e.Unrendered
		}
	}
	want := map[string]*model.GitOpsOrigin{
		// The fixture's chart renders an Application: an error at each
		// object that renders the chart (children are not rendered).
		"apps/argo.yaml:1":      nil,
		"apps/argo.yaml:29":     nil,
		"clusters/flux.yaml:67": nil,
		"apps/notes.yaml:1":     {Controller: "argocd", Kind: "Application", Name: "elsewhere", File: "apps/notes.yaml", Line: 1},
		"apps/notes.yaml:10":    {Controller: "argocd", Kind: "Application", Name: "helmrepo", File: "apps/notes.yaml", Line: 10},
		"apps/notes.yaml:19":    nil, // an error: it blocks every missing verdict
		"apps/old.yaml:1":       {Controller: "flux", Kind: "HelmRelease", Namespace: "team", Name: "o", File: "apps/old.yaml", Line: 1},
		"clusters/flux.yaml:26": {Controller: "flux", Kind: "Kustomization", Name: "oci", File: "clusters/flux.yaml", Line: 26, SelfHeal: true},
		"clusters/flux.yaml:36": nil,
		"clusters/flux.yaml:46": nil, // rendered: its values are not all known
		"clusters/flux.yaml:81": {Controller: "flux", Kind: "HelmRelease", Name: "fromrepo", File: "clusters/flux.yaml", Line: 81},
		"clusters/flux.yaml:93": {Controller: "flux", Kind: "HelmRelease", Name: "ref", File: "clusters/flux.yaml", Line: 93},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unrendered objects by place (-want +got):\n%s", diff)
	}

	// A plugin source is not run: the Application is not rendered.
	p, _, _ := planOf(t, memFiles{root: "/nowhere/repo", files: map[string]string{
		"k/i.yaml": ingressDoc("", "i"),
		"app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: plug\n  namespace: argocd\nspec:\n" +
			"  syncPolicy: {automated: {selfHeal: true}}\n  source:\n    path: k\n    plugin:\n      name: x\n",
	}})
	var plug []*model.GitOpsOrigin
	for _, r := range p.roots {
		for _, e := range r.errs {
			plug = append(plug, e.Unrendered)
		}
	}
	wantPlug := []*model.GitOpsOrigin{{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "plug", File: "app.yaml", Line: 1, SelfHeal: true}}
	if diff := cmp.Diff(wantPlug, plug); diff != "" {
		t.Errorf("plugin (-want +got):\n%s", diff)
	}
}

// What a Flux object says its controller does with live drift: a
// suspended object nothing, a HelmRelease corrects it only with
// driftDetection mode enabled and reports it only with warn.
func TestFluxDriftModes(t *testing.T) {
	files := gitopsRepo()
	release := func(name, extra string) string {
		return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: " + name + "\n  namespace: apps\nspec:\n" + extra +
			"  chart:\n    spec:\n      chart: charts/web\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n"
	}
	files.files["clusters/flux.yaml"] = strings.Join([]string{
		release("warn", "  driftDetection:\n    mode: warn\n"),
		release("off", "  driftDetection:\n    mode: disabled\n"),
		release("none", ""),
		release("suspended", "  suspend: true\n  driftDetection:\n    mode: enabled\n"),
	}, "---\n")
	_, helm, _ := planOf(t, files)
	var got []string
	for _, h := range helm {
		if v := h.Via; v.Controller == "flux" {
			got = append(got, fmt.Sprintf("%s selfHeal=%v suspended=%v mode=%q", v.Name, v.SelfHeal, v.Suspended, v.DriftDetection))
		}
	}
	want := []string{
		`warn selfHeal=false suspended=false mode="warn"`,
		`off selfHeal=false suspended=false mode=""`,
		`none selfHeal=false suspended=false mode=""`,
		`suspended selfHeal=false suspended=true mode="enabled"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HelmReleases (-want +got):\n%s", diff)
	}
	_, _, kust := planOf(t, gitopsRepo())
	for _, k := range kust {
		if v := k.via; v.Controller == "flux" && v.Suspended != (v.Name == "gen") {
			t.Errorf("Kustomization %s: suspended %v", v.Name, v.Suspended)
		}
	}
}
