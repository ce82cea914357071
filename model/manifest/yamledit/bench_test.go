package yamledit

import (
	"testing"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// BenchmarkEditIngress writes the demo's accept (two scalar changes) into
// the shop document, self-check included.
func BenchmarkEditIngress(b *testing.B) {
	live := liveFrom(b, shopDoc, "")
	live.Annotations[sslRedirect] = "false"
	live.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081
	want := diffengine.CleanForManifest(live)
	doc := []byte(shopDoc)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := EditIngress(doc, want, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditIngressStructural adds a rule, a TLS host and an
// annotation block (insertions of new lines) and removes a path.
func BenchmarkEditIngressStructural(b *testing.B) {
	live := liveFrom(b, blogDoc, "")
	live.Annotations = map[string]string{sslRedirect: "false", snippet: "a;\nb;\n"}
	live.Spec.Rules[0].HTTP.Paths = live.Spec.Rules[0].HTTP.Paths[:1]
	live.Spec.Rules = append(live.Spec.Rules, rule("www.example.com", live.Spec.Rules[0].HTTP.Paths...))
	want := diffengine.CleanForManifest(live)
	doc := []byte(blogDoc)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := EditIngress(doc, want, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditIngressNoDrift is the cost when there is nothing to write
// (decode and diff only).
func BenchmarkEditIngressNoDrift(b *testing.B) {
	want := diffengine.CleanForManifest(liveFrom(b, shopDoc, ""))
	doc := []byte(shopDoc)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := EditIngress(doc, want, ""); err != nil {
			b.Fatal(err)
		}
	}
}
