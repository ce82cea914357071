#!/usr/bin/env bash
# realize.sh CASE... — turn a hand-written live.yaml stub into real API-server
# output, so live fixtures carry what a cluster really returns (uid,
# resourceVersion, generation, creationTimestamp, managedFields, status, the
# last-applied annotation).
#
# For each case: `kubectl apply` git.yaml (client-side, as pipelines do; if the
# API server rejects it, the stub is applied instead), then replace labels,
# annotations and spec with the stub's (field manager kubectl-edit, as a hand
# edit would), set status through the status subresource (the stub's status,
# or a load-balancer address), and write `kubectl get -o yaml
# --show-managed-fields` back to live.yaml.
#
# Needs KUBECONFIG pointing at a scratch cluster (make cluster-up). Set
# DEFAULT_CLASS=name to run with a default IngressClass of that name (the
# DefaultIngressClass admission plugin then fills ingressClassName on create).
set -euo pipefail
K=${KUBECTL:-kubectl}
cd "$(dirname "$0")"
if [[ -n "${DEFAULT_CLASS:-}" ]]; then
	$K apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${DEFAULT_CLASS}
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/ingress-nginx
YAML
	trap '$K delete ingressclass "$DEFAULT_CLASS" >/dev/null' EXIT
	sleep 2 # the admission plugin reads IngressClasses from an informer
fi
for c in "$@"; do
	stub=$(yq . "$c/live.yaml")
	ns=$(jq -r '.metadata.namespace // "default"' <<<"$stub")
	name=$(jq -r '.metadata.name' <<<"$stub")
	$K create namespace "$ns" --dry-run=client -o yaml | $K apply -f - >/dev/null
	if ! $K apply -n "$ns" -f "$c/git.yaml" >/dev/null 2>"/tmp/realize-$c.err"; then
		echo "$c: git.yaml rejected ($(tail -1 "/tmp/realize-$c.err")); applying the stub" >&2
		jq 'del(.status) | del(.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])' <<<"$stub" |
			$K apply -n "$ns" -f - >/dev/null
	fi
	cur=$($K get ingress -n "$ns" "$name" -o json)
	jq --argjson stub "$stub" '
		.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] as $la
		| .metadata.labels = ($stub.metadata.labels // null)
		| .metadata.annotations = (($stub.metadata.annotations // {})
			| del(.["kubectl.kubernetes.io/last-applied-configuration"]))
		| (if $la then .metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = $la else . end)
		| (if .metadata.annotations == {} then .metadata.annotations = null else . end)
		| .spec = $stub.spec' <<<"$cur" >/tmp/realize-next.json
	if ! jq -e --argjson cur "$cur" '(.metadata.labels == $cur.metadata.labels) and (.metadata.annotations == $cur.metadata.annotations) and (.spec == $cur.spec)' /tmp/realize-next.json >/dev/null; then
		$K replace --field-manager=kubectl-edit -f /tmp/realize-next.json >/dev/null
	fi
	status=$(jq -c '.status // {"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}' <<<"$stub")
	$K patch ingress -n "$ns" "$name" --subresource=status --type=merge --field-manager=ingress-controller \
		-p "{\"status\":$status}" >/dev/null
	$K get ingress -n "$ns" "$name" -o yaml --show-managed-fields >"$c/live.yaml"
	$K delete ingress -n "$ns" "$name" >/dev/null
	echo "$c: realized" >&2
done
