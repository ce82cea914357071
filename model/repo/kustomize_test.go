package repo

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// kustomizeRepo writes a repo with a base, two overlays, a remote base, a
// missing resource and a plain manifest.
func kustomizeRepo(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "base/kustomization.yaml", "resources:\n  - service.yaml\n  - ingress.yaml\n")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "shop", "shop.example.com"))
	write(t, dir, "base/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n")
	write(t, dir, "overlays/prod/kustomization.yaml", `namespace: prod
resources:
  - ../../base
patches:
  - path: patch.yaml
`)
	// A patch is a partial Ingress: read as a plain manifest it would be a
	// second, broken definition of shop.
	write(t, dir, "overlays/prod/patch.yaml", `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: prod-nginx
`)
	write(t, dir, "overlays/staging/kustomization.yaml", "resources:\n- ../../base\n")
	// kustomize (like `kustomize build`) loads files only from the
	// kustomization's own directory; the named file is still not a plain
	// manifest.
	write(t, dir, "escape/kustomization.yaml", "resources:\n- ../shared/extra.yaml\n")
	write(t, dir, "shared/extra.yaml", ingressYAML("", "extra", "extra.example.com"))
	write(t, dir, "remote/kustomization.yaml", "# pulls a base from GitHub\nresources:\n  - https://github.com/example/infra//base?ref=v1.2.0\n  - ingress.yaml\n")
	write(t, dir, "remote/ingress.yaml", ingressYAML("", "remote", "r.example.com"))
	write(t, dir, "missing/kustomization.yaml", "resources:\n  - ingress.yaml\n  - ../gone\n")
	write(t, dir, "missing/ingress.yaml", ingressYAML("", "missing", "m.example.com"))
	write(t, dir, "failing/kustomization.yaml", "resources:\n  - ingress.yaml\npatches:\n  - path: patch.yaml\n")
	write(t, dir, "failing/ingress.yaml", ingressYAML("", "failing", "f.example.com"))
	write(t, dir, "failing/patch.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: not-there\n")
	write(t, dir, "plain/app.yaml", ingressYAML("apps", "app", "app.example.com"))
	// Helm through kustomize is off: it would run a program and fetch.
	write(t, dir, "helm/kustomization.yaml", "helmCharts:\n  - name: ingress-nginx\n    repo: https://kubernetes.github.io/ingress-nginx\n")
	return dir
}

func sourceNames(s *recSink) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestKustomizeRootsBasesAndOrigins(t *testing.T) {
	dir := kustomizeRepo(t)
	_, s := scan(t, Options{Root: dir, DefaultNamespace: "fallback"})

	wantSources := []string{"kustomize:escape", "kustomize:failing", "kustomize:helm", "kustomize:missing", "kustomize:overlays/prod", "kustomize:overlays/staging", "kustomize:remote", "plain/app.yaml"}
	if diff := cmp.Diff(wantSources, sourceNames(s)); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	prod, _ := s.source("kustomize:overlays/prod")
	if len(prod.docs) != 1 || len(prod.errs) != 0 {
		t.Fatalf("prod: %d docs, errors %v", len(prod.docs), errStrings(prod.errs))
	}
	d := prod.docs[0]
	if d.Namespace != "prod" || d.Ingress.Namespace != "prod" || d.Ingress.Spec.IngressClassName == nil || *d.Ingress.Spec.IngressClassName != "prod-nginx" {
		t.Errorf("prod shop: namespace %q/%q, class %v", d.Namespace, d.Ingress.Namespace, d.Ingress.Spec.IngressClassName)
	}
	wantOrigin := model.Origin{File: "overlays/prod/kustomization.yaml", Line: 0, Doc: 1, Item: -1, Kustomization: "overlays/prod"}
	if diff := cmp.Diff(wantOrigin, d.Origin); diff != "" {
		t.Errorf("prod origin (-want +got):\n%s", diff)
	}
	if d.Origin.String() != "kustomize overlays/prod" {
		t.Errorf("origin string %q", d.Origin.String())
	}

	staging, _ := s.source("kustomize:overlays/staging")
	var got []string
	for _, d := range staging.docs {
		got = append(got, d.Key().String())
	}
	if diff := cmp.Diff([]string{"fallback/shop"}, got); diff != "" {
		t.Errorf("staging keys (-want +got):\n%s", diff)
	}

	wantErrs := []string{
		"escape/kustomization.yaml:2: kustomize build of escape failed: accumulating resources: accumulation err='accumulating resources from '../shared/extra.yaml': security; file 'shared/extra.yaml' is not in or below 'escape''",
		`failing/kustomization.yaml: kustomize build of failing failed: no resource matches strategic merge patch "Ingress.v1.networking.k8s.io/not-there.[noNs]"`,
		"helm/kustomization.yaml:1: helmCharts: Helm charts are not rendered (that would run helm and fetch the chart); render the chart into the repo or exclude this kustomization",
		"missing/kustomization.yaml:3: resources: ../gone does not exist",
		`remote/kustomization.yaml:3: resources: remote "https://github.com/example/infra//base?ref=v1.2.0" is not fetched (ingress-drift never reaches the network); vendor it into the repo or exclude this kustomization`,
	}
	errs := s.errs()
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors:\n%s", strings.Join(errStrings(errs), "\n"))
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), wantErrs[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, e.Error(), wantErrs[i])
		}
	}
	for _, e := range errs {
		if strings.Contains(e.Message, dir) {
			t.Errorf("render error shows absolute paths: %s", e.Message)
		}
	}
}

func TestKustomizeRootsFromConfig(t *testing.T) {
	dir := kustomizeRepo(t)
	write(t, dir, ConfigFile, "roots:\n  - base\n  - nowhere\n  - plain\n")
	_, s := scan(t, Options{Root: dir})
	if diff := cmp.Diff([]string{ConfigFile, "kustomize:base", "plain/app.yaml"}, sourceNames(s)); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	base, _ := s.source("kustomize:base")
	if len(base.docs) != 1 || base.docs[0].Namespace != "default" || base.docs[0].Origin.File != "base/kustomization.yaml" {
		t.Errorf("base docs: %+v", base.docs)
	}
	cfg, _ := s.source(ConfigFile)
	want := []string{
		".ingress-drift.yaml:3: roots: nowhere is not a directory in the repo",
		".ingress-drift.yaml:4: roots: plain has no kustomization.yaml",
	}
	if diff := cmp.Diff(want, errStrings(cfg.errs)); diff != "" {
		t.Errorf("config errors (-want +got):\n%s", diff)
	}
}

func TestKustomizationAtRepoRootOwnsEverything(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "kustomization.yaml", "namespace: team\nresources:\n  - apps/ingress.yaml\n")
	write(t, dir, "apps/ingress.yaml", ingressYAML("", "a", "a.example.com"))
	write(t, dir, "apps/unlisted.yaml", ingressYAML("", "unlisted", "u.example.com"))
	_, s := scan(t, Options{Root: dir})
	if diff := cmp.Diff([]string{"kustomize:."}, sourceNames(s)); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	d := s.find(t, "a")
	if d.Namespace != "team" || d.Origin.File != "kustomization.yaml" || d.Origin.Kustomization != "." {
		t.Errorf("a: namespace %q origin %+v", d.Namespace, d.Origin)
	}
}

// Through a real Inventory: the same object twice is a conflict with both
// origins, an error with a key is an error entry.
func TestIntoInventory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", ingressYAML("web", "twice", "a.example.com"))
	write(t, dir, "b.yaml", "# second copy\n---\n"+ingressYAML("web", "twice", "b.example.com"))
	write(t, dir, "old.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n  namespace: web\n")
	inv := model.NewInventory(diffengine.Options{})
	r, err := Open(Options{Root: dir})
	must(t, err)
	must(t, r.Scan(context.Background(), inv))
	e, ok := inv.Get(model.Key{Namespace: "web", Name: "twice"})
	if !ok || e.Status != model.StatusConflict || len(e.Desired) != 2 {
		t.Fatalf("twice: %+v", e)
	}
	if o := e.Desired[1].Origin; o.File != "b.yaml" || o.Line != 3 || o.Doc != 0 {
		t.Errorf("second origin = %+v", o)
	}
	old, ok := inv.Get(model.Key{Namespace: "web", Name: "old"})
	if !ok || old.Status != model.StatusError || len(old.Errors) != 1 || old.Errors[0].Line != 1 {
		t.Errorf("old: %+v", old)
	}
}

// sourceErrs is the errors of one source as "file:line: message".
func sourceErrs(t *testing.T, s *recSink, name string) []string {
	t.Helper()
	src, ok := s.source(name)
	if !ok {
		t.Errorf("no source %s; sources: %v", name, sourceNames(s))
		return nil
	}
	if len(src.docs) != 0 {
		t.Errorf("%s rendered %v despite its errors", name, names(src.docs))
	}
	return errStrings(src.errs)
}

// Kustomizations that include themselves, directly or through others, are
// errors naming the cycle: before, the ones only included by each other
// had no root, so their objects were silently gone from the repo.
func TestKustomizeCycles(t *testing.T) {
	dir := t.TempDir()
	// Includes itself.
	write(t, dir, "self/kustomization.yaml", "resources:\n  - ingress.yaml\n  - .\n")
	write(t, dir, "self/ingress.yaml", ingressYAML("", "self", "self.example.com"))
	// Two that include each other, and nothing includes them.
	write(t, dir, "overlays/a/kustomization.yaml", "namespace: a\nresources:\n  - ../../base\n")
	write(t, dir, "base/kustomization.yaml", "resources:\n  - ingress.yaml\n  - ../overlays/a\n")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "base", "base.example.com"))
	// A longer ring below a root.
	write(t, dir, "app/kustomization.yaml", "resources:\n  - ../ring/one\n")
	write(t, dir, "ring/one/kustomization.yaml", "resources:\n  - ../two\n  - ingress.yaml\n")
	write(t, dir, "ring/one/ingress.yaml", ingressYAML("", "ring", "ring.example.com"))
	write(t, dir, "ring/two/kustomization.yaml", "resources:\n  - ../three\n")
	write(t, dir, "ring/three/kustomization.yaml", "# back to the start\nresources:\n  - ../one\n")
	// A diamond is not a cycle.
	write(t, dir, "diamond/kustomization.yaml", "resources:\n  - left\n  - right\n")
	write(t, dir, "diamond/left/kustomization.yaml", "namePrefix: l-\nresources:\n  - ../shared\n")
	write(t, dir, "diamond/right/kustomization.yaml", "namePrefix: r-\nresources:\n  - ../shared\n")
	write(t, dir, "diamond/shared/kustomization.yaml", "resources:\n  - ingress.yaml\n")
	write(t, dir, "diamond/shared/ingress.yaml", ingressYAML("", "d", "d.example.com"))

	_, s := scan(t, Options{Root: dir})
	want := []string{"kustomize:app", "kustomize:base", "kustomize:diamond", "kustomize:self"}
	if diff := cmp.Diff(want, sourceNames(s)); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	for name, want := range map[string]string{
		"kustomize:self": "self/kustomization.yaml:3: resources: . includes a kustomization that includes it, a cycle: self → self; kustomize cannot render it",
		"kustomize:base": "overlays/a/kustomization.yaml:3: resources: ../../base includes a kustomization that includes it, a cycle: base → overlays/a → base; kustomize cannot render it",
		"kustomize:app":  "ring/three/kustomization.yaml:3: resources: ../one includes a kustomization that includes it, a cycle: ring/one → ring/two → ring/three → ring/one; kustomize cannot render it",
	} {
		if diff := cmp.Diff([]string{want}, sourceErrs(t, s, name)); diff != "" {
			t.Errorf("%s errors (-want +got):\n%s", name, diff)
		}
	}
	if diff := cmp.Diff([]string{"l-d", "r-d"}, names(s.docs())); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
}

// outsideRepo makes, in a fresh directory, a repo directory "repo" and
// beside it a kustomization "elsewhere" with an Ingress of that name:
// something a kustomization in the repo can reach on disk.
func outsideRepo(t *testing.T) (repo, elsewhere string) {
	parent := dirOf(t, t.TempDir())
	repo, elsewhere = filepath.Join(parent, "repo"), filepath.Join(parent, "elsewhere")
	write(t, elsewhere, "kustomization.yaml", "resources:\n  - ingress.yaml\n")
	write(t, elsewhere, "ingress.yaml", ingressYAML("", "elsewhere", "elsewhere.example.com"))
	must(t, os.MkdirAll(repo, 0o755))
	return repo, elsewhere
}

// One boundary for every path kustomize opens: a directory base outside
// the repo (by a relative path, an absolute one, or a symlink) is not read.
// Before, kustomize opened it on disk and rendered its objects as the
// repo's; an absolute path said "does not exist".
func TestKustomizeBasesOutsideTheRepo(t *testing.T) {
	dir, elsewhere := outsideRepo(t)
	write(t, dir, "clusters/prod/app/kustomization.yaml", "namespace: prod\nresources:\n  - ../../../../elsewhere\n")
	write(t, dir, "abs/kustomization.yaml", "components:\n  - "+elsewhere+"\n")
	must(t, os.Symlink(elsewhere, filepath.Join(dir, "linked")))
	write(t, dir, "via-link/kustomization.yaml", "resources:\n  - ../linked\n")
	// A symlink below a directory that is in the repo.
	write(t, dir, "deep/kustomization.yaml", "resources:\n  - ../vendor/ext/ingress.yaml\n")
	must(t, os.MkdirAll(filepath.Join(dir, "vendor"), 0o755))
	must(t, os.Symlink("../../elsewhere", filepath.Join(dir, "vendor/ext")))
	// An excluded kustomization is not read by the layout, only by
	// kustomize: the file system itself refuses.
	write(t, dir, ConfigFile, "exclude:\n  - hidden/\n")
	write(t, dir, "hidden/kustomization.yaml", "resources:\n  - ../../elsewhere\n")
	write(t, dir, "uses-hidden/kustomization.yaml", "resources:\n  - ../hidden\n")
	// Inside the repo, through an absolute symlink: still rendered.
	write(t, dir, "real/kustomization.yaml", "resources:\n  - ingress.yaml\n")
	write(t, dir, "real/ingress.yaml", ingressYAML("", "real", "real.example.com"))
	must(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "alias")))
	write(t, dir, "via-alias/kustomization.yaml", "namespace: alias\nresources:\n  - ../alias\n")

	r, s := scan(t, Options{Root: dir})
	for name, want := range map[string]string{
		"kustomize:clusters/prod/app": "clusters/prod/app/kustomization.yaml:3: resources: ../../../../elsewhere is outside the repo",
		"kustomize:abs":               "abs/kustomization.yaml:2: components: " + elsewhere + " is outside the repo",
		"kustomize:via-link":          "via-link/kustomization.yaml:2: resources: ../linked is outside the repo (through a symlink, to " + elsewhere + ")",
		"kustomize:deep":              "deep/kustomization.yaml:2: resources: ../vendor/ext/ingress.yaml is outside the repo (through a symlink, to " + filepath.Join(elsewhere, "ingress.yaml") + ")",
	} {
		if diff := cmp.Diff([]string{want}, sourceErrs(t, s, name)); diff != "" {
			t.Errorf("%s errors (-want +got):\n%s", name, diff)
		}
	}
	hidden := sourceErrs(t, s, "kustomize:uses-hidden")
	if len(hidden) != 1 || !strings.HasPrefix(hidden[0], "uses-hidden/kustomization.yaml:2: kustomize build of uses-hidden failed: ") ||
		!strings.Contains(hidden[0], elsewhere+" is outside the repo") {
		t.Errorf("uses-hidden errors = %q, want the build refused with %s outside the repo", hidden, elsewhere)
	}
	if diff := cmp.Diff([]string{"real", "real"}, names(s.docs())); diff != "" {
		t.Errorf("rendered (-want +got):\n%s", diff)
	}
	if alias, _ := s.source("kustomize:via-alias"); len(alias.docs) != 1 || alias.docs[0].Namespace != "alias" || len(alias.errs) != 0 {
		t.Errorf("via-alias: docs %v, errors %v", alias.docs, errStrings(alias.errs))
	}

	// A watch event under the root renders it again, through the same
	// file system.
	s.mu.Lock()
	before := s.setCount["kustomize:uses-hidden"]
	s.mu.Unlock()
	write(t, dir, "uses-hidden/notes.yaml", "# not a resource\n")
	must(t, r.Refresh(context.Background(), s, "uses-hidden/notes.yaml"))
	s.mu.Lock()
	after := s.setCount["kustomize:uses-hidden"]
	s.mu.Unlock()
	if after == before {
		t.Fatal("uses-hidden was not rendered again")
	}
	if hidden := sourceErrs(t, s, "kustomize:uses-hidden"); len(hidden) != 1 || !strings.Contains(hidden[0], elsewhere+" is outside the repo") {
		t.Errorf("uses-hidden errors after a watch event = %q", hidden)
	}
}

// The same boundary for a commit (--rev), symlinks being git's; and for
// --repo below the git work tree, a base elsewhere in the work tree is
// outside the repo too (before, --rev copied the whole commit for it and
// the work tree read it from disk).
func TestKustomizeBasesOutsideTheRepoAtRev(t *testing.T) {
	dir, elsewhere := outsideRepo(t)
	write(t, dir, "clusters/prod/app/kustomization.yaml", "namespace: prod\nresources:\n  - ../../../../elsewhere\n")
	write(t, dir, "clusters/abs/kustomization.yaml", "resources:\n  - "+elsewhere+"\n")
	must(t, os.Symlink("../../elsewhere", filepath.Join(dir, "clusters/linked")))
	write(t, dir, "clusters/via-link/kustomization.yaml", "resources:\n  - ../linked\n")
	write(t, dir, "clusters/up/kustomization.yaml", "resources:\n  - ../../base\n")
	write(t, dir, "clusters/ok/kustomization.yaml", "namespace: ok\nresources:\n  - ingress.yaml\n")
	write(t, dir, "clusters/ok/ingress.yaml", ingressYAML("", "ok", "ok.example.com"))
	write(t, dir, "base/kustomization.yaml", "resources:\n  - ingress.yaml\n")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "base", "base.example.com"))
	repo := gitRepoAt(t, dir)
	commit(t, repo, "layout", "Alice", 0, "clusters", "base")

	root := filepath.Join(dir, "clusters")
	for _, rev := range []string{"", "HEAD"} {
		_, s := scan(t, Options{Root: root, Rev: rev})
		for name, want := range map[string]string{
			"kustomize:prod/app": "prod/app/kustomization.yaml:3: resources: ../../../../elsewhere is outside the repo",
			"kustomize:abs":      "abs/kustomization.yaml:2: resources: " + elsewhere + " is outside the repo",
			"kustomize:up":       "up/kustomization.yaml:2: resources: ../../base is outside the repo",
		} {
			if diff := cmp.Diff([]string{want}, sourceErrs(t, s, name)); diff != "" {
				t.Errorf("rev %q: %s errors (-want +got):\n%s", rev, name, diff)
			}
		}
		// On disk the link resolves to the directory; in git it is the
		// link's text.
		target := "../../elsewhere"
		if rev == "" {
			target = elsewhere
		}
		want := "via-link/kustomization.yaml:2: resources: ../linked is outside the repo (through a symlink, to " + target + ")"
		if diff := cmp.Diff([]string{want}, sourceErrs(t, s, "kustomize:via-link")); diff != "" {
			t.Errorf("rev %q: via-link errors (-want +got):\n%s", rev, diff)
		}
		if diff := cmp.Diff([]string{"ok"}, names(s.docs())); diff != "" {
			t.Errorf("rev %q: rendered (-want +got):\n%s", rev, diff)
		}
	}
}
