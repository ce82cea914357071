#!/usr/bin/env bash
# Writes rendered/: what Argo CD and Flux render from repo/, produced by the
# real tools, never by ingress-drift. TestGitOpsEndToEnd applies these files
# (with what each controller adds) and checks that ingress-drift, reading
# repo/ itself, finds every object in sync. Run from anywhere:
#   cmd/ingress-drift/testdata/gitops/render.sh
# The charts never use .Release.Namespace, so the output does not depend on
# the namespace given here; the test applies it to its own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubectl=${KUBECTL:-$("$here/../../../../hack/kube/build.sh" print-dir)/kubectl}
helm() { go run helm.sh/helm/v4/cmd/helm@v4.3.1 "$@"; }
cd "$here/repo"
# Argo CD Application web-prod (argocd/apps/web.yaml): release = the
# Application's name, valueFiles relative to the chart.
helm template web-prod charts/web --namespace e2e -f envs/prod/web.yaml >"$here/rendered/web-prod.yaml"
# Flux HelmRelease web-canary (flux/cluster.yaml): release = its name (no
# targetNamespace), valuesFiles relative to the GitRepository's root.
helm template web-canary charts/web --namespace e2e -f charts/web/values.yaml -f envs/canary/web.yaml >"$here/rendered/web-canary.yaml"
# Argo CD Application api-prod (argocd/apps/api.yaml): a kustomize overlay.
"$kubectl" kustomize kustomize/api/prod >"$here/rendered/api-prod.yaml"
