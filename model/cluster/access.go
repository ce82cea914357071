package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authenticationclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authorizationclient "k8s.io/client-go/kubernetes/typed/authorization/v1"

	"github.com/ingress-drift/ingress-drift/model"
)

// Access is what the current user may do to Ingresses in one namespace, as
// the API server's authorizer answers SelfSubjectAccessReviews. The
// verbs are the ones a revert needs (update, create, delete) plus patch,
// which kubectl's own edits use.
type Access struct {
	// Namespace is the namespace asked about; "" means all namespaces
	// (cluster-wide permission).
	Namespace string `json:"namespace"`
	// User is who the API server says the current user is (from a
	// SelfSubjectReview), else the kubeconfig user, else "".
	User string `json:"user,omitempty"`
	// The verbs on networking.k8s.io ingresses.
	Update bool `json:"update"`
	Patch  bool `json:"patch"`
	Create bool `json:"create"`
	Delete bool `json:"delete"`
	// Reason says, for people, what is denied: "user x cannot update,
	// patch, create or delete ingresses in namespace y"; "" when every
	// verb is allowed.
	Reason string `json:"reason,omitempty"`
}

// accessVerbs are the verbs CheckAccess asks about, in the order reasons
// list them.
var accessVerbs = []string{"update", "patch", "create", "delete"}

// CheckAccess asks the API server, with one SelfSubjectAccessReview per
// verb (run concurrently, together with a SelfSubjectReview for the user's
// name), whether the current user may update, patch, create and delete
// networking.k8s.io Ingresses in namespace ("" = in all namespaces). Every
// authenticated user may create these reviews, so a read-only user gets an
// answer, not an error; an error means the question could not be asked
// (API server unreachable, …).
func CheckAccess(ctx context.Context, t *Target, namespace string) (Access, error) {
	cfg := t.protobufConfig()
	authz, err := authorizationclient.NewForConfig(cfg)
	if err != nil {
		return Access{}, fmt.Errorf("client for %s: %w", t.Server, err)
	}
	authn, err := authenticationclient.NewForConfig(cfg)
	if err != nil {
		return Access{}, fmt.Errorf("client for %s: %w", t.Server, err)
	}

	allowed := make([]bool, len(accessVerbs))
	reasons := make([]string, len(accessVerbs))
	errs := make([]error, len(accessVerbs))
	var user string
	var wg sync.WaitGroup
	for i, verb := range accessVerbs {
		wg.Go(func() {
			review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{
					Namespace: namespace, Verb: verb, Group: "networking.k8s.io", Resource: "ingresses",
				}}}
			out, err := authz.SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
			if err != nil {
				errs[i] = err
				return
			}
			allowed[i] = out.Status.Allowed && !out.Status.Denied
			reasons[i] = strings.TrimSpace(out.Status.Reason + " " + out.Status.EvaluationError)
		})
	}
	wg.Go(func() {
		// Best effort: the name only makes reasons clearer. Clusters older
		// than 1.28 or that forbid the review leave it to the kubeconfig.
		out, err := authn.SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err == nil {
			user = out.Status.UserInfo.Username
		}
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			scoped := *t
			scoped.Namespace = namespace
			return Access{}, &Error{Op: "check access to ingresses", Target: &scoped, Err: t.requestError(ctx, err)}
		}
	}
	if user == "" {
		user = t.User
	}
	a := Access{Namespace: namespace, User: user, Update: allowed[0], Patch: allowed[1], Create: allowed[2], Delete: allowed[3]}
	var denied, why []string
	for i, verb := range accessVerbs {
		if !allowed[i] {
			denied = append(denied, verb)
			if reasons[i] != "" && !slices.Contains(why, reasons[i]) {
				why = append(why, reasons[i])
			}
		}
	}
	a.Reason = a.cannot(denied)
	if a.Reason != "" && len(why) > 0 {
		a.Reason += " (" + strings.Join(why, "; ") + ")"
	}
	return a, nil
}

// ReadOnlyReason summarizes a for a UI: "" when a revert is possible
// whatever it has to do (update, create and delete are all allowed), else
// a short reason such as "read-only: user x cannot delete ingresses in
// namespace y". Patch does not count: reverts use update.
func (a Access) ReadOnlyReason() string {
	var denied []string
	for _, v := range []struct {
		verb string
		ok   bool
	}{{"update", a.Update}, {"create", a.Create}, {"delete", a.Delete}} {
		if !v.ok {
			denied = append(denied, v.verb)
		}
	}
	if len(denied) == 0 {
		return ""
	}
	return "read-only: " + a.cannot(denied)
}

// Denied returns why op cannot be done with a, or "" when it can (always
// "" for operations that write the repo, not the cluster).
func (a Access) Denied(op model.Operation) string {
	var ok bool
	var verb string
	switch op {
	case model.OpUpdateLive:
		ok, verb = a.Update, "update"
	case model.OpCreateLive:
		ok, verb = a.Create, "create"
	case model.OpDeleteLive:
		ok, verb = a.Delete, "delete"
	default:
		return ""
	}
	if ok {
		return ""
	}
	return a.cannot([]string{verb})
}

// cannot renders "user x cannot update or delete ingresses in namespace y"
// for the denied verbs ("" for none).
func (a Access) cannot(verbs []string) string {
	if len(verbs) == 0 {
		return ""
	}
	who := "the current user"
	if a.User != "" {
		who = "user " + a.User
	}
	where := "in all namespaces"
	if a.Namespace != "" {
		where = "in namespace " + a.Namespace
	}
	list := verbs[0]
	if n := len(verbs); n > 1 {
		list = strings.Join(verbs[:n-1], ", ") + " or " + verbs[n-1]
	}
	return fmt.Sprintf("%s cannot %s ingresses %s", who, list, where)
}
