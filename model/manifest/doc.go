// Package manifest owns Ingress manifests as bytes: Parse reads the
// Ingresses of one file (YAML documents, Lists, JSON; strict decoding,
// errors at the file's lines, a broken document never hides the next),
// DecodeObject decodes an object rendered elsewhere (kustomize), Document
// and SplitDocuments count documents as a person does, RemoveDocument cuts
// one out, Hash is the write precondition and Marshal writes a new
// manifest. Byte-preserving edits of a document are in yamledit. It reads
// no files: the repo side (model/repo) finds them.
//
// The rules are in the tests: FuzzParseFile, parse_test.go,
// documents_test.go, remove_test.go, marshal_test.go, and repo's
// TestDiscoveryFormatsAndOrigins and TestErrorsNeverStopTheRest, which
// read them through a scan.
package manifest
