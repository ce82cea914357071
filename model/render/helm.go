package render

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	v2util "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/model"
)

// helmName is the Helm kind's name, the prefix of its sources.
const helmName = "helm"

// helmKind renders the charts in the repo in-process with Helm's chart
// loader and template engine, client-only: what `helm template` prints,
// without the helm binary, a cluster or the network. Its plan is in
// helm_layout.go.
type helmKind struct{}

func (helmKind) Name() string { return helmName }

func (helmKind) Plan(in Input) (Plan, []model.RepoError) { return planHelm(in) }

// tplSource is where one template of a loaded chart is in the repo.
type tplSource struct {
	// file is the repo file that holds it: the template itself, or the
	// .tgz of a packaged subchart.
	file string
	// template is the template's path: file, or a path into the .tgz.
	template string
}

// loaded is one release's chart as Helm loaded it, and where its templates
// came from (by the template files Helm keeps, which survive the copies
// of aliased subcharts).
type loaded struct {
	chart *chart.Chart
	src   map[*common.File]tplSource
}

// loadChart loads a chart from files named relative to its directory loc
// (repo-relative), as Helm's loader does: its own files with LoadFiles,
// each subchart in charts/ (a directory, or a .tgz) in turn. Helm would
// load it all in one LoadFiles call; loading each level here is what tells
// which repo file every template came from.
func loadChart(files []*archive.BufferedFile, loc string, src map[*common.File]tplSource) (*chart.Chart, error) {
	var own []*archive.BufferedFile
	subs := map[string][]*archive.BufferedFile{}
	for _, f := range files {
		rest, ok := strings.CutPrefix(f.Name, "charts/")
		if !ok || path.Ext(f.Name) == ".prov" {
			own = append(own, f)
			continue
		}
		name, _, _ := strings.Cut(rest, "/")
		subs[name] = append(subs[name], &archive.BufferedFile{Name: rest, ModTime: f.ModTime, Data: f.Data})
	}
	c, err := loader.LoadFiles(own)
	if err != nil {
		return nil, err
	}
	for _, t := range c.Templates {
		p := path.Join(loc, t.Name)
		src[t] = tplSource{file: p, template: p}
	}
	for _, n := range slices.Sorted(maps.Keys(subs)) {
		files := subs[n]
		var sc *chart.Chart
		switch {
		case strings.IndexAny(n, "_.") == 0:
			continue // Helm skips these too
		case path.Ext(n) == ".tgz":
			if files[0].Name != n {
				return nil, fmt.Errorf("error unpacking subchart tar in %s: expected %s, got %s", c.Name(), n, files[0].Name)
			}
			sc, err = loader.LoadArchive(bytes.NewReader(files[0].Data))
			if err == nil {
				tagArchive(sc, path.Join(loc, "charts", n), path.Join(loc, "charts", n), src)
			}
		default:
			var buf []*archive.BufferedFile
			for _, f := range files {
				if _, after, ok := strings.Cut(f.Name, "/"); ok {
					buf = append(buf, &archive.BufferedFile{Name: after, ModTime: f.ModTime, Data: f.Data})
				}
			}
			sc, err = loadChart(buf, path.Join(loc, "charts", n), src)
		}
		if err != nil {
			return nil, fmt.Errorf("error unpacking subchart %s in %s: %w", n, c.Name(), err)
		}
		c.AddDependency(sc)
	}
	return c, nil
}

// tagArchive records the templates of a chart loaded from the .tgz file
// tgz (and of its own subcharts), under the path they have in it.
func tagArchive(c *chart.Chart, tgz, inside string, src map[*common.File]tplSource) {
	for _, t := range c.Templates {
		src[t] = tplSource{file: tgz, template: path.Join(inside, t.Name)}
	}
	for _, d := range c.Dependencies() {
		tagArchive(d, tgz, path.Join(inside, "charts", d.Name()), src)
	}
}

// templates maps the names Helm's engine gives templates
// ("web/charts/db/templates/x.yaml") to their sources, over the chart as
// it renders (after aliases and conditions).
func (l *loaded) templates() map[string]tplSource {
	out := map[string]tplSource{}
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		for _, t := range c.Templates {
			if s, ok := l.src[t]; ok {
				out[path.Join(c.ChartFullPath(), t.Name)] = s
			}
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(l.chart)
	return out
}

// missingDeps are the dependencies Chart.yaml declares that are not in
// charts/, as Helm's CheckDependencies finds them.
func missingDeps(c *chart.Chart) []string {
	var out []string
	for _, d := range c.Metadata.Dependencies {
		if d == nil {
			continue
		}
		if !slices.ContainsFunc(c.Dependencies(), func(sc *chart.Chart) bool { return sc.Name() == d.Name }) {
			out = append(out, d.Name)
		}
	}
	return out
}

// Render renders one release as `helm template <release> <chart> -n
// <namespace> -f <values>…` would print it, hooks included, CRDs of crds/
// left out (as the command does by default): the chart and its vendored
// subcharts from the repo, values from the chart, then the value files,
// then the inline layers, then the --set expressions (with
// ReplaceChartValues the value files are the chart's values instead); .Capabilities are
// Helm's offline defaults (or the Kubernetes version the plan was given),
// lookup finds nothing.
// values.schema.json is not checked: its references may name URLs, and
// rendering never reaches the network.
//
// Origins: File is the template (for a packaged subchart, its .tgz), Doc
// the index of the object among the template's documents, Item -1, Helm
// the chart and release.
func (p *helmPlan) Render(r Root) Result {
	rel := p.byName[r.Name]
	if rel == nil {
		return Result{Errors: []model.RepoError{{File: r.File, Message: fmt.Sprintf("helm: no release %s", r.Name)}}}
	}
	if len(rel.errs) > 0 {
		return Result{Errors: slices.Clone(rel.errs)}
	}
	var res Result
	chartFile := path.Join(rel.Chart, "Chart.yaml")
	fail := func(file string, line int, format string, args ...any) {
		res.Errors = append(res.Errors, model.RepoError{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	what := fmt.Sprintf("helm template of chart %s (release %s/%s)", rel.Chart, rel.Namespace, rel.Release)

	files, err := p.chartFiles(rel.Chart)
	if err != nil {
		fail(chartFile, 0, "%s: %v", what, err)
		return res
	}
	vals := map[string]any{}
	for _, vf := range rel.ValueFiles {
		data, err := p.read(vf)
		if err != nil {
			fail(rel.File, rel.Line, "%s: values file %s: %v", what, vf, err)
			return res
		}
		m, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			fail(vf, yamlErrLine(err.Error()), "%s: values file %s: %v", what, vf, err)
			return res
		}
		vals = loader.MergeMaps(vals, m)
	}
	var defaults map[string]any
	if rel.ReplaceChartValues {
		defaults, vals = vals, map[string]any{}
	}
	for _, layer := range rel.layers {
		vals = loader.MergeMaps(vals, layer)
	}
	if err := applySets(vals, rel.Set, rel.SetString); err != nil {
		fail(rel.File, rel.Line, "%s: values: %v", what, err)
		return res
	}

	l := &loaded{src: map[*common.File]tplSource{}}
	l.chart, err = loadChart(files, rel.Chart, l.src)
	if err != nil {
		fail(chartFile, yamlErrLine(err.Error()), "%s: loading the chart: %v", what, err)
		return res
	}
	c := l.chart
	if rel.ReplaceChartValues {
		// As source-controller's OverwriteChartDefaultValues: it fails
		// on a chart without values.yaml.
		if !slices.ContainsFunc(c.Raw, func(f *common.File) bool { return f.Name == "values.yaml" }) {
			fail(rel.File, rel.Line, "%s: the chart has no values.yaml for its valuesFiles to replace (Flux's source-controller fails to build it)", what)
			return res
		}
		c.Values = defaults
	}
	if c.Metadata.Type == "library" {
		fail(rel.File, rel.Line, "%s: %s is a library chart, which Helm does not install or render; name the chart that uses it", what, rel.Chart)
		return res
	}
	if missing := missingDeps(c); len(missing) > 0 {
		fail(chartFile, p.depLine(chartFile, missing[0]), "%s: dependencies declared in Chart.yaml are not in %s/charts/: %s; run `helm dependency build %s` and commit the result (ingress-drift never downloads charts)",
			what, rel.Chart, strings.Join(missing, ", "), rel.Chart)
		return res
	}
	caps := common.DefaultCapabilities.Copy()
	if p.kubeVersion != nil {
		caps.KubeVersion = *p.kubeVersion
	}
	if kv := c.Metadata.KubeVersion; kv != "" && !v2util.IsCompatibleRange(kv, caps.KubeVersion.String()) {
		fail(chartFile, 0, "%s: chart requires kubeVersion: %s which is incompatible with Kubernetes %s", what, kv, caps.KubeVersion.Version)
		return res
	}
	if err := v2util.ProcessDependencies(c, vals); err != nil {
		fail(chartFile, 0, "%s: chart dependencies processing failed: %v", what, err)
		return res
	}
	top, err := chartutil.ToRenderValuesWithSchemaValidation(c, vals,
		common.ReleaseOptions{Name: rel.Release, Namespace: rel.Namespace, Revision: 1, IsInstall: true}, caps, true)
	if err != nil {
		fail(rel.File, rel.Line, "%s: values: %v", what, err)
		return res
	}
	tpls := l.templates()
	out, err := engine.Engine{}.RenderWithContext(context.Background(), c, top)
	if err != nil {
		file, line, msg := templateError(err.Error(), tpls)
		if file == "" {
			file, line = rel.File, rel.Line
		}
		fail(file, line, "%s: %s", what, msg)
		return res
	}
	p.objects(&res, rel, what, out, tpls, fail)
	return res
}

// objects splits the rendered templates into objects as Helm does (NOTES.txt
// and partials are not objects, empty documents are none), in template
// order then document order.
func (p *helmPlan) objects(res *Result, rel *helmRelease, what string, out map[string]string, tpls map[string]tplSource, fail func(string, int, string, ...any)) {
	names := make([]string, 0, len(out))
	for n := range out {
		if strings.HasSuffix(n, "/NOTES.txt") || strings.HasPrefix(path.Base(n), "_") || strings.TrimSpace(out[n]) == "" {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var children []string
	defer func() {
		if len(children) > 0 {
			fail(rel.File, rel.Line, "%s renders %s: GitOps objects a chart renders are not rendered by ingress-drift, so what they apply is unknown",
				what, strings.Join(children, ", "))
		}
	}()
	for _, n := range names {
		s, ok := tpls[n]
		if !ok {
			s = tplSource{file: path.Join(rel.Chart, "Chart.yaml"), template: n}
		}
		docs := releaseutil.SplitManifests(out[n])
		keys := slices.Collect(maps.Keys(docs))
		sort.Sort(releaseutil.BySplitManifestsOrder(keys))
		for i, k := range keys {
			doc := docs[k]
			j, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				line := 0
				if s.file == s.template {
					line = p.renderedLine(s.file, doc, yamlErrLine(err.Error()))
				}
				fail(s.file, line, "%s: YAML parse error on %s (document %d of its output): %v", what, s.template, i+1, err)
				continue
			}
			if child := gitopsChild(j); child != "" {
				children = append(children, child+" ("+s.template+")")
			}
			j, ok, err := p.keepObject(j, cmp.Or(rel.ObjectNamespace, rel.Namespace))
			if err != nil {
				fail(s.file, 0, "%s: %s (document %d of its output): %v", what, s.template, i+1, err)
			}
			if !ok {
				continue
			}
			res.Objects = append(res.Objects, Object{JSON: j, Origin: model.Origin{
				File: s.file, Doc: i, Item: -1, GitOps: rel.Via,
				Helm: &model.HelmOrigin{Chart: rel.Chart, Release: rel.Release, Namespace: rel.Namespace, Template: s.template,
					ValueFiles: slices.Clone(rel.ValueFiles), InlineValues: slices.Clone(rel.InlineValues),
					ValuesIncomplete: rel.ValuesIncomplete},
			}})
		}
	}
}
