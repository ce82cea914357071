// Package yamledit writes the live state of an Ingress back into its
// manifest document ("accept live") by replacing only the bytes of what
// changed: comments, key order, quoting, indentation, line endings and the
// other documents of the file stay as they are. It is pure (bytes in,
// bytes out). The document is parsed with go.yaml.in/yaml/v3 for positions
// only, diffengine.Diff says what changed, and the result must decode
// strictly and diff clean against the live object, or nothing is returned;
// what cannot be written in place is an error wrapping ErrUnsupported.
// Removing a whole document is manifest.RemoveDocument; ParseDocument is
// the one-document rule manifest.Parse shares.
//
// What is written, and how, is in the tests: shapes_test.go (styles, lists,
// JSON, anchors, line endings, refusals), file_test.go (whole files),
// edit_test.go and FuzzEditIngress.
package yamledit
