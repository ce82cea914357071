package repo

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// ConfigFile is the repo's own configuration, at the repo root (--repo).
const ConfigFile = ".ingress-drift.yaml"

// DefaultNewManifestPath is where `accept` writes a manifest for an object
// that exists only in the cluster, unless the config says otherwise.
const DefaultNewManifestPath = "{namespace}/{name}.yaml"

// Config is the parsed .ingress-drift.yaml:
//
//	ignore:                        # ignore rules (diffengine.IgnoreRule)
//	  - annotations: ["ingress.kubernetes.io/*"]
//	    labels: ["team"]
//	    paths: ["spec.defaultBackend*"]
//	    namespace: "staging-*"     # optional selector globs
//	    name: "*"
//	    reason: "set by the controller"
//	roots: [overlays/prod]         # kustomize roots to render (replaces auto-detection)
//	exclude: ["charts/**", "*.tmpl.yaml"]   # never read
//	newManifestPath: "{namespace}/{name}.yaml"
//	helm:                          # charts in the repo to render, one release each
//	  - chart: charts/web          # required: a chart directory in the repo
//	    release: web               # default: the chart directory's base name
//	    namespace: web             # default: --default-namespace
//	    values: [envs/prod/web.yaml]   # value files, applied in order after the chart's
//
// Unknown keys and malformed values are errors with the file's line; the
// rest of the file still applies.
type Config struct {
	// Ignore are the ignore rules; each rule's Source is
	// ".ingress-drift.yaml:<line>".
	Ignore []diffengine.IgnoreRule
	// Roots are kustomize root directories, slash-separated and relative
	// to the repo root. When set, only these are rendered.
	Roots []string
	// Exclude are paths never read, in .gitignore syntax relative to the
	// repo root: a pattern without a slash matches a name at any depth
	// ("*.tmpl.yaml"), one with a slash is anchored at the root
	// ("charts/**"), "**" matches any number of directories, a trailing
	// "/" matches directories only.
	Exclude []string
	// NewManifestPath is the path pattern of new manifests, relative to the
	// repo root, with {namespace} and {name} placeholders.
	NewManifestPath string
	// Helm are the releases of charts in the repo to render, in the
	// config's order; File and Line are the entry's. Namespace is "" when
	// the entry sets none (the repo's default namespace applies).
	Helm []render.HelmRelease

	rootLines map[string]int
}

// NewManifestFile returns the repo-relative path where a manifest for k is
// written by `accept` of a missing-git object.
func (c Config) NewManifestFile(k model.Key) string {
	p := c.NewManifestPath
	if p == "" {
		p = DefaultNewManifestPath
	}
	return strings.NewReplacer("{namespace}", k.Namespace, "{name}", k.Name).Replace(p)
}

func (c Config) equalLayout(o Config) bool {
	return slices.Equal(c.Roots, o.Roots) && slices.Equal(c.Exclude, o.Exclude) && reflect.DeepEqual(c.Helm, o.Helm)
}

// parseConfig parses the config file. Problems are returned as RepoErrors
// (file and line) and leave the offending part out.
func parseConfig(data []byte) (Config, []model.RepoError) {
	cfg := Config{NewManifestPath: DefaultNewManifestPath, rootLines: map[string]int{}}
	var errs []model.RepoError
	// YAML counts a lone "\r" as a line break, the file's lines do not,
	// and yaml.v3 names no line for an error on the first one: lines
	// are kept inside the file.
	last := manifest.LastLine(data)
	at := func(line int) int { return min(max(line, 1), last) }
	fail := func(line int, format string, args ...any) {
		errs = append(errs, model.RepoError{File: ConfigFile, Line: at(line), Message: fmt.Sprintf(format, args...)})
	}
	// One document, by the rule manifests follow: yaml.Unmarshal would
	// read the first and drop a second one without a word.
	doc, err := yamledit.ParseDocument(data)
	if errors.Is(err, yamledit.ErrNoDocument) {
		return cfg, nil // empty file
	}
	if err != nil {
		line, msg := manifest.YAMLErrorLine(data, err)
		fail(line, "YAML: %s", msg)
		return cfg, errs
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		fail(top.Line, "expected a mapping with the keys ignore, roots, exclude, newManifestPath, helm")
		return cfg, errs
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "ignore":
			cfg.Ignore = entries(v, "ignore: expected a list of rules", at, fail, parseRule)
		case "roots":
			for _, s := range stringList(v, "roots", fail) {
				dir := path.Clean(s.Value)
				if pathx.Outside(dir) {
					fail(s.Line, "roots: %q is not a directory inside the repo", s.Value)
					continue
				}
				cfg.Roots = append(cfg.Roots, dir)
				cfg.rootLines[dir] = at(s.Line)
			}
		case "exclude":
			for _, s := range stringList(v, "exclude", fail) {
				if err := checkExclude(s.Value); err != nil {
					fail(s.Line, "exclude: %q: %v", s.Value, err)
					continue
				}
				cfg.Exclude = append(cfg.Exclude, s.Value)
			}
		case "newManifestPath":
			if v.Kind != yaml.ScalarNode || isNull(v) {
				fail(v.Line, "newManifestPath: expected a path pattern such as %q", DefaultNewManifestPath)
				continue
			}
			if err := checkNewManifestPath(v.Value); err != nil {
				fail(v.Line, "newManifestPath: %q: %v", v.Value, err)
				continue
			}
			cfg.NewManifestPath = v.Value
		case "helm":
			cfg.Helm = entries(v, "helm: expected a list of charts to render (chart, release, namespace, values)", at, fail, parseHelmEntry)
		default:
			fail(k.Line, "unknown key %q (known: ignore, roots, exclude, newManifestPath, helm)", k.Value)
		}
	}
	return cfg, errs
}

// entries reads a list of entries with parse (given each entry's line),
// keeping those it accepts; anything but a list (or nothing) is the error
// notList.
func entries[T any](v *yaml.Node, notList string, at func(int) int, fail func(int, string, ...any),
	parse func(*yaml.Node, int, func(int, string, ...any)) (T, bool)) []T {
	if v.Kind != yaml.SequenceNode {
		if !isNull(v) {
			fail(v.Line, "%s", notList)
		}
		return nil
	}
	var out []T
	for _, n := range v.Content {
		if e, ok := parse(n, at(n.Line), fail); ok {
			out = append(out, e)
		}
	}
	return out
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// stringList reads a list of strings (a single string is accepted too).
func stringList(v *yaml.Node, key string, fail func(int, string, ...any)) []*yaml.Node {
	switch {
	case isNull(v):
		return nil
	case v.Kind == yaml.ScalarNode:
		return []*yaml.Node{v}
	case v.Kind != yaml.SequenceNode:
		fail(v.Line, "%s: expected a list of strings", key)
		return nil
	}
	var out []*yaml.Node
	for _, s := range v.Content {
		if _, ok := scalar(s, key, true, fail); ok {
			out = append(out, s)
		}
	}
	return out
}

// scalar returns v's string, telling fail at v's line when it is none (a
// mapping, a list or null; with nonEmpty, "" too).
func scalar(v *yaml.Node, what string, nonEmpty bool, fail func(int, string, ...any)) (string, bool) {
	if v.Kind == yaml.ScalarNode && !isNull(v) && (!nonEmpty || v.Value != "") {
		return v.Value, true
	}
	want := "a string"
	if nonEmpty {
		want = "a non-empty string"
	}
	fail(v.Line, "%s: expected %s", what, want)
	return "", false
}

// failing wraps fail so that it also clears *ok: a parser that reports
// every problem of an entry, then says whether there was one.
func failing(ok *bool, fail func(int, string, ...any)) func(int, string, ...any) {
	return func(l int, f string, a ...any) { *ok = false; fail(l, f, a...) }
}

// parseRule reads one ignore rule and validates it with diffengine.
// line is the rule's line in the file.
func parseRule(n *yaml.Node, line int, fail func(int, string, ...any)) (diffengine.IgnoreRule, bool) {
	r := diffengine.IgnoreRule{Source: fmt.Sprintf("%s:%d", ConfigFile, line)}
	if n.Kind != yaml.MappingNode {
		fail(n.Line, "ignore: expected a rule (a mapping with annotations, labels, paths, namespace, name, reason)")
		return r, false
	}
	ok := true
	fail = failing(&ok, fail)
	strs := func(v *yaml.Node, key string) []string {
		var out []string
		for _, s := range stringList(v, "ignore: "+key, fail) {
			out = append(out, s.Value)
		}
		return out
	}
	str := func(v *yaml.Node, key string) string {
		s, _ := scalar(v, "ignore: "+key, false, fail)
		return s
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "annotations":
			r.Annotations = strs(v, k.Value)
		case "labels":
			r.Labels = strs(v, k.Value)
		case "paths":
			r.Paths = strs(v, k.Value)
		case "namespace":
			r.Namespace = str(v, k.Value)
		case "name":
			r.Name = str(v, k.Value)
		case "reason":
			r.Reason = str(v, k.Value)
		default:
			fail(k.Line, "ignore: unknown key %q (known: annotations, labels, paths, namespace, name, reason)", k.Value)
		}
	}
	if !ok {
		return r, false
	}
	if err := diffengine.ValidateIgnoreRule(r); err != nil {
		fail(n.Line, "%v", err)
		return r, false
	}
	return r, true
}

// parseHelmEntry reads one entry of the helm: section: a release of a
// chart in the repo. line is the entry's line in the file.
func parseHelmEntry(n *yaml.Node, line int, fail func(int, string, ...any)) (render.HelmRelease, bool) {
	hr := render.HelmRelease{File: ConfigFile, Line: line}
	if n.Kind != yaml.MappingNode {
		fail(n.Line, "helm: expected a chart to render (a mapping with chart, release, namespace, values)")
		return hr, false
	}
	ok := true
	fail = failing(&ok, fail)
	inRepo := func(s *yaml.Node, key string) (string, bool) {
		p := path.Clean(s.Value)
		if pathx.Outside(p) {
			fail(s.Line, "helm: %s: %q is not inside the repo", key, s.Value)
			return "", false
		}
		return p, true
	}
	str := func(v *yaml.Node, key string) string {
		s, _ := scalar(v, "helm: "+key, true, fail)
		return s
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "chart":
			if str(v, k.Value) != "" {
				hr.Chart, _ = inRepo(v, k.Value)
			}
		case "release":
			hr.Release = str(v, k.Value)
		case "namespace":
			hr.Namespace = str(v, k.Value)
		case "values":
			for _, s := range stringList(v, "helm: values", fail) {
				if p, in := inRepo(s, k.Value); in {
					hr.ValueFiles = append(hr.ValueFiles, p)
				}
			}
		default:
			fail(k.Line, "helm: unknown key %q (known: chart, release, namespace, values)", k.Value)
		}
	}
	if hr.Chart == "" {
		if ok {
			fail(n.Line, "helm: chart: the chart directory is required")
		}
		return hr, false
	}
	if hr.Release == "" {
		hr.Release = path.Base(hr.Chart)
	}
	return hr, ok
}

// checkExclude rejects patterns that can never match: ones leaving the
// repo, and malformed globs.
func checkExclude(p string) error {
	for _, seg := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/"), "/") {
		if seg == ".." {
			return fmt.Errorf("must not leave the repo")
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("malformed glob: %w", err)
		}
	}
	return nil
}

func checkNewManifestPath(p string) error {
	if !strings.Contains(p, "{name}") {
		return fmt.Errorf("must contain {name}")
	}
	c := path.Clean(p)
	if pathx.Outside(c) {
		return fmt.Errorf("must be relative to the repo root and stay inside it")
	}
	if !manifestExt(c) {
		return fmt.Errorf("must end in .yaml, .yml or .json")
	}
	rest := strings.NewReplacer("{namespace}", "", "{name}", "").Replace(p)
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("only {namespace} and {name} can be used")
	}
	return nil
}

// loadConfig reads the config from the work tree (also with --rev: it says
// how to read the repo, and is what a person edits). Callers hold mu or
// own r.
func (r *Repo) loadConfig() {
	data, err := os.ReadFile(filepath.Join(r.root, ConfigFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.cfg, r.cfgErrs = parseConfig(nil)
	case err != nil:
		r.cfg, _ = parseConfig(nil)
		r.cfgErrs = []model.RepoError{{File: ConfigFile, Message: fmt.Sprintf("cannot read: %v", pathx.UnwrapPathError(err))}}
	default:
		r.cfg, r.cfgErrs = parseConfig(data)
	}
}
