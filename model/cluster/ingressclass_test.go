package cluster

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

// TestDefaultIngressClass reads the default class from the real API server,
// and checks the admission plugin really fills it in, which is why the diff
// needs it. It stays serial (no t.Parallel): while its default class
// exists, the API server fills it into other tests' Ingresses.
func TestDefaultIngressClass(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	tgt := &Target{Config: env.Config, Server: env.Config.Host}
	if name, err := DefaultIngressClass(ctx, tgt); err != nil || name != "" {
		t.Fatalf("before any class: %q, %v; want none", name, err)
	}
	for _, n := range []string{"plain", "house-default"} {
		ic := &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: n}, Spec: networkingv1.IngressClassSpec{Controller: "example.com/ingress"}}
		if n == "house-default" {
			ic.Annotations = map[string]string{defaultClassAnnotation: "true"}
		}
		if _, err := env.Client.NetworkingV1().IngressClasses().Create(ctx, ic, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = env.Client.NetworkingV1().IngressClasses().Delete(ctx, n, metav1.DeleteOptions{}) })
	}
	if name, err := DefaultIngressClass(ctx, tgt); err != nil || name != "house-default" {
		t.Fatalf("DefaultIngressClass = %q, %v; want house-default", name, err)
	}
	ns := env.Namespace(t)
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}
	got, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, ing, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.IngressClassName == nil || *got.Spec.IngressClassName != "house-default" {
		t.Errorf("admission set ingressClassName = %v, want house-default", got.Spec.IngressClassName)
	}
}
