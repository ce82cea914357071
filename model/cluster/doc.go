// Package cluster is the live side of ingress-drift: it resolves the
// kubeconfig the way kubectl does (target.go), lists and watches
// networking.k8s.io/v1 Ingresses and reports the connection state
// (watch.go), finds the default IngressClass and keeps it current while
// running (ingressclass.go: one chooser, the admission plugin's, for the
// cluster, the watch and dumps; classwatch.go: without the right to read
// IngressClasses, silently none), and reads saved `kubectl get
// ingressclass,ingress -o yaml|json` dumps for offline checks
// (livefile.go). It never
// reads Secrets: TLS secrets are known by name, from the Ingress spec.
//
// What it learns goes to a model.LiveSink as model.LiveObject values: the
// Ingress without its managedFields (the bulk of its memory) and, in their
// place, the owners of each field (LiveObjectFrom).
//
// write.go is the cluster side of a revert: Update (a PUT, so fields other
// managers added live are removed), Create and Delete under field manager
// "ingress-drift", with a server-side dry run for the preview and the
// preconditions the user saw. A write refused because the object changed
// is a *model.StaleError, any other failure an *ObjectError. CheckAccess
// (access.go) tells read-only mode whether the user may write. What to
// write, and when, is model/engine's. The tests run against a real API
// server (internal/testcluster).
package cluster
