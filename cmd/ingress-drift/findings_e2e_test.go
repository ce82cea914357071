package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

// handmadeManifest is what `kubectl create ingress handmade --class=nginx
// --rule=web.example.com/*=debug:80` makes in namespace ns: the route
// syncedManifest's web claims, to another service.
func handmadeManifest(ns string) string {
	return strings.NewReplacer("  name: web\n", "  name: handmade\n  namespace: "+ns+"\n",
		"                name: web\n", "                name: debug\n").Replace(syncedManifest)
}

// TestCheckFindingsRouteClaimedTwice: on a real API server, web applied
// from the repo and handmade created by hand claim the same route in
// class nginx. check -o json lists the finding on both, the hand-made one
// the suspect; the exit code is what drift alone says (1 for the object
// not in Git, then 0 once it is in Git, the finding still there).
func TestCheckFindingsRouteClaimedTwice(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	repo := t.TempDir()
	web := filepath.Join(repo, "web.yaml")
	if err := os.WriteFile(web, []byte(strings.Replace(syncedManifest, "  name: web\n", "  name: web\n  namespace: "+ns+"\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Kubectl(t, "apply", "-f", web)
	env.Kubectl(t, "-n", ns, "create", "ingress", "handmade", "--class=nginx", "--rule=web.example.com/*=debug:80")
	args := []string{"check", "-o", "json", "--kubeconfig", env.Kubeconfig, "-n", ns, "--repo", repo}

	type finding struct {
		Kind     string `json:"kind"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		Host     string `json:"host"`
		Path     string `json:"path"`
		PathType string `json:"pathType"`
		Class    string `json:"class"`
		Others   []struct {
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
		} `json:"others"`
		Suspect bool `json:"suspect"`
	}
	report := func(wantCode int) map[string][]finding {
		t.Helper()
		r := run(t, args...)
		if r.code != wantCode {
			t.Fatalf("check: exit %d, want %d\n%s%s", r.code, wantCode, r.stdout, r.stderr)
		}
		var rep struct {
			Objects []struct {
				Name     string    `json:"name"`
				Status   string    `json:"status"`
				Findings []finding `json:"findings"`
			} `json:"objects"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("report: %v\n%s", err, r.stdout)
		}
		out := map[string][]finding{}
		for _, o := range rep.Objects {
			out[o.Name+" "+o.Status] = o.Findings
		}
		return out
	}
	check := func(f []finding, other string, suspect bool) {
		t.Helper()
		if len(f) != 1 {
			t.Fatalf("findings = %+v, want one route-claimed-twice", f)
		}
		got := f[0]
		if got.Kind != "route-claimed-twice" || got.Host != "web.example.com" || got.Path != "/" || got.PathType != "Prefix" ||
			got.Class != "nginx" || len(got.Others) != 1 || got.Others[0].Namespace != ns || got.Others[0].Name != other || got.Suspect != suspect {
			t.Errorf("finding = %+v, want route-claimed-twice web.example.com/ (Prefix) in nginx with %s/%s, suspect %v", got, ns, other, suspect)
		}
		if !strings.Contains(got.Message, ns+"/"+other) {
			t.Errorf("message %q does not name %s/%s", got.Message, ns, other)
		}
	}

	// handmade is not in Git: drift (exit 1), and the suspect.
	objs := report(exitDrift)
	check(objs["web in-sync"], "handmade", false)
	check(objs["handmade missing-git"], "web", true)
	if objs["handmade missing-git"][0].Severity != "high" {
		t.Errorf("the suspect's severity = %q, want high", objs["handmade missing-git"][0].Severity)
	}

	// Both in Git as they are live: no drift (exit 0) whatever the
	// findings say, and no suspect.
	if err := os.WriteFile(filepath.Join(repo, "handmade.yaml"), []byte(handmadeManifest(ns)), 0o644); err != nil {
		t.Fatal(err)
	}
	objs = report(exitOK)
	check(objs["web in-sync"], "handmade", false)
	check(objs["handmade in-sync"], "web", false)
}
