package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
)

// gitopsRepo copies testdata/gitops/repo into a new git repo, with the
// test's namespace where the GitOps objects name NAMESPACE, and commits it.
func gitopsRepo(t *testing.T, ns string) string {
	t.Helper()
	src := filepath.Join("testdata", "gitops", "repo")
	repo := filepath.Join(t.TempDir(), "repo")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, bytes.ReplaceAll(b, []byte("NAMESPACE"), []byte(ns)), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "platform: Argo CD app of apps, Flux")
	return repo
}

// controllerApply is how one GitOps controller applies what it rendered:
// its field manager, server-side apply or a create, and the labels and
// annotations it adds to every object.
type controllerApply struct {
	manager     string
	serverSide  bool
	labels      map[string]string
	annotations map[string]string
}

// apply applies the Ingresses of a rendered file (the documents of
// `helm template` or `kubectl kustomize` output, or a plain manifest) into
// ns as the controller would. The annotations may name the object: %s in
// a value is its name.
func (c controllerApply) apply(t *testing.T, env *testcluster.Env, ns, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var items []any
	for _, doc := range strings.Split("\n"+string(b), "\n---") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if obj == nil || obj["kind"] != "Ingress" {
			continue
		}
		meta := obj["metadata"].(map[string]any)
		meta["namespace"] = ns
		for field, add := range map[string]map[string]string{"labels": c.labels, "annotations": c.annotations} {
			m, _ := meta[field].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			for k, v := range add {
				m[k] = strings.ReplaceAll(v, "%s", meta["name"].(string))
			}
			if len(m) > 0 {
				meta[field] = m
			}
		}
		items = append(items, obj)
	}
	if len(items) == 0 {
		t.Fatalf("%s holds no Ingress", file)
	}
	list, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "apply.json")
	if err := os.WriteFile(out, list, 0o644); err != nil {
		t.Fatal(err)
	}
	if c.serverSide {
		env.Kubectl(t, "apply", "--server-side", "--field-manager="+c.manager, "-f", out)
	} else {
		env.Kubectl(t, "create", "--field-manager="+c.manager, "-f", out)
	}
}

// gitopsObjects is what the test reads of `check -o json`.
type gitopsObjects struct {
	Objects []struct {
		Namespace string        `json:"namespace"`
		Name      string        `json:"name"`
		Status    string        `json:"status"`
		Origin    *model.Origin `json:"origin"`
		Changes   []struct {
			Path string `json:"path"`
			Git  any    `json:"git"`
			Live any    `json:"live"`
		} `json:"changes"`
	} `json:"objects"`
	Errors  []model.RepoError `json:"errors"`
	Notices []model.RepoError `json:"notices"`
}

// TestGitOpsEndToEnd: a repo as Argo CD and Flux hold it (an app of apps
// whose children render a Helm chart with env values and a kustomize
// overlay; a Flux Kustomization with targetNamespace over a directory
// without kustomization file; a Flux HelmRelease of a chart in a
// GitRepository), applied to the API server the way those controllers do.
// The oracle is independent of ingress-drift's renderers: what the real
// Helm CLI and kubectl kustomize print (testdata/gitops/rendered, see
// render.sh), with each controller's labels, annotations and field
// manager. check reads every object in sync with its origin; one hand edit
// of a backend is drifted with that origin; accept is refused naming the
// template and value file; revert --yes restores it.
func TestGitOpsEndToEnd(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repo := gitopsRepo(t, ns)
	rendered := filepath.Join("testdata", "gitops", "rendered")
	argocd := controllerApply{manager: "argocd-controller", serverSide: true,
		annotations: map[string]string{"argocd.argoproj.io/tracking-id": "APP:networking.k8s.io/Ingress:" + ns + "/%s"}}
	argoApp := func(app string) controllerApply {
		a := argocd
		a.annotations = map[string]string{"argocd.argoproj.io/tracking-id": strings.Replace(argocd.annotations["argocd.argoproj.io/tracking-id"], "APP", app, 1)}
		return a
	}
	argoApp("web-prod").apply(t, env, ns, filepath.Join(rendered, "web-prod.yaml"))
	argoApp("api-prod").apply(t, env, ns, filepath.Join(rendered, "api-prod.yaml"))
	controllerApply{manager: "kustomize-controller", serverSide: true,
		labels: map[string]string{"kustomize.toolkit.fluxcd.io/name": "docs", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
	}.apply(t, env, ns, filepath.Join("testdata", "gitops", "repo", "flux", "docs", "ingress.yaml"))
	controllerApply{manager: "helm-controller",
		labels:      map[string]string{"helm.toolkit.fluxcd.io/name": "web-canary", "helm.toolkit.fluxcd.io/namespace": ns},
		annotations: map[string]string{"meta.helm.sh/release-name": "web-canary", "meta.helm.sh/release-namespace": ns},
	}.apply(t, env, ns, filepath.Join(rendered, "web-canary.yaml"))

	const template = "charts/web/templates/ingress.yaml"
	webProd := &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Namespace: ns, Template: template,
		ValueFiles: []string{"envs/prod/web.yaml"}}
	webProdVia := &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "web-prod",
		File: "argocd/apps/web.yaml", Line: 1, SelfHeal: true}
	// origin is what the test compares of an object's origin.
	type origin struct {
		File, Kustomization string
		Helm                *model.HelmOrigin
		GitOps              *model.GitOpsOrigin
	}
	wantOrigins := map[string]origin{
		ns + "/web-prod": {File: template, Helm: webProd, GitOps: webProdVia},
		ns + "/web-canary": {File: template,
			Helm: &model.HelmOrigin{Chart: "charts/web", Release: "web-canary", Namespace: ns, Template: template,
				ValueFiles: []string{"charts/web/values.yaml", "envs/canary/web.yaml"}},
			GitOps: &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: ns, Name: "web-canary",
				File: "flux/cluster.yaml", Line: 27}},
		ns + "/api": {File: "kustomize/api/prod/kustomization.yaml", Kustomization: "kustomize/api/prod",
			GitOps: &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "api-prod",
				File: "argocd/apps/api.yaml", Line: 1}},
		ns + "/docs": {File: "flux/docs/ingress.yaml",
			GitOps: &model.GitOpsOrigin{Controller: "flux", Kind: "Kustomization", Namespace: "flux-system", Name: "docs",
				File: "flux/cluster.yaml", Line: 13, SelfHeal: true}},
	}
	base := []string{"--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo}
	check := func(wantCode int, wantStatus map[string]string) gitopsObjects {
		t.Helper()
		r := run(t, append([]string{"check", "-o", "json"}, base...)...)
		var rep gitopsObjects
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("check -o json: %v; exit %d\n%s%s", err, r.code, r.stdout, r.stderr)
		}
		if r.code != wantCode || len(rep.Errors) > 0 || len(rep.Notices) > 0 {
			t.Errorf("check: exit %d, want %d with no errors or notices; errors %+v, notices %+v\n%s", r.code, wantCode, rep.Errors, rep.Notices, r.stderr)
		}
		status, origins := map[string]string{}, map[string]origin{}
		for _, o := range rep.Objects {
			k := o.Namespace + "/" + o.Name
			status[k] = o.Status
			if o.Origin != nil {
				origins[k] = origin{File: o.Origin.File, Kustomization: o.Origin.Kustomization, Helm: o.Origin.Helm, GitOps: o.Origin.GitOps}
			}
		}
		if d := cmp.Diff(wantStatus, status); d != "" {
			t.Errorf("statuses (-want +got):\n%s", d)
		}
		if d := cmp.Diff(wantOrigins, origins); d != "" {
			t.Errorf("origins (-want +got):\n%s", d)
		}
		return rep
	}
	inSync := map[string]string{ns + "/web-prod": "in-sync", ns + "/web-canary": "in-sync", ns + "/api": "in-sync", ns + "/docs": "in-sync"}
	check(exitOK, inSync)
	if t.Failed() {
		t.FailNow()
	}

	// A hotfix by hand: the API path of web-prod to another Service. The
	// name comes from the release name through the template, not from one
	// values key: there is no value to write back.
	env.Kubectl(t, "-n", ns, "patch", "ingress", "web-prod", "--type=json", "-p",
		`[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/name","value":"web-prod-api-hotfix"}]`)
	drifted := map[string]string{}
	for k, v := range inSync {
		drifted[k] = v
	}
	drifted[ns+"/web-prod"] = "drifted"
	rep := check(exitDrift, drifted)
	for _, o := range rep.Objects {
		if o.Name != "web-prod" {
			continue
		}
		const path = "spec.rules[host=www.example.com].http.paths[path=/api].backend.service.name"
		if len(o.Changes) != 1 || o.Changes[0].Path != path || o.Changes[0].Git != "web-prod-api" || o.Changes[0].Live != "web-prod-api-hotfix" {
			t.Errorf("web-prod changes = %+v, want one: %s web-prod-api → web-prod-api-hotfix", o.Changes, path)
		}
	}

	key := ns + "/web-prod"
	r := run(t, append([]string{"accept", key, "--yes"}, base...)...)
	if out := r.stdout + r.stderr; r.code != exitDrift || !strings.Contains(out, "refused") || !strings.Contains(out, template) || !strings.Contains(out, "envs/prod/web.yaml") {
		t.Errorf("accept --yes: exit %d, want 1, refused naming %s and envs/prod/web.yaml\n%s%s", r.code, template, r.stdout, r.stderr)
	}
	if out, err := exec.Command("git", "-C", repo, "status", "--porcelain").CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("the refused accept changed the repo: %s (%v)", out, err)
	}

	r = run(t, append([]string{"revert", key, "--yes"}, base...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "reverted") || !strings.Contains(r.stdout, "gitops: ") || !strings.Contains(r.stdout, "argocd/web-prod") {
		t.Errorf("revert --yes: exit %d, want 0, reverted, with the note on Argo CD Application argocd/web-prod\n%s%s", r.code, r.stdout, r.stderr)
	}
	live := env.Kubectl(t, "-n", ns, "get", "ingress", "web-prod", "-o", "jsonpath={.spec.rules[0].http.paths[1].backend.service.name} {.metadata.annotations.argocd\\.argoproj\\.io/tracking-id}")
	if want := "web-prod-api " + "web-prod:networking.k8s.io/Ingress:" + ns + "/web-prod"; live != want {
		t.Errorf("after the revert: backend and tracking-id %q, want %q", live, want)
	}
	check(exitOK, inSync)
}
