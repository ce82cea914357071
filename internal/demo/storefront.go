package demo

// The storefront chart, rendered for two environments: staging by an Argo
// CD Application (apps/storefront-staging.yaml), prod by a Flux HelmRelease
// (clusters/prod/storefront.yaml). The live objects below are what those
// controllers apply: `helm template` output (compared with the real Helm
// CLI's, see storefrontLive) plus what each controller adds.

const storefrontChart = `apiVersion: v2
name: storefront
description: The storefront and its API behind one Ingress.
type: application
version: 1.4.0
appVersion: "2.8.1"
`

const storefrontHelpers = `{{/* The Ingress is named after the chart, whatever the release. */}}
{{- define "storefront.fullname" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "storefront.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ include "storefront.fullname" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
`

const storefrontIngress = `{{- if .Values.ingress.enabled -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "storefront.fullname" . }}
  labels:
    {{- include "storefront.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- range . }}
    - hosts:
        {{- range .hosts }}
        - {{ . | quote }}
        {{- end }}
      secretName: {{ .secretName }}
    {{- end }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ .service }}
                port:
                  number: {{ .port }}
          {{- end }}
    {{- end }}
{{- end }}
`

const storefrontValues = `# Defaults for every environment; envs/<env>/values.yaml override them.
nameOverride: ""
ingress:
  enabled: true
  className: nginx
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
  hosts: []
  tls: []
`

const stagingValues = `# Staging: the storefront chart as Argo CD renders it (apps/storefront-staging.yaml).
ingress:
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
  hosts:
    - host: staging.store.example.com
      paths:
        - path: /
          service: storefront
          port: 80
        - path: /api
          service: storefront-api
          port: 8080
  tls:
    - hosts: [staging.store.example.com]
      secretName: storefront-staging-tls
`

const prodValues = `# Prod: the storefront chart as Flux renders it (clusters/prod/storefront.yaml).
ingress:
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
    nginx.ingress.kubernetes.io/proxy-body-size: 16m
  hosts:
    - host: store.example.com
      paths:
        - path: /
          service: storefront
          port: 80
        - path: /api
          service: storefront-api
          port: 8080
        - path: /checkout
          service: checkout-v2
          port: 8443
  tls:
    - hosts: [store.example.com, www.store.example.com]
      secretName: storefront-tls
`

const stagingApplication = `# Staging follows main: Argo CD renders the chart with the staging values
# and undoes any hand edit (selfHeal).
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: storefront-staging
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/shop/deploy.git
    targetRevision: main
    path: charts/storefront
    helm:
      valueFiles:
        - ../../envs/staging/values.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: staging
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
`

const prodHelmRelease = `# Prod: Flux's helm-controller renders the chart from this repo with the
# prod values, and corrects drift (driftDetection).
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: deploy
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@git.example.com/shop/deploy.git
  ref:
    branch: main
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: storefront
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: prod
  chart:
    spec:
      chart: ./charts/storefront
      sourceRef:
        kind: GitRepository
        name: deploy
      valuesFiles:
        - charts/storefront/values.yaml
        - envs/prod/values.yaml
  driftDetection:
    mode: enabled
`

// liveObject is a rendered object as a controller applies it: applied by
// kubectl under the controller's field manager, server-side (Argo CD with
// ServerSideApply) or as a create (helm-controller's first install).
type liveObject struct {
	manager    string
	serverSide bool
	yaml       string
}

// storefrontLive are the chart's objects as the controllers applied them.
// The body of each is what
//
//	helm template storefront-staging charts/storefront -n staging -f envs/staging/values.yaml
//	helm template prod-storefront charts/storefront -n prod -f charts/storefront/values.yaml -f envs/prod/values.yaml
//
// print (Helm v4.3.1), with the namespace the controller sets and what
// it adds: Argo CD its tracking-id annotation; helm-controller its
// helm.toolkit.fluxcd.io labels and Helm's meta.helm.sh annotations.
var storefrontLive = []liveObject{
	{manager: "argocd-controller", serverSide: true, yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront
  namespace: staging
  labels:
    helm.sh/chart: storefront-1.4.0
    app.kubernetes.io/name: storefront
    app.kubernetes.io/instance: storefront-staging
    app.kubernetes.io/version: "2.8.1"
    app.kubernetes.io/managed-by: Helm
  annotations:
    argocd.argoproj.io/tracking-id: storefront-staging:networking.k8s.io/Ingress:staging/storefront
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - "staging.store.example.com"
      secretName: storefront-staging-tls
  rules:
    - host: "staging.store.example.com"
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  number: 80
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: storefront-api
                port:
                  number: 8080
`},
	{manager: "helm-controller", yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront
  namespace: prod
  labels:
    helm.sh/chart: storefront-1.4.0
    app.kubernetes.io/name: storefront
    app.kubernetes.io/instance: prod-storefront
    app.kubernetes.io/version: "2.8.1"
    app.kubernetes.io/managed-by: Helm
    helm.toolkit.fluxcd.io/name: storefront
    helm.toolkit.fluxcd.io/namespace: flux-system
  annotations:
    meta.helm.sh/release-name: prod-storefront
    meta.helm.sh/release-namespace: prod
    cert-manager.io/cluster-issuer: letsencrypt
    nginx.ingress.kubernetes.io/proxy-body-size: 16m
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - "store.example.com"
        - "www.store.example.com"
      secretName: storefront-tls
  rules:
    - host: "store.example.com"
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  number: 80
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: storefront-api
                port:
                  number: 8080
          - path: /checkout
            pathType: Prefix
            backend:
              service:
                name: checkout-v2
                port:
                  number: 8443
`},
}
