package repo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/render"
)

func TestParseConfig(t *testing.T) {
	cfg, errs := parseConfig([]byte(`# ingress-drift settings
ignore:
  - annotations: ["ingress.kubernetes.io/*"]
    labels: [team]
    reason: set by the controller
  - paths: ["spec.defaultBackend*"]
    namespace: "staging-*"
    name: "*"
roots: [overlays/prod, overlays/staging/]
exclude:
  - "charts/**"
  - "*.tmpl.yaml"
newManifestPath: "apps/{namespace}/{name}.yaml"
`))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errStrings(errs))
	}
	want := Config{
		Ignore: []diffengine.IgnoreRule{
			{Annotations: []string{"ingress.kubernetes.io/*"}, Labels: []string{"team"}, Reason: "set by the controller", Source: ".ingress-drift.yaml:3"},
			{Paths: []string{"spec.defaultBackend*"}, Namespace: "staging-*", Name: "*", Source: ".ingress-drift.yaml:6"},
		},
		Roots:           []string{"overlays/prod", "overlays/staging"},
		Exclude:         []string{"charts/**", "*.tmpl.yaml"},
		NewManifestPath: "apps/{namespace}/{name}.yaml",
	}
	if diff := cmp.Diff(want, cfg, cmpopts.IgnoreUnexported(Config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if got := cfg.NewManifestFile(model.Key{Namespace: "zoo", Name: "shop"}); got != "apps/zoo/shop.yaml" {
		t.Errorf("NewManifestFile = %q", got)
	}
	def, errs := parseConfig(nil)
	if len(errs) > 0 || def.NewManifestFile(model.Key{Namespace: "zoo", Name: "shop"}) != "zoo/shop.yaml" {
		t.Errorf("default config: %+v %v", def, errs)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
		rules    int
	}{
		{"syntax", "ignore:\n  - annotations: [a\n", []string{".ingress-drift.yaml:2: YAML: did not find expected ',' or ']'"}, 0},
		// yaml.v3 names no line for an error on the first line.
		{"syntax on the first line", "]\n", []string{".ingress-drift.yaml:1: YAML: did not find expected node content"}, 0},
		// FuzzParseConfig: YAML counts a lone "\r" as a line break.
		{"lone carriage returns", "ignore:\r  - labels: [team]\r  - anotations: [x]\n", []string{
			`.ingress-drift.yaml:1: ignore: unknown key "anotations" (known: annotations, labels, paths, namespace, name, reason)`}, 1},
		// yaml.Unmarshal read the first document and dropped the rest.
		{"second document", "ignore:\n  - labels: [team]\n---\nexclude: [\"b/**\"]\n", []string{
			".ingress-drift.yaml:3: YAML: more than one YAML document (a second one starts here)"}, 0},
		{"unknown key", "ignore: []\nroot: [a]\n", []string{`.ingress-drift.yaml:2: unknown key "root" (known: ignore, roots, exclude, newManifestPath, helm)`}, 0},
		{"not a mapping", "- a\n", []string{".ingress-drift.yaml:1: expected a mapping with the keys ignore, roots, exclude, newManifestPath, helm"}, 0},
		{"unknown rule key, the other rule stays", "ignore:\n  - labels: [team]\n  - anotations: [x]\n", []string{
			`.ingress-drift.yaml:3: ignore: unknown key "anotations" (known: annotations, labels, paths, namespace, name, reason)`}, 1},
		{"rule ignoring nothing", "ignore:\n  - reason: why\n", []string{".ingress-drift.yaml:2: ignore rule: ignores nothing (give annotations, labels or paths)"}, 0},
		{"bad glob", "ignore:\n  - labels: [\"[a\"]\n", []string{`.ingress-drift.yaml:2: ignore rule: labels "[a": syntax error in pattern`}, 0},
		{"wrong type", "ignore:\n  - labels: {a: b}\n", []string{".ingress-drift.yaml:2: ignore: labels: expected a list of strings"}, 0},
		{"ignore not a list", "ignore: yes\n", []string{".ingress-drift.yaml:1: ignore: expected a list of rules"}, 0},
		{"root leaving the repo", "roots: [../other]\n", []string{`.ingress-drift.yaml:1: roots: "../other" is not a directory inside the repo`}, 0},
		{"bad exclude", "exclude:\n  - ok/**\n  - \"[x\"\n  - ../up\n", []string{
			`.ingress-drift.yaml:3: exclude: "[x": malformed glob: syntax error in pattern`,
			`.ingress-drift.yaml:4: exclude: "../up": must not leave the repo`}, 0},
		{"new manifest path", "newManifestPath: \"{namespace}.yaml\"\n", []string{`.ingress-drift.yaml:1: newManifestPath: "{namespace}.yaml": must contain {name}`}, 0},
		{"new manifest path placeholder", "newManifestPath: \"{ns}/{name}.yaml\"\n", []string{`.ingress-drift.yaml:1: newManifestPath: "{ns}/{name}.yaml": only {namespace} and {name} can be used`}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, errs := parseConfig([]byte(c.in))
			if diff := cmp.Diff(c.want, errStrings(errs)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if len(cfg.Ignore) != c.rules {
				t.Errorf("%d rules kept, want %d", len(cfg.Ignore), c.rules)
			}
		})
	}
}

func TestConfigAppliesToScan(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ConfigFile, "ignore:\n  - labels: [team]\nexclude:\n  - \"charts/**\"\n  - \"*.tmpl.yaml\"\n  - bogus: key\n")
	write(t, dir, "charts/web/templates/ingress.yaml", "name: {{ .Values.name }}\nkind: Ingress\n")
	write(t, dir, "apps/shop.tmpl.yaml", "name: {{ .x }}\nkind: Ingress\n")
	write(t, dir, "apps/shop.yaml", ingressYAML("", "shop", "shop.example.com"))
	r, s := scan(t, Options{Root: dir})
	if n := names(s.docs()); len(n) != 1 || n[0] != "shop" {
		t.Errorf("documents = %v", n)
	}
	if len(s.rules) != 1 || s.rules[0].Source != ".ingress-drift.yaml:2" || s.rules[0].Labels[0] != "team" {
		t.Errorf("ignore rules = %+v", s.rules)
	}
	cfg, _ := s.source(ConfigFile)
	if diff := cmp.Diff([]string{".ingress-drift.yaml:6: exclude: expected a non-empty string"}, errStrings(cfg.errs)); diff != "" {
		t.Errorf("config errors (-want +got):\n%s", diff)
	}
	if got := r.Config().Exclude; len(got) != 2 {
		t.Errorf("Config().Exclude = %v", got)
	}
}

// The helm: section: each entry a release with its line, defaults filled
// (the release is the chart's base name; the namespace is the repo's
// default, filled when rendering), and every mistake an error at its line
// that drops only its entry.
func TestParseConfigHelm(t *testing.T) {
	cfg, errs := parseConfig([]byte(`helm:
  - chart: charts/web
    release: shop
    namespace: web
    values: [envs/prod/web.yaml, ./envs/prod/extra.yaml]
  - chart: charts/api/
  - chart: ../outside
  - release: nochart
  - chart: charts/x
    value: [a.yaml]
  - chart: charts/y
    values: {a: b}
  - chart: [a]
  - charts/z
  - chart: charts/w
    values: [../up.yaml]
    namespace: ""
`))
	want := []render.HelmRelease{
		{Chart: "charts/web", Release: "shop", Namespace: "web", ValueFiles: []string{"envs/prod/web.yaml", "envs/prod/extra.yaml"}, File: ConfigFile, Line: 2},
		{Chart: "charts/api", Release: "api", File: ConfigFile, Line: 6},
	}
	if diff := cmp.Diff(want, cfg.Helm); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`.ingress-drift.yaml:7: helm: chart: "../outside" is not inside the repo`,
		`.ingress-drift.yaml:8: helm: chart: the chart directory is required`,
		`.ingress-drift.yaml:10: helm: unknown key "value" (known: chart, release, namespace, values)`,
		`.ingress-drift.yaml:12: helm: values: expected a list of strings`,
		`.ingress-drift.yaml:13: helm: chart: expected a non-empty string`,
		`.ingress-drift.yaml:14: helm: expected a chart to render (a mapping with chart, release, namespace, values)`,
		`.ingress-drift.yaml:16: helm: values: "../up.yaml" is not inside the repo`,
		`.ingress-drift.yaml:17: helm: namespace: expected a non-empty string`,
	}
	if diff := cmp.Diff(wantErrs, errStrings(errs)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	_, errs = parseConfig([]byte("helm: charts/web\n"))
	if diff := cmp.Diff([]string{".ingress-drift.yaml:1: helm: expected a list of charts to render (chart, release, namespace, values)"}, errStrings(errs)); diff != "" {
		t.Errorf("helm not a list (-want +got):\n%s", diff)
	}
	other, _ := parseConfig([]byte("helm:\n  - chart: charts/web\n    release: shop\n    namespace: web\n    values: [envs/prod/web.yaml, ./envs/prod/extra.yaml]\n  - chart: charts/api/\n"))
	if !cfg.equalLayout(other) {
		t.Error("equalLayout: the same releases differ")
	}
	other.Helm[1].Line++
	if cfg.equalLayout(other) {
		t.Error("equalLayout: a release moved to another line is the same layout (its errors name the line)")
	}
}
