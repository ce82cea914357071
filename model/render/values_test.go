package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"
	sigsyaml "sigs.k8s.io/yaml"
)

// dumpChart is a chart whose one object carries .Values as JSON.
var dumpChart = map[string]string{
	"chart/Chart.yaml":          "apiVersion: v2\nname: dump\nversion: 0.1.0\n",
	"chart/templates/dump.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dump\ndata:\n  values: {{ toJson .Values | quote }}\n",
}

// renderDir writes the repo files to disk, plans them and renders every
// root: the objects, and the errors (the plan's and the renders').
func renderDir(t *testing.T, files map[string]string) ([]Object, []string) {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		write(t, dir, rel, content)
	}
	lay, planErrs := NewLayout(Input{Files: listDisk(t, dir)})
	var errs []string
	for _, e := range planErrs {
		if !e.Notice {
			errs = append(errs, e.Error())
		}
	}
	must(t, lay.Prepare())
	var objs []Object
	for _, r := range lay.Roots() {
		res := lay.Render(r)
		for _, e := range res.Errors {
			errs = append(errs, e.Error())
		}
		objs = append(objs, res.Objects...)
	}
	return objs, errs
}

// renderedValues renders the repo files and returns the .Values every
// helm root rendered with, by release name; any error fails the test.
func renderedValues(t *testing.T, files map[string]string) map[string]map[string]any {
	t.Helper()
	objs, errs := renderDir(t, files)
	for _, e := range errs {
		t.Error(e)
	}
	out := map[string]map[string]any{}
	for _, o := range objs {
		if o.Origin.Helm == nil {
			continue
		}
		var cm struct{ Data struct{ Values string } }
		must(t, json.Unmarshal(o.JSON, &cm))
		var v map[string]any
		must(t, json.Unmarshal([]byte(cm.Data.Values), &v))
		out[o.Origin.Helm.Release] = v
	}
	return out
}

// Argo CD's parameters are --set expressions into the merged values, as
// Helm's own MergeValues applies them after the value files (and the
// values Argo CD writes to a file): one list item's field changes, the
// rest of the list stays.
func TestArgoParametersSetIntoValues(t *testing.T) {
	files := map[string]string{
		"chart/prod.yaml": "hosts:\n- host: a\n- host: b\nport: 80\n",
		"app.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: lst}
spec:
  destination: {namespace: prod}
  source:
    path: chart
    helm:
      valueFiles: [prod.yaml]
      valuesObject: {hosts: [{host: x}, {host: y, tls: true}], extra: 1}
      parameters:
      - {name: "hosts[1].host", value: c}
      - {name: port, value: "8080", forceString: true}
      - {name: extra, value: "2"}
`,
	}
	for k, v := range dumpChart {
		files[k] = v
	}
	got := renderedValues(t, files)["lst"]

	// The same as Helm's values.Options.MergeValues computes it (its steps:
	// the package imports what this module does not build): -f prod.yaml
	// -f <valuesObject>, then --set …, then --set-string ….
	want := map[string]any{}
	for _, f := range []string{files["chart/prod.yaml"], "hosts: [{host: x}, {host: y, tls: true}]\nextra: 1\n"} {
		m, err := loader.LoadValues(strings.NewReader(f))
		must(t, err)
		want = loader.MergeMaps(want, m)
	}
	for _, s := range []string{"hosts[1].host=c", "extra=2"} {
		must(t, strvals.ParseInto(s, want))
	}
	must(t, strvals.ParseIntoString("port=8080", want))
	want = jsonRound(t, want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf(".Values (-helm +ingress-drift):\n%s", diff)
	}
	if h := got["hosts"].([]any); len(h) != 2 || h[0].(map[string]any)["host"] != "x" {
		t.Errorf("hosts = %v, want x then c", h)
	}
}

// Flux's chart valuesFiles replace the chart's values.yaml (which counts
// only when listed); spec.values are the user values over them. As
// source-controller builds the chart: the files merged are its
// values.yaml.
func TestFluxValuesFilesReplaceChartValues(t *testing.T) {
	hr := func(name, valuesFiles string) string {
		return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ` + name + `, namespace: flux-system}
spec:
  releaseName: ` + name + `
  chart:
    spec:
      chart: ./chart
      sourceRef: {kind: GitRepository, name: flux-system}
      valuesFiles: ` + valuesFiles + `
      ignoreMissingValuesFiles: true
  values: {b: inline}
---
`
	}
	files := map[string]string{
		"chart/values.yaml": "host: default\na: chart\nb: chart\nsub: {p: 1, q: 1}\n",
		"envs/v1.yaml":      "a: file1\nsub: {q: 2}\n",
		"flux.yaml": hr("replaced", "[envs/v1.yaml]") + hr("listed", "[chart/values.yaml, envs/v1.yaml]") +
			hr("gone", "[envs/none.yaml]") + hr("none", "[]"),
	}
	for k, v := range dumpChart {
		files[k] = v
	}
	got := renderedValues(t, files)
	want := map[string]map[string]any{
		"replaced": {"a": "file1", "b": "inline", "sub": map[string]any{"q": float64(2)}},
		"listed":   {"host": "default", "a": "file1", "b": "inline", "sub": map[string]any{"p": float64(1), "q": float64(2)}},
		"gone":     {"b": "inline"},
		"none":     {"host": "default", "a": "chart", "b": "inline", "sub": map[string]any{"p": float64(1), "q": float64(1)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf(".Values by release (-want +got):\n%s", diff)
	}
}

// Inline values are what the controller reads: the object as kubectl
// sent it (sigs.k8s.io/yaml, YAML 1.1 to JSON: yes is true, a date a
// string, 0o17 is 15), decoded from JSON; an alias to an anchor outside
// the values resolves as in the whole document.
func TestInlineValuesAsControllersDecode(t *testing.T) {
	inline := "{a: 2024-01-01, b: yes, c: 0o17, d: 1e3, e: '1', f: *h, g: [on, off], i: 12345678901}"
	app := "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: argo, annotations: {x: &h hello}}\n" +
		"spec:\n  destination: {namespace: prod}\n  source:\n    path: chart\n    helm:\n      valuesObject: " + inline + "\n"
	flux := "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: flux, namespace: x, annotations: {x: &h hello}}\n" +
		"spec:\n  releaseName: flux\n  chart: {spec: {chart: chart, sourceRef: {kind: GitRepository, name: r}}}\n  values: " + inline + "\n"
	files := map[string]string{"app.yaml": app, "flux.yaml": flux}
	for k, v := range dumpChart {
		files[k] = v
	}
	got := renderedValues(t, files)
	// What kubectl sends: the whole document through sigs.k8s.io/yaml.
	var doc struct {
		Spec struct {
			Values json.RawMessage
			Source struct {
				Helm struct{ ValuesObject json.RawMessage }
			}
		}
	}
	j, err := sigsyaml.YAMLToJSON([]byte(app))
	must(t, err)
	must(t, json.Unmarshal(j, &doc))
	var want map[string]any
	must(t, json.Unmarshal(doc.Spec.Source.Helm.ValuesObject, &want))
	if want["b"] != true || want["a"] != "2024-01-01" {
		t.Fatalf("kubectl's conversion is not what this test assumes: %v", want)
	}
	if diff := cmp.Diff(want, got["argo"]); diff != "" {
		t.Errorf("Argo CD valuesObject (-kubectl +ingress-drift):\n%s", diff)
	}
	j, err = sigsyaml.YAMLToJSON([]byte(flux))
	must(t, err)
	must(t, json.Unmarshal(j, &doc))
	want = nil
	must(t, json.Unmarshal(doc.Spec.Values, &want))
	if diff := cmp.Diff(want, got["flux"]); diff != "" {
		t.Errorf("Flux spec.values (-kubectl +ingress-drift):\n%s", diff)
	}
}

// A null plugin, kustomize or valuesObject is no such field (as Argo CD
// decodes it): the chart renders as Helm, with no notice.
func TestArgoNullIsUnset(t *testing.T) {
	app := func(name, source string) string {
		return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name + "}\n" +
			"spec:\n  destination: {namespace: prod}\n  source: {path: chart, " + source + "}\n---\n"
	}
	files := map[string]string{"apps.yaml": app("k", "kustomize: null") + app("p", "plugin: null") +
		app("v", "helm: {valuesObject: null, values: 'a: 1'}") + app("h", "helm: null, kustomize: ~")}
	for k, v := range dumpChart {
		files[k] = v
	}
	got := renderedValues(t, files)
	want := map[string]map[string]any{"k": {}, "p": {}, "v": {"a": float64(1)}, "h": {}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf(".Values by release (-want +got):\n%s", diff)
	}
}

// Argo CD's helm.namespace is the namespace the templates see (helm
// template --namespace); objects that set none still go to
// destination.namespace.
func TestArgoHelmNamespaceOnlyTemplates(t *testing.T) {
	objs, errs := renderDir(t, map[string]string{
		"chart/Chart.yaml":        "apiVersion: v2\nname: ns\nversion: 0.1.0\n",
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  ns: {{ .Release.Namespace }}\n",
		"app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n" +
			"spec:\n  destination: {namespace: prod}\n  source: {path: chart, helm: {namespace: tmpl}}\n",
	})
	for _, e := range errs {
		t.Error(e)
	}
	var got []string
	for _, o := range objs {
		var cm struct {
			Metadata struct{ Namespace string }
			Data     struct{ Ns string }
		}
		must(t, json.Unmarshal(o.JSON, &cm))
		got = append(got, cm.Metadata.Namespace+" "+cm.Data.Ns)
	}
	if diff := cmp.Diff([]string{"prod tmpl"}, got); diff != "" {
		t.Errorf("object namespace and .Release.Namespace (-want +got):\n%s", diff)
	}
}

// A GitOps release that names no namespace (no destination.namespace) is
// in --default-namespace, as directory sources' objects are.
func TestGitOpsReleaseDefaultNamespace(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"app.yaml":         "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source: {path: chart}\n",
	}}
	lay, _ := NewLayout(Input{Files: files, Config: Config{DefaultNamespace: "team"}})
	var got []string
	for _, r := range lay.Roots() {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff([]string{"team/a"}, got); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
}

// An Application or HelmRelease without metadata.name is an error at its
// line (the API server refuses it), not a release named after the chart.
func TestGitOpsUnnamedIsAnError(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"apps.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {namespace: argocd}\nspec:\n  source: {path: chart}\n---\n" +
			"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {namespace: x}\n" +
			"spec:\n  chart: {spec: {chart: chart, sourceRef: {kind: GitRepository, name: r}}}\n",
	}}
	p, helm, _ := planOf(t, files)
	if len(helm) != 0 {
		t.Errorf("releases %v, want none", helm)
	}
	got := planErrorTexts(p)
	want := []string{
		"apps.yaml:1: Application: metadata.name is missing (the API server refuses an object without one): what it renders is unknown",
		"apps.yaml:7: HelmRelease: metadata.name is missing (the API server refuses an object without one): what it renders is unknown",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// A field of the wrong type is named, with what it is and what it must
// be, at its line of the file: no Go types.
func TestGitOpsTypeErrorsNameTheField(t *testing.T) {
	files := memFiles{root: "/nowhere/repo", files: map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"apps.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n" +
			"spec:\n  destination: x\n  sources:\n  - {path: chart, helm: {parameters: [{name: a, forceString: maybe}]}}\n---\n" +
			"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\n" +
			"spec:\n  chart: {spec: {chart: chart, valuesFiles: one.yaml}}\n",
	}}
	p, _, _ := planOf(t, files)
	got := planErrorTexts(p)
	want := []string{
		"apps.yaml:5: Application a: line 5: spec.destination is a string (`x`), not a mapping; " +
			"line 7: spec.sources[0].helm.parameters[0].forceString is a string (`maybe`), not a boolean (true or false)",
		"apps.yaml:13: HelmRelease h: line 13: spec.chart.spec.valuesFiles is a string (`one.yaml`), not a list",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if describeTypeError(nil, "something else") != "something else" {
		t.Error("a message of another form is not kept")
	}
}

// planErrorTexts are the errors and notices of a GitOps plan's roots.
func planErrorTexts(p *gitopsPlan) []string {
	var out []string
	for _, r := range p.roots {
		for _, e := range r.errs {
			out = append(out, e.Error())
		}
	}
	return out
}

// A chart without values.yaml cannot take Flux's valuesFiles:
// source-controller fails to build it, and so does the render.
func TestFluxValuesFilesNeedChartValues(t *testing.T) {
	_, got := renderDir(t, map[string]string{
		"chart/Chart.yaml":        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		"v.yaml":                  "a: 1\n",
		"hr.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h, namespace: x}\n" +
			"spec:\n  chart: {spec: {chart: chart, sourceRef: {kind: GitRepository, name: r}, valuesFiles: [v.yaml]}}\n",
	})
	want := []string{"hr.yaml:1: helm template of chart chart (release x/h): the chart has no values.yaml for its valuesFiles to replace (Flux's source-controller fails to build it)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
