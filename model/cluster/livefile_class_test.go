package cluster_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// classDoc is an IngressClass as kubectl writes it, default or not.
func classDoc(name, created string, isDefault string) string {
	ann := ""
	if isDefault != "" {
		ann = fmt.Sprintf("  annotations:\n    ingressclass.kubernetes.io/is-default-class: %q\n", isDefault)
	}
	return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
%s  creationTimestamp: "%s"
  managedFields:
  - manager: kubectl-create
    operation: Update
    apiVersion: networking.k8s.io/v1
    time: "%s"
  name: %s
  resourceVersion: "12"
  uid: 0b5c1a52-8d1e-4a5e-9f11-2d3c4b5a6f70
spec:
  controller: k8s.io/ingress-nginx
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb
`, ann, created, created, name)
}

func classJSON(name, created string, isDefault bool) string {
	ann := ""
	if isDefault {
		ann = `"annotations":{"ingressclass.kubernetes.io/is-default-class":"true"},`
	}
	return fmt.Sprintf(`{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{%s"creationTimestamp":"%s","name":"%s"},"spec":{"controller":"k8s.io/ingress-nginx"}}`, ann, created, name)
}

// TestReadLiveDumpIngressClasses: the classes a dump holds choose the
// default class as the DefaultIngressClass admission plugin does (several
// defaults: the newest, then the first by name; only the exact value
// "true" counts), in every shape a dump can have; the Ingresses beside
// them are read as before.
func TestReadLiveDumpIngressClasses(t *testing.T) {
	dir := t.TempDir()
	const t1, t2 = "2026-11-20T08:00:00Z", "2026-11-21T08:00:00Z"
	ing := ingressYAML("shop", "80")
	// kubectl get ingressclass,ingress -A -o yaml: one List, classes first.
	list := func(docs ...string) string {
		s := "apiVersion: v1\nitems:\n"
		for _, d := range docs {
			s += asListItem(d)
		}
		return s + "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
	}
	jsonList := func(items ...string) string {
		return `{"apiVersion":"v1","items":[` + "\n" + strings.Join(items, ",\n") + "\n" + `],"kind":"List","metadata":{"resourceVersion":""}}`
	}
	ingJSON := `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"shop","namespace":"shop"}}`
	for _, tc := range []struct {
		name, content string
		classes       int
		want          string
		partial       bool
	}{
		{"list with both kinds", list(classDoc("nginx", t1, "true"), classDoc("traefik", t2, ""), ing), 2, "nginx", false},
		{"list without a default", list(classDoc("nginx", t1, ""), ing), 1, "", false},
		{"only exactly true counts", list(classDoc("nginx", t1, "True"), classDoc("haproxy", t1, "yes"), ing), 2, "", false},
		{"several defaults: the newest", list(classDoc("old", t1, "true"), classDoc("new", t2, "true"), classDoc("newer-not-default", "2026-11-22T08:00:00Z", ""), ing), 3, "new", false},
		{"several defaults of the same second: the first by name", list(classDoc("zeta", t2, "true"), classDoc("alpha", t2, "true"), classDoc("older", t1, "true"), ing), 3, "alpha", false},
		{"none", list(ing), 0, "", false},
		{"bare objects", classDoc("nginx", t1, "true") + "---\n" + ing, 1, "nginx", true},
		{"only classes", list(classDoc("nginx", t1, "true")), 1, "nginx", false},
		{"json list", jsonList(classJSON("nginx", t1, false), classJSON("traefik", t2, true), ingJSON), 2, "traefik", false},
		{"json objects one after the other", classJSON("nginx", t1, true) + "\n" + ingJSON, 1, "nginx", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := cluster.ReadLiveDump(writeFile(t, dir, "live", tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if d.IngressClasses != tc.classes || d.DefaultIngressClass != tc.want {
				t.Errorf("%d classes, default %q; want %d, %q", d.IngressClasses, d.DefaultIngressClass, tc.classes, tc.want)
			}
			wantObjs := 1
			if tc.name == "only classes" {
				wantObjs = 0
			}
			if len(d.Objects) != wantObjs || d.Partial != tc.partial {
				t.Errorf("%d objects, partial %v; want %d, %v", len(d.Objects), d.Partial, wantObjs, tc.partial)
			}
			if !tc.partial && len(d.Warnings) != 0 {
				t.Errorf("warnings %q", d.Warnings)
			}
		})
	}
}

// TestReadLiveDumpBadIngressClass: an IngressClass whose default-choosing
// fields cannot be read is an error of the file at the class's line (a
// default chosen without it could be wrong); what is not read (a bad
// managedFields time, spec) cannot fail.
func TestReadLiveDumpBadIngressClass(t *testing.T) {
	dir := t.TempDir()
	ing := asListItem(ingressYAML("shop", "80"))
	good := asListItem(classDoc("nginx", "2026-11-20T08:00:00Z", "true"))
	at := 4 + strings.Count(ing, "\n") + strings.Count(good, "\n") // the bad item's first line
	for _, tc := range []struct {
		name, item string
		line       int
		wantParts  []string
	}{
		{"annotations not a map", strings.Replace(classDoc("bad", "2026-11-20T08:00:00Z", "true"),
			"    ingressclass.kubernetes.io/is-default-class: \"true\"\n", "  - ingressclass.kubernetes.io/is-default-class\n", 1), at, []string{"IngressClass", "annotations"}},
		{"creationTimestamp not a time", classDoc("bad", "last tuesday", "true"), at, []string{"IngressClass", "last tuesday"}},
		{"no name", strings.Replace(classDoc("bad", "2026-11-20T08:00:00Z", "true"), "  name: bad\n", "", 1), at, []string{"IngressClass without a name"}},
		{"old api version", strings.Replace(classDoc("bad", "2026-11-20T08:00:00Z", "true"), "networking.k8s.io/v1\n", "networking.k8s.io/v1beta1\n", 1), at,
			[]string{`IngressClass of API version "networking.k8s.io/v1beta1"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live.yaml", "apiVersion: v1\nkind: List\nitems:\n"+ing+good+asListItem(tc.item))
			_, err := cluster.ReadLiveDump(path)
			var le *cluster.LiveFileError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T), want a *LiveFileError", err, err)
			}
			if le.File != path || le.Line != tc.line {
				t.Errorf("error at %s:%d, want %s:%d (%v)", le.File, le.Line, path, tc.line, err)
			}
			for _, p := range tc.wantParts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not mention %q", err, p)
				}
			}
		})
	}
	t.Run("json, at the bad value's line", func(t *testing.T) {
		path := writeFile(t, dir, "live.json", "{\"kind\":\"List\",\"items\":[\n"+classJSON("nginx", "2026-11-20T08:00:00Z", true)+",\n"+
			"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\",\n\"metadata\":{\"name\":\"bad\",\n\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":true}}}\n]}")
		_, err := cluster.ReadLiveDump(path)
		var le *cluster.LiveFileError
		if !errors.As(err, &le) || le.Line != 5 || !strings.Contains(err.Error(), "IngressClass") {
			t.Errorf("error %v, want a *LiveFileError at %s:5 about the IngressClass", err, path)
		}
	})
	t.Run("a bad managedFields time is not read", func(t *testing.T) {
		item := strings.Replace(classDoc("nginx", "2026-11-20T08:00:00Z", "true"), "    time: \"2026-11-20T08:00:00Z\"\n", "    time: \"yesterday\"\n", 1)
		d, err := cluster.ReadLiveDump(writeFile(t, dir, "mf.yaml", "apiVersion: v1\nkind: List\nitems:\n"+asListItem(item)))
		if err != nil || d.DefaultIngressClass != "nginx" {
			t.Errorf("default %q, err %v; want nginx", d.DefaultIngressClass, err)
		}
	})
}
