package manifest

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/google/go-cmp/cmp"
)

func TestMarshal(t *testing.T) {
	prefix := networkingv1.PathTypePrefix
	class := "nginx"
	ing := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: "handmade", Namespace: "shop",
			Annotations: map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "true"}},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			TLS:              []networkingv1.IngressTLS{{Hosts: []string{"debug.example.com"}, SecretName: "debug-tls"}},
			Rules: []networkingv1.IngressRule{{Host: "debug.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{
					Service: &networkingv1.IngressServiceBackend{Name: "debug", Port: networkingv1.ServiceBackendPort{Number: 8080}}}}},
			}}}},
		},
	}
	got, err := Marshal(ing)
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: handmade
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - debug.example.com
      secretName: debug-tls
  rules:
    - host: debug.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: debug
                port:
                  number: 8080
`
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("new manifest (-want +got):\n%s", d)
	}
	var back networkingv1.Ingress
	if err := sigsyaml.UnmarshalStrict(got, &back); err != nil {
		t.Fatalf("the new manifest does not read back: %v", err)
	}
	if d := cmp.Diff(ing.Spec, back.Spec); d != "" {
		t.Errorf("round trip changed the spec:\n%s", d)
	}
}
