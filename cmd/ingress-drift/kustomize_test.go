package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// writeFiles writes files (path relative to dir: content).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheckKustomizeCycle: two kustomizations that include each other are
// an error entry naming the cycle, and check exits 2. Before, neither was
// rendered and nothing was said: exit 1, the live object only
// "missing-git". Needs no cluster (--live-file).
func TestCheckKustomizeCycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	writeFiles(t, repo, map[string]string{
		"overlays/a/kustomization.yaml": "namespace: shop\nresources:\n  - ../../base\n",
		"base/kustomization.yaml":       "resources:\n  - ingress.yaml\n  - ../overlays/a\n",
		"base/ingress.yaml":             "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n    - host: shop.example.com\n",
	})
	live := filepath.Join(dir, "live.yaml")
	writeFiles(t, dir, map[string]string{"live.yaml": `apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: shop
      namespace: shop
    spec:
      rules:
        - host: shop.example.com
`})
	r := run(t, "check", "-o", "json", "--live-file", live, "--repo", repo)
	if r.code != exitPartial {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, exitPartial, r.stdout, r.stderr)
	}
	rep := decodeReport(t, r)
	const want = "resources: ../../base includes a kustomization that includes it, a cycle: base → overlays/a → base; kustomize cannot render it"
	if len(rep.Errors) != 1 || rep.Errors[0].File != "overlays/a/kustomization.yaml" || rep.Errors[0].Line != 3 || rep.Errors[0].Message != want {
		t.Errorf("errors = %+v, want one at overlays/a/kustomization.yaml:3: %s", rep.Errors, want)
	}
	// The error is an entry of its own.
	var entries struct {
		Objects []struct {
			Status string `json:"status"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		} `json:"objects"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range entries.Objects {
		if o.Status == "error" && len(o.Errors) == 1 && o.Errors[0].Message == want {
			found = true
		}
	}
	if !found {
		t.Errorf("no error entry with the cycle; objects %+v", entries.Objects)
	}
}
