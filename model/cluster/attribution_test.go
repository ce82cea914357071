package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

const shopYAML = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: storefront, port: {number: 80}}
`

const blogYAML = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: blog
  labels: {app: blog}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [blog.example.com]
    secretName: blog-tls
  rules:
  - host: blog.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: blog, port: {number: 80}}
`

// window is the span in which an operation happened, widened to the
// second granularity of managedFields times.
type window struct{ from, to time.Time }

func during(f func()) window {
	from := time.Now().Truncate(time.Second)
	f()
	return window{from, time.Now().Add(time.Second)}
}

func (w window) has(t time.Time) bool { return !t.Before(w.from) && !t.After(w.to) }

// driftedObjects applies shop and blog the way pipelines do and then drifts
// them with other field managers. It returns when each manager acted.
func driftedObjects(t *testing.T, env *testcluster.Env, ns string) map[string]window {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	ings := env.Client.NetworkingV1().Ingresses(ns)
	w := map[string]window{}

	w["kubectl-client-side-apply"] = during(func() { env.Kubectl(t, "-n", ns, "apply", "-f", writeFile(t, dir, "shop.yaml", shopYAML)) })
	w["argocd-controller"] = during(func() {
		env.Kubectl(t, "-n", ns, "apply", "--server-side", "--field-manager=argocd-controller", "-f", writeFile(t, dir, "blog.yaml", blogYAML))
	})
	w["kubectl-annotate"] = during(func() {
		env.Kubectl(t, "-n", ns, "annotate", "--overwrite", "ingress", "shop", "nginx.ingress.kubernetes.io/ssl-redirect=false")
	})
	w["kubectl-patch/shop"] = during(func() {
		env.Kubectl(t, "-n", ns, "patch", "ingress", "shop", "--type=json",
			"-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`)
	})
	w["kubectl-patch/blog"] = during(func() {
		env.Kubectl(t, "-n", ns, "patch", "ingress", "blog", "--type=merge", "-p", `{"spec":{"tls":null}}`)
	})
	w["kubectl-edit"] = during(func() {
		blog, err := ings.Get(ctx, "blog", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		class := "traefik"
		blog.Spec.IngressClassName = &class
		metav1.SetMetaDataAnnotation(&blog.ObjectMeta, "edited-by", "oncall")
		if _, err := ings.Update(ctx, blog, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
			t.Fatal(err)
		}
	})
	w["nginx-ingress-controller"] = during(func() {
		shop, err := ings.Get(ctx, "shop", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		shop.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.10"}}
		if _, err := ings.UpdateStatus(ctx, shop, metav1.UpdateOptions{FieldManager: "nginx-ingress-controller"}); err != nil {
			t.Fatal(err)
		}
	})
	return w
}

// who renders managers as "name/Operation[/subresource]" for comparisons.
func who(ms []model.Manager) []string {
	var out []string
	for _, m := range ms {
		s := m.Manager + "/" + m.Operation
		if m.Subresource != "" {
			s += "/" + m.Subresource
		}
		out = append(out, s)
	}
	return out
}

func TestAttributionFromRealManagedFields(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	windows := driftedObjects(t, env, ns)
	ctx := context.Background()

	get := func(name string) (*networkingv1.Ingress, *model.LiveObject) {
		ing, err := env.Client.NetworkingV1().Ingresses(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ing, cluster.LiveObjectFrom(ing)
	}

	t.Run("shop: client-side apply, annotate, json patch, status", func(t *testing.T) {
		raw, live := get("shop")
		logOwners(t, live)
		if len(raw.ManagedFields) == 0 || raw.Annotations[diffengine.LastAppliedAnnotation] == "" {
			t.Fatal("LiveObjectFrom modified its input")
		}
		if live.Ingress.ManagedFields != nil {
			t.Error("ManagedFields kept")
		}
		if _, ok := live.Ingress.Annotations[diffengine.LastAppliedAnnotation]; ok {
			t.Error("last-applied annotation kept")
		}
		if got := live.Ingress.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]; got != "false" {
			t.Errorf("ssl-redirect annotation = %q, want the live value false", got)
		}
		if live.Ingress.APIVersion != "networking.k8s.io/v1" || live.Ingress.Kind != "Ingress" {
			t.Errorf("TypeMeta = %+v", live.Ingress.TypeMeta)
		}
		wantManagers := []string{"kubectl-client-side-apply/Update", "kubectl-annotate/Update", "kubectl-patch/Update", "nginx-ingress-controller/Update/status"}
		checkManagers(t, live, wantManagers, map[string]window{
			"kubectl-client-side-apply": windows["kubectl-client-side-apply"],
			"kubectl-annotate":          windows["kubectl-annotate"],
			"kubectl-patch":             windows["kubectl-patch/shop"],
			"nginx-ingress-controller":  windows["nginx-ingress-controller"],
		})
		checkFields(t, live, map[string][]string{
			"metadata.annotations.nginx.ingress.kubernetes.io/ssl-redirect": {"kubectl-annotate/Update"},
			"metadata.annotations.cert-manager.io/cluster-issuer":           {"kubectl-client-side-apply/Update"},
			"metadata.annotations." + diffengine.LastAppliedAnnotation:      nil,
			"spec.rules":                     {"kubectl-patch/Update"},
			"spec.tls":                       {"kubectl-client-side-apply/Update"},
			"spec.ingressClassName":          {"kubectl-client-side-apply/Update"},
			"status.loadBalancer.ingress":    {"nginx-ingress-controller/Update/status"},
			"status":                         {"nginx-ingress-controller/Update/status"},
			"metadata.labels.never-was-here": nil,
		})
	})

	t.Run("blog: server-side apply, merge patch removing tls, edit", func(t *testing.T) {
		_, live := get("blog")
		logOwners(t, live)
		// The merge patch only removed spec.tls, so kubectl-patch ended up
		// owning nothing and the API server dropped its entry: a removal
		// leaves no trace in managedFields.
		checkManagers(t, live, []string{"argocd-controller/Apply", "kubectl-edit/Update"}, map[string]window{
			"argocd-controller": windows["argocd-controller"],
			"kubectl-edit":      windows["kubectl-edit"],
		})
		checkFields(t, live, map[string][]string{
			"spec.rules":                     {"argocd-controller/Apply"},
			"spec.tls":                       nil, // removed live: nobody owns it
			"spec.ingressClassName":          {"kubectl-edit/Update"},
			"metadata.labels.app":            {"argocd-controller/Apply"},
			"metadata.annotations.edited-by": {"kubectl-edit/Update"},
			"metadata.annotations":           {"kubectl-edit/Update"},
		})
	})
}

// field splits "a.b.c" on the first two dots only, as annotation keys
// contain dots.
func field(s string) []string {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) == 3 && parts[0] != "metadata" {
		return strings.Split(s, ".")
	}
	return parts
}

func checkFields(t *testing.T, live *model.LiveObject, want map[string][]string) {
	t.Helper()
	for f, w := range want {
		if got := who(live.ManagersFor(field(f))); !slices.Equal(got, w) {
			t.Errorf("ManagersFor(%s) = %v, want %v", f, got, w)
		}
	}
}

func checkManagers(t *testing.T, live *model.LiveObject, want []string, windows map[string]window) {
	t.Helper()
	got := who(live.Managers)
	if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))); diff != "" {
		t.Errorf("Managers (-want +got):\n%s", diff)
	}
	for i, m := range live.Managers {
		if i > 0 && m.Time.After(live.Managers[i-1].Time) {
			t.Errorf("Managers not newest first: %v", live.Managers)
		}
		if w, ok := windows[m.Manager]; !ok || !w.has(m.Time) {
			t.Errorf("%s time %v outside its operation's window %v…%v", m.Manager, m.Time, w.from, w.to)
		}
	}
	if !slices.IsSortedFunc(live.Owners, func(a, b model.FieldOwner) int { return slices.Compare(a.Field, b.Field) }) {
		t.Errorf("Owners not sorted by field")
	}
}

func logOwners(t *testing.T, live *model.LiveObject) {
	t.Helper()
	var b strings.Builder
	for _, o := range live.Owners {
		fmt.Fprintf(&b, "  %-70s %s\n", strings.Join(o.Field, "."), o.Manager)
	}
	t.Logf("owners of %s:\n%s", live.Key(), b.String())
}

// TestLiveObjectFromFormat pins the attribution format on hand-made
// managedFields: leaves only ("." members with children are not leaves),
// plain paths, readable keyed and set items, duplicates across API
// versions merged, the last-applied annotation dropped, unparsable
// entries kept as managers, newest manager first.
func TestLiveObjectFromFormat(t *testing.T) {
	at := func(hhmm string) *metav1.Time {
		tm, err := time.Parse(time.RFC3339, "2026-11-23T"+hhmm+":00Z")
		if err != nil {
			t.Fatal(err)
		}
		return &metav1.Time{Time: tm}
	}
	entry := func(manager, op, apiVersion, sub string, tm *metav1.Time, fields string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationType(op), APIVersion: apiVersion,
			Subresource: sub, Time: tm, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(fields)}}
	}
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{
		Name: "shop", Namespace: "zoo",
		Annotations: map[string]string{"a": "1", diffengine.LastAppliedAnnotation: "{}"},
		ManagedFields: []metav1.ManagedFieldsEntry{
			entry("argocd-controller", "Apply", "networking.k8s.io/v1", "", at("10:00"),
				`{"f:metadata":{"f:annotations":{".":{},"f:a":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{"f:app":{}}},"f:spec":{"f:rules":{},"f:tls":{}}}`),
			entry("argocd-controller", "Apply", "networking.k8s.io/v1beta1", "", at("10:00"), `{"f:spec":{"f:rules":{}}}`),
			entry("nginx-ingress-controller", "Update", "networking.k8s.io/v1", "status", at("12:00"), `{"f:status":{"f:loadBalancer":{"f:ingress":{}}}}`),
			entry("other", "Update", "networking.k8s.io/v1", "", at("11:00"), `{"f:spec":{"f:x":{"k:{\"name\":\"web\"}":{".":{},"f:port":{}},"v:\"a\"":{}}}}`),
			entry("broken", "Update", "networking.k8s.io/v1", "", nil, `{"f:spec":`),
		},
	}}
	live := cluster.LiveObjectFrom(ing)
	var owners []string
	for _, o := range live.Owners {
		owners = append(owners, strings.Join(o.Field, " > ")+" = "+o.Manager.String())
	}
	want := []string{
		"metadata > annotations > a = argocd-controller, Apply, 2026-11-23T10:00:00Z",
		"metadata > labels > app = argocd-controller, Apply, 2026-11-23T10:00:00Z",
		"spec > rules = argocd-controller, Apply, 2026-11-23T10:00:00Z",
		"spec > tls = argocd-controller, Apply, 2026-11-23T10:00:00Z",
		`spec > x > [="a"] = other, Update, 2026-11-23T11:00:00Z`,
		`spec > x > [name="web"] > port = other, Update, 2026-11-23T11:00:00Z`,
		"status > loadBalancer > ingress = nginx-ingress-controller, Update (status), 2026-11-23T12:00:00Z",
	}
	if diff := cmp.Diff(want, owners); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	wantManagers := []string{
		"nginx-ingress-controller, Update (status), 2026-11-23T12:00:00Z",
		"other, Update, 2026-11-23T11:00:00Z",
		"argocd-controller, Apply, 2026-11-23T10:00:00Z",
		"argocd-controller, Apply, 2026-11-23T10:00:00Z",
		"broken, Update",
	}
	var managers []string
	for _, m := range live.Managers {
		managers = append(managers, m.String())
	}
	if diff := cmp.Diff(wantManagers, managers); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
	if live.LastChange().Manager != "nginx-ingress-controller" {
		t.Errorf("LastChange = %v", live.LastChange())
	}
	if diff := cmp.Diff(map[string]string{"a": "1"}, live.Ingress.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if len(ing.ManagedFields) != 5 || len(ing.Annotations) != 2 {
		t.Error("input modified")
	}
	// Typical lookups as diffengine's Change.Field will make them.
	for f, want := range map[string][]string{
		"metadata.annotations.a":      {"argocd-controller/Apply"},
		"metadata.annotations.b":      nil, // added live by someone who left no trace
		"spec.rules":                  {"argocd-controller/Apply"},
		"spec":                        {"other/Update", "argocd-controller/Apply"},
		"status.loadBalancer":         {"nginx-ingress-controller/Update/status"},
		"spec.defaultBackend.service": nil,
	} {
		if got := who(live.ManagersFor(field(f))); !slices.Equal(got, want) {
			t.Errorf("ManagersFor(%s) = %v, want %v", f, got, want)
		}
	}
}
