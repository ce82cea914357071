package repo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/model"
)

// argoApp is an Argo CD Application of a directory.
func argoApp(name, path, destNS string, extra string) string {
	return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ` + name + `
  namespace: argocd
spec:
  destination:
    namespace: ` + destNS + `
  syncPolicy:
    automated:
      selfHeal: true
  source:
    repoURL: https://example.com/repo.git
    path: ` + path + "\n" + extra
}

func fluxKustomization(name, path, targetNS string) string {
	return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ` + name + `
  namespace: flux-system
spec:
  path: ` + path + `
  targetNamespace: ` + targetNS + `
  sourceRef:
    kind: GitRepository
    name: flux-system
`
}

// gitopsFiles is a repo driven by GitOps objects: an app-of-apps
// (root.yaml renders apps/, which holds the Applications), an Argo CD
// directory app, a Flux Kustomization of a kustomize overlay with
// targetNamespace, one of a directory without kustomization, and a plain
// manifest.
func gitopsFiles() map[string]string {
	return map[string]string{
		"root.yaml":                       argoApp("root", "apps", "argocd", ""),
		"apps/extra.yaml":                 ingressYAML("", "extra", "extra.example.com"),
		"apps/web.yaml":                   argoApp("web", "web", "web-prod", "    directory:\n      recurse: true\n"),
		"web/ingress.yaml":                ingressYAML("", "web", "web.example.com"),
		"web/sub/admin.yaml":              ingressYAML("", "admin", "admin.example.com"),
		"clusters/prod/apps.yaml":         fluxKustomization("shop", "./shop/overlay", "shop-prod") + "---\n" + fluxKustomization("gen", "./gen", "gen-ns"),
		"shop/base/kustomization.yaml":    "resources: [ingress.yaml]\n",
		"shop/base/ingress.yaml":          ingressYAML("", "shop", "shop.example.com"),
		"shop/overlay/kustomization.yaml": "resources: [../base]\n",
		"gen/a.yaml":                      ingressYAML("", "gen", "gen.example.com"),
		"plain/app.yaml":                  ingressYAML("apps", "app", "app.example.com"),
	}
}

type keyed struct {
	Key, File, Kust, Via string
	SelfHeal             bool
}

func keyedDocs(s *recSink) []keyed {
	var out []keyed
	for _, d := range s.docs() {
		k := keyed{Key: d.Key().String(), File: d.Origin.File, Kust: d.Origin.Kustomization}
		if g := d.Origin.GitOps; g != nil {
			k.Via, k.SelfHeal = g.Kind+"/"+g.Name, g.SelfHeal
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b keyed) int { return strings.Compare(a.Key+a.Via, b.Key+b.Via) })
	return out
}

func wantGitOpsDocs() []keyed {
	return []keyed{
		{Key: "apps/app", File: "plain/app.yaml"},
		// app-of-apps: the parent renders apps/, its children are found there.
		{Key: "argocd/extra", File: "apps/extra.yaml", Via: "Application/root", SelfHeal: true},
		{Key: "gen-ns/gen", File: "gen/a.yaml", Via: "Kustomization/gen", SelfHeal: true},
		{Key: "shop-prod/shop", File: "shop/overlay/kustomization.yaml", Kust: "shop/overlay", Via: "Kustomization/shop", SelfHeal: true},
		{Key: "web-prod/admin", File: "web/sub/admin.yaml", Via: "Application/web", SelfHeal: true},
		{Key: "web-prod/web", File: "web/ingress.yaml", Via: "Application/web", SelfHeal: true},
	}
}

// A scan reads the repo as its GitOps controllers do: each Ingress once,
// in the namespace the controller gives it, named by the GitOps object.
func TestGitOpsScan(t *testing.T) {
	dir := t.TempDir()
	for rel, c := range gitopsFiles() {
		write(t, dir, rel, c)
	}
	_, s := scan(t, Options{Root: dir})
	if diff := cmp.Diff(wantGitOpsDocs(), keyedDocs(s)); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if errs := s.errs(); len(errs) != 0 {
		t.Errorf("errors: %v", errStrings(errs))
	}
	if _, ok := s.source("kustomize:shop/overlay"); ok {
		t.Error("the claimed overlay is rendered as a root of its own too")
	}
	web := s.find(t, "web")
	data, err := os.ReadFile(filepath.Join(dir, "web/ingress.yaml"))
	must(t, err)
	if web.Origin.Offset != 0 || web.Origin.End != len(data) || web.Ingress.Namespace != "" {
		t.Errorf("a directory source's document: origin %+v, namespace %q (as written)", web.Origin, web.Ingress.Namespace)
	}
}

// A GitOps object's path outside the repo or missing from it is an error
// at its line (blocking missing verdicts); a source in another repo is a
// notice.
func TestGitOpsScanProblems(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "apps/out.yaml", argoApp("out", "../elsewhere", "x", ""))
	write(t, dir, "apps/other.yaml", "# another repo's app\n"+argoApp("other", "not/in/this/repo", "x", ""))
	write(t, dir, "flux.yaml", fluxKustomization("gone", "./gone", "x"))
	_, s := scan(t, Options{Root: dir})
	var got []string
	for _, e := range s.errs() {
		got = append(got, e.Error()+map[bool]string{true: " (notice)"}[e.Notice])
	}
	want := []string{
		"apps/other.yaml:2: Application other: spec.source: path not/in/this/repo is not a directory in this repo: not rendered (the Application may name another repo, https://example.com/repo.git) (notice)",
		"apps/out.yaml:1: Application out: spec.source: path ../elsewhere is outside the repo",
		"flux.yaml:1: Kustomization gone: spec.path ./gone is not a directory in the repo (its GitRepository flux-system is taken for this repo)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// --rev: the GitOps objects and their directories come from the commit.
func TestGitOpsRev(t *testing.T) {
	dir := gittest.NewRepo(t, gitopsFiles(), true)
	write(t, dir, "web/ingress.yaml", ingressYAML("", "web", "uncommitted.example.com"))
	write(t, dir, "apps/web.yaml", argoApp("web", "web", "elsewhere", ""))
	_, s := scan(t, Options{Root: dir, Rev: "HEAD"})
	if diff := cmp.Diff(wantGitOpsDocs(), keyedDocs(s)); diff != "" {
		t.Errorf("documents at HEAD (-want +got):\n%s", diff)
	}
	if h := s.find(t, "web").Ingress.Spec.Rules[0].Host; h != "web.example.com" {
		t.Errorf("web at HEAD = %s", h)
	}
}

// The watch: a change to an Application replans; a file created in its
// directory joins it; an edited document there renders only its root; a
// plain file's change is one parse, no replan.
func TestGitOpsWatch(t *testing.T) {
	dir := t.TempDir()
	for rel, c := range gitopsFiles() {
		write(t, dir, rel, c)
	}
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	webRoot := "gitops:apps/web.yaml#Application/argocd/web"
	key := func(name string) string {
		for _, d := range s.docs() {
			if d.Ingress.Name == name {
				return d.Key().String()
			}
		}
		return ""
	}

	// A plain file: parsed again alone.
	roots, gen := s.count(webRoot), s.count("gitops:clusters/prod/apps.yaml#Kustomization/flux-system/gen")
	write(t, dir, "plain/app.yaml", ingressYAML("apps", "app", "app2.example.com"))
	waitFor(t, "the plain edit", func() bool { return hostOf(s, "plain/app.yaml") == "app2.example.com" })
	if s.count(webRoot) != roots || s.count("gitops:clusters/prod/apps.yaml#Kustomization/flux-system/gen") != gen {
		t.Error("a plain file's change rendered the GitOps roots again (a replan)")
	}

	// A document of a directory source: its root only.
	write(t, dir, "web/ingress.yaml", ingressYAML("", "web", "web2.example.com"))
	waitFor(t, "the directory edit", func() bool { return hostOf(s, webRoot) == "web2.example.com" })
	if s.count("gitops:clusters/prod/apps.yaml#Kustomization/flux-system/gen") != gen {
		t.Error("an edit in one directory source rendered another root again")
	}
	if _, ok := s.source("web/ingress.yaml"); ok {
		t.Error("a directory source's file is read as a plain manifest")
	}

	// A base of a kustomize root a Kustomization renders: that root again.
	shopRoot := "kustomize:shop/overlay@clusters/prod/apps.yaml#Kustomization/flux-system/shop"
	write(t, dir, "shop/base/ingress.yaml", ingressYAML("", "shop", "shop2.example.com"))
	waitFor(t, "the base edit", func() bool { return hostOf(s, shopRoot) == "shop2.example.com" })
	if key("shop") != "shop-prod/shop" {
		t.Errorf("shop is %s after the re-render", key("shop"))
	}

	// The Application changes its destination: replanned.
	write(t, dir, "apps/web.yaml", argoApp("web", "web", "web-staging", "    directory:\n      recurse: true\n"))
	waitFor(t, "the new destination", func() bool { return key("web") == "web-staging/web" && key("admin") == "web-staging/admin" })

	// A new file in the directory: part of the source.
	write(t, dir, "web/new.yaml", ingressYAML("", "new", "new.example.com"))
	waitFor(t, "the new file", func() bool { return key("new") == "web-staging/new" })

	// A new file defining an Application: its directory is rendered.
	write(t, dir, "team/ing.yaml", ingressYAML("", "team", "team.example.com"))
	waitFor(t, "the team file", func() bool { return key("team") == "default/team" })
	write(t, dir, "apps/team.yaml", argoApp("team", "team", "team-ns", ""))
	// ... and the file is no plain source any more.
	waitFor(t, "the team app", func() bool {
		_, plain := s.source("team/ing.yaml")
		return !plain && hostOf(s, "gitops:apps/team.yaml#Application/argocd/team") == "team.example.com" && key("team") == "team-ns/team"
	})

	// The Flux Kustomization's file is gone: the overlay is a root of its
	// own again, gen's file a plain manifest.
	must(t, os.Remove(filepath.Join(dir, "clusters/prod/apps.yaml")))
	named := func() bool {
		for _, d := range s.docs() {
			if d.Origin.GitOps != nil && d.Origin.GitOps.Kind == "Kustomization" {
				return true
			}
		}
		return false
	}
	waitFor(t, "the Kustomization gone", func() bool { return key("shop") == "default/shop" && key("gen") == "default/gen" && !named() })
	if _, ok := s.source("kustomize:shop/overlay"); !ok {
		t.Error("the overlay is not a root of its own once nothing claims it")
	}
}

// A GitOps object sets SelfHeal as its controller does.
func TestGitOpsSelfHeal(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", strings.Replace(argoApp("a", "x", "ns", ""), "selfHeal: true", "selfHeal: false", 1))
	write(t, dir, "x/i.yaml", ingressYAML("", "i", "i.example.com"))
	_, s := scan(t, Options{Root: dir})
	if g := s.find(t, "i").Origin.GitOps; g == nil || g.SelfHeal || g.Controller != "argocd" || g.Line != 1 || g.File != "a.yaml" {
		t.Errorf("via %+v", g)
	}
}

// The documents of a directory source have their own git facts (their
// origin names their file), and the GitOps object's file keeps its own.
func TestGitOpsFileInfo(t *testing.T) {
	dir := gittest.NewRepo(t, gitopsFiles(), true)
	write(t, dir, "web/ingress.yaml", ingressYAML("", "web", "edited.example.com"))
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	if got := s.info("web/ingress.yaml"); got.Status != model.FileModified {
		t.Errorf("web/ingress.yaml: %+v", got)
	}
	if got := s.info("web/sub/admin.yaml"); got.Status != model.FileClean || got.LastCommit == nil {
		t.Errorf("web/sub/admin.yaml: %+v", got)
	}
	if got := s.info("apps/web.yaml"); got.Status != model.FileClean {
		t.Errorf("the Application's file: %+v (its own status, not its directory's)", got)
	}
	write(t, dir, "web/sub/admin.yaml", ingressYAML("", "admin", "edited.example.com"))
	waitFor(t, "the edit's status", func() bool { return s.info("web/sub/admin.yaml").Status == model.FileModified })
}

// helmFiles is a chart rendered by an Argo CD Application (values from a
// ref source, a parameter) and by a Flux HelmRelease (targetNamespace,
// values, a valuesFrom Secret).
func helmFiles() map[string]string {
	return map[string]string{
		"charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/values.yaml": "host: default.example.com\nport: 80\n",
		"charts/web/templates/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
spec:
  rules:
    - host: {{ .Values.host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: {{ .Values.port }}
`,
		"envs/prod.yaml": "host: prod.example.com\n",
		"apps/web.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  destination:
    namespace: web-prod
  sources:
    - repoURL: https://example.com/repo.git
      path: charts/web
      helm:
        valueFiles: [$values/envs/prod.yaml]
        parameters:
          - name: port
            value: "8080"
    - repoURL: https://example.com/repo.git
      ref: values
`,
		"flux/web.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: flux-system
spec:
  targetNamespace: staging
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
  values:
    host: staging.example.com
  valuesFrom:
    - kind: Secret
      name: web-values
`,
	}
}

// Charts rendered through GitOps objects, end to end with the helm kind:
// release names and namespaces as the controllers set them, values in
// their order, origins naming the chart and the object; the template is
// no plain manifest; a value file's edit renders again, the
// Application's edit replans.
func TestGitOpsHelm(t *testing.T) {
	dir := t.TempDir()
	for rel, c := range helmFiles() {
		write(t, dir, rel, c)
	}
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	type got struct {
		Key, Host, Release, Via, Incomplete string
		Port                                int32
	}
	read := func() []got {
		var out []got
		for _, d := range s.docs() {
			g := got{Key: d.Key().String()}
			if rules := d.Ingress.Spec.Rules; len(rules) > 0 {
				g.Host = rules[0].Host
				g.Port = rules[0].HTTP.Paths[0].Backend.Service.Port.Number
			}
			if h := d.Origin.Helm; h != nil {
				g.Release, g.Incomplete = h.Release, map[bool]string{true: "incomplete"}[h.ValuesIncomplete != ""]
			}
			if v := d.Origin.GitOps; v != nil {
				g.Via = v.Kind + "/" + v.Name
			}
			out = append(out, g)
		}
		slices.SortFunc(out, func(a, b got) int { return strings.Compare(a.Key, b.Key) })
		return out
	}
	want := []got{
		{Key: "staging/staging-web", Host: "staging.example.com", Port: 80, Release: "staging-web", Via: "HelmRelease/web", Incomplete: "incomplete"},
		{Key: "web-prod/web", Host: "prod.example.com", Port: 8080, Release: "web", Via: "Application/web"},
	}
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	var notices, errs []string
	for _, e := range s.errs() {
		if e.Notice {
			notices = append(notices, e.Error())
		} else {
			errs = append(errs, e.Error())
		}
	}
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if len(notices) != 1 || !strings.HasPrefix(notices[0], "flux/web.yaml:1: HelmRelease web: values are incomplete: valuesFrom Secret/web-values is not read") {
		t.Errorf("notices: %v", notices)
	}

	write(t, dir, "envs/prod.yaml", "host: prod2.example.com\n")
	waitFor(t, "the value file's edit", func() bool { g := read(); return len(g) == 2 && g[1].Host == "prod2.example.com" })

	write(t, dir, "apps/web.yaml", strings.Replace(helmFiles()["apps/web.yaml"], `value: "8080"`, `value: "9090"`, 1))
	waitFor(t, "the Application's edit", func() bool { g := read(); return len(g) == 2 && g[1].Port == 9090 })
}

// --rev: the releases GitOps objects name render from the commit.
func TestGitOpsHelmRev(t *testing.T) {
	dir := gittest.NewRepo(t, helmFiles(), true)
	write(t, dir, "envs/prod.yaml", "host: uncommitted.example.com\n")
	_, s := scan(t, Options{Root: dir, Rev: "HEAD"})
	d := s.find(t, "web")
	if d.Key().String() != "web-prod/web" || d.Ingress.Spec.Rules[0].Host != "prod.example.com" || d.Origin.GitOps == nil || d.Origin.Helm == nil {
		t.Errorf("web at HEAD: %s %+v", d.Key(), d.Origin)
	}
}
