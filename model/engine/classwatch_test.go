package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ingress-drift/ingress-drift/model"
)

// TestDefaultIngressClassWatched: a manifest names no class and its live
// object has class nginx, set by hand, with no default class: drift. The
// engine is running when nginx is made the default, stops being it, and
// is outdone by a newer default: the entry follows each change without a
// restart, and so do the engine's own diff options (plans compare as the
// list does).
//
// Not parallel: default IngressClasses are cluster-wide (see
// TestDefaultIngressClassIsNotDrift).
func TestDefaultIngressClassWatched(t *testing.T) {
	ctx := context.Background()
	noClass := strings.Replace(strings.Split(shopFile, "---\n")[2], "  ingressClassName: nginx\n", "", 1)
	f := newFixture(t, map[string]string{"admin.yaml": noClass}, "")
	f.env.Kubectl(t, "-n", f.ns, "patch", "ingress", "admin", "--type=merge", "-p", `{"spec":{"ingressClassName":"nginx"}}`)
	e := f.status(t, "admin", model.StatusDrifted)
	if len(e.Changes) != 1 || e.Changes[0].Path != "spec.ingressClassName" {
		t.Fatalf("changes = %v, want spec.ingressClassName", paths(changesOf(e)))
	}
	classes := f.env.Client.NetworkingV1().IngressClasses()
	// Registered first, so it runs after the deletions below: until the
	// admission plugin has seen them go, it could still fill a class into
	// the Ingresses of the tests that run after this one.
	t.Cleanup(func() {
		probe := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: f.ns},
			Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "probe", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}
		f.waitFor(t, "the admission plugin to forget the default classes", func() bool {
			got, err := f.env.Client.NetworkingV1().Ingresses(f.ns).Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			return err == nil && got.Spec.IngressClassName == nil
		})
	})
	annotate := func(name, value string) {
		t.Helper()
		patch := `{"metadata":{"annotations":{"ingressclass.kubernetes.io/is-default-class":"` + value + `"}}}`
		if _, err := classes.Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	create := func(name string) *networkingv1.IngressClass {
		t.Helper()
		ic, err := classes.Create(ctx, &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: name,
			Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}},
			Spec: networkingv1.IngressClassSpec{Controller: "example.com/ingress"}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = classes.Delete(ctx, name, metav1.DeleteOptions{}) })
		return ic
	}
	defaultIs := func(want string) {
		t.Helper()
		f.waitFor(t, "the engine's diff options to name "+want, func() bool { return f.eng.DiffOptions().DefaultIngressClass == want })
	}

	nginx := create("nginx")
	f.status(t, "admin", model.StatusInSync)
	defaultIs("nginx")

	annotate("nginx", "false")
	f.status(t, "admin", model.StatusDrifted)
	defaultIs("")

	annotate("nginx", "true")
	f.status(t, "admin", model.StatusInSync)
	// creationTimestamp counts seconds: the newer class must be at least
	// one later to be newer, not a tie.
	f.waitFor(t, "a second to pass since nginx was created", func() bool {
		return time.Now().After(nginx.CreationTimestamp.Add(time.Second))
	})
	if newer := create("zz-newer"); !nginx.CreationTimestamp.Before(&newer.CreationTimestamp) {
		t.Fatalf("zz-newer created at %v, not after nginx (%v)", newer.CreationTimestamp, nginx.CreationTimestamp)
	}
	// Two defaults: the newest wins (not the first by name), so nginx is
	// drift again.
	f.status(t, "admin", model.StatusDrifted)
	defaultIs("zz-newer")

	if err := classes.Delete(ctx, "zz-newer", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	f.status(t, "admin", model.StatusInSync)
	if err := classes.Delete(ctx, "nginx", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	f.status(t, "admin", model.StatusDrifted)
	defaultIs("")
}
