package manifest

import (
	"os"
	"path/filepath"

	"github.com/ingress-drift/ingress-drift/model"
)

// The manifests of testdata/manifests, which repo's tests read too
// (TestDiscoveryFormatsAndOrigins scans them).
var (
	multiDoc    = fixture("multidoc.yaml")
	listYAML    = fixture("list.yml")
	jsonIngress = fixture("one.json")
	jsonList    = fixture("dump.json")
)

func fixture(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "manifests", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func names(docs []model.Desired) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Ingress.Name)
	}
	return out
}

// ingressYAML is a minimal valid Ingress.
func ingressYAML(ns, name, host string) string {
	s := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s + `spec:
  rules:
    - host: ` + host + `
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
}

func errStrings(errs []model.RepoError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
