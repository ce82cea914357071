package localcluster_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/internal/localcluster"
	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

func TestMain(m *testing.M) { testcluster.Main(m) }

// TestIngressRoundTrip proves the local control plane is a real one: an
// Ingress created through client-go is stored, defaulted and served back,
// and the kubectl built with it sees the same object.
func TestIngressRoundTrip(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	class := "nginx"
	prefix := networkingv1.PathTypePrefix
	in := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns, Annotations: map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "true"}},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			TLS:              []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com"}, SecretName: "shop-tls"}},
			Rules: []networkingv1.IngressRule{{
				Host: "shop.example.com",
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
					Path: "/", PathType: &prefix,
					Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "storefront", Port: networkingv1.ServiceBackendPort{Number: 80}}},
				}}}},
			}},
		},
	}
	created, err := env.Client.NetworkingV1().Ingresses(ns).Create(ctx, in, metav1.CreateOptions{FieldManager: "roundtrip-test"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.UID == "" || created.ResourceVersion == "" {
		t.Fatalf("the API server did not fill in uid/resourceVersion: %+v", created.ObjectMeta)
	}
	got, err := env.Client.NetworkingV1().Ingresses(ns).Get(ctx, "shop", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if diff := cmp.Diff(in.Spec, got.Spec); diff != "" {
		t.Errorf("spec read back differs (-sent +got):\n%s", diff)
	}
	if len(got.ManagedFields) == 0 || got.ManagedFields[0].Manager != "roundtrip-test" {
		t.Errorf("managedFields = %+v, want an entry for roundtrip-test", got.ManagedFields)
	}
	out := env.Kubectl(t, "-n", ns, "get", "ingress", "shop", "-o", "jsonpath={.spec.rules[0].host}")
	if out != "shop.example.com" {
		t.Errorf("kubectl sees host %q, want shop.example.com", out)
	}
	if v := env.Kubectl(t, "version", "-o", "yaml"); !strings.Contains(v, "gitVersion: v1.37.2") {
		t.Errorf("kubectl version does not report v1.37.2:\n%s", v)
	}
}

// TestResolveBinDir checks the message a person gets without the binaries.
func TestResolveBinDir(t *testing.T) {
	t.Setenv("KUBEBUILDER_ASSETS", "")
	_, err := localcluster.ResolveBinDir("")
	if err == nil || !strings.Contains(err.Error(), "make kube-bin") {
		t.Fatalf("ResolveBinDir without assets = %v, want an error that says `make kube-bin`", err)
	}
	_, err = localcluster.ResolveBinDir(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "kube-apiserver") || !strings.Contains(err.Error(), "make kube-bin") {
		t.Fatalf("ResolveBinDir(empty dir) = %v, want it to name kube-apiserver and `make kube-bin`", err)
	}
}
