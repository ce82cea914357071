// Package diffengine decides whether a desired Ingress (from Git) and a live
// Ingress (from the cluster) differ in a way a person should care about, and
// says exactly how.
//
// It is pure: no network, no disk, no clocks. Both inputs are typed
// networking.k8s.io/v1 Ingresses (the cluster side holds typed objects because
// they retain about a quarter of the memory of unstructured ones, and the repo
// side decodes manifests strictly into the same type). Diff first normalizes
// both sides (server-managed fields, status, last-applied annotation, API
// server defaults, empty versus absent, list order, the default namespace),
// then compares them with Ingress semantics: rules matched by host, paths by
// (path, pathType), TLS entries by secretName (falling back to hosts).
//
// Every difference becomes a Change with a human-readable semantic path, an
// operation, the Git and live values, a Category and a Severity taken from one
// declarative rule table. Differences hidden by ignore rules are still
// returned, as Ignored, with the rule that hid them.
package diffengine
