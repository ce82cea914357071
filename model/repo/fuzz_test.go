package repo

import (
	"bytes"
	"fmt"
	"path"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/pathx"
)

// FuzzParseConfig reads arbitrary bytes as .ingress-drift.yaml.
//
// Properties: no panic; the same bytes give the same config and errors;
// every error names the config file and a line inside it; what is kept
// is valid (rules pass diffengine.ValidateIgnoreRule and name their line,
// roots stay inside the repo, excludes and newManifestPath pass their
// checks); and nothing is dropped silently: a second document is an
// error, not ignored.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"",
		"# only a comment\n",
		"ignore:\n  - annotations: [\"ingress.kubernetes.io/*\"]\n    labels: [team]\n    reason: set by the controller\n  - paths: [\"spec.defaultBackend*\"]\n    namespace: \"staging-*\"\n    name: \"*\"\nroots: [overlays/prod, overlays/staging/]\nexclude:\n  - \"charts/**\"\n  - \"*.tmpl.yaml\"\nnewManifestPath: \"apps/{namespace}/{name}.yaml\"\n",
		"{ignore: [{labels: [team]}], roots: [a], exclude: \"x/**\", newManifestPath: \"{namespace}/{name}.yml\"}\n",
		"ignore:\n  - annotations: [a\n",
		"ignore: []\nroot: [a]\n",
		"- a\n",
		"ignore:\n  - labels: [team]\n  - anotations: [x]\n",
		"ignore:\n  - reason: why\n",
		"ignore:\n  - labels: [\"[a\"]\n",
		"ignore:\n  - labels: {a: b}\n  - name: &n x\n    labels: [*n]\n",
		"ignore: yes\nroots: ~\nexclude: [\"\", null, 1]\n",
		"roots: [../other, /abs, a/../.., ./x/]\n",
		"exclude:\n  - ok/**\n  - \"[x\"\n  - ../up\n  - \"!/keep\"\n",
		"newManifestPath: \"{namespace}.yaml\"\n",
		"newManifestPath: \"{ns}/{name}.yaml\"\nnewManifestPath: \"{name}.json\"\n",
		"ignore:\r\n  - labels: [team]\r\n",
		"roots: [a]\n---\nexclude: [\"b/**\"]\n",
		"helm:\n  - chart: charts/web\n    release: web\n    namespace: web\n    values: [envs/prod/web.yaml, ../x]\n  - {chart: ../up}\n  - release: r\n  - [a]\nhelm: ~\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, errs := parseConfig(data)
		cfg2, errs2 := parseConfig(data)
		if !reflect.DeepEqual(cfg, cfg2) || !reflect.DeepEqual(errs, errs2) {
			t.Fatalf("two parses differ:\n%+v %v\n%+v %v", cfg, errStrings(errs), cfg2, errStrings(errs2))
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, e := range errs {
			if e.File != ConfigFile || e.Line < 1 || e.Line > lines {
				t.Fatalf("error %q at %s:%d (the file has %d lines)", e.Message, e.File, e.Line, lines)
			}
		}
		for _, r := range cfg.Ignore {
			var l int
			if _, err := fmt.Sscanf(r.Source, ConfigFile+":%d", &l); err != nil || l < 1 || l > lines {
				t.Fatalf("rule source %q (the file has %d lines)", r.Source, lines)
			}
			if err := diffengine.ValidateIgnoreRule(r); err != nil {
				t.Fatalf("invalid rule kept: %v", err)
			}
		}
		for _, dir := range cfg.Roots {
			if dir != path.Clean(dir) || path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") || cfg.rootLines[dir] < 1 {
				t.Fatalf("root %q kept (line %d)", dir, cfg.rootLines[dir])
			}
		}
		for _, h := range cfg.Helm {
			if h.File != ConfigFile || h.Line < 1 || h.Line > lines || h.Chart == "" || h.Chart != path.Clean(h.Chart) || pathx.Outside(h.Chart) || h.Release == "" {
				t.Fatalf("helm release %+v kept (the file has %d lines)", h, lines)
			}
			for _, v := range h.ValueFiles {
				if v != path.Clean(v) || pathx.Outside(v) {
					t.Fatalf("helm value file %q kept", v)
				}
			}
		}
		for _, p := range cfg.Exclude {
			if err := checkExclude(p); err != nil {
				t.Fatalf("exclude %q kept: %v", p, err)
			}
		}
		if cfg.NewManifestPath != DefaultNewManifestPath {
			if err := checkNewManifestPath(cfg.NewManifestPath); err != nil {
				t.Fatalf("newManifestPath %q kept: %v", cfg.NewManifestPath, err)
			}
		}
		var first yaml.Node
		if yaml.Unmarshal(data, &first) != nil || first.Kind == 0 {
			return // no document (or not YAML): "---" below opens the first
		}
		if _, errs := parseConfig(append(bytes.Clone(data), "\n---\nroots: [second]\n"...)); len(errs) == 0 {
			t.Fatalf("a second document is ignored without an error")
		}
	})
}
