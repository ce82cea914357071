// Package localcluster starts and stops a real kube-apiserver and etcd on
// loopback through envtest, for the tests, the demo and `make cluster-up`.
//
// The binaries are built from Go module source by hack/kube (see `make
// kube-bin`); KUBEBUILDER_ASSETS names the directory that holds them. Nothing
// is downloaded at run time.
package localcluster
