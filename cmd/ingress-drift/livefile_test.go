package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const liveFileManifest = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %NAME%
  namespace: shop
spec:
  rules:
  - host: %NAME%.example.com
`

// TestCheckLiveFileOfOneObject: a --live-file that holds one Ingress, not a
// List, whose managedFields time does not parse. check reads it (the bad
// time costs only that object's attribution), and says both on stderr and
// in the JSON report's cluster.warnings; the dump is partial, so the
// manifest it does not hold is not reported as known missing.
func TestCheckLiveFileOfOneObject(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	for _, name := range []string{"shop", "blog"} {
		if err := os.WriteFile(filepath.Join(repo, name+".yaml"), []byte(strings.ReplaceAll(liveFileManifest, "%NAME%", name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	live := filepath.Join(t.TempDir(), "shop.yaml")
	obj := strings.ReplaceAll(liveFileManifest, "%NAME%", "shop") + `status: {}
`
	obj = strings.Replace(obj, "  namespace: shop\n", "  namespace: shop\n  managedFields:\n  - manager: kubectl\n    operation: Update\n    time: \"last tuesday\"\n", 1)
	if err := os.WriteFile(live, []byte(obj), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "check", "-o", "json", "--live-file", live, "--repo", repo)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (blog is not in a dump that is not the whole cluster: unknown)\nstderr: %s", r.code, r.stderr)
	}
	var rep struct {
		Objects []struct {
			Name        string `json:"name"`
			Status      string `json:"status"`
			LiveUnknown bool   `json:"liveUnknown"`
		} `json:"objects"`
		Cluster struct {
			Partial  bool     `json:"partial"`
			Warnings []string `json:"warnings"`
		} `json:"cluster"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	wantWarnings := []string{
		live + ":1: Ingress shop/shop: managedFields cannot be read",
		live + " holds one object, not a List",
	}
	if !rep.Cluster.Partial || len(rep.Cluster.Warnings) != len(wantWarnings) {
		t.Fatalf("cluster: partial %v, warnings %q; want partial with %d warnings", rep.Cluster.Partial, rep.Cluster.Warnings, len(wantWarnings))
	}
	for i, w := range wantWarnings {
		if !strings.HasPrefix(rep.Cluster.Warnings[i], w) {
			t.Errorf("warning %d = %q, want it to start %q", i, rep.Cluster.Warnings[i], w)
		}
		if !strings.Contains(r.stderr, "warning: "+w) {
			t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
		}
	}
	statuses := map[string]string{}
	for _, o := range rep.Objects {
		statuses[o.Name] = o.Status
		if o.LiveUnknown {
			statuses[o.Name] += " (live unknown)"
		}
	}
	if statuses["shop"] != "in-sync" || statuses["blog"] != "unknown (live unknown)" {
		t.Errorf("statuses = %v, want shop in-sync, blog unknown (live unknown)", statuses)
	}
}
