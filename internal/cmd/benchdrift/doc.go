// Command benchdrift is the end-to-end half of `make bench`: in one run it
// starts a local control plane, and for each size N generates N Ingresses on
// it and their manifests in a temporary Git repo, drifts 10% of them live,
// and measures
//
//   - `ingress-drift check -A -o json` (the project's binary),
//   - `kubectl get ingress -A -o json` (the floor: listing alone),
//   - `kubectl diff -R -f REPO` (what people use today),
//
// for wall time, peak RSS and which drifts each found; then the watch path
// (an in-process engine fed by an informer) under a steady edit rate. It
// writes RESULTS.md (with the Go micro-benchmarks from -gobench) and
// e2e.json into -out.
//
//	benchdrift -gobench bench/gobench.txt -out bench
//
// The control plane and temporary directories are removed at the end, on
// error and on ctrl+c.
package main
