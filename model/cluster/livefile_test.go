package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

func byKey(objs []*model.LiveObject, ns string) map[model.Key]*model.LiveObject {
	out := map[model.Key]*model.LiveObject{}
	for _, o := range objs {
		if o.Ingress.Namespace == ns {
			out[o.Key()] = o
		}
	}
	return out
}

// TestReadLiveFileFromKubectl reads real `kubectl get ingress -A` dumps and
// expects exactly what List sees: the same objects and the same attribution.
// It stays serial (no t.Parallel), like every test that reads all
// namespaces: Go runs the serial tests first, so the dumps do not carry
// the thousand Ingresses of TestListPaginates.
func TestReadLiveFileFromKubectl(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	driftedObjects(t, env, ns)
	listed, err := cluster.List(context.Background(), target(t, env, ns))
	if err != nil {
		t.Fatal(err)
	}
	want := byKey(listed, ns)
	if len(want) != 2 {
		t.Fatalf("listed %d objects, want shop and blog", len(want))
	}
	dir := t.TempDir()
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			// kubectl hides managedFields unless asked (since 1.21).
			path := writeFile(t, dir, "live."+format, env.Kubectl(t, "get", "ingress", "-A", "-o", format, "--show-managed-fields"))
			objs, err := readLiveFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := byKey(objs, ns)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReadLiveFile differs from List (-list +file):\n%s", diff)
			}
		})
	}
	t.Run("kubectl's default: without managed fields", func(t *testing.T) {
		path := writeFile(t, dir, "bare.yaml", env.Kubectl(t, "get", "ingress", "-n", ns, "-o", "yaml"))
		objs, err := readLiveFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 {
			t.Fatalf("%d objects, want 2", len(objs))
		}
		for _, o := range objs {
			if len(o.Managers) != 0 || len(o.Owners) != 0 {
				t.Errorf("%s: attribution without managedFields: %v", o.Key(), o.Managers)
			}
			w := want[o.Key()]
			if w == nil || !cmp.Equal(w.Ingress.Spec, o.Ingress.Spec) {
				t.Errorf("%s: spec differs from the listed one", o.Key())
			}
		}
	})
}

const serviceDoc = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}]
`

const ingressDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %s
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"big":"blob"}'
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
  managedFields:
  - manager: kubectl-annotate
    operation: Update
    apiVersion: networking.k8s.io/v1
    time: "2026-11-23T14:02:11Z"
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          f:nginx.ingress.kubernetes.io/ssl-redirect: {}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: %s}}
`

func ingressYAML(name, port string) string {
	return fmt.Sprintf(ingressDoc, name, port)
}

// indent indents every line of s by n spaces.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

// asListItem turns a document into an item of a YAML list.
func asListItem(doc string) string {
	s := indent(doc, 2)
	return "-" + s[1:]
}

func TestReadLiveFileShapes(t *testing.T) {
	dir := t.TempDir()
	list := "apiVersion: v1\nkind: List\nitems:\n" + asListItem(serviceDoc) + asListItem(ingressYAML("in-list", "80")) + "metadata: {resourceVersion: \"\"}\n"
	tests := []struct {
		name, content string
		want          []string
	}{
		{"single ingress", ingressYAML("one", "80"), []string{"one"}},
		{"multi-document with other kinds and a comment-only first document",
			"# dump of the shop namespace\n---\n" + serviceDoc + "---\n" + ingressYAML("a", "80") + "---\n" + list + "---\n",
			[]string{"a", "in-list"}},
		{"list", list, []string{"in-list"}},
		{"json list", `{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}},` +
			`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"j","namespace":"shop","managedFields":[` +
			`{"manager":"kubectl-annotate","operation":"Update","time":"2026-11-23T14:02:11Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{"f:nginx.ingress.kubernetes.io/ssl-redirect":{}}}}}]}}],"kind":"List"}`,
			[]string{"j"}},
		{"json objects one after the other",
			`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"x","namespace":"shop"}}` + "\n" +
				`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"y","namespace":"shop"}}`,
			[]string{"x", "y"}},
		// The YAML splitter's cases: items indented under the key, a
		// block scalar whose lines look like items, a line longer than
		// the read buffer, CRLF line ends, a List in flow style (read
		// whole), a comment between items.
		{"list with indented items and a block scalar", "apiVersion: v1\nkind: List\nitems:\n" + indent(asListItem(serviceDoc), 2) +
			indent(asListItem(strings.Replace(ingressYAML("indented", "80"), "  annotations:\n", "  annotations:\n    note: |\n      - not an item\n      kind: not a key\n", 1)), 2) +
			"# trailing comment\nmetadata: {resourceVersion: \"\"}\n",
			[]string{"indented"}},
		{"list item with a line longer than the read buffer", "items:\n" +
			asListItem(strings.Replace(ingressYAML("long", "80"), "  annotations:\n", "  annotations:\n    big: "+strings.Repeat("x", 200<<10)+"\n", 1)) + "kind: List\n",
			[]string{"long"}},
		{"crlf list", strings.ReplaceAll(list, "\n", "\r\n"), []string{"in-list"}},
		{"flow list", "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Service, metadata: {name: s}}]\n---\n" + list, []string{"in-list"}},
		{"comment between items", "items:\n" + asListItem(ingressYAML("c1", "80")) + "# between\n\n" + asListItem(ingressYAML("c2", "80")) + "kind: List\n", []string{"c1", "c2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := readLiveFile(writeFile(t, dir, "f", tc.content))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range objs {
				names = append(names, o.Ingress.Name)
				if _, ok := o.Ingress.Annotations[diffengine.LastAppliedAnnotation]; ok {
					t.Errorf("%s kept the last-applied annotation", o.Key())
				}
				if o.Ingress.Name == "x" || o.Ingress.Name == "y" {
					continue
				}
				ms := o.ManagersFor([]string{"metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"})
				if len(ms) != 1 || ms[0].String() != "kubectl-annotate, Update, 2026-11-23T14:02:11Z" {
					t.Errorf("%s: ssl-redirect attributed to %v", o.Key(), ms)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("read %v, want %v", names, tc.want)
			}
		})
	}
}

func TestReadLiveFileErrors(t *testing.T) {
	dir := t.TempDir()
	badItem := "apiVersion: v1\nkind: List\nitems:\n" + asListItem(ingressYAML("good", "80")) + asListItem(ingressYAML("bad", "eighty"))
	goodLines := strings.Count(asListItem(ingressYAML("good", "80")), "\n")
	tests := []struct {
		name, content string
		line          int
		wantParts     []string
	}{
		{"yaml syntax", "apiVersion: v1\nkind: List\nitems:\n- a: b\n  c: d: e\n", 5, []string{"invalid YAML", "mapping values are not allowed"}},
		{"yaml item with a wrong type", badItem, 4 + goodLines, []string{"Ingress", "port.number"}},
		{"yaml not an object", "- just\n- a list\n", 1, []string{"expected an object"}},
		{"old api version", strings.Replace(ingressYAML("old", "80"), "networking.k8s.io/v1", "extensions/v1beta1", 1), 1,
			[]string{`"extensions/v1beta1"`, "networking.k8s.io/v1"}},
		{"json syntax", "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\"kind\": \"Ingress\",}\n  ]\n}\n", 4, []string{"invalid JSON"}},
		{"json item with a wrong type", "{\"items\": [\n{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"a\"}},\n" +
			"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\n\"metadata\":{\"name\":7}}\n]}", 4, []string{"Ingress", "metadata.name"}},
		{"json truncated", "{\"items\": [\n{\"apiVersion\":\"networking.k8s.io/v1\",", 2, []string{"unexpected end of JSON"}},
		{"json top-level array", "[1, 2]", 1, []string{"expected a JSON object"}},
		// FuzzReadLiveFile: YAML's lone "\r" line breaks put this at line 2.
		{"yaml with a lone carriage return", "\"0\r", 1, []string{"invalid YAML", "unexpected end of stream"}},
		// FuzzReadLiveFile: a value missing after a key was a bare "EOF".
		{"json truncated after a key", "{\n\"kind\"", 2, []string{"unexpected end of JSON"}},
		{"json bad value after a key", "{\"kind\": \"List\",\n\"x\": nope}", 2, []string{"invalid JSON"}},
		// What a failed `kubectl get … > file` leaves, and a dump cut short
		// (kubectl writes the List's kind after its items): read as whole
		// dumps they would make every manifest missing-live.
		{"empty", "", 1, []string{"holds no object and no List", "kubectl get ingressclass,ingress"}},
		{"only a comment", "# nothing\n\n", 1, []string{"holds no object and no List"}},
		{"yaml List cut short", "apiVersion: v1\nitems:\n" + asListItem(ingressYAML("good", "80")) + strings.Join(strings.SplitAfter(asListItem(ingressYAML("cut", "80")), "\n")[:6], ""), 1,
			[]string{"this List has no kind", "cut short"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live.txt", tc.content)
			_, err := readLiveFile(path)
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("%v", err)
			var le *cluster.LiveFileError
			if !errors.As(err, &le) {
				t.Fatalf("error %T, want *LiveFileError", err)
			}
			if le.File != path || le.Line != tc.line {
				t.Errorf("error at %s:%d, want %s:%d", le.File, le.Line, path, tc.line)
			}
			for _, p := range tc.wantParts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not mention %q", err, p)
				}
			}
		})
	}
	_, err := readLiveFile(filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v, want an error naming it", err)
	}
}

// TestReadLiveDumpBadManagedFieldsTime: one object whose managedFields
// time does not parse loses its attribution, with a warning naming it and
// its line; the rest of the file reads normally (it was fatal for the
// whole file).
func TestReadLiveDumpBadManagedFieldsTime(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(ingressYAML("bad", "80"), `time: "2026-11-23T14:02:11Z"`, `time: "yesterday"`, 1)
	good := ingressYAML("good", "80")
	yamlList := "apiVersion: v1\nkind: List\nitems:\n" + asListItem(good) + asListItem(bad)
	badLine := 4 + strings.Count(asListItem(good), "\n")
	jsonList := `{"apiVersion":"v1","kind":"List","items":[` + "\n" +
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"good","namespace":"shop"}},` + "\n" +
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"bad","namespace":"shop","managedFields":[` +
		`{"manager":"kubectl-annotate","operation":"Update","time":"yesterday","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{"f:nginx.ingress.kubernetes.io/ssl-redirect":{}}}}}]}}]}`
	for _, tc := range []struct {
		name, content string
		line          int
	}{{"yaml", yamlList, badLine}, {"json", jsonList, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live."+tc.name, tc.content)
			d, err := cluster.ReadLiveDump(path)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range d.Objects {
				names = append(names, o.Ingress.Name)
				if o.Ingress.Name == "bad" && (len(o.Owners) != 0 || len(o.Managers) != 0) {
					t.Errorf("bad kept attribution: %v", o.Managers)
				}
			}
			if !slices.Equal(names, []string{"good", "bad"}) {
				t.Errorf("read %v, want good and bad", names)
			}
			want := fmt.Sprintf("%s:%d: Ingress shop/bad: managedFields cannot be read", path, tc.line)
			if len(d.Warnings) != 1 || !strings.HasPrefix(d.Warnings[0], want) {
				t.Errorf("warnings = %q, want one starting %q", d.Warnings, want)
			}
			if d.Partial {
				t.Error("a List read as partial")
			}
		})
	}
}

// TestReadLiveDumpSingleObject: a file that holds one Ingress, not a List,
// is read, but says that it is not a dump of the cluster (it silently made
// every other manifest missing-live).
func TestReadLiveDumpSingleObject(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content, what string }{
		{"yaml", ingressYAML("one", "80"), "one object"},
		{"json", `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"one","namespace":"shop"}}`, "one object"},
		{"two documents", ingressYAML("one", "80") + "---\n" + ingressYAML("two", "80"), "2 objects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live."+tc.name, tc.content)
			d, err := cluster.ReadLiveDump(path)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Partial || len(d.Objects) == 0 {
				t.Errorf("partial = %v with %d objects, want a partial dump", d.Partial, len(d.Objects))
			}
			want := path + " holds " + tc.what + ", not a List"
			if len(d.Warnings) != 1 || !strings.HasPrefix(d.Warnings[0], want) || !strings.Contains(d.Warnings[0], "kubectl get ingressclass,ingress -A -o yaml") {
				t.Errorf("warnings = %q, want one starting %q that says how to dump", d.Warnings, want)
			}
		})
	}
	for _, content := range []string{"apiVersion: v1\nkind: List\nitems: []\n", `{"kind":"List","items":[]}`} {
		d, err := cluster.ReadLiveDump(writeFile(t, dir, "empty-list", content))
		if err != nil || d.Partial || len(d.Warnings) != 0 {
			t.Errorf("%q: partial %v, warnings %q, err %v: an empty List is a whole (empty) cluster", content, d.Partial, d.Warnings, err)
		}
	}
}

// readLiveFile is the objects ReadLiveDump reads from path.
func readLiveFile(path string) ([]*model.LiveObject, error) {
	d, err := cluster.ReadLiveDump(path)
	if err != nil {
		return nil, err
	}
	return d.Objects, nil
}
