package diffengine

import (
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ing builds a small Ingress for unit tests: one rule with two paths and
// one TLS entry, plus the given annotations.
func ing(annotations map[string]string) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	class := "nginx"
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: "shop", Annotations: annotations},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			TLS:              []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com", "www.example.com"}, SecretName: "shop-tls"}},
			Rules: []networkingv1.IngressRule{{
				Host: "shop.example.com",
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
					{Path: "/", PathType: &prefix, Backend: svcBackend("web", 80)},
					{Path: "/api", PathType: &prefix, Backend: svcBackend("api", 8080)},
				}}},
			}},
		},
	}
}

func svcBackend(name string, port int32) networkingv1.IngressBackend {
	return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: port}}}
}

// annotated returns ing with one annotation set to *v, or absent if v is
// nil.
func annotated(key string, v *string) *networkingv1.Ingress {
	if v == nil {
		return ing(nil)
	}
	return ing(map[string]string{key: *v})
}
