package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	networkingclient "k8s.io/client-go/kubernetes/typed/networking/v1"

	"github.com/ingress-drift/ingress-drift/model"
)

// FieldManager is the field manager of every write ingress-drift makes;
// managedFields and the attribution column name it.
const FieldManager = "ingress-drift"

// ObjectError is a failed request about one Ingress. Its message names the
// request, the object and the API server, then says what went wrong in
// words (see DescribeError): who may not do what where, the admission
// policy or webhook that denied the write and its message, the invalid
// field and why, or that the API server could not be reached.
//
// Staleness is not an ObjectError: Update, Create and Delete report it as
// *model.StaleError.
type ObjectError struct {
	// Op is the request, e.g. "update", "dry-run delete".
	Op string
	// Key is the object.
	Key model.Key
	// Target is the cluster.
	Target *Target
	// Err is the underlying error (apierrors helpers work on it).
	Err error
}

// Error renders e.g. `update ingress shop/shop (https://…): Forbidden: …`.
func (e *ObjectError) Error() string {
	return fmt.Sprintf("%s ingress %s (%s): %s", e.Op, e.Key, e.Target.Server, DescribeError(e.Err))
}

// Unwrap returns the underlying error.
func (e *ObjectError) Unwrap() error { return e.Err }

// Get returns the live Ingress with everything the server has, including
// managedFields and the last-applied annotation: the engine builds the
// object to write from it, and its resourceVersion and UID are the ones
// the user sees in the preview. A missing object is an *ObjectError for
// which apierrors.IsNotFound is true.
func Get(ctx context.Context, t *Target, key model.Key) (*networkingv1.Ingress, error) {
	c, err := t.networkingClient(nil)
	if err != nil {
		return nil, err
	}
	ing, err := c.Ingresses(key.Namespace).Get(ctx, key.Name, metav1.GetOptions{})
	if err != nil {
		return nil, &ObjectError{Op: "get", Key: key, Target: t, Err: t.requestError(ctx, err)}
	}
	return ing, nil
}

// Update replaces the live object with obj (a PUT) under field manager
// FieldManager and returns what the server stored (or, with dryRun, what it
// would store: DryRun All runs admission and validation without writing).
//
// Why a PUT: the object sent is the whole object, so every field it leaves
// out is removed, whoever owned it — an annotation added with `kubectl
// annotate`, a path or defaultBackend added with `kubectl patch`. A
// server-side apply only removes fields that the applying manager owned
// before; fields owned by other managers stay even with force
// (TestServerSideApplyKeepsFieldsOfOtherManagers proves both).
//
// obj.ResourceVersion must be the version the user saw; the server refuses
// the write if the object has changed since (and obj.UID, when set, if it
// was deleted and recreated). That refusal, and a NotFound, come back as a
// *model.StaleError (errors.Is(err, model.ErrStale)) naming the object and
// both versions when the current one can be read. obj.ManagedFields are not
// sent: the server keeps the live ones and gives FieldManager the fields
// this write changes. obj itself is not modified.
func Update(ctx context.Context, t *Target, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	key := model.Key{Namespace: obj.Namespace, Name: obj.Name}
	op := opName("update", dryRun)
	if obj.ResourceVersion == "" {
		return nil, fmt.Errorf("%s ingress %s: no resourceVersion: a revert must carry the version the user saw", op, key)
	}
	c, err := t.networkingClient(nil)
	if err != nil {
		return nil, err
	}
	send := obj.DeepCopy()
	send.ManagedFields = nil
	out, err := c.Ingresses(key.Namespace).Update(ctx, send, metav1.UpdateOptions{FieldManager: FieldManager, DryRun: dryRunOpt(dryRun)})
	if err != nil {
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			return nil, stale(ctx, c, key, string(obj.UID), obj.ResourceVersion)
		}
		return nil, &ObjectError{Op: op, Key: key, Target: t, Err: t.requestError(ctx, err)}
	}
	return out, nil
}

// Create creates obj under field manager FieldManager and returns what the
// server stored (with dryRun, what it would store). Fields only the server
// sets (resourceVersion, uid, managedFields, creationTimestamp, generation,
// status) are cleared on a copy first, so an object read from a dump or
// another cluster can be created as is. If the object already exists
// (someone created it since the preview) the result is a
// *model.StaleError.
func Create(ctx context.Context, t *Target, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	key := model.Key{Namespace: obj.Namespace, Name: obj.Name}
	op := opName("create", dryRun)
	if key.Namespace == "" {
		return nil, fmt.Errorf("%s ingress %q: no namespace", op, obj.Name)
	}
	c, err := t.networkingClient(nil)
	if err != nil {
		return nil, err
	}
	send := obj.DeepCopy()
	send.ResourceVersion, send.UID, send.ManagedFields = "", "", nil
	send.CreationTimestamp, send.Generation = metav1.Time{}, 0
	send.Status = networkingv1.IngressStatus{}
	out, err := c.Ingresses(key.Namespace).Create(ctx, send, metav1.CreateOptions{FieldManager: FieldManager, DryRun: dryRunOpt(dryRun)})
	if err != nil {
		if apierrors.IsAlreadyExists(err) {
			what := key.String() + " (now exists)"
			if cur, gerr := c.Ingresses(key.Namespace).Get(ctx, key.Name, metav1.GetOptions{}); gerr == nil {
				what = fmt.Sprintf("%s (now exists: created %s by %s, resourceVersion %s)",
					key, cur.CreationTimestamp.UTC().Format("2006-01-02T15:04:05Z"), creator(cur), cur.ResourceVersion)
			}
			return nil, &model.StaleError{What: what}
		}
		return nil, &ObjectError{Op: op, Key: key, Target: t, Err: t.requestError(ctx, err)}
	}
	return out, nil
}

// Delete deletes key with the preconditions the user saw: its uid and
// resourceVersion. If the object was changed, or deleted (and perhaps
// recreated under the same name) since, nothing is deleted and the result
// is a *model.StaleError. With dryRun the server checks everything
// (permissions, preconditions, admission) and deletes nothing.
func Delete(ctx context.Context, t *Target, key model.Key, uid, resourceVersion string, dryRun bool) error {
	op := opName("delete", dryRun)
	if uid == "" || resourceVersion == "" {
		return fmt.Errorf("%s ingress %s: no uid or resourceVersion: a delete must carry the ones the user saw", op, key)
	}
	c, err := t.networkingClient(nil)
	if err != nil {
		return err
	}
	opts := metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{UID: ptr(types.UID(uid)), ResourceVersion: &resourceVersion},
		DryRun:        dryRunOpt(dryRun),
	}
	if err := c.Ingresses(key.Namespace).Delete(ctx, key.Name, opts); err != nil {
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			return stale(ctx, c, key, uid, resourceVersion)
		}
		return &ObjectError{Op: op, Key: key, Target: t, Err: t.requestError(ctx, err)}
	}
	return nil
}

// stale describes how key changed since the user saw uid/resourceVersion,
// reading its current version (best effort: the refusal stands either way).
func stale(ctx context.Context, c networkingclient.NetworkingV1Interface, key model.Key, uid, resourceVersion string) error {
	cur, err := c.Ingresses(key.Namespace).Get(ctx, key.Name, metav1.GetOptions{})
	var what string
	switch {
	case apierrors.IsNotFound(err):
		what = fmt.Sprintf("%s (deleted; the preview saw resourceVersion %s)", key, resourceVersion)
	case err != nil:
		what = fmt.Sprintf("%s (resourceVersion %s is no longer current)", key, resourceVersion)
	case uid != "" && string(cur.UID) != uid:
		what = fmt.Sprintf("%s (deleted and recreated: uid %s → %s, now resourceVersion %s, created by %s)",
			key, uid, cur.UID, cur.ResourceVersion, creator(cur))
	case cur.ResourceVersion == resourceVersion:
		// A conflict with the version we sent still current: a write raced
		// ours and lost, or the server refused for another precondition.
		what = fmt.Sprintf("%s (resourceVersion %s was being changed)", key, resourceVersion)
	default:
		what = fmt.Sprintf("%s (resourceVersion %s → %s, last written by %s)", key, resourceVersion, cur.ResourceVersion, lastWriter(cur))
	}
	return &model.StaleError{What: what}
}

// lastWriter names the manager(s) of the most recent managedFields
// entries, the likeliest authors of the change that made a write stale.
// managedFields times have a resolution of one second, so several managers
// can share the latest time; all of them are named.
func lastWriter(ing *networkingv1.Ingress) string {
	var latest *metav1.Time
	for _, mf := range ing.ManagedFields {
		if mf.Time != nil && (latest == nil || latest.Before(mf.Time)) {
			latest = mf.Time
		}
	}
	var names []string
	for _, mf := range ing.ManagedFields {
		if mf.Time != nil && mf.Time.Equal(latest) && !slices.Contains(names, mf.Manager) {
			names = append(names, mf.Manager)
		}
	}
	if len(names) == 0 {
		return "an unknown manager"
	}
	return strings.Join(names, " or ")
}

// creator names the manager that created ing (the one whose entry has the
// creation time), else the latest writer.
func creator(ing *networkingv1.Ingress) string {
	for _, mf := range ing.ManagedFields {
		if mf.Time != nil && mf.Time.Equal(&ing.CreationTimestamp) {
			return mf.Manager
		}
	}
	return lastWriter(ing)
}

// opName prefixes "dry-run " to op when dryRun.
func opName(op string, dryRun bool) string {
	if dryRun {
		return "dry-run " + op
	}
	return op
}

func dryRunOpt(dryRun bool) []string {
	if dryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
