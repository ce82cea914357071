package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

func TestErrorsNeverStopTheRest(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "secret.yaml", ingressYAML("", "outside", "o.example.com"))
	write(t, dir, "good.yaml", ingressYAML("web", "good", "good.example.com"))
	// YAML syntax error in the second document: line from the parser.
	write(t, dir, "syntax.yaml", ingressYAML("web", "first", "a.example.com")+"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: broken\n   namespace: web\n")
	// A Helm template.
	write(t, dir, "chart/templates/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n")
	write(t, dir, "chart/templates/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n")
	// Huge and binary files.
	write(t, dir, "huge.yaml", "# "+strings.Repeat("x", MaxFileSize)+"\n")
	write(t, dir, "binary.yaml", "apiVersion: v1\x00\x01\x02")
	// Symlinks: one leaving the repo, one dangling, one inside (skipped).
	must(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "leak.yaml")))
	must(t, os.Symlink(outside, filepath.Join(dir, "linked-dir")))
	must(t, os.Symlink(filepath.Join(dir, "nope.yaml"), filepath.Join(dir, "dangling.yaml")))
	must(t, os.Symlink(filepath.Join(dir, "good.yaml"), filepath.Join(dir, "alias.yaml")))
	// Removed API versions: the key is still known.
	write(t, dir, "legacy.yaml", `# old
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
  namespace: legacy
spec:
  backend:
    serviceName: web
    servicePort: 80
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: older
`)
	// No name; an unknown (misspelled) field; a wrong type; a duplicate key.
	write(t, dir, "noname.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  generateName: web-\n")
	write(t, dir, "typo.yaml", `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: typo
  namespace: web
spec:
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                prot:
                  number: 80
`)
	write(t, dir, "types.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: types\nspec:\n  rules: 12\n")
	write(t, dir, "dupe.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dupe\n  name: dupe2\n")
	// A non-Ingress document with a syntax error is none of our business.
	write(t, dir, "other.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [\n")
	// A broken JSON file.
	write(t, dir, "broken.json", "{\n  \"kind\": \"Ingress\",\n  \"metadata\": {\n}\n")

	_, s := scan(t, Options{Root: dir})

	legacy := model.Key{Namespace: "legacy", Name: "old"}
	older := model.Key{Namespace: "default", Name: "older"}
	typo := model.Key{Namespace: "web", Name: "typo"}
	types := model.Key{Namespace: "default", Name: "types"}
	want := []struct {
		file string
		line int
		key  *model.Key
		msg  string
	}{
		{"binary.yaml", 0, nil, "binary file (it contains NUL bytes): not a manifest; add it to exclude in .ingress-drift.yaml"},
		{"broken.json", 4, nil, "JSON: unexpected end of JSON input"},
		{"chart/templates/ingress.yaml", 4, nil, `looks like a Helm/Go template ("{{" outside a string); render it first or add it to exclude in .ingress-drift.yaml`},
		{"dangling.yaml", 0, nil, "symlink to " + filepath.Join(dir, "nope.yaml") + ", which does not exist: not read"},
		{"dupe.yaml", 5, nil, `YAML: key "name" already set in map`},
		{"huge.yaml", 0, nil, "file is 5.0 MiB, larger than the 5.0 MiB limit for manifests: not read; add it to exclude in .ingress-drift.yaml if it is not a manifest"},
		{"leak.yaml", 0, nil, "symlink points outside the repo, to " + filepath.Join(dirOf(t, outside), "secret.yaml") + ": not read"},
		{"legacy.yaml", 2, &legacy, "extensions/v1beta1 Ingress legacy/old was removed in Kubernetes 1.22; migrate to networking.k8s.io/v1"},
		{"legacy.yaml", 12, &older, "networking.k8s.io/v1beta1 Ingress default/older was removed in Kubernetes 1.22; migrate to networking.k8s.io/v1"},
		{"linked-dir", 0, nil, "symlinked directory points outside the repo, to " + dirOf(t, outside) + ": not read"},
		{"noname.yaml", 1, nil, "Ingress has no metadata.name (generateName is not supported: the name is only known once the object is created)"},
		{"syntax.yaml", 23, nil, "YAML: mapping values are not allowed in this context"},
		{"types.yaml", 6, &types, "Ingress default/types: spec.rules: expected []v1.IngressRule, found number"},
		{"typo.yaml", 16, &typo, `Ingress web/typo: unknown field "spec.rules[0].http.paths[0].backend.service.prot"`},
	}
	got := s.errs()
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(errStrings(got), "\n"))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.File != w.file || g.Line != w.line || g.Message != w.msg || (g.Key == nil) != (w.key == nil) || (g.Key != nil && *g.Key != *w.key) {
			t.Errorf("error %d:\n got  %s:%d %q key=%v\n want %s:%d %q key=%v", i, g.File, g.Line, g.Message, g.Key, w.file, w.line, w.msg, w.key)
		}
	}
	// The rest still loads: the good file, the first document of the file
	// with a syntax error in its second.
	if n := names(s.docs()); strings.Join(n, ",") != "good,first" {
		t.Errorf("documents = %v, want good, first", n)
	}
	if _, ok := s.source("alias.yaml"); ok {
		t.Errorf("a symlink inside the repo was read (its target would be defined twice)")
	}
	huge, _ := os.Stat(filepath.Join(dir, "huge.yaml"))
	if huge.Size() <= MaxFileSize {
		t.Fatalf("huge.yaml is only %d bytes", huge.Size())
	}
}

// failingFiles is a work tree whose files cannot be read.
type failingFiles struct{ diskFiles }

func (failingFiles) read(entry) ([]byte, error) {
	return nil, &os.PathError{Op: "open", Path: "x", Err: os.ErrPermission}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", ingressYAML("", "a", "a.example.com"))
	r, err := Open(Options{Root: dir})
	must(t, err)
	res := r.run(failingFiles{diskFiles{root: r.root}}, nil, job{e: entry{rel: "a.yaml", size: 10}, parse: true})
	if len(res.p.Errs) != 1 || res.p.Errs[0].Error() != "a.yaml: cannot read: permission denied" {
		t.Errorf("errors = %v", errStrings(res.p.Errs))
	}
}

func TestUnreadableRootIsFatal(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(Options{Root: dir})
	must(t, err)
	must(t, os.RemoveAll(dir))
	s := newSink()
	err = r.Scan(context.Background(), s)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Scan of a vanished root = %v, want a not-exist error", err)
	}
	if st := s.state(); st.Err == "" || st.Scanning {
		t.Errorf("repo state = %+v, want an error and not scanning", st)
	}
	if _, err := Open(Options{Root: filepath.Join(dir, "nope")}); err == nil {
		t.Errorf("Open of a missing directory succeeded")
	}
}

// TestParseHintsNameTheConfigFile: manifest.Parse advises excluding a
// binary file or a template in the config file, which it names from a
// constant of its own (it cannot import repo): the two must agree.
func TestParseHintsNameTheConfigFile(t *testing.T) {
	for file, data := range map[string]string{
		"binary.yaml":   "kind: Ingress\x00",
		"template.yaml": "kind: Ingress\nmetadata:\n  name: {{ .Values.name }}\n",
	} {
		p := manifest.Parse(file, []byte(data), "default")
		if len(p.Errs) != 1 || !strings.HasSuffix(p.Errs[0].Message, "add it to exclude in "+ConfigFile) {
			t.Errorf("%s: errors %v, want one that names %s", file, errStrings(p.Errs), ConfigFile)
		}
	}
}
