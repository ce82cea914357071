package repo

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/model"
)

// helmChartRepo writes a repo with a chart the config renders twice (prod
// with a value file, staging in the default namespace), a chart nothing
// renders, and the config.
func helmChartRepo(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, ConfigFile, `helm:
  - chart: charts/web
    namespace: prod
    values: [envs/prod/web.yaml]
  - chart: charts/web
    release: staging
`)
	write(t, dir, "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
	write(t, dir, "charts/web/values.yaml", "host: web.example.com\nclass: \"\"\n")
	write(t, dir, "charts/web/templates/_helpers.tpl", `{{- define "web.name" -}}{{ .Release.Name }}{{- end }}`+"\n")
	write(t, dir, "charts/web/templates/ingress.yaml", `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "web.name" . }}
spec:
  {{- with .Values.class }}
  ingressClassName: {{ . }}
  {{- end }}
  rules:
    - host: {{ .Values.host }}
`)
	write(t, dir, "envs/prod/web.yaml", "host: shop.example.com\nclass: nginx\n")
	write(t, dir, "charts/orphan/Chart.yaml", "apiVersion: v2\nname: orphan\nversion: 0.1.0\n")
	write(t, dir, "charts/orphan/templates/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n")
	return dir
}

// A scan renders the config's releases: their Ingresses are reported with
// the template and release they came from, a chart nothing renders is one
// notice (and no error), and templates are never read as manifests; the
// same from a commit (--rev).
func TestHelmChartsInAScan(t *testing.T) {
	dir := helmChartRepo(t)
	repo := gitRepoAt(t, dir)
	commit(t, repo, "charts", "Alice", 0, ConfigFile, "charts", "envs")
	for _, rev := range []string{"", "HEAD"} {
		_, s := scan(t, Options{Root: dir, Rev: rev, DefaultNamespace: "fallback"})
		if diff := cmp.Diff([]string{ConfigFile, "helm:fallback/staging", "helm:prod/web"}, sourceNames(s)); diff != "" {
			t.Errorf("rev %q: sources (-want +got):\n%s", rev, diff)
		}
		var got []string
		for _, d := range s.docs() {
			got = append(got, d.Key().String())
		}
		sort.Strings(got)
		if diff := cmp.Diff([]string{"fallback/staging", "prod/web"}, got); diff != "" {
			t.Errorf("rev %q: rendered (-want +got):\n%s", rev, diff)
		}
		prod := s.find(t, "web")
		want := model.Origin{File: "charts/web/templates/ingress.yaml", Item: -1, Helm: &model.HelmOrigin{Chart: "charts/web", Release: "web",
			Namespace: "prod", Template: "charts/web/templates/ingress.yaml", ValueFiles: []string{"envs/prod/web.yaml"}}}
		if diff := cmp.Diff(want, prod.Origin); diff != "" {
			t.Errorf("rev %q: origin (-want +got):\n%s", rev, diff)
		}
		if c := prod.Ingress.Spec.IngressClassName; c == nil || *c != "nginx" || prod.Ingress.Spec.Rules[0].Host != "shop.example.com" {
			t.Errorf("rev %q: the value file is not applied: %+v", rev, prod.Ingress.Spec)
		}
		errs := s.errs()
		if len(errs) != 1 || !errs[0].Notice || errs[0].File != "charts/orphan/Chart.yaml" || errs[0].Line != 1 {
			t.Errorf("rev %q: errors %v; want one notice about charts/orphan", rev, errStrings(errs))
		}
		if cfg, _ := s.source(ConfigFile); len(cfg.errs) != 1 || !cfg.errs[0].Notice {
			t.Errorf("rev %q: the notice is not the config source's: %v", rev, errStrings(cfg.errs))
		}
	}
}

// A release naming a chart that is not there, or a value file that is
// not, is an error at its config entry, and stops only that release.
func TestHelmReleaseErrorsAtTheirEntry(t *testing.T) {
	dir := helmChartRepo(t)
	write(t, dir, ConfigFile, `helm:
  - chart: charts/web
    namespace: prod
    values: [envs/prod/web.yaml]
  - chart: charts/gone
  - chart: charts/web
    release: typo
    values: [envs/prod/wbe.yaml]
  - chart: charts/orphan
`)
	_, s := scan(t, Options{Root: dir})
	want := map[string]string{
		"helm:default/gone": ".ingress-drift.yaml:5: helm release default/gone: chart: charts/gone is not a directory in the repo",
		"helm:default/typo": ".ingress-drift.yaml:6: helm release default/typo: values: envs/prod/wbe.yaml does not exist",
	}
	for src, w := range want {
		if diff := cmp.Diff([]string{w}, sourceErrs(t, s, src)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", src, diff)
		}
	}
	if diff := cmp.Diff([]string{"orphan", "web"}, names(s.docs())); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
	if cfg, ok := s.source(ConfigFile); ok {
		t.Errorf("config errors %v; every chart is named", errStrings(cfg.errs))
	}
}

// The watch renders a release again when a value file or a template of its
// chart changes, and plans again when a value file it missed appears.
func TestHelmWatch(t *testing.T) {
	dir := helmChartRepo(t)
	write(t, dir, ConfigFile, "helm:\n  - chart: charts/web\n    namespace: prod\n    values: [envs/prod/web.yaml]\n"+
		"  - chart: charts/web\n    release: late\n    values: [envs/late.yaml]\n  - chart: charts/orphan\n")
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	if h := hostOf(s, "helm:prod/web"); h != "shop.example.com" {
		t.Fatalf("host %q", h)
	}
	write(t, dir, "envs/prod/web.yaml", "host: v2.example.com\n")
	waitFor(t, "the value file's new host", func() bool { return hostOf(s, "helm:prod/web") == "v2.example.com" })

	write(t, dir, "charts/web/templates/_helpers.tpl", `{{- define "web.name" -}}{{ .Release.Name }}-v2{{- end }}`+"\n")
	waitFor(t, "the helper's new name", func() bool {
		src, _ := s.source("helm:prod/web")
		return len(src.docs) == 1 && src.docs[0].Ingress.Name == "web-v2"
	})

	if src, _ := s.source("helm:default/late"); len(src.errs) != 1 || !strings.Contains(src.errs[0].Message, "envs/late.yaml does not exist") {
		t.Fatalf("late: %v", errStrings(src.errs))
	}
	write(t, dir, "envs/late.yaml", "host: late.example.com\n")
	waitFor(t, "the release whose value file appeared", func() bool { return hostOf(s, "helm:default/late") == "late.example.com" })
}
