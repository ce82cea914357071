package cluster

import (
	"encoding/json"
	"os"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
)

// BenchmarkLiveObjectFromUncached is LiveObjectFrom when none of the
// object's managedFields entries was seen before (every entry parsed).
func BenchmarkLiveObjectFromUncached(b *testing.B) {
	raw, err := os.ReadFile("testdata/typical-ingress.json")
	if err != nil {
		b.Fatal(err)
	}
	ing := &networkingv1.Ingress{}
	if err := json.Unmarshal(raw, ing); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(leafFields.m)
		_ = LiveObjectFrom(ing)
	}
}

// TestLeafCacheIsBounded: a full cache starts over instead of growing.
func TestLeafCacheIsBounded(t *testing.T) {
	c := &leafCache{m: map[string][][]string{}, max: 2}
	for _, raw := range []string{`{"f:a":{}}`, `{"f:b":{}}`, `{"f:c":{}}`} {
		if got := c.get([]byte(raw)); len(got) != 1 || len(got[0]) != 1 {
			t.Fatalf("get(%s) = %v", raw, got)
		}
	}
	if len(c.m) != 1 {
		t.Errorf("cache holds %d entries after overflowing a cap of 2, want 1", len(c.m))
	}
	if got := c.get([]byte(`not json`)); got != nil {
		t.Errorf("unparsable set gave %v", got)
	}
}
