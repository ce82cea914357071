// Command ingress-drift shows how the Ingresses in a Kubernetes cluster have
// drifted from their manifests in a Git repo, in a terminal UI (the bare
// command) or non-interactively (check, diff), and reconciles one object at a
// time (revert, accept).
package main
