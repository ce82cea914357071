// Package testcluster gives integration tests a real kube-apiserver + etcd
// (built by hack/kube, started through internal/localcluster): one control
// plane per test binary, started from TestMain, and a fresh namespace per
// test.
//
// Real-cluster tests never skip silently. Under `go test -short` they are
// skipped by design (the unit-only loop); otherwise a missing
// KUBEBUILDER_ASSETS or a control plane that does not start fails the whole
// test binary with a message that says how to fix it (`make kube-bin`).
package testcluster
