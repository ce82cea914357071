// Command localcluster runs the project's local kube-apiserver + etcd in the
// background for `make cluster-up`, `make cluster-down` and `make demo`.
//
//	localcluster up   --dir .cache/cluster   # returns when ready, prints the kubeconfig path
//	localcluster down --dir .cache/cluster   # stops it, waits until the processes are gone
//
// `up` starts a detached `serve` process that owns the control plane; its pid
// and log live in --dir.
package main
