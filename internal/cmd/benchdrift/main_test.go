package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestParseGoBench(t *testing.T) {
	in := `goos: linux
goarch: amd64
pkg: github.com/ingress-drift/ingress-drift/diffengine
cpu: Intel(R) Xeon(R) Processor
BenchmarkDiffTypical-2   	   63843	     18562 ns/op	    9120 B/op	     151 allocs/op
BenchmarkScan10k
some log line from the benchmark
BenchmarkScan10k-2   	       2	 612345678 ns/op	        10000 files	 140000000 B/op	 1000000 allocs/op
PASS
ok  	github.com/ingress-drift/ingress-drift/diffengine	3.1s
pkg: github.com/ingress-drift/ingress-drift/tui
BenchmarkListView100-2 	    5000	    230000 ns/op
--- FAIL: BenchmarkBroken
FAIL	github.com/ingress-drift/ingress-drift/model/cluster	1.0s
`
	g, err := parseGoBench(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &GoBench{
		Header: map[string]string{"goos": "linux", "goarch": "amd64", "cpu": "Intel(R) Xeon(R) Processor"},
		Lines: []BenchLine{
			{Pkg: "github.com/ingress-drift/ingress-drift/diffengine", Name: "BenchmarkDiffTypical-2", Iterations: 63843,
				Metrics: []Metric{{18562, "ns/op"}, {9120, "B/op"}, {151, "allocs/op"}}},
			{Pkg: "github.com/ingress-drift/ingress-drift/diffengine", Name: "BenchmarkScan10k-2", Iterations: 2,
				Metrics: []Metric{{612345678, "ns/op"}, {10000, "files"}, {140000000, "B/op"}, {1000000, "allocs/op"}}},
			{Pkg: "github.com/ingress-drift/ingress-drift/tui", Name: "BenchmarkListView100-2", Iterations: 5000,
				Metrics: []Metric{{230000, "ns/op"}}},
		},
		Failures: []string{"--- FAIL: BenchmarkBroken", "FAIL\tgithub.com/ingress-drift/ingress-drift/model/cluster\t1.0s"},
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("parseGoBench (-want +got):\n%s", diff)
	}
}

func TestParseKubectlDiff(t *testing.T) {
	in := `diff -u -N /tmp/LIVE-2961/networking.k8s.io.v1.Ingress.shop.storefront-00007 /tmp/MERGED-1234/networking.k8s.io.v1.Ingress.shop.storefront-00007
--- /tmp/LIVE-2961/networking.k8s.io.v1.Ingress.shop.storefront-00007	2026-11-24 09:00:00
+++ /tmp/MERGED-1234/networking.k8s.io.v1.Ingress.shop.storefront-00007	2026-11-24 09:00:00
@@ -10,7 +10,7 @@
-          number: 9090
+          number: 80
diff -u -N /tmp/LIVE-2961/networking.k8s.io.v1.Ingress.api.docs-00017 /tmp/MERGED-1234/networking.k8s.io.v1.Ingress.api.docs-00017
+  tls:
`
	got, err := parseKubectlDiff(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"shop/storefront-00007": "diff", "api/docs-00017": "diff"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseKubectlDiff (-want +got):\n%s", diff)
	}
	if _, err := parseKubectlDiff(strings.NewReader("diff -u -N /tmp/LIVE-1/apps.v1.Deployment.a.b /tmp/MERGED-2/apps.v1.Deployment.a.b\n")); err == nil {
		t.Error("a diff of a Deployment was accepted as an Ingress")
	}
}

func TestCompare(t *testing.T) {
	want := map[string]string{"a/1": driftAnnotation, "a/2": driftPort, "b/3": driftLabel}
	got := compare(map[string]string{"a/2": "drifted", "c/9": "missing-git"}, want)
	if diff := cmp.Diff(Found{
		Found:  map[string]int{driftPort: 1},
		Missed: map[string]int{driftAnnotation: 1, driftLabel: 1},
		Extra:  []string{"c/9 (missing-git)"},
	}, got); diff != "" {
		t.Errorf("compare (-want +got):\n%s", diff)
	}
	if f, e := got.Total(); f != 1 || e != 3 {
		t.Errorf("Total = %d/%d, want 1/3", f, e)
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := percentiles(d)
	want := Percentiles{P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond, N: 100}
	if got != want {
		t.Errorf("percentiles = %+v, want %+v", got, want)
	}
	if d[0] != 100*time.Millisecond {
		t.Error("percentiles sorted its input")
	}
}

// TestGenerate checks the shapes the drift kinds rely on, the spread of the
// drift over namespaces and kinds, and that the last-applied annotation is
// what kubectl computes (the manifest as JSON, keys sorted, newline).
func TestGenerate(t *testing.T) {
	objs := generate(1000)
	perKind := map[string]int{}
	driftNS := map[string]bool{}
	files := map[string]int{}
	for _, o := range objs {
		files[o.file]++
		ing, err := decode(o.manifest)
		if err != nil {
			t.Fatalf("%s: %v\n%s", o.key(), err, o.manifest)
		}
		if ing.Namespace != o.ns || ing.Name != o.name {
			t.Fatalf("%s decodes as %s/%s", o.key(), ing.Namespace, ing.Name)
		}
		if _, ok := ing.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]; ok {
			t.Errorf("%s sets ssl-redirect in Git: the annotation drift would not be an addition", o.key())
		}
		if n := len(ing.Spec.Rules); n < 1 || n > 3 {
			t.Errorf("%s has %d rules", o.key(), n)
		}
		if ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number == 0 {
			t.Errorf("%s: the first backend has no port number (the port drift edits it)", o.key())
		}
		if o.drift == driftTLS && len(ing.Spec.TLS) == 0 {
			t.Errorf("%s gets the TLS drift but has no TLS", o.key())
		}
		var applied, manifest map[string]any
		if err := json.Unmarshal([]byte(ing.Annotations[lastApplied]), &applied); err != nil {
			t.Fatalf("%s: last-applied: %v", o.key(), err)
		}
		if err := yaml.Unmarshal([]byte(o.manifest), &manifest); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(manifest, applied); diff != "" {
			t.Errorf("%s: last-applied differs from the manifest (-manifest +applied):\n%s", o.key(), diff)
		}
		if !strings.HasSuffix(ing.Annotations[lastApplied], "}\n") {
			t.Errorf("%s: last-applied does not end in a newline as kubectl's does", o.key())
		}
		if o.drift != "" {
			perKind[o.drift]++
			driftNS[o.ns] = true
		}
	}
	for _, k := range driftKinds {
		if n := perKind[k]; n < 16 || n > 17 {
			t.Errorf("%d objects get drift %s, want 16 or 17", n, k)
		}
	}
	if len(driftNS) != len(namespaces) {
		t.Errorf("drift lands in %d namespaces, want all %d", len(driftNS), len(namespaces))
	}
	var multi int
	for _, n := range files {
		if n > 2 {
			t.Fatalf("a file holds %d documents", n)
		}
		if n == 2 {
			multi++
		}
	}
	if multi != 99 && multi != 100 {
		t.Errorf("%d two-document files, want about 100", multi)
	}
}

// TestVerdicts checks that a missed target reads FAIL, and one without
// data NOT MEASURED.
func TestVerdicts(t *testing.T) {
	runs := func(ms ...int) []Run {
		var r []Run
		for _, m := range ms {
			r = append(r, Run{Wall: time.Duration(m) * time.Millisecond, MaxRSSKiB: 200_000})
		}
		return r
	}
	res := Results{Sizes: []SizeResult{{N: 10000, Tools: []ToolResult{
		{ID: toolGetID, Runs: runs(1000, 1100, 900)},
		{ID: toolCheckID, Runs: runs(1600, 1500, 3000)},
	}, Watch: &WatchResult{TargetRate: 200, Rate: 199, Edits: 2000, AfterReturn: Percentiles{P99: 20 * time.Millisecond}}}}}
	var got []string
	for _, v := range res.verdicts() {
		got = append(got, v.word())
	}
	want := []string{"FAIL", "NOT MEASURED", "FAIL", "PASS"}
	if !slices.Equal(got, want) {
		t.Errorf("verdicts = %v, want %v", got, want)
	}
	md := renderResults(res)
	if !strings.Contains(md, "1.60 s (1.50 s–3.00 s)") {
		t.Errorf("RESULTS.md lacks check's median (min–max):\n%s", md)
	}
}
