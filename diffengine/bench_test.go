package diffengine

import (
	"fmt"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// typicalPair is one typical Ingress (3 rules, TLS, a few annotations, live
// metadata and managedFields) and its live copy with 2 drifted fields.
func typicalPair() (git, live *networkingv1.Ingress) {
	git = ing(map[string]string{
		"nginx.ingress.kubernetes.io/ssl-redirect":    "true",
		"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
		"cert-manager.io/cluster-issuer":              "letsencrypt",
		"example.com/owner":                           "payments",
	})
	git.Labels = map[string]string{"app.kubernetes.io/name": "shop", "team": "payments"}
	prefix := networkingv1.PathTypePrefix
	git.Spec.Rules = append(git.Spec.Rules,
		networkingv1.IngressRule{Host: "www.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
			{Path: "/", PathType: &prefix, Backend: svcBackend("web", 80)}}}}},
		networkingv1.IngressRule{Host: "admin.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
			{Path: "/", PathType: &prefix, Backend: svcBackend("admin", 9000)}}}}},
	)
	live = git.DeepCopy()
	live.UID, live.ResourceVersion, live.Generation = "6eb71b6d-7801-4950-9f5a-ef52a0e40c02", "216", 2
	live.CreationTimestamp = metav1.Now()
	live.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl-client-side-apply", Operation: metav1.ManagedFieldsOperationUpdate}}
	live.Annotations[LastAppliedAnnotation] = `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress"}`
	live.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"
	live.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 9090
	live.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.10"}}
	return git, live
}

// largePair is 50 rules × 20 paths with a TLS entry per 5 hosts, and its
// live copy in reverse rule order with 2 drifted fields.
func largePair() (git, live *networkingv1.Ingress) {
	git = ing(map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "true"})
	git.Spec.Rules, git.Spec.TLS = nil, nil
	prefix := networkingv1.PathTypePrefix
	for r := range 50 {
		host := fmt.Sprintf("h%02d.example.com", r)
		rule := networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
		for p := range 20 {
			rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
				Path: fmt.Sprintf("/svc%02d", p), PathType: &prefix, Backend: svcBackend(fmt.Sprintf("svc-%02d-%02d", r, p), 8080)})
		}
		git.Spec.Rules = append(git.Spec.Rules, rule)
		if r%5 == 0 {
			git.Spec.TLS = append(git.Spec.TLS, networkingv1.IngressTLS{SecretName: fmt.Sprintf("tls-%02d", r)})
		}
		git.Spec.TLS[len(git.Spec.TLS)-1].Hosts = append(git.Spec.TLS[len(git.Spec.TLS)-1].Hosts, host)
	}
	live = git.DeepCopy()
	for i, j := 0, len(live.Spec.Rules)-1; i < j; i, j = i+1, j-1 {
		live.Spec.Rules[i], live.Spec.Rules[j] = live.Spec.Rules[j], live.Spec.Rules[i]
	}
	live.Spec.Rules[10].HTTP.Paths[7].Backend.Service.Port.Number = 9090
	live.Spec.Rules[30].HTTP.Paths[3].Backend.Service.Name = "other"
	return git, live
}

func benchDiff(b *testing.B, git, live *networkingv1.Ingress, wantChanges int) {
	if n := len(Diff(git, live, Options{}).Changes); n != wantChanges {
		b.Fatalf("%d changes, want %d", n, wantChanges)
	}
	b.ReportAllocs()
	for b.Loop() {
		Diff(git, live, Options{})
	}
}

// BenchmarkDiffTypical: target under 50 µs/op.
func BenchmarkDiffTypical(b *testing.B) {
	git, live := typicalPair()
	benchDiff(b, git, live, 2)
}

// BenchmarkDiffLarge: 50 rules × 20 paths; target under 2 ms/op.
func BenchmarkDiffLarge(b *testing.B) {
	git, live := largePair()
	benchDiff(b, git, live, 2)
}
