package main

import (
	"encoding/json"
	"fmt"
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
		live + " holds no IngressClass, so the cluster's default class is not known",
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

// TestCheckLiveFileDefaultClass: the default IngressClass of a --live-file
// comes from the dump's IngressClasses, or from --default-ingress-class,
// which wins over the dump; a dump that says nothing about it makes the
// class admission filled in drift, with one warning that says how to dump.
func TestCheckLiveFileDefaultClass(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "shop.yaml"), []byte(strings.ReplaceAll(liveFileManifest, "%NAME%", "shop")), 0o644); err != nil {
		t.Fatal(err)
	}
	// What admission made of the manifest on a cluster whose default is nginx.
	live := asItem(strings.Replace(strings.ReplaceAll(liveFileManifest, "%NAME%", "shop"), "spec:\n", "spec:\n  ingressClassName: nginx\n", 1))
	class := asItem("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  creationTimestamp: \"2026-11-20T08:00:00Z\"\n" +
		"  annotations:\n    ingressclass.kubernetes.io/is-default-class: \"true\"\nspec:\n  controller: k8s.io/ingress-nginx\n")
	dir := t.TempDir()
	withClass, withoutClass := filepath.Join(dir, "with.yaml"), filepath.Join(dir, "without.yaml")
	for p, items := range map[string]string{withClass: class + live, withoutClass: live} {
		if err := os.WriteFile(p, []byte("apiVersion: v1\nkind: List\nitems:\n"+items), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	noClassWarning := fmt.Sprintf("warning: %s holds no IngressClass, so the cluster's default class is not known", withoutClass)
	for _, tc := range []struct {
		name   string
		args   []string
		status string
		warned bool
	}{
		{"the dump's default class", []string{"--live-file", withClass}, "in-sync", false},
		{"a dump without classes", []string{"--live-file", withoutClass}, "drifted", true},
		{"the flag for a dump without classes", []string{"--live-file", withoutClass, "--default-ingress-class", "nginx"}, "in-sync", false},
		{"the flag wins over the dump", []string{"--live-file", withClass, "--default-ingress-class", ""}, "drifted", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, append([]string{"check", "-o", "json", "--repo", repo}, tc.args...)...)
			rep := decodeReport(t, r)
			if got := statuses(rep)["shop/shop"]; !strings.HasPrefix(got, tc.status+"/") {
				t.Errorf("shop/shop %s, want %s\nstderr: %s", got, tc.status, r.stderr)
			}
			if warned := strings.Contains(r.stderr, noClassWarning); warned != tc.warned {
				t.Errorf("warned %v, want %v:\n%s", warned, tc.warned, r.stderr)
			} else if warned && (strings.Count(r.stderr, "holds no IngressClass") != 1 || !strings.Contains(r.stderr, "`kubectl get ingressclass,ingress -A -o yaml --show-managed-fields`")) {
				t.Errorf("the warning is not said once with the dump command:\n%s", r.stderr)
			}
		})
	}
}

// asItem turns a YAML document into an item of a List's items.
func asItem(doc string) string {
	lines := strings.Split(strings.TrimSuffix(doc, "\n"), "\n")
	for i := range lines {
		lines[i] = "  " + lines[i]
	}
	return "-" + strings.Join(lines, "\n")[1:] + "\n"
}
