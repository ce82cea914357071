package diffengine

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNormalizeCanonical(t *testing.T) {
	exact, prefix := networkingv1.PathTypeExact, networkingv1.PathTypePrefix
	empty := ""
	in := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Name: "shop", UID: "u", ResourceVersion: "7", Generation: 3, SelfLink: "/x",
			CreationTimestamp: metav1.Now(), Finalizers: []string{"f"}, GenerateName: "shop-",
			OwnerReferences: []metav1.OwnerReference{{Name: "o"}},
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "m"}},
			Labels:          map[string]string{},
			Annotations:     map[string]string{LastAppliedAnnotation: "{}"},
		},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &empty,
			DefaultBackend:   &networkingv1.IngressBackend{Resource: &corev1.TypedLocalObjectReference{APIGroup: &empty}},
			TLS: []networkingv1.IngressTLS{
				{SecretName: "b", Hosts: []string{"y", "x", "x"}},
				{SecretName: "a"},
				{SecretName: "b", Hosts: []string{"z"}},
				{Hosts: []string{}},
			},
			Rules: []networkingv1.IngressRule{
				{Host: "b", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
					{Path: "/z", PathType: &prefix, Backend: svcBackend("s", 1)},
					{Path: "/a", Backend: svcBackend("s", 1)},
				}}}},
				{Host: "a", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}},
				{Host: "b", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
					{Path: "/a", PathType: &exact, Backend: svcBackend("s", 2)},
					{Path: "/z", PathType: &prefix, Backend: svcBackend("s", 1)},
				}}}},
			},
		},
		Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "192.0.2.1"}}}},
	}
	before := in.DeepCopy()
	got := Normalize(in, "team")
	if d := cmp.Diff(before, in); d != "" {
		t.Fatalf("Normalize modified its input:\n%s", d)
	}
	is := networkingv1.PathTypeImplementationSpecific
	want := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: "team"},
		Spec: networkingv1.IngressSpec{
			TLS: []networkingv1.IngressTLS{
				{}, // the host-less, secret-less entry is kept: it is a real (if odd) entry
				{SecretName: "a"},
				{SecretName: "b", Hosts: []string{"x", "y", "z"}},
			},
			Rules: []networkingv1.IngressRule{
				{Host: "a"},
				{Host: "b", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
					{Path: "/a", PathType: &exact, Backend: svcBackend("s", 2)},
					{Path: "/a", PathType: &is, Backend: svcBackend("s", 1)},
					{Path: "/z", PathType: &prefix, Backend: svcBackend("s", 1)},
				}}}},
			},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Normalize (-want +got):\n%s", d)
	}
	if again := Normalize(got, "other"); !reflect.DeepEqual(again, got) {
		t.Errorf("Normalize is not idempotent:\n%s", cmp.Diff(got, again))
	}
	if Normalize(nil, "") != nil || CleanForManifest(nil) != nil {
		t.Error("nil input should give nil")
	}
	if n := Normalize(&networkingv1.Ingress{}, ""); n.Namespace != "default" {
		t.Errorf("namespace %q, want default", n.Namespace)
	}
}

func TestNormalizePairDefaultClass(t *testing.T) {
	git := ing(nil)
	git.Spec.IngressClassName = nil
	live := ing(nil)
	g, l := NormalizePair(git, live, Options{DefaultIngressClass: "nginx"})
	if g.Spec.IngressClassName == nil || *g.Spec.IngressClassName != "nginx" || *l.Spec.IngressClassName != "nginx" {
		t.Errorf("default class not applied: git %v live %v", g.Spec.IngressClassName, l.Spec.IngressClassName)
	}
	if git.Spec.IngressClassName != nil {
		t.Error("NormalizePair modified its input")
	}
	g, _ = NormalizePair(git, live, Options{DefaultIngressClass: "traefik"})
	if g.Spec.IngressClassName != nil {
		t.Error("a class other than the default was copied")
	}
}

func TestCleanForManifest(t *testing.T) {
	live := readIngress(t, filepath.Join(casesDir, "finalizers-live-only", "live.yaml"))
	live.Annotations["ingress.kubernetes.io/url-map"] = "k8s2-um-x"
	live.Labels["kustomize.toolkit.fluxcd.io/name"] = "apps"
	live.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "o", UID: "u"}}
	// Put rules out of canonical order: the manifest keeps the live order.
	live.Spec.Rules[0], live.Spec.Rules[1] = live.Spec.Rules[1], live.Spec.Rules[0]
	before := live.DeepCopy()
	got := CleanForManifest(live)
	if d := cmp.Diff(before, live); d != "" {
		t.Fatalf("CleanForManifest modified its input:\n%s", d)
	}
	want := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "shop", Namespace: "shop",
			Labels: map[string]string{"app.kubernetes.io/name": "shop", "team": "payments"},
			Annotations: map[string]string{
				"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
				"nginx.ingress.kubernetes.io/ssl-redirect":    "true",
			},
		},
		Spec: before.Spec,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("CleanForManifest (-want +got):\n%s", d)
	}
	got.Spec.Rules[0].Host = "mutated"
	if live.Spec.Rules[0].Host == "mutated" {
		t.Error("CleanForManifest shares spec memory with its input")
	}
	// What was cleaned away is not drift.
	git := readIngress(t, filepath.Join(casesDir, "finalizers-live-only", "git.yaml"))
	if res := Diff(git, CleanForManifest(live), Options{}); res.Drifted() {
		t.Errorf("manifest from CleanForManifest drifts from git: %+v", res.Changes)
	}
}

func TestSelectorQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"shop.example.com":   "shop.example.com",
		"":                   "",
		"/api/(a,b)":         `"/api/(a,b)"`,
		"/v[0-9]+":           `"/v[0-9]+"`,
		"a=b":                `"a=b"`,
		"with space":         `"with space"`,
		"tab\there":          `"tab\there"`,
		`quote"`:             `"quote\""`,
		"ünïcode/ok":         "ünïcode/ok",
		"*.wildcard.example": "*.wildcard.example",
	} {
		if got := quoteIf(in, selSpecial); got != want {
			t.Errorf("quoteIf(%q) = %s, want %s", in, got, want)
		}
	}
	if got := ruleAt(networkingv1.IngressRule{}).String(); got != "spec.rules[host=]" {
		t.Errorf("empty host path %s", got)
	}
	if got := tlsAt(networkingv1.IngressTLS{Hosts: []string{"a.example.com", "b.example.com"}}).String(); got != "spec.tls[hosts=a.example.com+b.example.com]" {
		t.Errorf("secret-less TLS path %s", got)
	}
	if got := tlsAt(networkingv1.IngressTLS{}).String(); got != "spec.tls[hosts=]" {
		t.Errorf("empty TLS path %s", got)
	}
}
