package demo

// Manifests are the repo's files at the last commit, by path.
// shop.yaml is multi-document with comments, to show write-back keeping them.
var manifests = []commitStep{
	{
		author: "Dana Ops <dana@example.com>", subject: "Add shop and blog ingresses",
		files: map[string]string{
			"apps/shop/ingress.yaml": `# Shop: public storefront and API.
# Owned by team-shop; changes go through the deploy pipeline.
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  labels:
    team: shop
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  ingressClassName: nginx
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
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
                name: shop-api
                port:
                  number: 8080   # the API listens on 8080
---
# Admin UI, office network only.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop-admin
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
spec:
  ingressClassName: nginx
  tls:
    - hosts: [admin.shop.example.com]
      secretName: shop-admin-tls
  rules:
    - host: admin.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop-admin
                port:
                  name: http
`,
			"apps/blog/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: blog
  namespace: blog
spec:
  ingressClassName: nginx
  rules:
    - host: blog.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ghost
                port:
                  number: 2368
`,
		},
	},
	{
		author: "Sam Reliability <sam@example.com>", subject: "payments: terminate TLS at the ingress",
		files: map[string]string{
			"apps/payments/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout
  namespace: payments
  labels:
    team: payments
    pci: "true"
  annotations:
    nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - pay.example.com
      secretName: pay-tls
  rules:
    - host: pay.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: checkout
                port:
                  number: 443
`,
			"apps/payments/webhooks.json": `{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "Ingress",
  "metadata": {"name": "webhooks", "namespace": "payments"},
  "spec": {
    "ingressClassName": "nginx",
    "rules": [{"host": "hooks.pay.example.com", "http": {"paths": [
      {"path": "/stripe", "pathType": "Exact", "backend": {"service": {"name": "webhooks", "port": {"number": 8080}}}}
    ]}}]
  }
}
`,
		},
	},
	{
		author: "Alex Platform <alex@example.com>", subject: "Add internal tools (grafana, docs)",
		files: map[string]string{
			"platform/tools.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: grafana
  namespace: tools
  annotations:
    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth
spec:
  ingressClassName: nginx
  rules:
    - host: grafana.internal.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: grafana
                port:
                  number: 3000
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: docs
  namespace: tools
spec:
  ingressClassName: nginx
  rules:
    - host: docs.internal.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: docs
                port:
                  number: 80
`,
			"platform/status-page.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: status
  namespace: tools
spec:
  ingressClassName: nginx
  rules:
    - host: status.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: status-page
                port:
                  number: 8080
`,
		},
	},
	{
		author: "Dana Ops <dana@example.com>", subject: "blog: serve /assets from the CDN origin",
		files: map[string]string{
			"apps/blog/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: blog
  namespace: blog
spec:
  ingressClassName: nginx
  rules:
    - host: blog.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ghost
                port:
                  number: 2368
          - path: /assets
            pathType: Prefix
            backend:
              service:
                name: assets
                port:
                  number: 80
`,
		},
	},
	{
		author: "Priya Platform <priya@example.com>", subject: "monitoring: kustomize base with a prod overlay; api ingresses",
		files: map[string]string{
			"platform/monitoring/base/kustomization.yaml": `resources:
  - ingress.yaml
`,
			"platform/monitoring/base/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: prometheus
  annotations:
    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth
spec:
  ingressClassName: nginx
  rules:
    - host: prometheus.internal.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: prometheus
                port:
                  number: 9090
`,
			"platform/monitoring/overlays/prod/kustomization.yaml": `namespace: monitoring
resources:
  - ../../base
labels:
  - pairs:
      env: prod
`,
			"apps/api/ingress.yaml": `# Public and partner API endpoints.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api-public
  namespace: api
spec:
  ingressClassName: nginx
  tls:
    - hosts: [api.example.com]
      secretName: api-tls
  rules:
    - host: api.example.com
      http:
        paths:
          - path: /v1
            pathType: Prefix
            backend:
              service:
                name: api-v1
                port:
                  name: http
          - path: /v2
            pathType: Prefix
            backend:
              service:
                name: api-v2
                port:
                  name: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api-partners
  namespace: api
  annotations:
    nginx.ingress.kubernetes.io/whitelist-source-range: 203.0.113.0/24,198.51.100.0/24
spec:
  ingressClassName: nginx
  tls:
    - hosts: [partners.api.example.com]
      secretName: partners-tls
  rules:
    - host: partners.api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api-v2
                port:
                  name: http
`,
		},
	},
	{
		author: "Priya Platform <priya@example.com>", subject: "storefront: one chart, staging through Argo CD, prod through Flux",
		files: map[string]string{
			"charts/storefront/Chart.yaml":             storefrontChart,
			"charts/storefront/values.yaml":            storefrontValues,
			"charts/storefront/templates/_helpers.tpl": storefrontHelpers,
			"charts/storefront/templates/ingress.yaml": storefrontIngress,
			"envs/staging/values.yaml":                 stagingValues,
			"envs/prod/values.yaml":                    prodValues,
			"apps/storefront-staging.yaml":             stagingApplication,
			"clusters/prod/storefront.yaml":            prodHelmRelease,
		},
	},
}

// drift is what happened in the cluster behind Git's back, as kubectl
// invocations (each runs as its own field manager).
var drift = []struct {
	why  string
	args []string
}{
	{"hotfix: disable the HTTPS redirect during an outage",
		[]string{"-n", "shop", "annotate", "ingress", "shop", "nginx.ingress.kubernetes.io/ssl-redirect=false", "--overwrite"}},
	{"an engineer pointed /api at the canary port",
		[]string{"-n", "shop", "patch", "ingress", "shop", "--type=json", "-p",
			`[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/port/number","value":8081}]`}},
	{"someone removed TLS from checkout",
		[]string{"-n", "payments", "patch", "ingress", "checkout", "--type=json", "-p", `[{"op":"remove","path":"/spec/tls"}]`}},
	{"the status page was deleted by a cleanup script",
		[]string{"-n", "tools", "delete", "ingress", "status"}},
	{"an Ingress created by hand during the incident sends shop's /api to a debug build (two Ingresses now claim the route)",
		[]string{"-n", "shop", "create", "ingress", "shop-debug", "--class=nginx", "--rule=shop.example.com/api*=shop-api-debug:8080"}},
	{"someone added a long read timeout to the webhooks by hand",
		[]string{"-n", "payments", "annotate", "ingress", "webhooks", "nginx.ingress.kubernetes.io/proxy-read-timeout=300"}},
	{"and a debug location, as a server snippet",
		[]string{"-n", "payments", "annotate", "ingress", "webhooks", "nginx.ingress.kubernetes.io/server-snippet=location /debug { return 200; }"}},
	{"hotfix: prod's /checkout sent back to checkout-v1 while v2 crashes (the chart still says v2)",
		[]string{"-n", "prod", "patch", "ingress", "storefront", "--type=json", "-p",
			`[{"op":"replace","path":"/spec/rules/0/http/paths/2/backend/service/name","value":"checkout-v1"},` +
				`{"op":"replace","path":"/spec/rules/0/http/paths/2/backend/service/port/number","value":8080}]`}},
	{"admin allow-list widened",
		[]string{"-n", "shop", "annotate", "ingress", "shop-admin", "nginx.ingress.kubernetes.io/whitelist-source-range=0.0.0.0/0", "--overwrite"}},
}
