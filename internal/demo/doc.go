// Package demo seeds a local cluster and a temporary Git repo with a
// realistic drift story for `make demo` and the end-to-end tests: manifests
// committed over several commits by different people, applied the way a
// pipeline does, then drifted the way incidents do (kubectl annotate, patch,
// delete, create by hand).
package demo
