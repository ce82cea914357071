// Package render owns the desired state that is rendered from repo inputs
// rather than read as plain manifests: kustomize roots, built in-process
// with krusty (built-in plugins only, no Helm, never the network), and Helm
// charts in the repo, rendered in-process with Helm v4's chart loader and
// engine as `helm template` prints them (client-only, vendored
// dependencies only, never the network).
//
// The repo side hands it one walk's listing as Files (the work tree or a
// commit: a kind never assumes the disk) and asks a Layout what the kinds
// make of it: which files they own (never read as plain manifests), their
// roots (one source each, such as "kustomize:overlays/prod"), which roots a
// changed file renders again, and whether a change means planning again.
// Render returns a root's objects as JSON with their model.Origin, and its
// errors; decoding them is the caller's.
//
// Kustomize: a directory with a kustomization file is a kustomization; one
// that another names (resources, components, bases, generators,
// transformers, validators) is a base, the others are roots, unless
// the config lists roots; without configured roots, kustomizations only
// included by each other get a root whose error names the cycle. A remote or
// missing base, and a path outside the repo, is an error before krusty
// runs.
//
// Helm: a directory with a Chart.yaml (not inside another chart) is a
// chart, all its files the kind's; each release (Input.Helm: the config's
// helm: entries, and charts GitOps objects name) is a root. A chart nothing
// renders is a notice that says how to render it; a release whose chart or
// value files are not there is an error at the release's file and line;
// template errors are at the template and line Helm names. The oracle is
// the Helm CLI itself: testdata/helm/goldens.sh records what it prints
// and helm_test.go compares, object by object.
//
// GitOps objects (gitops.go; argocd.go and flux.go read Argo CD
// Applications and Flux Kustomizations and HelmReleases) are found in every
// YAML and JSON file before the kinds plan: the Helm releases and kustomize
// roots they render are handed to those kinds (such a root is not also a
// root of its own), their directory sources are rendered by the GitOps
// plan as the plain documents they are, and what a controller would
// render that ingress-drift cannot (another repo, a Helm repository, a
// plugin) is a notice at the object's line. Rendered objects name the
// object in Origin.GitOps.
//
// A new source kind is one file holding a Kind and its Plan, plus its line
// in the kinds list in render.go (kustomize's is big enough for two files:
// kustomize.go, and its discovery in kustomize_layout.go).
// Every path a render opens stays in the repo: by name (pathx.Outside),
// through symlinks (Files.Escapes), and in the file system krusty reads
// (repoFS).
//
// The rules are tested here over in-memory listings (kustomize_test.go,
// gitops_test.go) and on disk (rootfs_test.go), and through Repo.Scan and
// the watch in model/repo (kustomize_test.go, gitops_test.go,
// watch_test.go).
package render
