package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
)

// report mirrors the parts of `check -o json` the tests read.
type report struct {
	Objects []struct {
		Namespace  string   `json:"namespace"`
		Name       string   `json:"name"`
		Status     string   `json:"status"`
		Severity   string   `json:"severity"`
		Categories []string `json:"categories"`
		Origin     *struct {
			File   string              `json:"file"`
			Line   int                 `json:"line"`
			Helm   *model.HelmOrigin   `json:"helm"`
			GitOps *model.GitOpsOrigin `json:"gitops"`
		} `json:"origin"`
		Changes []struct {
			Path     string `json:"path"`
			Op       string `json:"op"`
			Category string `json:"category"`
			Severity string `json:"severity"`
			Git      any    `json:"git"`
			Live     any    `json:"live"`
			Managers []struct {
				Manager   string `json:"manager"`
				Operation string `json:"operation"`
				Time      string `json:"time"`
			} `json:"managers"`
			Rule     string `json:"rule"`
			Advisory string `json:"advisory"`
		} `json:"changes"`
		Findings []model.Finding `json:"findings"`
	} `json:"objects"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Summary map[string]int `json:"summary"`
}

func decodeReport(t *testing.T, r result) report {
	t.Helper()
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check -o json printed no JSON (%v); exit %d\nstdout:\n%s\nstderr:\n%s", err, r.code, r.stdout, r.stderr)
	}
	return rep
}

func statuses(rep report) map[string]string {
	out := map[string]string{}
	for _, o := range rep.Objects {
		out[o.Namespace+"/"+o.Name] = o.Status + "/" + o.Severity
	}
	return out
}

// demoWant is what the demo's drift story must look like to check.
var demoWant = map[string]string{
	"shop/shop":             "drifted/critical", // ssl-redirect turned off, /api port changed
	"shop/shop-admin":       "drifted/critical", // allow-list widened to 0.0.0.0/0
	"shop/shop-debug":       "missing-git/none",
	"payments/checkout":     "drifted/critical", // TLS removed
	"payments/webhooks":     "drifted/critical", // a timeout and a server snippet added by hand
	"blog/blog":             "in-sync/none",
	"tools/grafana":         "in-sync/none",
	"tools/docs":            "conflict/none",
	"tools/status":          "missing-live/none",
	"tools/old-wiki":        "error/none",
	"api/api-public":        "in-sync/none",
	"api/api-partners":      "in-sync/none",
	"monitoring/prometheus": "in-sync/none",
	"staging/storefront":    "in-sync/none", // the chart through an Argo CD Application
	"prod/storefront":       "drifted/high", // the chart through a Flux HelmRelease; /checkout sent back to v1 by hand
}

func TestCheckDemoJSON(t *testing.T) {
	env, repo := demoStory(t)
	r := run(t, "check", "-o", "json", "--kubeconfig", env.Kubeconfig, "--repo", repo)
	if r.code != exitPartial {
		t.Errorf("exit code = %d, want %d (the legacy manifest cannot be read)\nstderr: %s", r.code, exitPartial, r.stderr)
	}
	rep := decodeReport(t, r)
	if d := cmp.Diff(demoWant, statuses(rep)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	// The storefront chart: staging through an Argo CD Application, prod
	// through a Flux HelmRelease.
	storefront := map[string]string{
		"staging/storefront": "charts/storefront/templates/ingress.yaml release storefront-staging values [envs/staging/values.yaml] " +
			"via Argo CD Application argocd/storefront-staging (apps/storefront-staging.yaml:3) self-heal true",
		"prod/storefront": "charts/storefront/templates/ingress.yaml release prod-storefront values [charts/storefront/values.yaml envs/prod/values.yaml] " +
			"via Flux HelmRelease flux-system/storefront (clusters/prod/storefront.yaml:14) self-heal true",
	}
	for _, o := range rep.Objects {
		k := o.Namespace + "/" + o.Name
		if want, ok := storefront[k]; ok {
			got := fmt.Sprintf("%+v", o.Origin)
			if o.Origin != nil && o.Origin.Helm != nil && o.Origin.GitOps != nil {
				h := o.Origin.Helm
				got = fmt.Sprintf("%s release %s values %v via %s self-heal %v", h.Template, h.Release, h.ValueFiles, o.Origin.GitOps, o.Origin.GitOps.SelfHeal)
			}
			if got != want {
				t.Errorf("%s origin:\n got %s\nwant %s", k, got, want)
			}
		}
	}
	for _, o := range rep.Objects {
		if o.Namespace+"/"+o.Name != "shop/shop" {
			continue
		}
		if o.Origin == nil || o.Origin.File != "apps/shop/ingress.yaml" || o.Origin.Line != 4 {
			t.Errorf("shop origin = %+v, want apps/shop/ingress.yaml:4", o.Origin)
		}
		found := map[string]string{}
		for _, c := range o.Changes {
			who := ""
			if len(c.Managers) > 0 {
				who = c.Managers[0].Manager
			}
			found[c.Path] = fmt.Sprintf("%s %s %s %v→%v by %s", c.Op, c.Category, c.Severity, c.Git, c.Live, who)
		}
		want := map[string]string{
			"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]":                      "changed controller critical true→false by kubectl-annotate",
			"spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number": "changed routing high 8080→8081 by kubectl-patch",
		}
		if d := cmp.Diff(want, found); d != "" {
			t.Errorf("shop changes (-want +got):\n%s", d)
		}
	}
	// What the demo's drift does: shop-debug, made by hand, claims shop's
	// /api (the suspect: shop's /api is in Git, only its port changed);
	// shop's /api and prod's /checkout went to a backend nothing
	// else uses; prod's chart lists a TLS host no rule serves (in Git
	// too); the webhooks' snippet is critical with its advisory.
	findings := map[string][]string{}
	for _, o := range rep.Objects {
		k := o.Namespace + "/" + o.Name
		for _, f := range o.Findings {
			findings[k] = append(findings[k], fmt.Sprintf("%s %s %s%s %v suspect=%v", f.Kind, f.Severity, f.Host, f.Path, f.Others, f.Suspect))
		}
		for _, c := range o.Changes {
			if k == "payments/webhooks" && c.Rule == "snippet-added-or-changed" && !strings.Contains(c.Advisory, "CVE-2021-25742") {
				t.Errorf("webhooks' snippet: advisory %q, want CVE-2021-25742 named", c.Advisory)
			}
		}
	}
	wantFindings := map[string][]string{
		"prod/storefront": {"tls-host-unserved low www.store.example.com [] suspect=false",
			"backend-used-nowhere-else low store.example.com/checkout [] suspect=false"},
		"shop/shop": {"route-claimed-twice medium shop.example.com/api [shop/shop-debug] suspect=false",
			"backend-used-nowhere-else low shop.example.com/api [] suspect=false"},
		"shop/shop-debug": {"route-claimed-twice high shop.example.com/api [shop/shop] suspect=true"},
	}
	if d := cmp.Diff(wantFindings, findings); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].File != "legacy/wiki.yaml" || rep.Errors[0].Line != 1 || !strings.Contains(rep.Errors[0].Message, "networking.k8s.io/v1") {
		t.Errorf("errors = %+v, want legacy/wiki.yaml:1 telling to migrate to networking.k8s.io/v1", rep.Errors)
	}
	if rep.Summary["drifted"] != 5 || rep.Summary["in-sync"] != 6 {
		t.Errorf("summary = %v", rep.Summary)
	}
}

func TestCheckDemoTable(t *testing.T) {
	env, repo := demoStory(t)
	r := run(t, "check", "--kubeconfig", env.Kubeconfig, "--repo", repo)
	if r.code != exitPartial {
		t.Errorf("exit code = %d, want %d\nstderr: %s", r.code, exitPartial, r.stderr)
	}
	for _, want := range []string{
		"STATUS", "drifted", "shop/shop", "apps/shop/ingress.yaml:4",
		"tools/docs is defined 2 times in Git:",
		// A GitOps-rendered object's origin names its GitOps object.
		"helm charts/storefront/templates/ingress.yaml (release prod-storefront) via flux HelmRelease storefront clusters/prod/storefront.yaml:14\n",
		"helm charts/storefront/templates/ingress.yaml (release storefront-staging) via argocd storefront-staging apps/storefront-staging.yaml:3\n",
		"error: legacy/wiki.yaml:1:",
		// A critical change says its row; one with an advisory names it.
		"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]: \"true\" → \"false\"  (kubectl-annotate",
		"           why https-redirect-disabled\n",
		"           why snippet-added-or-changed; CVE-2021-25742 ",
		"6 in-sync, 5 drifted, 1 missing-live, 1 missing-git, 1 conflict, 1 error",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestCheckLiveFile: a saved `kubectl get` is as good as the cluster.
func TestCheckLiveFile(t *testing.T) {
	env, repo := demoStory(t)
	fromCluster := statuses(decodeReport(t, run(t, "check", "-o", "json", "--kubeconfig", env.Kubeconfig, "--repo", repo)))
	for _, format := range []string{"yaml", "json"} {
		dump := filepath.Join(t.TempDir(), "live."+format)
		if err := os.WriteFile(dump, []byte(env.Kubectl(t, "get", "ingress", "-A", "-o", format, "--show-managed-fields")), 0o644); err != nil {
			t.Fatal(err)
		}
		r := run(t, "check", "-o", "json", "--live-file", dump, "--repo", repo)
		if r.code != exitPartial {
			t.Errorf("%s: exit code = %d, want %d\nstderr: %s", format, r.code, exitPartial, r.stderr)
		}
		if d := cmp.Diff(fromCluster, statuses(decodeReport(t, r))); d != "" {
			t.Errorf("%s: --live-file statuses differ from the cluster's (-cluster +file):\n%s", format, d)
		}
	}
}

const syncedManifest = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`

// TestCheckExitCodes covers 0 (in sync), 1 (drift), 3 (fatal).
func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repo := t.TempDir()
	file := filepath.Join(repo, "web.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(syncedManifest, "  name: web\n", "  name: web\n  namespace: "+ns+"\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Kubectl(t, "apply", "-f", file)
	args := []string{"check", "--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo}
	if r := run(t, args...); r.code != exitOK {
		t.Fatalf("in sync: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	env.Kubectl(t, "-n", ns, "annotate", "ingress", "web", "example.com/touched=yes")
	if r := run(t, args...); r.code != exitDrift || !strings.Contains(r.stdout, "example.com/touched") {
		t.Fatalf("drifted: exit %d, want 1, naming the annotation\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A manifest outside the namespace scope does not count as missing-live.
	other := strings.Replace(syncedManifest, "  name: web\n", "  name: elsewhere\n  namespace: not-"+ns+"\n", 1)
	if err := os.WriteFile(filepath.Join(repo, "other.yaml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, args...); r.code != exitDrift || strings.Contains(r.stdout, "elsewhere") {
		t.Fatalf("out-of-scope manifest: exit %d, want 1 without mentioning it\n%s%s", r.code, r.stdout, r.stderr)
	}

	unreachable := filepath.Join(t.TempDir(), "kubeconfig")
	kc := "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: x}}]\n"
	if err := os.WriteFile(unreachable, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		msg  string
	}{
		"unreachable":  {[]string{"check", "--kubeconfig", unreachable, "--repo", repo}, "127.0.0.1:1"},
		"bad output":   {[]string{"check", "-o", "yaml", "--kubeconfig", env.Kubeconfig, "--repo", repo}, `-o "yaml"`},
		"bad flag":     {[]string{"check", "--no-such-flag"}, "no-such-flag"},
		"-n with -A":   {[]string{"check", "-n", "x", "-A", "--kubeconfig", env.Kubeconfig, "--repo", repo}, "cannot be used together"},
		"missing repo": {[]string{"check", "--kubeconfig", env.Kubeconfig, "--repo", filepath.Join(repo, "nope")}, "nope"},
		"unknown rev":  {[]string{"check", "--kubeconfig", env.Kubeconfig, "--repo", repo, "--rev", "no-such-branch"}, "no-such-branch"},
	} {
		r := run(t, tc.args...)
		if r.code != exitFatal || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%s: exit %d, want 3 with a message naming %q\nstderr: %s", name, r.code, tc.msg, r.stderr)
		}
	}
}

// TestDiffCommand: one object's changes, its exit codes, and its JSON.
func TestDiffCommand(t *testing.T) {
	env, repo := demoStory(t)
	base := []string{"--kubeconfig", env.Kubeconfig, "--repo", repo}
	r := run(t, append([]string{"diff", "shop/shop"}, base...)...)
	if r.code != exitDrift || !strings.Contains(r.stdout, "spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number: 8080 → 8081") ||
		!strings.Contains(r.stdout, "kubectl-patch") {
		t.Errorf("diff shop/shop: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The GitOps object that renders it.
	if r := run(t, append([]string{"diff", "prod/storefront"}, base...)...); r.code != exitDrift ||
		!strings.Contains(r.stdout, "origin: helm charts/storefront/templates/ingress.yaml (release prod-storefront) via flux HelmRelease storefront clusters/prod/storefront.yaml:14\n") {
		t.Errorf("diff prod/storefront: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"diff", "staging/storefront"}, base...)...); r.code != exitOK ||
		!strings.Contains(r.stdout, "in sync with helm charts/storefront/templates/ingress.yaml (release storefront-staging) via argocd storefront-staging apps/storefront-staging.yaml:3\n") {
		t.Errorf("diff staging/storefront: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"diff", "blog/blog"}, base...)...); r.code != exitOK || !strings.Contains(r.stdout, "in sync") {
		t.Errorf("diff blog/blog: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"diff", "tools/old-wiki"}, base...)...); r.code != exitPartial || !strings.Contains(r.stdout, "legacy/wiki.yaml:1") {
		t.Errorf("diff tools/old-wiki: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"diff", "nowhere/nothing"}, base...)...); r.code != exitFatal || !strings.Contains(r.stderr, "nowhere/nothing") {
		t.Errorf("diff of an unknown object: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, append([]string{"diff", "payments/checkout", "-o", "json"}, base...)...)
	var obj struct {
		Status  string `json:"status"`
		Changes []struct {
			Path string `json:"path"`
			Op   string `json:"op"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &obj); err != nil || obj.Status != "drifted" || len(obj.Changes) != 1 ||
		obj.Changes[0].Path != "spec.tls[secretName=pay-tls]" || obj.Changes[0].Op != "removed" {
		t.Errorf("diff -o json: %+v (%v)\n%s", obj, err, r.stdout)
	}
}

// TestCheckRequestTimeout: `check` against a port that accepts the
// connection and never completes TLS ends at --request-timeout, exit 3,
// naming the server and the flag, after one connection: the default
// IngressClass lookup's timeout is the check's error, the list does not
// wait for the same server again. Without the flag the bound is 10s.
func TestCheckRequestTimeout(t *testing.T) {
	t.Parallel()
	server, accepted := testcluster.SilentServerConns(t)
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \""+server+
		"\", insecure-skip-tls-verify: true}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: x}}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "check", "--kubeconfig", kc, "--request-timeout", "1s", "--repo", t.TempDir())
	t.Logf("stderr: %s", r.stderr)
	if r.code != exitFatal || !strings.Contains(r.stderr, server) || !strings.Contains(r.stderr, "did not answer within 1s (--request-timeout)") {
		t.Errorf("exit %d, want 3 with an error naming %s and the 1s --request-timeout\nstderr: %s", r.code, server, r.stderr)
	}
	// The server accepts in arrival order: once a connection made now has
	// been accepted, so has every connection check made.
	own, err := net.Dial("tcp", strings.TrimPrefix(server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for !slices.Contains(accepted(), own.LocalAddr().String()) {
		if ctx.Err() != nil {
			t.Fatalf("the silent server has not accepted this test's own connection (accepted %q)", accepted())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(accepted()) - 1; n != 1 {
		t.Errorf("check made %d connections to the silent server, want 1 (the IngressClass lookup's; no list after it)", n)
	}
	help := run(t, "check", "--help")
	if !regexp.MustCompile(`--request-timeout string +.*\(default "10s"\)`).MatchString(help.stdout) {
		t.Errorf("check --help does not give --request-timeout a 10s default:\n%s", help.stdout)
	}
}
