package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/model"
)

// argoApp is what an Argo CD Application says about what it renders.
type argoApp struct {
	Spec struct {
		Source      *argoSource  `yaml:"source"`
		Sources     []argoSource `yaml:"sources"`
		Destination struct {
			Namespace string `yaml:"namespace"`
		} `yaml:"destination"`
		SyncPolicy struct {
			Automated *struct {
				Enabled  *bool `yaml:"enabled"`
				SelfHeal bool  `yaml:"selfHeal"`
			} `yaml:"automated"`
		} `yaml:"syncPolicy"`
	} `yaml:"spec"`
}

type argoSource struct {
	RepoURL   string         `yaml:"repoURL"`
	Path      string         `yaml:"path"`
	Chart     string         `yaml:"chart"`
	Ref       string         `yaml:"ref"`
	Helm      *argoHelm      `yaml:"helm"`
	Kustomize yaml.Node      `yaml:"kustomize"`
	Directory *argoDirectory `yaml:"directory"`
	Plugin    yaml.Node      `yaml:"plugin"`
}

type argoHelm struct {
	ReleaseName             string      `yaml:"releaseName"`
	Namespace               string      `yaml:"namespace"`
	ValueFiles              []string    `yaml:"valueFiles"`
	IgnoreMissingValueFiles bool        `yaml:"ignoreMissingValueFiles"`
	Values                  string      `yaml:"values"`
	ValuesObject            yaml.Node   `yaml:"valuesObject"`
	Parameters              []argoParam `yaml:"parameters"`
	FileParameters          []yaml.Node `yaml:"fileParameters"`
}

type argoDirectory struct {
	Recurse bool      `yaml:"recurse"`
	Include string    `yaml:"include"`
	Exclude string    `yaml:"exclude"`
	Jsonnet yaml.Node `yaml:"jsonnet"`
}

// argoKustomizeApplied are the kustomize options of a source that
// ingress-drift applies or that cannot change an Ingress; any other
// (namePrefix, commonLabels, patches, …) would make the objects differ
// from what Argo CD applies, so the source is not rendered.
var argoKustomizeApplied = []string{"namespace", "version", "images", "replicas", "kubeVersion", "apiVersions"}

// planArgo reads what an Application renders: each of its sources (spec.sources
// replaces spec.source, as in Argo CD) whose path is in this repo, typed
// as Argo CD detects it.
func planArgo(t Files, facts *listingFacts, o *gitopsObject) *request {
	r := &request{obj: o}
	var app argoApp
	if err := o.decode(&app); err != nil {
		r.errs = append(r.errs, *err)
		return r
	}
	if r.unnamed() {
		return r
	}
	a := app.Spec.SyncPolicy.Automated
	r.via = o.via(model.ControllerArgoCD, a != nil && a.SelfHeal && (a.Enabled == nil || *a.Enabled))
	sources := app.Spec.Sources
	if len(sources) == 0 && app.Spec.Source != nil {
		sources = []argoSource{*app.Spec.Source}
	}
	if len(sources) == 0 {
		r.fail(false, "spec.source and spec.sources are both missing: what it renders is unknown")
		return r
	}
	refs := map[string]bool{}
	for _, s := range sources {
		if s.Ref != "" {
			refs[s.Ref] = true
		}
	}
	for i, s := range sources {
		r.argoSource(t, facts, app.Spec.Destination.Namespace, s, i, len(app.Spec.Sources) > 0, refs)
	}
	return r
}

// unnamed reports an object without metadata.name, which the API server
// refuses (nothing applies it, and its release name is unknown), as an
// error at its line.
func (r *request) unnamed() bool {
	if r.obj.name != "" {
		return false
	}
	r.errs = append(r.errs, model.RepoError{File: r.obj.file, Line: r.obj.line,
		Message: r.obj.kind + ": metadata.name is missing (the API server refuses an object without one): what it renders is unknown"})
	return true
}

// argoSource plans one source.
func (r *request) argoSource(t Files, facts *listingFacts, destNS string, s argoSource, i int, fromList bool, refs map[string]bool) {
	what, at := "spec.source", []any{"spec", "source"}
	if fromList {
		what, at = fmt.Sprintf("spec.sources[%d]", i), []any{"spec", "sources", i}
	}
	if s.Chart != "" {
		r.notRendered("%s: chart %s from the Helm repository %s is not rendered (that would fetch it; ingress-drift never reaches the network)", what, s.Chart, s.RepoURL)
		return
	}
	if s.Ref != "" && s.Path == "" {
		return // only values for the other sources ($ref/…)
	}
	if present(&s.Plugin) {
		r.notRendered("%s: a config management plugin is not run: what it renders is not compared", what)
		return
	}
	dir, problem := repoPath(t, ".", cmp.Or(s.Path, "."))
	if problem != "" {
		r.fail(false, "%s: %s", what, problem)
		return
	}
	if exists, isDir := t.Stat(dir); !exists || !isDir {
		r.missing = append(r.missing, dir)
		r.notRendered("%s: path %s is not a directory in this repo: not rendered (the Application may name another repo, %s)", what, s.Path, cmp.Or(s.RepoURL, "no repoURL"))
		return
	}
	r.paths = append(r.paths, dir)
	explicit := 0
	for _, set := range []bool{s.Helm != nil, present(&s.Kustomize), s.Directory != nil} {
		if set {
			explicit++
		}
	}
	if explicit > 1 {
		r.fail(false, "%s: more than one of helm, kustomize and directory is set (Argo CD refuses it)", what)
		return
	}
	switch {
	case s.Helm != nil || !present(&s.Kustomize) && s.Directory == nil && facts.charts[dir] && !facts.kusts[dir]:
		r.argoHelm(t, facts, what, at, dir, destNS, s.Helm, refs)
	case present(&s.Kustomize) || s.Directory == nil && facts.kusts[dir]:
		r.argoKustomize(facts, what, dir, destNS, &s.Kustomize)
	default:
		d := argoDirectory{}
		if s.Directory != nil {
			d = *s.Directory
		}
		src := dirSource{dir: dir, recurse: d.Recurse, exts: []string{".yaml", ".yml", ".json", ".jsonnet"}, defaultNS: destNS}
		var err, xerr error
		src.include, err = argoGlob(d.Include)
		src.exclude, xerr = argoGlob(d.Exclude)
		if err = cmp.Or(err, xerr); err != nil {
			r.fail(false, "%s: directory: %v (Argo CD fails to render it)", what, err)
			return
		}
		for _, f := range facts.files {
			if src.matches(f) {
				if path.Ext(f) == ".jsonnet" {
					r.fail(false, "%s: %s is jsonnet, which is not evaluated: what it renders is not compared", what, f)
					continue
				}
				src.files = append(src.files, f)
			}
		}
		src.exts = src.exts[:3]
		r.dirs = append(r.dirs, src)
	}
}

// argoKustomize plans a kustomize source.
func (r *request) argoKustomize(facts *listingFacts, what, dir, destNS string, k *yaml.Node) {
	if !facts.kusts[dir] {
		r.fail(false, "%s: kustomize is set but %s has no kustomization file", what, dir)
		return
	}
	ns := ""
	if k.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(k.Content); i += 2 {
			key := k.Content[i].Value
			if !slices.Contains(argoKustomizeApplied, key) {
				r.fail(false, "%s: kustomize.%s is not applied by ingress-drift: the objects would differ from what Argo CD applies, so %s is not rendered", what, key, dir)
				return
			}
		}
		ns = scalar(mapValue(k, "namespace"))
	}
	r.kust = append(r.kust, kustomizeRequest{dir: dir, namespace: ns, defaultNS: destNS, via: r.via})
}

// argoHelm plans a Helm source: release name and namespace, and the value
// layers in Argo CD's order (valueFiles, then valuesObject or else
// values, then parameters: each later one wins). at is the source's
// path in the Application, for where its inline values are.
func (r *request) argoHelm(t Files, facts *listingFacts, what string, at []any, dir, destNS string, h *argoHelm, refs map[string]bool) {
	if !facts.charts[dir] {
		r.fail(false, "%s: helm is set but %s has no Chart.yaml", what, dir)
		return
	}
	if h == nil {
		h = &argoHelm{}
	}
	rel := HelmRelease{Chart: dir, Release: cmp.Or(h.ReleaseName, r.obj.name), Namespace: cmp.Or(h.Namespace, destNS),
		Via: r.via, File: r.obj.file, Line: r.obj.line}
	if h.Namespace != "" {
		// helm template --namespace: the objects still go to the
		// destination.
		rel.ObjectNamespace = destNS
	}
	var incomplete []string
	for _, vf := range h.ValueFiles {
		if strings.Contains(vf, "://") {
			incomplete = append(incomplete, fmt.Sprintf("value file %s is not fetched", vf))
			continue
		}
		base, p := dir, vf
		if path.IsAbs(vf) {
			base = "." // Argo CD takes an absolute path from the repo root
		}
		if strings.HasPrefix(vf, "$") {
			ref, rest, _ := strings.Cut(strings.TrimPrefix(vf, "$"), "/")
			if !refs[ref] {
				r.fail(false, "%s: helm.valueFiles: %s names no source with ref: %s", what, vf, ref)
				return
			}
			base, p = ".", rest
		}
		f, problem := repoPath(t, base, p)
		if problem != "" {
			r.fail(false, "%s: helm.valueFiles: %s", what, problem)
			return
		}
		if exists, isDir := t.Stat(f); !exists || isDir {
			r.missing = append(r.missing, f)
			if h.IgnoreMissingValueFiles {
				continue
			}
			r.fail(false, "%s: helm.valueFiles: %s does not exist in this repo (ignoreMissingValueFiles is not set: Argo CD fails to render it)", what, f)
			return
		}
		rel.ValueFiles = append(rel.ValueFiles, f)
	}
	// valuesObject replaces values, it is not merged over it (Argo CD's
	// ApplicationSourceHelm.ValuesYAML).
	if v, set, err := controllerValues(&h.ValuesObject, r.obj.shift); err != nil {
		r.fail(false, "%s: helm.valuesObject: %v", what, err)
		return
	} else if set {
		rel.Values = append(rel.Values, v)
		rel.InlineValues = append(rel.InlineValues, r.obj.fieldAt(slices.Concat(at, []any{"helm", "valuesObject"})...))
	} else if strings.TrimSpace(h.Values) != "" {
		// As Helm reads a values file (Argo CD passes it as one).
		var v map[string]any
		if err := sigsyaml.Unmarshal([]byte(h.Values), &v); err != nil {
			r.fail(false, "%s: helm.values is not a YAML map: %v", what, err)
			return
		}
		rel.Values = append(rel.Values, v)
		rel.InlineValues = append(rel.InlineValues, r.obj.fieldAt(slices.Concat(at, []any{"helm", "values"})...))
	}
	var err error
	if rel.Set, rel.SetString, err = argoSets(h.Parameters); err != nil {
		r.fail(false, "%s: helm.parameters: %v", what, err)
		return
	}
	if len(h.Parameters) > 0 {
		rel.InlineValues = append(rel.InlineValues, r.obj.fieldAt(slices.Concat(at, []any{"helm", "parameters"})...))
	}
	if len(h.FileParameters) > 0 {
		incomplete = append(incomplete, "helm.fileParameters are not read")
	}
	if len(incomplete) > 0 {
		rel.ValuesIncomplete = strings.Join(incomplete, "; ")
		r.fail(true, "%s: values are incomplete: %s", what, rel.ValuesIncomplete)
	}
	r.helm = append(r.helm, rel)
}

// controllerValues decodes inline values (valuesObject, spec.values) as
// the controller reads them: from the object as the API server stores it,
// which is what kubectl sent, YAML converted to JSON by sigs.k8s.io/yaml
// (YAML 1.1: yes is true, a date stays a string, 0o17 is 15), then
// decoded from JSON (numbers float64). set is false for none (absent or
// null). shift makes the node's line one of the file.
func controllerValues(n *yaml.Node, shift int) (v map[string]any, set bool, err error) {
	if !present(n) {
		return nil, false, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, false, fmt.Errorf("line %d: a %s, not a mapping", n.Line+shift, yamlKind(n))
	}
	text, err := yaml.Marshal(unalias(n))
	if err != nil {
		return nil, false, err
	}
	j, err := sigsyaml.YAMLToJSON(text)
	if err == nil {
		err = json.Unmarshal(j, &v)
	}
	if err != nil {
		return nil, false, fmt.Errorf("line %d: %v", n.Line+shift, err)
	}
	return v, true, nil
}

// present reports whether a field is set: there and not null (Argo CD
// decodes null as an absent field).
func present(n *yaml.Node) bool {
	return n.Kind != 0 && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// unalias is n with its aliases replaced by what they name (an anchor
// outside n would not resolve once n is encoded alone).
func unalias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return unalias(n.Alias)
	}
	c := *n
	c.Anchor = ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = unalias(k)
	}
	return &c
}

// yamlKind names a node's kind for a message.
func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	}
	return "scalar"
}

// fieldAt is "file:line" of the key at path in the object (see lineAt),
// for pointing at a field the object sets.
func (o *gitopsObject) fieldAt(path ...any) string {
	return fmt.Sprintf("%s:%d", o.file, o.lineAt(path...))
}
