//go:build tools

// Package kube pins the Kubernetes and etcd sources that build the real
// kube-apiserver, kubectl and etcd binaries the tests and the demo run.
// It is a separate module so that the project's own go.mod stays small.
package kube

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
