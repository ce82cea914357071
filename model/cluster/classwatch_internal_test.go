package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestChooseDefaultClass: the admission plugin's choice (getDefaultClass)
// in any order: annotated "true" only, the newest, and the first by name
// between equally new ones.
func TestChooseDefaultClass(t *testing.T) {
	at := func(sec int64) metav1.Time { return metav1.NewTime(time.Unix(1700000000+sec, 0)) }
	class := func(name, annotation string, created metav1.Time) *networkingv1.IngressClass {
		ic := &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: created}}
		if annotation != "" {
			ic.Annotations = map[string]string{defaultClassAnnotation: annotation}
		}
		return ic
	}
	tests := []struct {
		name    string
		classes []*networkingv1.IngressClass
		want    string
	}{
		{"none", nil, ""},
		{"not annotated", []*networkingv1.IngressClass{class("a", "", at(0))}, ""},
		{"annotated otherwise", []*networkingv1.IngressClass{class("a", "True", at(0)), class("b", "false", at(1))}, ""},
		{"one", []*networkingv1.IngressClass{class("a", "", at(2)), class("b", "true", at(0))}, "b"},
		{"newest", []*networkingv1.IngressClass{class("z", "true", at(1)), class("a", "true", at(0))}, "z"},
		{"newest, other order", []*networkingv1.IngressClass{class("a", "true", at(0)), class("z", "true", at(1))}, "z"},
		{"tie: first by name", []*networkingv1.IngressClass{class("m", "true", at(1)), class("b", "true", at(1)), class("a", "true", at(0))}, "b"},
		{"tie, other order", []*networkingv1.IngressClass{class("b", "true", at(1)), class("m", "true", at(1))}, "b"},
	}
	for _, tc := range tests {
		if got := chooseDefaultClass(tc.classes); got != tc.want {
			t.Errorf("%s: chose %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRefusalGate: after a refusal the next request waits for the retry
// (here: longer than the test, so it gives up with its context, without
// asking); after any other outcome it asks at once.
func TestRefusalGate(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	gr := schema.GroupResource{Group: "networking.k8s.io", Resource: "ingressclasses"}
	for _, tc := range []struct {
		name  string
		first error
		waits bool
	}{
		{name: "forbidden", first: apierrors.NewForbidden(gr, "", errors.New("no")), waits: true},
		{name: "not served", first: apierrors.NewNotFound(gr, ""), waits: true},
		{name: "unreachable", first: errors.New("connection refused")},
		{name: "answered", first: nil},
	} {
		g := &refusalGate{retry: time.Hour}
		if err := g.ask(context.Background(), func() error { return tc.first }); !errors.Is(err, tc.first) {
			t.Errorf("%s: ask = %v, want the request's own error", tc.name, err)
		}
		asked := false
		err := g.ask(done, func() error { asked = true; return nil })
		if tc.waits && (asked || !errors.Is(err, context.Canceled)) {
			t.Errorf("%s: the next request asked = %v, err %v; want it to wait out the retry", tc.name, asked, err)
		}
		if !tc.waits && (!asked || err != nil) {
			t.Errorf("%s: the next request asked = %v, err %v; want it to ask at once", tc.name, asked, err)
		}
	}
}
