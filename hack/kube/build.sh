#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from Go module source (the versions
# pinned in hack/kube/go.mod, the one place they are set) into a cache outside
# the checkout, once. Prints progress; skips the work when the cache is
# complete. Usage: hack/kube/build.sh [print-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kube_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
cache=${INGRESS_DRIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ingress-drift}
dir="$cache/k8s-$kube_version"
stamp="$dir/.built-from"
want="kubernetes $kube_version etcd $etcd_version $(cat "$here/go.sum" "$0" | sha256sum | cut -c1-16)"

if [ "${1:-}" = print-dir ]; then
  echo "$dir"
  exit 0
fi
if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ] && [ -x "$dir/etcd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "kube-bin: cached in $dir ($want)"
  exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$here"
start=$(date +%s)
step() { echo "kube-bin: [$(( $(date +%s) - start ))s] $*"; }
step "building Kubernetes $kube_version and etcd $etcd_version from module source into $dir"
step "(a cold build takes about 10 minutes on 2 cores; later runs reuse the cache)"
step "1/4 downloading modules"
go mod download
export CGO_ENABLED=0
step "2/4 etcd"
go build -trimpath -ldflags=-s -o "$tmp/etcd" go.etcd.io/etcd/server/v3
# Stamp the real version, as Kubernetes' own build does, so that
# `kubectl version` and the API server's /version tell the truth.
minor=${kube_version#v1.}; minor=${minor%%.*}
v=k8s.io/component-base/version
ldflags="-s -X $v.gitVersion=$kube_version -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$kube_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
step "3/4 kube-apiserver (the long one)"
go build -trimpath -ldflags="$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
step "4/4 kubectl"
go build -trimpath -ldflags="$ldflags" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl
echo "$want" > "$tmp/.built-from"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
step "done: $dir"
"$dir/kube-apiserver" --version
