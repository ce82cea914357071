package cluster_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// Sentinels are valid Ingresses appended to the fuzzed input, in the
// input's format.
var (
	sentinelYAML = strings.Replace(ingressYAML("fuzz-sentinel", "80"), "namespace: shop", "namespace: sentinel", 1)
	sentinelJSON = `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"fuzz-sentinel","namespace":"sentinel"},` +
		`"spec":{"rules":[{"host":"s.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}`
)

// FuzzReadLiveFile reads arbitrary bytes as a --live-file, through
// ReadLiveFile and a real file (the reader's internals may change; its
// contract may not). It needs no API server.
//
// Properties: no panic; reading the same file twice gives the same
// objects and error; an error is a *LiveFileError naming the file and a
// line inside it (0: unknown); every object is a networking.k8s.io/v1
// Ingress; and nothing that holds an Ingress is read as "no objects, no
// error": a valid Ingress appended in the file's format (after "---" for
// YAML, after the last object for JSON) is either read, exactly as it
// reads on its own, or the file is an error.
func FuzzReadLiveFile(f *testing.F) {
	list := "apiVersion: v1\nkind: List\nitems:\n" + asListItem(serviceDoc) + asListItem(ingressYAML("in-list", "80")) + "metadata: {resourceVersion: \"\"}\n"
	typical, err := os.ReadFile(filepath.Join("testdata", "typical-ingress.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"",
		ingressYAML("one", "80"),
		"# dump of the shop namespace\n---\n" + serviceDoc + "---\n" + ingressYAML("a", "80") + "---\n" + list + "---\n",
		list,
		strings.ReplaceAll(list, "\n", "\r\n"),
		"apiVersion: v1\nkind: List\nitems:\n" + asListItem(ingressYAML("good", "80")) + asListItem(ingressYAML("bad", "eighty")),
		"x: &obj\n  apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata: {name: anchored}\n---\nitems: [*obj]\n",
		"apiVersion: v1\nkind: List\nitems:\n- a: b\n  c: d: e\n",
		"- just\n- a list\n",
		strings.Replace(ingressYAML("old", "80"), "networking.k8s.io/v1", "extensions/v1beta1", 1),
		string(typical),
		`{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}},` + sentinelJSON + `],"kind":"List"}`,
		`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"x","namespace":"shop"}}` + "\n" +
			`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"y","namespace":"shop"}}`,
		"{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\"kind\": \"Ingress\",}\n  ]\n}\n",
		"{\"items\": [\n{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"a\"}},\n" +
			"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\n\"metadata\":{\"name\":7}}\n]}",
		"{\"items\": [\n{\"apiVersion\":\"networking.k8s.io/v1\",",
		"[1, 2]",
		`{"items": {"not": "a list"}, "kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "odd"}}`,
		// Lists in Lists, typed Lists whose items say no kind (kind before
		// or after them), a kind-less item of a plain List.
		yamlList("v1", "List", false, yamlList("v1", "List", true, classDoc("nginx", "2026-11-20T08:00:00Z", "true")), list),
		yamlList("networking.k8s.io/v1", "IngressList", false, ingressYAML("typed", "80"), untyped(ingressYAML("untyped", "80"))),
		yamlList("networking.k8s.io/v1", "IngressClassList", true, untyped(classDoc("nginx", "2026-11-20T08:00:00Z", "true"))),
		"apiVersion: v1\nkind: List\nitems:\n" + asListItem(untyped(ingressYAML("kindless", "80"))),
		jsonListOf("v1", "List", false, jsonListOf("networking.k8s.io/v1", "IngressList", true, sprintf(ingJSONNoKind, "a")), sentinelJSON),
		jsonListOf("networking.k8s.io/v1", "IngressList", false, sprintf(ingJSONNoKind, "a"), sentinelJSON),
		jsonListOf("networking.k8s.io/v1", "IngressClassList", true, sprintf(classJSONNoKind, "nginx")),
		`{"kind":"List","items":[` + sprintf(ingJSONNoKind, "a") + `]}`,
	} {
		f.Add([]byte(s))
	}
	sentinel := func(t *testing.T, format string, body string) *model.LiveObject {
		objs, err := readLiveFile(write(t, body))
		if err != nil || len(objs) != 1 {
			t.Fatalf("the %s sentinel alone: %d objects, %v", format, len(objs), err)
		}
		return objs[0]
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := write(t, string(data))
		objs, err := readLiveFile(path)
		objs2, err2 := readLiveFile(path)
		if !reflect.DeepEqual(objs, objs2) || !reflect.DeepEqual(err, err2) {
			t.Fatalf("two reads differ: %d objects, %v; %d objects, %v", len(objs), err, len(objs2), err2)
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		if err != nil {
			var le *cluster.LiveFileError
			if !errors.As(err, &le) || le.File != path || le.Line < 0 || le.Line > lines {
				t.Fatalf("error %v (%T) does not name %s and a line of its %d", err, err, path, lines)
			}
			if objs != nil {
				t.Fatalf("%d objects and an error", len(objs))
			}
		}
		for _, o := range objs {
			if o.Ingress == nil || o.Ingress.APIVersion != "networking.k8s.io/v1" || o.Ingress.Kind != "Ingress" {
				t.Fatalf("object %+v is not a networking.k8s.io/v1 Ingress", o.Ingress)
			}
		}
		format, more := "YAML", append(bytes.Clone(data), "\n---\n"+sentinelYAML...)
		if lead := bytes.TrimLeft(data, " \t\r\n"); len(lead) > 0 && (lead[0] == '{' || lead[0] == '[') {
			format, more = "JSON", append(bytes.Clone(data), "\n"+sentinelJSON...)
		}
		objs, err = readLiveFile(write(t, string(more)))
		if err != nil {
			return
		}
		want := sentinel(t, format, string(more[len(data)+1:]))
		for _, o := range objs {
			if o.Ingress.Namespace == "sentinel" && reflect.DeepEqual(o, want) {
				return
			}
		}
		t.Fatalf("a %s Ingress appended to the file is neither read nor an error (%d objects)", format, len(objs))
	})
}

// write writes content to a new file in the test's temp directory.
func write(t *testing.T, content string) string {
	return writeFile(t, t.TempDir(), "live", content)
}
