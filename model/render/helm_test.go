package render

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// helmRepo is testdata/helm/repo, the repo the goldens were made in.
func helmRepo(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("testdata/helm/repo")
	must(t, err)
	dir, err = filepath.EvalSymlinks(dir)
	must(t, err)
	return dir
}

// diskFiles is a work tree's listing on disk (Files with OnDisk true), as
// the repo side walks it: regular files, symlinks not listed.
type diskFiles struct {
	root  string
	files []string
}

func listDisk(t testing.TB, root string) diskFiles {
	t.Helper()
	d := diskFiles{root: root}
	must(t, filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			d.files = append(d.files, filepath.ToSlash(rel))
		}
		return nil
	}))
	return d
}

func (d diskFiles) RootDir() string { return d.root }
func (d diskFiles) OnDisk() bool    { return true }
func (d diskFiles) List() []string  { return d.files }
func (d diskFiles) Stat(rel string) (bool, bool) {
	fi, err := os.Stat(filepath.Join(d.root, rel))
	return err == nil, err == nil && fi.IsDir()
}
func (d diskFiles) Read(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(d.root, rel)) }
func (d diskFiles) Escapes(rel string) (string, bool) {
	real, err := pathx.EvalExisting(filepath.Join(d.root, rel))
	return real, err == nil && !pathx.Inside(d.root, real)
}

// memOf reads a directory into a commit's listing rooted nowhere on disk.
func memOf(t testing.TB, dir string) memFiles {
	t.Helper()
	m := memFiles{root: "/nowhere/repo", files: map[string]string{}}
	for _, rel := range listDisk(t, dir).files {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		must(t, err)
		m.files[rel] = string(data)
	}
	return m
}

// webProd is the release golden/web-prod.yaml holds.
var webProd = HelmRelease{Chart: "charts/web", Release: "web", Namespace: "prod",
	ValueFiles: []string{"envs/prod/web.yaml", "envs/prod/web-extra.yaml", "envs/prod/web-tls.yaml"}, File: "cfg.yaml", Line: 3}

// goldenCases are the goldens of objects and the releases that render them.
var goldenCases = map[string]HelmRelease{
	"web-prod":    webProd,
	"web-default": {Chart: "charts/web", Release: "web", Namespace: "web", File: "cfg.yaml", Line: 9},
	"web-layer": {Chart: "charts/web", Release: "shop", Namespace: "prod", ValueFiles: []string{"envs/prod/web.yaml"},
		Values: []map[string]any{{"ingress": map[string]any{"className": "layer",
			"hosts": []any{map[string]any{"host": "layer.example.com", "paths": []any{map[string]any{"path": "/", "pathType": "Prefix"}}}}}}},
		File: "cfg.yaml", Line: 12},
	// --set into the merged values: the second path of the file's host.
	"web-set": {Chart: "charts/web", Release: "shop", Namespace: "prod", ValueFiles: []string{"envs/prod/web.yaml"},
		Set: []string{"ingress.hosts[0].paths[1].path=/v2", "replicaCount=5"}, SetString: []string{"ingress.annotations.x=1"},
		File: "cfg.yaml", Line: 15},
}

// goldenObjects are the objects of a golden as helm prints them, given
// the release namespace when they are of a namespaced kind and set none
// (what helm install does with them, and the renderer too).
func goldenObjects(t *testing.T, name, ns string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/helm/golden", name+".yaml"))
	must(t, err)
	var out []map[string]any
	for _, doc := range regexp.MustCompile(`(?m)^---$`).Split(string(data), -1) {
		var m map[string]any
		must(t, yaml.Unmarshal([]byte(doc), &m))
		if m == nil {
			continue
		}
		setNamespace(m, m["kind"].(string), ns)
		out = append(out, m)
	}
	return sortObjects(out)
}

func sortObjects(objs []map[string]any) []map[string]any {
	key := func(m map[string]any) string {
		meta, _ := m["metadata"].(map[string]any)
		return m["kind"].(string) + "/" + meta["namespace"].(string) + "/" + meta["name"].(string)
	}
	sort.Slice(objs, func(i, j int) bool { return key(objs[i]) < key(objs[j]) })
	return objs
}

func renderedObjects(t *testing.T, res Result) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, o := range res.Objects {
		var m map[string]any
		must(t, json.Unmarshal(o.JSON, &m))
		if meta, _ := m["metadata"].(map[string]any); meta["namespace"] == nil {
			meta["namespace"] = "" // cluster-scoped in these charts: none
		}
		out = append(out, m)
	}
	return sortObjects(out)
}

// renderOne plans files with the releases and renders the one root.
func renderOne(t *testing.T, files Files, keep func(string) bool, rels ...HelmRelease) (*Layout, Result) {
	t.Helper()
	lay, _ := NewLayout(Input{Files: files, Config: Config{File: "cfg.yaml", Helm: rels, KubeVersion: "v1.31.0"}, Keep: keep})
	must(t, lay.Prepare())
	var roots []Root
	for _, r := range lay.Roots() {
		if r.Kind == helmName {
			roots = append(roots, r)
		}
	}
	if len(roots) != 1 {
		t.Fatalf("helm roots %v, want one", roots)
	}
	return lay, lay.Render(roots[0])
}

// The oracle: the in-process render gives, object by object, what the
// Helm CLI printed for the same chart, release and values (goldens.sh), on
// disk and from a commit.
func TestHelmMatchesHelmCLI(t *testing.T) {
	repo := helmRepo(t)
	for name, rel := range goldenCases {
		want := goldenObjects(t, name, rel.Namespace)
		for how, files := range map[string]Files{"disk": listDisk(t, repo), "commit": memOf(t, repo)} {
			t.Run(name+"/"+how, func(t *testing.T) {
				_, res := renderOne(t, files, nil, rel)
				if len(res.Errors) != 0 {
					t.Fatalf("errors: %v", res.Errors)
				}
				for i := range want {
					// The golden has a comment in place of the fields that
					// helm omits; normalize both through JSON.
					want[i] = jsonRound(t, want[i])
				}
				if diff := cmp.Diff(want, renderedObjects(t, res)); diff != "" {
					t.Errorf("objects (-helm +ours):\n%s", diff)
				}
			})
		}
	}
}

func jsonRound(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(m)
	must(t, err)
	var out map[string]any
	must(t, json.Unmarshal(data, &out))
	return out
}

// Origins name the template each object came from (a packaged subchart's
// by its .tgz), the release, and only Ingresses are kept when asked.
func TestHelmOrigins(t *testing.T) {
	_, res := renderOne(t, listDisk(t, helmRepo(t)), func(k string) bool { return k == "Ingress" }, webProd)
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	helm := func(tpl string) *model.HelmOrigin {
		return &model.HelmOrigin{Chart: "charts/web", Release: "web", Namespace: "prod", Template: tpl, ValueFiles: webProd.ValueFiles}
	}
	tgz := "charts/web/charts/db-0.1.0.tgz"
	want := []model.Origin{
		{File: "charts/web/charts/cache/templates/ingress.yaml", Item: -1, Helm: helm("charts/web/charts/cache/templates/ingress.yaml")},
		{File: tgz, Item: -1, Helm: helm(tgz + "/templates/ingress.yaml")},
		{File: "charts/web/templates/ingress.yaml", Item: -1, Helm: helm("charts/web/templates/ingress.yaml")},
	}
	var got []model.Origin
	for _, o := range res.Objects {
		got = append(got, o.Origin)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("origins (-want +got):\n%s", diff)
	}
	var ing struct {
		Metadata struct{ Namespace string }
	}
	must(t, json.Unmarshal(res.Objects[2].JSON, &ing))
	if ing.Metadata.Namespace != "prod" {
		t.Errorf("the chart's Ingress is in %q, want the release namespace prod", ing.Metadata.Namespace)
	}
}

// Values that are not all known (a Flux valuesFrom Secret) still render,
// with the reason in every origin (the GitOps plan says it once, as a
// notice at the object); the GitOps object that names the release is in
// every origin too.
func TestHelmValuesIncomplete(t *testing.T) {
	rel := webProd
	rel.ValuesIncomplete = "valuesFrom Secret prod/web-values is never read"
	rel.Via = &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "prod", Name: "web"}
	_, res := renderOne(t, memOf(t, helmRepo(t)), func(k string) bool { return k == "Ingress" }, rel)
	if len(res.Objects) != 3 || len(res.Errors) != 0 {
		t.Fatalf("%d objects, errors %v; want 3", len(res.Objects), res.Errors)
	}
	for _, o := range res.Objects {
		if o.Origin.Helm.ValuesIncomplete != rel.ValuesIncomplete || o.Origin.GitOps != rel.Via {
			t.Errorf("%s: ValuesIncomplete %q, GitOps %v", o.Origin.File, o.Origin.Helm.ValuesIncomplete, o.Origin.GitOps)
		}
	}
}

// helmErrLocation is where Helm's error text says a template failed.
var helmErrLocation = regexp.MustCompile(`\(([^/]+)/(templates/[^:]+):(\d+)`)

// Template errors are at the template and line Helm's own error names
// (made repo paths); a dependency not vendored is one error that says how
// to vendor it; YAML out of a template is at the template line it came
// from.
func TestHelmErrorsMatchHelmCLI(t *testing.T) {
	repo := helmRepo(t)
	cases := []struct {
		golden string
		rel    HelmRelease
		// file and line, when Helm's error names no template line
		file string
		line int
		msg  string
	}{
		{golden: "needs-host", rel: HelmRelease{Chart: "charts/needs-host", Release: "nh", Namespace: "x"}, msg: "ingress.host is required: set it in a value file"},
		{golden: "needs-host-fail", rel: HelmRelease{Chart: "charts/needs-host", Release: "nh", Namespace: "x", Values: []map[string]any{{"broken": true}}},
			msg: "broken is set: this release must not render"},
		{golden: "bad-syntax", rel: HelmRelease{Chart: "charts/bad-syntax", Release: "bs", Namespace: "x"}, msg: `unexpected "}" in operand`},
		{golden: "bad-yaml", rel: HelmRelease{Chart: "charts/bad-yaml", Release: "by", Namespace: "x"},
			file: "charts/bad-yaml/templates/ingress.yaml", line: 6, msg: "did not find expected key"},
		{golden: "missing-dep", rel: HelmRelease{Chart: "charts/missing-dep", Release: "md", Namespace: "x"},
			file: "charts/missing-dep/Chart.yaml", line: 5, msg: "redis; run `helm dependency build charts/missing-dep`"},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/helm/golden", c.golden+".err"))
			must(t, err)
			helmSaid := string(data)
			if !strings.Contains(helmSaid, strings.Split(c.msg, ";")[0]) {
				t.Fatalf("the golden does not say %q:\n%s", c.msg, helmSaid)
			}
			file, line := c.file, c.line
			if m := helmErrLocation.FindStringSubmatch(helmSaid); m != nil && file == "" {
				file = "charts/" + m[1] + "/" + m[2]
				line, _ = strconv.Atoi(m[3])
			}
			_, res := renderOne(t, listDisk(t, repo), nil, c.rel)
			if len(res.Errors) != 1 || len(res.Objects) != 0 {
				t.Fatalf("got %d objects, errors %v; want one error", len(res.Objects), res.Errors)
			}
			e := res.Errors[0]
			if e.File != file || e.Line != line || !strings.Contains(e.Message, c.msg) || !strings.Contains(e.Message, c.rel.Chart) {
				t.Errorf("error %v; want at %s:%d, saying %q and naming the chart", e, file, line, c.msg)
			}
		})
	}
}

// The plan: one root per release, charts own their files, which releases
// read which file, what plans again, the notice for a chart nothing
// renders, and the errors of releases that name what is not there.
func TestHelmPlan(t *testing.T) {
	files := memOf(t, helmRepo(t))
	rels := []HelmRelease{
		webProd,
		{Chart: "charts/web", Release: "web", Namespace: "prod", File: "apps/web.yaml", Line: 7}, // same name: told apart by order
		{Chart: "charts/needs-host", Release: "web", Namespace: "prod", File: "cfg.yaml", Line: 20},
		{Chart: "charts/nope", File: "cfg.yaml", Line: 30},
		{Chart: "envs", Release: "envs", File: "cfg.yaml", Line: 31},
		{Chart: "../elsewhere", Release: "out", File: "cfg.yaml", Line: 32},
		{Chart: "charts/bad-yaml", Release: "by", Namespace: "x", ValueFiles: []string{"envs/missing.yaml"}, File: "cfg.yaml", Line: 33},
		{Chart: "charts/bad-syntax", Release: "bs", Namespace: "x"},
		{Chart: "charts/missing-dep", Release: "md", Namespace: "x"},
	}
	lay, errs := NewLayout(Input{Files: files, Config: Config{File: "cfg.yaml", Helm: rels}})
	if len(errs) != 1 || errs[0].File != "charts/orphan/Chart.yaml" || errs[0].Line != 1 || !errs[0].Notice ||
		!strings.Contains(errs[0].Message, "helm: [{chart: charts/orphan") || !strings.Contains(errs[0].Message, "Argo CD Application or Flux HelmRelease") {
		t.Errorf("plan errors %v; want one notice for charts/orphan (the library chart lib needs none)", errs)
	}
	var names []string
	for _, r := range lay.Roots() {
		names = append(names, r.Source())
	}
	wantNames := []string{"helm:default/envs", "helm:default/nope", "helm:default/out", "helm:prod/web@charts/needs-host",
		"helm:prod/web@charts/web", "helm:prod/web@charts/web#2", "helm:x/bs", "helm:x/by", "helm:x/md"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	for rel, owned := range map[string]bool{"charts/web/templates/_helpers.tpl": true, "charts/web/charts/cache/values.yaml": true,
		"charts/orphan/templates/ingress.yaml": true, "envs/prod/web.yaml": true, "envs/prod/other.yaml": false, "README.md": false} {
		if lay.Owns(rel) != owned {
			t.Errorf("Owns(%s) = %v", rel, !owned)
		}
	}
	rootsOf := func(rel string) []string {
		var out []string
		for _, r := range lay.RootsOf(rel) {
			out = append(out, r.Name)
		}
		return out
	}
	if diff := cmp.Diff([]string{"prod/web@charts/web", "prod/web@charts/web#2"}, rootsOf("charts/web/charts/cache/templates/ingress.yaml")); diff != "" {
		t.Errorf("RootsOf a subchart template (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"prod/web@charts/web"}, rootsOf("envs/prod/web-tls.yaml")); diff != "" {
		t.Errorf("RootsOf a value file (-want +got):\n%s", diff)
	}
	if got := rootsOf("charts/orphan/templates/ingress.yaml"); got != nil {
		t.Errorf("RootsOf the orphan's template = %v", got)
	}
	for _, c := range []struct {
		rel     string
		gone, r bool
	}{
		{"charts/new/Chart.yaml", false, true}, {"charts/web/Chart.yaml", false, true}, {"envs/missing.yaml", false, true},
		{"charts/web/templates/ingress.yaml", false, false}, {"charts/web/Chart.yaml", true, true},
		{"charts/web/charts/cache", true, true}, {"charts", true, true}, {"charts/web/templates", true, false},
		// A directory holding a value file gone: planned again (the release
		// renders as a fresh scan says, not with an unreadable value file).
		{"envs/prod", true, true}, {"envs/prod/web-tls.yaml", true, true},
	} {
		if got := lay.Replans(c.rel, c.gone); got != c.r {
			t.Errorf("Replans(%s, gone %v) = %v", c.rel, c.gone, got)
		}
	}
	must(t, lay.Prepare())
	wantRelErrs := map[string]model.RepoError{
		"default/nope": {File: "cfg.yaml", Line: 30, Message: "helm release default/nope: chart: charts/nope is not a directory in the repo"},
		"default/envs": {File: "cfg.yaml", Line: 31, Message: "helm release default/envs: chart: envs has no Chart.yaml"},
		"default/out":  {File: "cfg.yaml", Line: 32, Message: "helm release default/out: chart: ../elsewhere is outside the repo"},
		"x/by":         {File: "cfg.yaml", Line: 33, Message: "helm release x/by: values: envs/missing.yaml does not exist"},
	}
	for _, r := range lay.Roots() {
		res := lay.Render(r)
		if want, ok := wantRelErrs[r.Name]; ok {
			if diff := cmp.Diff([]model.RepoError{want}, res.Errors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", r.Name, diff)
			}
		}
	}
}

// A chart reached through a symlink out of the repo, or holding one, is
// refused, on disk and in a commit; a symlink within the repo is followed
// as Helm follows it.
func TestHelmSymlinkOutOfRepoRefused(t *testing.T) {
	dir, elsewhere := outsideRepo(t)
	write(t, elsewhere, "secret.yaml", "kind: Secret\n")
	write(t, dir, "charts/a/Chart.yaml", "apiVersion: v2\nname: a\nversion: 0.1.0\n")
	write(t, dir, "charts/a/templates/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n")
	write(t, dir, "shared/labels.tpl", `{{- define "a.x" }}x{{ end }}`)
	must(t, os.Symlink("../../../shared/labels.tpl", filepath.Join(dir, "charts/a/templates/_shared.tpl")))
	a := HelmRelease{Chart: "charts/a", Release: "a", Namespace: "ns", File: "cfg.yaml", Line: 2}
	_, res := renderOne(t, listDisk(t, dir), nil, a)
	if len(res.Errors) != 0 || len(res.Objects) != 1 {
		t.Fatalf("a symlink within the repo: %d objects, errors %v", len(res.Objects), res.Errors)
	}

	must(t, os.Symlink(filepath.Join(elsewhere, "secret.yaml"), filepath.Join(dir, "charts/a/templates/secret.yaml")))
	_, res = renderOne(t, listDisk(t, dir), nil, a)
	if len(res.Errors) != 1 || len(res.Objects) != 0 || res.Errors[0].File != "charts/a/Chart.yaml" ||
		!strings.Contains(res.Errors[0].Message, "charts/a/templates/secret.yaml is outside the repo (through a symlink, to "+filepath.Join(elsewhere, "secret.yaml")) {
		t.Errorf("a symlink out of the repo: %d objects, errors %v", len(res.Objects), res.Errors)
	}

	must(t, os.Symlink(elsewhere, filepath.Join(dir, "linked")))
	_, res = renderOne(t, listDisk(t, dir), nil, HelmRelease{Chart: "linked", Release: "l", File: "cfg.yaml", Line: 4})
	if len(res.Errors) != 1 || res.Errors[0].Line != 4 || !strings.Contains(res.Errors[0].Message, "linked is outside the repo (through a symlink, to "+elsewhere) {
		t.Errorf("a chart through a symlinked directory: %v", res.Errors)
	}
	commit := memFiles{root: "/nowhere/repo", links: map[string]string{"linked": "/etc"}, files: map[string]string{"linked/Chart.yaml": "name: x\n"}}
	_, res = renderOne(t, commit, nil, HelmRelease{Chart: "linked", Release: "l", File: "cfg.yaml", Line: 4})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "linked is outside the repo (through a symlink, to /etc)") {
		t.Errorf("a commit's chart through a symlink: %v", res.Errors)
	}
}

// Without a Kubernetes version charts see Helm's default; a version that
// does not parse is said, and the default used.
func TestHelmKubeVersion(t *testing.T) {
	files := memOf(t, helmRepo(t))
	kube := func(v string) (string, []model.RepoError) {
		lay, errs := NewLayout(Input{Files: files, Config: Config{File: "cfg.yaml", Helm: []HelmRelease{webProd}, KubeVersion: v},
			Keep: func(k string) bool { return k == "Service" }})
		must(t, lay.Prepare())
		for _, r := range lay.Roots() {
			for _, o := range lay.Render(r).Objects {
				var s struct {
					Metadata struct{ Annotations map[string]string }
				}
				must(t, json.Unmarshal(o.JSON, &s))
				if v, ok := s.Metadata.Annotations["example.com/kube-version"]; ok {
					return v, errs
				}
			}
		}
		return "", errs
	}
	if v, _ := kube("v1.29.3"); v != "v1.29.3" {
		t.Errorf("KubeVersion v1.29.3: the chart saw %q", v)
	}
	def, _ := kube("")
	if bad, errs := kube("not-a-version"); bad != def || def == "" || errs[0].Notice || !strings.Contains(errs[0].Message, `"not-a-version"`) {
		t.Errorf("a bad version: saw %q (default %q), errors %v", bad, def, errs)
	}
}

// Renders run concurrently (go test -race) and agree.
func TestHelmRenderConcurrent(t *testing.T) {
	lay, errs := NewLayout(Input{Files: memOf(t, helmRepo(t)), Config: Config{Helm: []HelmRelease{webProd, goldenCases["web-layer"], goldenCases["web-default"]}}})
	for _, e := range errs {
		if !e.Notice {
			t.Fatalf("plan error %v", e)
		}
	}
	must(t, lay.Prepare())
	roots := lay.Roots()
	first := make([]Result, len(roots))
	for i, r := range roots {
		first[i] = lay.Render(r)
	}
	var wg sync.WaitGroup
	for range 4 {
		for i, r := range roots {
			wg.Go(func() {
				if diff := cmp.Diff(first[i], lay.Render(r)); diff != "" {
					t.Errorf("%s differs:\n%s", r.Name, diff)
				}
			})
		}
	}
	wg.Wait()
}

// BenchmarkHelmRender renders a typical release: the web chart's Ingress
// and helpers (without its subcharts), with its three prod value files,
// from disk.
func BenchmarkHelmRender(b *testing.B) {
	dir := b.TempDir()
	src := "testdata/helm/repo/"
	cp := func(from, to string, edit func(string) string) {
		data, err := os.ReadFile(src + from)
		must(b, err)
		write(b, dir, to, edit(string(data)))
	}
	same := func(s string) string { return s }
	cp("charts/web/values.yaml", "charts/app/values.yaml", same)
	cp("charts/web/templates/ingress.yaml", "charts/app/templates/ingress.yaml", same)
	cp("charts/web/templates/_helpers.tpl", "charts/app/templates/_helpers.tpl", func(s string) string {
		return strings.ReplaceAll(s, `{{ include "common.labels" . }}`, "app: {{ .Chart.Name }}")
	})
	write(b, dir, "charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n")
	for _, v := range webProd.ValueFiles {
		cp(v, v, same)
	}
	root, err := filepath.EvalSymlinks(dir)
	must(b, err)
	rel := HelmRelease{Chart: "charts/app", Release: "app", Namespace: "prod", ValueFiles: webProd.ValueFiles}
	lay, _ := NewLayout(Input{Files: listDisk(b, root), Config: Config{Helm: []HelmRelease{rel}}, Keep: func(k string) bool { return k == "Ingress" }})
	must(b, lay.Prepare())
	r := lay.Roots()[0]
	for b.Loop() {
		if res := lay.Render(r); len(res.Objects) != 1 || len(res.Errors) != 0 {
			b.Fatalf("%d objects, errors %v", len(res.Objects), res.Errors)
		}
	}
}
