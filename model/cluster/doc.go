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
// Writes (revert with preconditions and dry runs, SelfSubjectAccessReview)
// belong here too; they build on Target and the clients in client.go.
package cluster
