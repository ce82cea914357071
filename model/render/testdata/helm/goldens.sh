#!/bin/sh
# goldens.sh writes golden/: what the real Helm CLI (v4.3.1, built from the
# module cache by `go run`) prints for the charts in repo/, the oracle
# helm_test.go compares the in-process renders with. Each golden starts with
# the command that produced it. Run it from anywhere; it needs no network
# once the module cache holds helm.sh/helm/v4@v4.3.1.
#
# It also packages db-src/ into repo/charts/web/charts/db-0.1.0.tgz, the
# packaged subchart of the web chart (its bytes change with the time it is
# packaged, its contents do not).
set -eu
cd "$(dirname "$0")"
here=$(pwd)
helm() { (cd "$here/repo" && go run helm.sh/helm/v4/cmd/helm@v4.3.1 "$@"); }
kube="--kube-version v1.31.0"

helm package "$here/db-src" -d charts/web/charts >/dev/null

# golden NAME ARGS…: the objects helm template prints for ARGS.
golden() {
	name=$1
	shift
	{
		echo "# Produced by goldens.sh: helm $*"
		echo "# helm v4.3.1"
		helm "$@"
	} >"golden/$name.yaml"
}

# golden_err NAME ARGS…: the error helm template prints for ARGS.
golden_err() {
	name=$1
	shift
	{
		echo "# Produced by goldens.sh: helm $*"
		echo "# helm v4.3.1"
		if out=$(helm "$@" 2>&1 >/dev/null); then
			echo "goldens.sh: helm $* did not fail" >&2
			exit 1
		fi
		# go run adds its own line about helm's exit status.
		printf '%s\n' "$out" | grep -v "^exit status"
	} >"golden/$name.err"
}

mkdir -p golden
golden web-prod template web charts/web -n prod -f envs/prod/web.yaml -f envs/prod/web-extra.yaml -f envs/prod/web-tls.yaml $kube
golden web-default template web charts/web -n web $kube
golden web-layer template shop charts/web -n prod -f envs/prod/web.yaml \
	--set-json '{"ingress":{"className":"layer","hosts":[{"host":"layer.example.com","paths":[{"path":"/","pathType":"Prefix"}]}]}}' $kube
golden web-set template shop charts/web -n prod -f envs/prod/web.yaml --set 'ingress.hosts[0].paths[1].path=/v2' --set replicaCount=5 \
	--set-string ingress.annotations.x=1 $kube
golden_err needs-host template nh charts/needs-host -n x $kube
golden_err needs-host-fail template nh charts/needs-host -n x --set broken=true $kube
golden_err missing-dep template md charts/missing-dep -n x $kube
golden_err bad-yaml template by charts/bad-yaml -n x $kube
golden_err bad-syntax template bs charts/bad-syntax -n x $kube
