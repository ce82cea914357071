package cluster_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// userWithRole provisions user, binds it to a Role in ns with rules, and
// returns a target that acts as that user.
func userWithRole(t *testing.T, env *testcluster.Env, ns, user string, rules ...rbacv1.PolicyRule) *cluster.Target {
	t.Helper()
	ctx := context.Background()
	_, kc, err := env.Cluster.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	rbac := env.Client.RbacV1()
	if _, err := rbac.Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: user}, Rules: rules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: user},
		Subjects:   []rbacv1.Subject{{Kind: "User", Name: user}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The API server's authorizer learns of the binding through its own
	// informer, so for a moment after the create the user is still refused
	// (the longer, the busier the machine). Every rule given here lets the
	// user get Ingresses: wait until the authorizer says so.
	waitFor(t, user+"'s role binding to take effect", 30*time.Second, func() bool {
		r, err := env.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
			Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Verb: "get", Group: "networking.k8s.io", Resource: "ingresses"}},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed
	})
	tg, err := cluster.Resolve(flags(writeFile(t, t.TempDir(), "kubeconfig", string(kc)), "", ns), false)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func checkAccess(t *testing.T, tg *cluster.Target, ns string) cluster.Access {
	t.Helper()
	a, err := cluster.CheckAccess(context.Background(), tg, ns)
	if err != nil {
		t.Fatalf("CheckAccess(%q): %v", ns, err)
	}
	t.Logf("CheckAccess(%q) = %+v; ReadOnlyReason %q", ns, a, a.ReadOnlyReason())
	return a
}

// TestForbiddenReadOnlyUser: a user who may only read Ingresses gets a
// Forbidden error in words for every write (the dry run of the preview
// included), the object stays as it was, and CheckAccess says read-only,
// naming the user and the namespace.
func TestForbiddenReadOnlyUser(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns, admin, key, manifest := f.env, f.ns, f.tg, f.key, f.manifest
	ctx := context.Background()
	driftByHand(t, env, ns, "shop")
	live := mustGet(t, admin, key)

	user := "viewer-" + ns
	tg := userWithRole(t, env, ns, user, rbacv1.PolicyRule{
		APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list", "watch"}})

	seen, err := cluster.Get(ctx, tg, key)
	if err != nil {
		t.Fatalf("get as %s: %v", user, err)
	}
	for _, dry := range []bool{true, false} {
		_, err := cluster.Update(ctx, tg, revertObject(seen, manifest), dry)
		checkObjectError(t, err, apierrors.IsForbidden, "update ingress "+key.String(), "Forbidden", `User "`+user+`"`, `cannot update`, `"`+ns+`"`)
		err = cluster.Delete(ctx, tg, key, string(seen.UID), seen.ResourceVersion, dry)
		checkObjectError(t, err, apierrors.IsForbidden, "delete ingress "+key.String(), `User "`+user+`"`, `cannot delete`)
		_, err = cluster.Create(ctx, tg, typicalIngress(ns, "new"), dry)
		checkObjectError(t, err, apierrors.IsForbidden, "create ingress "+ns+"/new", `User "`+user+`"`, `cannot create`)
	}
	checkUnchanged(t, admin, live)

	a := checkAccess(t, tg, ns)
	if a.Update || a.Patch || a.Create || a.Delete {
		t.Errorf("access = %+v, want nothing allowed", a)
	}
	if want := "user " + user + " cannot update, patch, create or delete ingresses in namespace " + ns; a.Reason != want {
		t.Errorf("Reason = %q, want %q", a.Reason, want)
	}
	if want := "read-only: user " + user + " cannot update, create or delete ingresses in namespace " + ns; a.ReadOnlyReason() != want {
		t.Errorf("ReadOnlyReason = %q, want %q", a.ReadOnlyReason(), want)
	}
	if got, want := a.Denied(model.OpDeleteLive), "user "+user+" cannot delete ingresses in namespace "+ns; got != want {
		t.Errorf("Denied(delete-live) = %q, want %q", got, want)
	}
}

// TestAccessNamespaceAdmin: a user who may do everything in one namespace
// may revert there, but has no cluster-wide access.
func TestAccessNamespaceAdmin(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	user := "nsadmin-" + ns
	tg := userWithRole(t, env, ns, user, rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}})

	a := checkAccess(t, tg, ns)
	if !a.Update || !a.Patch || !a.Create || !a.Delete || a.Reason != "" || a.ReadOnlyReason() != "" || a.User != user {
		t.Errorf("CheckAccess(%s) = %+v, want everything allowed for %s", ns, a, user)
	}
	all := checkAccess(t, tg, "")
	if all.Update || all.Patch || all.Create || all.Delete {
		t.Errorf("CheckAccess(all namespaces) = %+v, want nothing allowed", all)
	}
	if want := "read-only: user " + user + " cannot update, create or delete ingresses in all namespaces"; all.ReadOnlyReason() != want {
		t.Errorf("ReadOnlyReason = %q, want %q", all.ReadOnlyReason(), want)
	}
	// And the writes themselves work for this user.
	if _, err := cluster.Create(context.Background(), tg, typicalIngress(ns, "shop"), false); err != nil {
		t.Errorf("create as %s: %v", user, err)
	}
}

// TestAccessAdmin: the admin may do everything, everywhere.
func TestAccessAdmin(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	a := checkAccess(t, target(t, env, ""), "")
	if !a.Update || !a.Patch || !a.Create || !a.Delete || a.ReadOnlyReason() != "" {
		t.Errorf("admin access = %+v", a)
	}
}

// TestAccessUnreachable: when the question cannot be asked, CheckAccess
// fails (it does not guess "read-only").
func TestAccessUnreachable(t *testing.T) {
	t.Parallel()
	tg := unreachableTarget(t)
	_, err := cluster.CheckAccess(context.Background(), tg, "shop")
	var ce *cluster.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "check access to ingresses in namespace shop") || !strings.Contains(err.Error(), "API server unreachable") {
		t.Errorf("err = %v, want an unreachable *cluster.Error", err)
	}
}

// TestAccessReasons covers the summaries without a cluster.
func TestAccessReasons(t *testing.T) {
	tests := []struct {
		a                  cluster.Access
		readOnly           string
		update, del, local string
	}{
		{a: cluster.Access{Namespace: "web", User: "ann", Update: true, Patch: true, Create: true, Delete: true}},
		{a: cluster.Access{Namespace: "web", User: "ann", Update: true, Create: true, Delete: true}}, // patch is not needed
		{
			a:        cluster.Access{Namespace: "web", User: "ann", Update: true, Patch: true, Create: true},
			readOnly: "read-only: user ann cannot delete ingresses in namespace web",
			del:      "user ann cannot delete ingresses in namespace web",
		},
		{
			a:        cluster.Access{Delete: true},
			readOnly: "read-only: the current user cannot update or create ingresses in all namespaces",
			update:   "the current user cannot update ingresses in all namespaces",
		},
	}
	for _, tc := range tests {
		if got := tc.a.ReadOnlyReason(); got != tc.readOnly {
			t.Errorf("%+v: ReadOnlyReason = %q, want %q", tc.a, got, tc.readOnly)
		}
		if got := tc.a.Denied(model.OpUpdateLive); got != tc.update {
			t.Errorf("%+v: Denied(update-live) = %q, want %q", tc.a, got, tc.update)
		}
		if got := tc.a.Denied(model.OpDeleteLive); got != tc.del {
			t.Errorf("%+v: Denied(delete-live) = %q, want %q", tc.a, got, tc.del)
		}
		if got := tc.a.Denied(model.OpEditManifest); got != "" {
			t.Errorf("%+v: Denied(edit-manifest) = %q, want \"\" (repo writes need no cluster access)", tc.a, got)
		}
	}
}
