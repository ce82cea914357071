package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// unrenderedRepo has an Argo CD Application (self-heal on) whose chart is
// in a Helm repository, which is not rendered here, and one that renders
// a directory of the repo.
var unrenderedRepo = map[string]string{
	"argocd/remote.yaml": `# The remote chart, synced by Argo CD.
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: remote-app
  namespace: argocd
spec:
  destination: {namespace: remote}
  syncPolicy: {automated: {selfHeal: true}}
  source:
    repoURL: https://charts.example.com
    chart: web
    targetRevision: 1.2.3
`,
	"argocd/local.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: local
  namespace: argocd
spec:
  destination: {namespace: web}
  source:
    repoURL: https://git.example.com/platform.git
    path: apps/web
`,
	"apps/web/web.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: web}\nspec:\n  rules: [{host: web.example.com}]\n",
}

// unrenderedLive is a whole dump (a List): the unrendered Application's
// object, the rendered one's and one of its that it no longer renders,
// and one made by hand.
var unrenderedLive = "apiVersion: v1\nkind: List\nitems:\n" + liveItem("remote", "remote", "remote-app") +
	liveItem("remote", "handmade", "") + liveItem("web", "web", "local") + liveItem("web", "stale", "local")

// liveItem is a List item, tracked by the Argo CD Application app ("":
// by none).
func liveItem(ns, name, app string) string {
	s := "- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata:\n    name: " + name + "\n    namespace: " + ns + "\n"
	if app != "" {
		s += "    annotations: {argocd.argoproj.io/tracking-id: \"" + app + ":networking.k8s.io/Ingress:" + ns + "/" + name + "\"}\n"
	}
	return s + "  spec:\n    rules: [{host: " + name + ".example.com}]\n"
}

// TestCheckUnrenderedApplicationIsUnknown: check --live-file on a repo
// whose Argo CD Application names a chart in a Helm repository reports
// the live object that Application tracks unknown (exit 2, as for any
// unknown), blocked by the Application's place, with the notice still a
// notice; the rendered Application's object it no longer renders, and the
// object nobody manages, stay missing-git.
func TestCheckUnrenderedApplicationIsUnknown(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	writeFiles(t, repo, unrenderedRepo)
	live := filepath.Join(t.TempDir(), "live.yaml")
	if err := os.WriteFile(live, []byte(unrenderedLive), 0o644); err != nil {
		t.Fatal(err)
	}

	r := run(t, "check", "-o", "json", "--live-file", live, "--repo", repo)
	if r.code != exitPartial {
		t.Errorf("exit %d, want %d (an object whose absence from Git is not verified)\nstderr: %s", r.code, exitPartial, r.stderr)
	}
	var rep struct {
		Objects []struct {
			Namespace, Name, Status string
			BlockedBy               []string `json:"blockedBy"`
		} `json:"objects"`
		Notices []struct {
			File       string
			Line       int
			Unrendered *struct{ Controller, Kind, Namespace, Name string } `json:"unrendered"`
		} `json:"notices"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, o := range rep.Objects {
		got[o.Namespace+"/"+o.Name] = o.Status + " " + strings.Join(o.BlockedBy, ",")
	}
	want := map[string]string{
		"remote/remote":   "unknown argocd/remote.yaml:3",
		"remote/handmade": "missing-git ",
		"web/web":         "in-sync ",
		"web/stale":       "missing-git ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("objects (-want +got):\n%s\n%s", d, r.stdout)
	}
	if rep.Summary["unknown"] != 1 || rep.Summary["missing-git"] != 2 || rep.Summary["error"] != 0 {
		t.Errorf("summary = %v", rep.Summary)
	}
	if len(rep.Notices) != 1 || rep.Notices[0].Line != 3 || rep.Notices[0].Unrendered == nil ||
		*rep.Notices[0].Unrendered != (struct{ Controller, Kind, Namespace, Name string }{"argocd", "Application", "argocd", "remote-app"}) {
		t.Errorf("notices = %+v, want the one at argocd/remote.yaml:3 naming the Application", rep.Notices)
	}

	r = run(t, "check", "--live-file", live, "--repo", repo)
	for _, line := range []string{
		"remote/remote is in the cluster; Argo CD Application argocd/remote-app (argocd/remote.yaml:3) is not rendered here: spec.source: chart web from the Helm repository https://charts.example.com is not rendered",
		"the live remote/remote names it (annotation argocd.argoproj.io/tracking-id), so whether remote/remote is in what it renders is not known\n",
		"\nnotice: argocd/remote.yaml:3: Application remote-app: spec.source: chart web",
		"\n1 in-sync, 0 drifted, 0 missing-live, 2 missing-git, 0 conflict, 0 error, 1 unknown\n",
	} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("table does not say %q:\n%s", line, r.stdout)
		}
	}
}
