package yamledit

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// editCase is one EditIngress case: the document, what happened live, and
// the exact expected output with the lines it may touch.
type editCase struct {
	name string
	doc  string
	ns   string // defaultNamespace
	// live changes the decoded document into the live object; want is
	// then diffengine.CleanForManifest of it, as the accept action does.
	live  func(*networkingv1.Ingress)
	want  string   // expected output
	paths []string // expected edited paths
	// removed are the input lines (1-based) that the edit may change or
	// delete; added is the number of output lines that are new or
	// changed. Every other line must come through byte for byte.
	removed []int
	added   int
	err     string // expected error (substring); want is then ignored
}

// liveFrom decodes a document into a live-looking object: namespace set,
// server fields present (CleanForManifest drops them).
func liveFrom(t testing.TB, doc, ns string) *networkingv1.Ingress {
	t.Helper()
	var ing networkingv1.Ingress
	if err := sigsyaml.Unmarshal([]byte(doc), &ing); err != nil {
		t.Fatalf("decode: %v", err)
	}
	ing.Namespace = cmp.Or(ing.Namespace, ns, "default")
	ing.ResourceVersion = "4711"
	ing.UID = "0b5c1a9e-0000-4000-8000-000000000001"
	ing.Generation = 3
	return &ing
}

func runEdit(t *testing.T, c editCase) {
	t.Helper()
	var live *networkingv1.Ingress
	if c.err != "" && c.live == nil {
		live = &networkingv1.Ingress{}
		live.Name, live.Namespace = "shop", "shop"
	} else {
		live = liveFrom(t, c.doc, c.ns)
	}
	if c.live != nil {
		c.live(live)
	}
	want := diffengine.CleanForManifest(live)
	out, paths, err := EditIngress([]byte(c.doc), want, c.ns)
	if c.err != "" {
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Fatalf("error = %v, want one containing %q\noutput:\n%s", err, c.err, out)
		}
		return
	}
	if err != nil {
		t.Fatalf("EditIngress: %v", err)
	}
	if d := gocmp.Diff(c.want, string(out)); d != "" {
		t.Errorf("output (-want +got):\n%s\ngot:\n%s", d, out)
	}
	if d := gocmp.Diff(c.paths, paths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	removed, added := lineDiff(c.doc, string(out))
	if d := gocmp.Diff(c.removed, removed); d != "" {
		t.Errorf("input lines changed (-want +got):\n%s", d)
	}
	if len(added) != c.added {
		t.Errorf("output lines new or changed = %d (%v), want %d", len(added), added, c.added)
	}
	// Writing the same live state again changes nothing.
	again, p2, err := EditIngress(out, want, c.ns)
	if err != nil || string(again) != string(out) || len(p2) != 0 {
		t.Errorf("second edit: err=%v paths=%v changed=%v", err, p2, string(again) != string(out))
	}
}

// lineDiff compares two texts line by line (longest common subsequence)
// and returns the 1-based numbers of the lines of a that are not kept and
// of the lines of b that are new. Lines keep their line breaks, so a
// changed line ending counts as a change.
func lineDiff(a, b string) (removed, added []int) {
	la, lb := splitLines(a), splitLines(b)
	// Common prefix and suffix first, as diff tools do, so that runs of
	// identical lines line up the way a reader expects.
	pre := 0
	for pre < len(la) && pre < len(lb) && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	removed, added = lcsDiff(la[pre:len(la)-suf], lb[pre:len(lb)-suf])
	for i := range removed {
		removed[i] += pre
	}
	for i := range added {
		added[i] += pre
	}
	return removed, added
}

func lcsDiff(la, lb []string) (removed, added []int) {
	n, m := len(la), len(lb)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if la[i] == lb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && la[i] == lb[j]:
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			added = append(added, j+1)
			j++
		default:
			removed = append(removed, i+1)
			i++
		}
	}
	return removed, added
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.SplitAfter(s, "\n")
}

// lines returns the numbers from..to.
func lines(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func join(parts ...[]int) []int {
	var out []int
	for _, p := range parts {
		out = append(out, p...)
	}
	slices.Sort(out)
	return out
}

func ptr[T any](v T) *T { return &v }

func svc(name string, port int32) networkingv1.IngressBackend {
	return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: port}}}
}

func httpPath(path string, pt networkingv1.PathType, be networkingv1.IngressBackend) networkingv1.HTTPIngressPath {
	return networkingv1.HTTPIngressPath{Path: path, PathType: &pt, Backend: be}
}

func rule(host string, paths ...networkingv1.HTTPIngressPath) networkingv1.IngressRule {
	return networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: paths}}}
}
