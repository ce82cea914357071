package render

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"go.yaml.in/yaml/v3"
)

// fluxSourceRef names the source of a Flux object; only a GitRepository
// is taken for this repo (its URL cannot be mapped to this checkout).
type fluxSourceRef struct {
	Kind      string `yaml:"kind"`
	Name      string `yaml:"name"`
	Namespace string `yaml:"namespace"`
}

// fluxKustomization is what a Flux Kustomization says about what it
// renders.
type fluxKustomization struct {
	Spec struct {
		Path            string        `yaml:"path"`
		SourceRef       fluxSourceRef `yaml:"sourceRef"`
		TargetNamespace string        `yaml:"targetNamespace"`
		Suspend         bool          `yaml:"suspend"`
		NamePrefix      string        `yaml:"namePrefix"`
		NameSuffix      string        `yaml:"nameSuffix"`
		Components      []string      `yaml:"components"`
		PostBuild       yaml.Node     `yaml:"postBuild"`
		CommonMetadata  yaml.Node     `yaml:"commonMetadata"`
		Patches         []struct {
			Target *struct {
				Kind string `yaml:"kind"`
			} `yaml:"target"`
		} `yaml:"patches"`
	} `yaml:"spec"`
}

// planFluxKustomization reads what a Flux Kustomization renders:
// spec.path of its GitRepository (this repo), as a kustomize root when it
// has a kustomization file, else as kustomize-controller generates one
// (every .yaml/.yml file below it, a subdirectory with its own
// kustomization as a base, not descended), with targetNamespace as the
// namespace of every namespaced object. kustomize-controller corrects
// drift on every reconcile: self-heal unless suspended.
func planFluxKustomization(t Files, facts *listingFacts, o *gitopsObject) *request {
	r := &request{obj: o}
	var k fluxKustomization
	if err := o.decode(&k); err != nil {
		r.errs = append(r.errs, *err)
		return r
	}
	s := k.Spec
	r.via = o.via(model.ControllerFlux, !s.Suspend)
	r.via.Suspended = s.Suspend
	if s.SourceRef.Kind != "GitRepository" {
		r.notRendered("spec.sourceRef is a %s (%s): not rendered, only a GitRepository is taken for this repo", cmp.Or(s.SourceRef.Kind, "missing kind"), s.SourceRef.Name)
		return r
	}
	switch {
	case s.PostBuild.Kind != 0:
		r.fail(false, "spec.postBuild substitutions are not applied by ingress-drift: the objects would differ from what Flux applies, so it is not rendered")
		return r
	case s.NamePrefix != "" || s.NameSuffix != "":
		r.fail(false, "spec.namePrefix/nameSuffix are not applied by ingress-drift: the names would differ from what Flux applies, so it is not rendered")
		return r
	case len(s.Components) > 0:
		r.fail(false, "spec.components are not applied by ingress-drift: the objects would differ from what Flux applies, so it is not rendered")
		return r
	case nonEmpty(&s.CommonMetadata):
		r.failAt(o.lineAt("spec", "commonMetadata"), false, "spec.commonMetadata is not applied by ingress-drift: the labels and annotations would differ from what Flux applies, so it is not rendered")
		return r
	}
	for _, p := range s.Patches {
		if p.Target == nil || p.Target.Kind == "" || p.Target.Kind == "Ingress" {
			r.fail(false, "spec.patches may patch an Ingress and are not applied by ingress-drift: the objects would differ from what Flux applies, so it is not rendered")
			return r
		}
	}
	dir, problem := repoPath(t, ".", cmp.Or(s.Path, "."))
	if problem == "" {
		if exists, isDir := t.Stat(dir); !exists || !isDir {
			r.missing = append(r.missing, dir)
			problem = fmt.Sprintf("spec.path %s is not a directory in the repo (its GitRepository %s is taken for this repo)", s.Path, s.SourceRef.Name)
		}
	}
	if problem != "" {
		r.fail(false, "%s", problem)
		return r
	}
	r.paths = append(r.paths, dir)
	if facts.kusts[dir] {
		r.kust = append(r.kust, kustomizeRequest{dir: dir, namespace: s.TargetNamespace, via: r.via, needNS: true})
		return r
	}
	src := dirSource{dir: dir, recurse: true, exts: []string{".yaml", ".yml"}, namespace: s.TargetNamespace, needNS: true}
	for d := range facts.kusts {
		if d != dir && pathx.Under(d, dir) {
			src.skip = append(src.skip, d)
		}
	}
	slices.Sort(src.skip)
	for _, d := range src.skip {
		if !slices.ContainsFunc(src.skip, func(o string) bool { return o != d && pathx.Under(d, o) }) {
			r.kust = append(r.kust, kustomizeRequest{dir: d, namespace: s.TargetNamespace, via: r.via, needNS: true})
		}
	}
	for _, f := range facts.files {
		if src.matches(f) {
			src.files = append(src.files, f)
		}
	}
	r.dirs = append(r.dirs, src)
	return r
}

// fluxHelmRelease is what a Flux HelmRelease says about what it renders.
type fluxHelmRelease struct {
	Spec struct {
		ReleaseName     string `yaml:"releaseName"`
		TargetNamespace string `yaml:"targetNamespace"`
		Suspend         bool   `yaml:"suspend"`
		Chart           *struct {
			Spec struct {
				Chart                    string        `yaml:"chart"`
				SourceRef                fluxSourceRef `yaml:"sourceRef"`
				ValuesFiles              []string      `yaml:"valuesFiles"`
				ValuesFile               string        `yaml:"valuesFile"`
				IgnoreMissingValuesFiles bool          `yaml:"ignoreMissingValuesFiles"`
			} `yaml:"spec"`
		} `yaml:"chart"`
		ChartRef   *fluxSourceRef `yaml:"chartRef"`
		Values     yaml.Node      `yaml:"values"`
		ValuesFrom []struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"valuesFrom"`
		DriftDetection *struct {
			Mode string `yaml:"mode"`
		} `yaml:"driftDetection"`
		PostRenderers yaml.Node `yaml:"postRenderers"`
	} `yaml:"spec"`
}

// planFluxHelm reads the release a Flux HelmRelease renders: a chart
// directory of its GitRepository (this repo), valuesFiles (relative to the
// repo root, the source's root: ignoreMissingValuesFiles skips missing
// ones) then values; valuesFrom is never read (a Secret never is):
// the values are then incomplete. helm-controller corrects drift only
// with driftDetection.mode enabled (warn reports it by an event), and
// only while not suspended.
func planFluxHelm(t Files, facts *listingFacts, o *gitopsObject) *request {
	r := &request{obj: o}
	var h fluxHelmRelease
	if err := o.decode(&h); err != nil {
		r.errs = append(r.errs, *err)
		return r
	}
	if r.unnamed() {
		return r
	}
	s := h.Spec
	mode := ""
	if d := s.DriftDetection; d != nil && (d.Mode == "enabled" || d.Mode == "warn") {
		mode = d.Mode
	}
	r.via = o.via(model.ControllerFlux, mode == "enabled" && !s.Suspend)
	r.via.DriftDetection = mode
	r.via.Suspended = s.Suspend
	if s.ChartRef != nil {
		r.notRendered("spec.chartRef (%s %s) is not rendered: only a chart in a GitRepository is taken for this repo", s.ChartRef.Kind, s.ChartRef.Name)
		return r
	}
	if s.Chart == nil {
		r.fail(false, "spec.chart is missing: what it renders is unknown")
		return r
	}
	c := s.Chart.Spec
	if c.SourceRef.Kind != "GitRepository" {
		r.notRendered("chart %s from a %s (%s) is not rendered (that would fetch it; ingress-drift never reaches the network)", c.Chart, cmp.Or(c.SourceRef.Kind, "source of no kind"), c.SourceRef.Name)
		return r
	}
	dir, problem := repoPath(t, ".", c.Chart)
	if problem == "" && !facts.charts[dir] {
		r.missing = append(r.missing, path.Join(dir, "Chart.yaml"))
		problem = fmt.Sprintf("spec.chart.spec.chart %s is not a chart directory in the repo (no Chart.yaml; its GitRepository %s is taken for this repo)", c.Chart, c.SourceRef.Name)
	}
	if problem != "" {
		r.fail(false, "%s", problem)
		return r
	}
	r.paths = append(r.paths, dir)
	if nonEmpty(&s.PostRenderers) {
		r.named = append(r.named, dir)
		r.failAt(o.lineAt("spec", "postRenderers"), false, "spec.postRenderers are not applied by ingress-drift: the objects would differ from what Flux applies, so it is not rendered")
		return r
	}
	ns := cmp.Or(s.TargetNamespace, o.ns)
	rel := HelmRelease{Chart: dir, Release: fluxReleaseName(s.ReleaseName, s.TargetNamespace, o.name), Namespace: ns,
		Via: r.via, File: o.file, Line: o.line}
	files := c.ValuesFiles
	if c.ValuesFile != "" {
		files = append([]string{c.ValuesFile}, files...)
	}
	for _, vf := range files {
		f, problem := repoPath(t, ".", vf)
		if problem == "" {
			if exists, isDir := t.Stat(f); !exists || isDir {
				r.missing = append(r.missing, f)
				if c.IgnoreMissingValuesFiles {
					continue
				}
				problem = fmt.Sprintf("valuesFiles: %s does not exist in the repo", vf)
			}
		}
		if problem != "" {
			r.fail(false, "%s", problem)
			return r
		}
		rel.ValueFiles = append(rel.ValueFiles, f)
	}
	// source-controller makes the listed files the chart's values (even
	// when all were missing and skipped): the chart's own values.yaml
	// applies only when listed.
	rel.ReplaceChartValues = len(files) > 0
	if v, _, err := controllerValues(&s.Values, o.shift); err != nil {
		r.fail(false, "spec.values: %v", err)
		return r
	} else if len(v) > 0 {
		rel.Values = append(rel.Values, v)
		rel.InlineValues = append(rel.InlineValues, o.fieldAt("spec", "values"))
	}
	if len(s.ValuesFrom) > 0 {
		var from []string
		for _, v := range s.ValuesFrom {
			from = append(from, v.Kind+"/"+v.Name)
		}
		rel.ValuesIncomplete = fmt.Sprintf("valuesFrom %s is not read (ingress-drift never reads Secrets, nor ConfigMaps from the cluster)", strings.Join(from, ", "))
		r.fail(true, "values are incomplete: %s; what the chart renders from them may differ", rel.ValuesIncomplete)
	}
	r.helm = append(r.helm, rel)
	return r
}

// fluxReleaseName is helm-controller's release name: spec.releaseName,
// else [<targetNamespace>-]<name>, shortened to Helm's 53 characters with
// a hash as helm-controller does.
func fluxReleaseName(releaseName, targetNS, name string) string {
	if releaseName != "" {
		return releaseName
	}
	if targetNS != "" {
		name = targetNS + "-" + name
	}
	if len(name) <= 53 {
		return name
	}
	return name[:40] + "-" + fmt.Sprintf("%x", sha256.Sum256([]byte(name)))[:12]
}

// nonEmpty reports whether a field holds something (not absent, null, []
// or {}).
func nonEmpty(n *yaml.Node) bool {
	return len(n.Content) > 0 || n.Kind == yaml.ScalarNode && n.Tag != "!!null"
}
