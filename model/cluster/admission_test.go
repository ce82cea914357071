package cluster_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	admission "k8s.io/api/admission/v1"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// snippet is the annotation the admission policy of
// TestAdmissionPolicyDenial refuses, as many clusters do (snippets let an
// Ingress inject controller configuration).
const snippet = "nginx.ingress.kubernetes.io/configuration-snippet"

// TestAdmissionPolicyDenial stands in for a validating webhook: a
// ValidatingAdmissionPolicy (CEL, in kube-apiserver itself) denies
// Ingresses with a configuration snippet in the test's namespace. A revert
// that would write one is refused with the policy's own message, in the
// preview's dry run as in the write, and the object stays as it was.
func TestAdmissionPolicyDenial(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	env, ns := f.env, f.ns
	ctx := context.Background()

	const message = "configuration snippets are not allowed in this cluster (CVE-2021-25742)"
	name := "no-snippets-" + ns
	fail := admissionv1.Fail
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}},
				ResourceRules:     []admissionv1.NamedRuleWithOperations{{RuleWithOperations: ingressRules[0]}},
			},
			Validations: []admissionv1.Validation{{
				Expression: `!has(object.metadata.annotations) || !('` + snippet + `' in object.metadata.annotations)`,
				Message:    message,
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: name, ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny}},
	}
	adm := env.Client.AdmissionregistrationV1()
	if _, err := adm.ValidatingAdmissionPolicies().Create(ctx, policy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = adm.ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{}) })
	if _, err := adm.ValidatingAdmissionPolicyBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = adm.ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{}) })

	checkSnippetDenied(t, f, "ValidatingAdmissionPolicy '"+name+"'", "denied request", message)
	fresh := typicalIngress(ns, "new")
	fresh.Annotations[snippet] = "deny all;"
	_, err := cluster.Create(ctx, f.tg, fresh, false)
	checkObjectError(t, err, nil, "create ingress "+ns+"/new", message)
}

// checkSnippetDenied waits until the API server enforces a freshly
// registered admission check (it learns of them through its own informer;
// the deadline bounds a broken test), then checks that a revert writing a
// configuration snippet is refused, in the dry run and in the write, with
// an error naming the object and mentioning want, and that nothing was
// written.
func checkSnippetDenied(t *testing.T, f *shopFixture, want ...string) {
	t.Helper()
	ctx := context.Background()
	live := mustGet(t, f.tg, f.key)
	withSnippet := live.DeepCopy()
	withSnippet.Annotations[snippet] = "more_set_headers \"X-Debug: 1\";"
	var err error
	waitFor(t, "the admission check to take effect", 60*time.Second, func() bool {
		_, err = cluster.Update(ctx, f.tg, withSnippet, true)
		return err != nil
	})
	for _, dry := range []bool{true, false} {
		_, err = cluster.Update(ctx, f.tg, withSnippet, dry)
		checkObjectError(t, err, nil, append([]string{"update ingress " + f.key.String()}, want...)...)
	}
	checkUnchanged(t, f.tg, live)
}

// ingressRules are admission rules matching Ingress creates and updates.
var ingressRules = []admissionv1.RuleWithOperations{{
	Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
	Rule:       admissionv1.Rule{APIGroups: []string{"networking.k8s.io"}, APIVersions: []string{"v1"}, Resources: []string{"ingresses"}},
}}

// denySnippets is a validating admission webhook (as policy engines run
// them) that denies Ingresses with a configuration snippet.
func denySnippets(t *testing.T, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var review admission.AdmissionReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
			http.Error(w, "bad AdmissionReview", http.StatusBadRequest)
			return
		}
		var ing networkingv1.Ingress
		if err := json.Unmarshal(review.Request.Object.Raw, &ing); err != nil {
			t.Errorf("webhook: decode object: %v", err)
		}
		_, bad := ing.Annotations[snippet]
		resp := &admission.AdmissionResponse{UID: review.Request.UID, Allowed: !bad}
		if bad {
			resp.Result = &metav1.Status{Code: http.StatusForbidden, Message: message}
		}
		review.Request, review.Response = nil, resp
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(review)
	}
}

// TestAdmissionWebhookDenial: a real validating webhook (an HTTPS server in
// the test, called by the API server) denies a revert; the error carries
// the webhook's name and message in words, and nothing is written.
func TestAdmissionWebhookDenial(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	ctx := context.Background()

	const message = "[no-snippets] configuration snippets are not allowed in this cluster"
	srv := httptest.NewTLSServer(denySnippets(t, message))
	defer srv.Close()
	url := srv.URL + "/validate"
	fail, none := admissionv1.Fail, admissionv1.SideEffectClassNone
	hook := "no-snippets.policy.example.com"
	name := "no-snippets-" + f.ns
	cfg := &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionv1.ValidatingWebhook{{
			Name: hook,
			ClientConfig: admissionv1.WebhookClientConfig{URL: &url,
				CABundle: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})},
			Rules:                   ingressRules,
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": f.ns}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	webhooks := f.env.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	if _, err := webhooks.Create(ctx, cfg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = webhooks.Delete(context.Background(), name, metav1.DeleteOptions{}) })

	checkSnippetDenied(t, f, `admission webhook "`+hook+`" denied the request: `+message)
}
