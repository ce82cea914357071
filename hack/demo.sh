#!/usr/bin/env bash
# make demo: a local API server, seeded with realistic drift, a temporary git
# repo of manifests, and the TUI on both. Quitting the TUI stops the cluster
# and removes the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
export KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS:-$(hack/kube/build.sh print-dir)}
state=.cache/demo
go build -o bin/localcluster ./internal/cmd/localcluster
go build -o bin/demoseed ./internal/cmd/demoseed
[ -x bin/ingress-drift ] || go build -o bin/ingress-drift ./cmd/ingress-drift

bin/localcluster down --dir "$state" >/dev/null 2>&1 || true
repo=$(mktemp -d "${TMPDIR:-/tmp}/ingress-drift-demo.XXXXXX")
cleanup() {
  bin/localcluster down --dir "$state" >/dev/null || true
  rm -rf "$repo"
}
trap cleanup EXIT
echo "demo: starting a local kube-apiserver + etcd…"
kubeconfig=$(bin/localcluster up --dir "$state")
bin/demoseed --kubeconfig "$kubeconfig" --repo "$repo"
echo
echo "demo: kubeconfig $kubeconfig"
echo "demo: repo       $repo"
echo "demo: try it from another shell while the TUI runs:"
echo "        export KUBECONFIG=$kubeconfig"
echo "        $KUBEBUILDER_ASSETS/kubectl -n blog annotate ingress blog example.com/touched=now"
echo "      or drift the chart Argo CD renders for staging (its detail and dialogs say Argo CD would undo it):"
echo "        $KUBEBUILDER_ASSETS/kubectl -n staging annotate ingress storefront nginx.ingress.kubernetes.io/ssl-redirect=false --overwrite"
if [ -n "${DEMO_NO_TUI:-}" ]; then
  bin/ingress-drift check --kubeconfig "$kubeconfig" --repo "$repo" || true
  exit 0
fi
echo "demo: opening the TUI (? for help, q to quit and stop the cluster)…"
sleep 2
bin/ingress-drift --kubeconfig "$kubeconfig" --repo "$repo"
