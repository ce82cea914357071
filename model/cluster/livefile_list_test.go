package cluster_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// untyped is a document without its first two lines (apiVersion, kind),
// as the API server writes the items of a typed List.
func untyped(doc string) string {
	lines := strings.SplitAfterN(doc, "\n", 3)
	if !strings.HasPrefix(lines[0], "apiVersion: ") || !strings.HasPrefix(lines[1], "kind: ") {
		panic("untyped: " + lines[0] + lines[1])
	}
	return lines[2]
}

// yamlList is a List of items, its kind before them or after them (keys
// sorted, as kubectl writes a List).
func yamlList(apiVersion, kind string, kindFirst bool, items ...string) string {
	head := "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {resourceVersion: \"7\"}\nitems:\n"
	tail := ""
	if !kindFirst {
		head, tail = "apiVersion: "+apiVersion+"\nitems:\n", "kind: "+kind+"\nmetadata: {resourceVersion: \"7\"}\n"
	}
	for _, it := range items {
		head += asListItem(it)
	}
	return head + tail
}

func jsonListOf(apiVersion, kind string, kindFirst bool, items ...string) string {
	body := `"items":[` + "\n" + strings.Join(items, ",\n") + "\n]"
	if kindFirst {
		return `{"kind":"` + kind + `","apiVersion":"` + apiVersion + `","metadata":{"resourceVersion":"7"},` + body + "}"
	}
	return `{"apiVersion":"` + apiVersion + `",` + body + `,"kind":"` + kind + `","metadata":{"resourceVersion":"7"}}`
}

const (
	ingJSONNoKind   = `{"metadata":{"name":"%s","namespace":"shop"},"spec":{"ingressClassName":"nginx"}}`
	classJSONNoKind = `{"metadata":{"name":"%s","creationTimestamp":"2026-11-20T08:00:00Z","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}},"spec":{"controller":"k8s.io/ingress-nginx"}}`
)

func sprintf(format, name string) string { return strings.Replace(format, "%s", name, 1) }

// TestReadLiveDumpListShapes: Lists inside Lists are read at any depth,
// and the items of a typed List (IngressList, IngressClassList: what `kubectl
// get --raw` writes) that say neither kind nor apiVersion get the List's,
// as kubectl gives them, whether the List's kind comes before its items or
// after them. They were skipped, silently: every manifest became
// missing-live.
func TestReadLiveDumpListShapes(t *testing.T) {
	dir := t.TempDir()
	const t1 = "2026-11-20T08:00:00Z"
	const net = "networking.k8s.io/v1"
	classes := func(kindFirst bool) string {
		return yamlList("v1", "List", kindFirst, classDoc("nginx", t1, "true"), classDoc("traefik", t1, ""))
	}
	ings := yamlList("v1", "List", false, serviceDoc, ingressYAML("a", "80"), ingressYAML("b", "80"))
	tests := []struct {
		name, content string
		want          []string
		classes       int
	}{
		{"yaml list of lists", yamlList("v1", "List", false, classes(false), ings), []string{"a", "b"}, 2},
		{"yaml list of lists of lists", yamlList("v1", "List", true, yamlList("v1", "List", true, classes(true)), ings), []string{"a", "b"}, 2},
		{"yaml typed IngressList, kind first", yamlList(net, "IngressList", true, untyped(ingressYAML("a", "80")), untyped(ingressYAML("b", "80"))), []string{"a", "b"}, 0},
		{"yaml typed IngressList, kind last", yamlList(net, "IngressList", false, untyped(ingressYAML("a", "80")), untyped(ingressYAML("b", "80"))), []string{"a", "b"}, 0},
		{"yaml typed IngressList, kind last, items typed or not, in file order", yamlList(net, "IngressList", false,
			ingressYAML("a", "80"), untyped(ingressYAML("b", "80")), ingressYAML("c", "80")), []string{"a", "b", "c"}, 0},
		{"yaml typed IngressClassList", yamlList(net, "IngressClassList", false, untyped(classDoc("nginx", t1, "true"))), nil, 1},
		{"yaml typed lists in a List", yamlList("v1", "List", false,
			yamlList(net, "IngressClassList", false, untyped(classDoc("nginx", t1, "true"))),
			yamlList(net, "IngressList", true, untyped(ingressYAML("a", "80")))), []string{"a"}, 1},
		{"yaml typed list in flow style", "--- {kind: IngressList, apiVersion: " + net + ", items: [{metadata: {name: a, namespace: shop}}]}\n", []string{"a"}, 0},
		{"json list of lists", jsonListOf("v1", "List", false,
			jsonListOf("v1", "List", false, classJSON("nginx", t1, true), classJSON("traefik", t1, false)),
			jsonListOf("v1", "List", true, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}}`,
				`{"apiVersion":"`+net+`","kind":"Ingress","metadata":{"name":"a","namespace":"shop"}}`)), []string{"a"}, 2},
		{"json typed IngressList, kind first (kubectl get --raw)", jsonListOf(net, "IngressList", true, sprintf(ingJSONNoKind, "a"), sprintf(ingJSONNoKind, "b")), []string{"a", "b"}, 0},
		{"json typed IngressList, kind last", jsonListOf(net, "IngressList", false, sprintf(ingJSONNoKind, "a"), sprintf(ingJSONNoKind, "b")), []string{"a", "b"}, 0},
		{"json typed IngressClassList", jsonListOf(net, "IngressClassList", true, sprintf(classJSONNoKind, "nginx")), nil, 1},
		{"json typed lists in a List", jsonListOf("v1", "List", false,
			jsonListOf(net, "IngressClassList", false, sprintf(classJSONNoKind, "nginx")),
			jsonListOf(net, "IngressList", true, sprintf(ingJSONNoKind, "a"))), []string{"a"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := cluster.ReadLiveDump(writeFile(t, dir, "live", tc.content))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range d.Objects {
				names = append(names, o.Ingress.Name)
				if o.Ingress.APIVersion != net || o.Ingress.Kind != "Ingress" {
					t.Errorf("%s: read as %s %s", o.Key(), o.Ingress.APIVersion, o.Ingress.Kind)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("read %v, want %v", names, tc.want)
			}
			if d.IngressClasses != tc.classes || (tc.classes > 0) != (d.DefaultIngressClass == "nginx") {
				t.Errorf("%d classes, default %q; want %d", d.IngressClasses, d.DefaultIngressClass, tc.classes)
			}
			if d.Partial || len(d.Warnings) != 0 {
				t.Errorf("partial %v, warnings %q: a List is a whole dump", d.Partial, d.Warnings)
			}
		})
	}
}

// TestReadLiveDumpKindlessItem: an object that says no kind (and is in no
// typed List that gives it one) is an error at its line, as kubectl makes
// it one: it may be an Ingress, so skipping it could make a wrong
// missing-live verdict.
func TestReadLiveDumpKindlessItem(t *testing.T) {
	dir := t.TempDir()
	good := asListItem(ingressYAML("good", "80"))
	at := 4 + strings.Count(good, "\n")
	tests := []struct {
		name, content string
		line          int
		wantParts     []string
	}{
		{"yaml plain List", "apiVersion: v1\nkind: List\nitems:\n" + good + asListItem(untyped(ingressYAML("bad", "80"))), at, []string{"List item without a kind"}},
		{"yaml kind after the items", "apiVersion: v1\nitems:\n- kind: Service\n  metadata: {name: web}\n" + asListItem(untyped(ingressYAML("bad", "80"))) + "kind: List\n", 5, []string{"List item without a kind"}},
		{"yaml List without a kind", "items:\n" + asListItem(untyped(ingressYAML("bad", "80"))), 2, []string{"List item without a kind"}},
		{"yaml inside a nested List", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - metadata: {name: bad}\n", 7, []string{"List item without a kind"}},
		{"yaml apiVersion but no kind", "apiVersion: v1\nkind: IngressList\nitems:\n- apiVersion: networking.k8s.io/v1\n  metadata: {name: bad}\n", 4, []string{"List item without a kind"}},
		{"yaml second items key", "apiVersion: v1\nitems:\n" + asListItem(untyped(ingressYAML("a", "80"))) + "kind: IngressList\nitems:\n- {}\n", 4 + strings.Count(asListItem(untyped(ingressYAML("a", "80"))), "\n"),
			[]string{"second items key"}},
		{"yaml bare object", serviceDoc + "---\nmetadata: {name: bad}\n", 7, []string{"object without a kind"}},
		{"json plain List", "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Service\",\"apiVersion\":\"v1\"},\n" + sprintf(ingJSONNoKind, "bad") + "]}", 3, []string{"List item without a kind"}},
		{"json kind after the items", "{\"items\":[\n{\"kind\":\"Service\",\"apiVersion\":\"v1\"},\n\n" + sprintf(ingJSONNoKind, "bad") + "],\"kind\":\"List\"}", 4, []string{"List item without a kind"}},
		{"json inside a nested List", "{\"kind\":\"List\",\"items\":[{\"kind\":\"List\",\"items\":[\n\n" + sprintf(ingJSONNoKind, "bad") + "]}]}", 3, []string{"List item without a kind"}},
		{"json bare object", "{\"kind\":\"Service\",\"apiVersion\":\"v1\"}\n" + sprintf(ingJSONNoKind, "bad"), 2, []string{"object without a kind"}},
		{"json item not an object", "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Service\",\"apiVersion\":\"v1\"},\n7]}", 3, []string{"not an object"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live", tc.content)
			_, err := cluster.ReadLiveDump(path)
			checkLiveFileError(t, err, path, tc.line, tc.wantParts...)
		})
	}
}

// checkLiveFileError checks that err is a *LiveFileError at path:line
// whose message has every one of parts.
func checkLiveFileError(t *testing.T, err error, path string, line int, parts ...string) {
	t.Helper()
	var le *cluster.LiveFileError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T), want a *LiveFileError", err, err)
	}
	if le.File != path || le.Line != line {
		t.Errorf("error at %s:%d, want %s:%d (%v)", le.File, le.Line, path, line, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// TestReadLiveDumpOtherKinds: objects of other kinds are skipped, in a
// List or bare (`kubectl get all,ingress -A -o yaml`); a file that holds
// nothing but them (`kubectl get all -A`, which has no Ingresses) is not a
// dump of the Ingresses, so it is partial: its every manifest would
// otherwise be missing-live.
func TestReadLiveDumpOtherKinds(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		objects       int
		partial       bool
		warning       string
	}{
		{"a Service in a List", yamlList("v1", "List", false, serviceDoc, ingressYAML("a", "80")), 1, false, ""},
		{"a Service in a typed list", yamlList("v1", "ServiceList", true, untyped(serviceDoc)), 0, true, "holds 1 object of other kinds and no Ingress or IngressClass"},
		{"only Services in a List", yamlList("v1", "List", false, serviceDoc, serviceDoc), 0, true, "holds 2 objects of other kinds and no Ingress or IngressClass"},
		{"only Services in a nested List", yamlList("v1", "List", false, yamlList("v1", "List", true, serviceDoc)), 0, true, "holds 1 object of other kinds"},
		{"only a bare Service", serviceDoc, 0, true, "holds 1 object of other kinds"},
		{"json only Services", jsonListOf("v1", "List", false, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}}`), 0, true, "holds 1 object of other kinds"},
		{"only an IngressClass and a Service", yamlList("v1", "List", false, serviceDoc, classDoc("nginx", "2026-11-20T08:00:00Z", "")), 0, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "live", tc.content)
			d, err := cluster.ReadLiveDump(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Objects) != tc.objects || d.Partial != tc.partial {
				t.Errorf("%d objects, partial %v; want %d, %v", len(d.Objects), d.Partial, tc.objects, tc.partial)
			}
			switch {
			case tc.warning == "" && len(d.Warnings) != 0:
				t.Errorf("warnings %q, want none", d.Warnings)
			case tc.warning != "" && (len(d.Warnings) != 1 || !strings.HasPrefix(d.Warnings[0], path+" "+tc.warning) || !strings.Contains(d.Warnings[0], cluster.DumpCommand)):
				t.Errorf("warnings %q, want one starting %q that says how to dump", d.Warnings, path+" "+tc.warning)
			}
		})
	}
}
