// Package diffengine decides whether a desired Ingress (from Git) and a live
// one (from the cluster) differ in a way a person should care about, and
// says how. It is pure: no I/O and no clock; it imports only k8s.io/api,
// k8s.io/apimachinery and the standard library.
//
// Diff normalizes both sides (Normalize, NormalizePair: what is not drift,
// and why), matches rules by host, paths by (path, pathType) and TLS
// entries by secretName or else their hosts, and returns each Change with a
// Path for people (its grammar is in paths.go), a Locator for code that acts
// on it, a Category (category.go) and a Severity from one ordered table
// (severity.go). Ignore rules (IgnoreRule) move a change to Result.Ignored.
// CleanForManifest prepares a live object for writing to a file.
//
// The cases in testdata/diff (TestCases; their format is in
// testdata/diff/README.md), normalize_test.go, severity_test.go and
// FuzzDiff show the behaviour in detail.
package diffengine
