// Package cluster is the live side of ingress-drift: it resolves the
// kubeconfig the way kubectl does, lists and watches networking.k8s.io/v1
// Ingresses, reports the connection state, derives per-field attribution
// from managedFields, and reads saved `kubectl get ingress -o yaml|json`
// dumps for offline checks.
//
// Everything it learns goes to a model.LiveSink (usually *model.Inventory)
// as model.LiveObject values: the Ingress with its managedFields dropped
// (they are the bulk of an object's memory) and, in their place, the
// owners of each leaf field and the list of writers (see LiveObjectFrom).
//
// The package never reads Secrets: TLS secrets are known by name only, from
// the Ingress spec.
//
// Writes are the cluster side of a revert (write.go): Get, then Update (a
// PUT, so fields other managers added live are removed), Create or Delete,
// each under field manager "ingress-drift", with a server-side dry run for
// the preview and the preconditions the user saw (resourceVersion, uid).
// A write refused because the object changed since the preview is a
// *model.StaleError; every other failure is an *ObjectError that says in
// words what the API server answered (Forbidden, an admission webhook or
// policy denial, an invalid field, an unreachable server). CheckAccess
// (access.go) asks SelfSubjectAccessReviews whether the user may write at
// all, for read-only mode. The orchestration (what to write, previews,
// audit log) is model/engine's.
package cluster
