package yamledit

import (
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// repl replaces old, which must occur exactly once in s.
func repl(s, old, new string) string {
	if strings.Count(s, old) != 1 {
		panic("repl: " + old + " does not occur exactly once")
	}
	return strings.Replace(s, old, new, 1)
}

// shopDoc is the first document of the demo's apps/shop/ingress.yaml.
const shopDoc = `apiVersion: networking.k8s.io/v1
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
`

const (
	sslRedirect = "nginx.ingress.kubernetes.io/ssl-redirect"
	bodySize    = "nginx.ingress.kubernetes.io/proxy-body-size"
	apiPort     = "spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number"
)

func TestEditShop(t *testing.T) {
	cases := []editCase{{
		name:    "port number changed, trailing comment kept",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081 },
		want:    repl(shopDoc, "number: 8080   #", "number: 8081   #"),
		paths:   []string{apiPort},
		removed: []int{33}, added: 1,
	}, {
		name:    "quoted annotation value changed",
		live:    func(l *networkingv1.Ingress) { l.Annotations[sslRedirect] = "false" },
		want:    repl(shopDoc, `ssl-redirect: "true"`, `ssl-redirect: "false"`),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]"},
		removed: []int{9}, added: 1,
	}, {
		name: "annotation added to an existing map",
		live: func(l *networkingv1.Ingress) {
			l.Annotations["nginx.ingress.kubernetes.io/whitelist-source-range"] = "10.0.0.0/8,192.168.0.0/16"
		},
		want: repl(shopDoc, "    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n",
			"    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8,192.168.0.0/16\n"),
		paths: []string{"metadata.annotations[nginx.ingress.kubernetes.io/whitelist-source-range]"},
		added: 1,
	}, {
		name:  "annotation added whose value needs quotes",
		live:  func(l *networkingv1.Ingress) { l.Annotations["example.com/on"] = "on" },
		want:  repl(shopDoc, "proxy-body-size: 8m\n", "proxy-body-size: 8m\n    example.com/on: \"on\"\n"),
		paths: []string{"metadata.annotations[example.com/on]"},
		added: 1,
	}, {
		name:    "annotation removed",
		live:    func(l *networkingv1.Ingress) { delete(l.Annotations, bodySize) },
		want:    repl(shopDoc, "    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n", ""),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/proxy-body-size]"},
		removed: []int{10},
	}, {
		name:    "every annotation removed: the annotations key goes too",
		live:    func(l *networkingv1.Ingress) { l.Annotations = nil },
		want:    repl(shopDoc, "  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"true\"\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n", ""),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/proxy-body-size]", "metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]"},
		removed: lines(8, 10),
	}, {
		name:  "label added",
		live:  func(l *networkingv1.Ingress) { l.Labels["env"] = "prod" },
		want:  repl(shopDoc, "    team: shop\n", "    team: shop\n    env: prod\n"),
		paths: []string{"metadata.labels[env]"},
		added: 1,
	}, {
		name:    "plain value changed to one that needs quotes",
		live:    func(l *networkingv1.Ingress) { l.Labels["team"] = "yes" },
		want:    repl(shopDoc, "team: shop", `team: "yes"`),
		paths:   []string{"metadata.labels[team]"},
		removed: []int{7}, added: 1,
	}, {
		name:    "ingressClassName changed",
		live:    func(l *networkingv1.Ingress) { l.Spec.IngressClassName = ptr("traefik") },
		want:    repl(shopDoc, "ingressClassName: nginx", "ingressClassName: traefik"),
		paths:   []string{"spec.ingressClassName"},
		removed: []int{12}, added: 1,
	}, {
		name:    "ingressClassName removed",
		live:    func(l *networkingv1.Ingress) { l.Spec.IngressClassName = nil },
		want:    repl(shopDoc, "  ingressClassName: nginx\n", ""),
		paths:   []string{"spec.ingressClassName"},
		removed: []int{12},
	}, {
		name:    "only TLS entry removed: the tls key goes too",
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS = nil },
		want:    repl(shopDoc, "  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n", ""),
		paths:   []string{"spec.tls[secretName=shop-tls]"},
		removed: lines(13, 15),
	}, {
		name: "TLS host added to a flow list",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS[0].Hosts = append(l.Spec.TLS[0].Hosts, "www.shop.example.com")
		},
		want:    repl(shopDoc, "[shop.example.com]", "[shop.example.com, www.shop.example.com]"),
		paths:   []string{"spec.tls[secretName=shop-tls].hosts[www.shop.example.com]"},
		removed: []int{14}, added: 1,
	}, {
		name: "TLS host replaced in a flow list",
		live: func(l *networkingv1.Ingress) { l.Spec.TLS[0].Hosts = []string{"www.shop.example.com"} },
		want: repl(shopDoc, "[shop.example.com]", "[www.shop.example.com]"),
		paths: []string{"spec.tls[secretName=shop-tls].hosts[shop.example.com]",
			"spec.tls[secretName=shop-tls].hosts[www.shop.example.com]"},
		removed: []int{14}, added: 1,
	}, {
		name: "path pointed at another service",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Name = "shop-api-v2"
		},
		want:    repl(shopDoc, "name: shop-api\n", "name: shop-api-v2\n"),
		paths:   []string{"spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.name"},
		removed: []int{31}, added: 1,
	}, {
		name: "port number replaced by a port name",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port = networkingv1.ServiceBackendPort{Name: "http"}
		},
		want: repl(shopDoc, "number: 8080   # the API listens on 8080", "name: http"),
		paths: []string{"spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.name",
			apiPort},
		removed: []int{33}, added: 1,
	}, {
		name: "path removed",
		live: func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths = l.Spec.Rules[0].HTTP.Paths[:1] },
		want: strings.TrimSuffix(shopDoc, `          - path: /api
            pathType: Prefix
            backend:
              service:
                name: shop-api
                port:
                  number: 8080   # the API listens on 8080
`),
		paths:   []string{"spec.rules[host=shop.example.com].http.paths[path=/api]"},
		removed: lines(27, 33),
	}, {
		name: "path added between two paths, in want's order",
		live: func(l *networkingv1.Ingress) {
			p := l.Spec.Rules[0].HTTP.Paths
			l.Spec.Rules[0].HTTP.Paths = []networkingv1.HTTPIngressPath{p[0], httpPath("/static", networkingv1.PathTypePrefix, svc("cdn", 80)), p[1]}
		},
		want: repl(shopDoc, "                  number: 80\n", `                  number: 80
          - path: /static
            pathType: Prefix
            backend:
              service:
                name: cdn
                port:
                  number: 80
`),
		paths: []string{"spec.rules[host=shop.example.com].http.paths[path=/static]"},
		added: 7,
	}, {
		name: "path added first",
		live: func(l *networkingv1.Ingress) {
			p := l.Spec.Rules[0].HTTP.Paths
			l.Spec.Rules[0].HTTP.Paths = []networkingv1.HTTPIngressPath{httpPath("/healthz", networkingv1.PathTypeExact, svc("health", 8080)), p[0], p[1]}
		},
		want: repl(shopDoc, "        paths:\n", `        paths:
          - path: /healthz
            pathType: Exact
            backend:
              service:
                name: health
                port:
                  number: 8080
`),
		paths: []string{"spec.rules[host=shop.example.com].http.paths[path=/healthz]"},
		added: 7,
	}, {
		name: "rule added",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules = append(l.Spec.Rules, rule("www.shop.example.com", httpPath("/", networkingv1.PathTypePrefix, svc("storefront", 80))))
		},
		want: shopDoc + `    - host: www.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  number: 80
`,
		paths: []string{"spec.rules[host=www.shop.example.com]"},
		added: 10,
	}, {
		name:    "rule renamed",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].Host = "store.example.com" },
		want:    repl(shopDoc, "- host: shop.example.com", "- host: store.example.com"),
		paths:   []string{"spec.rules[host=shop.example.com].host"},
		removed: []int{17}, added: 1,
	}, {
		name: "pathType changed",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths[1].PathType = ptr(networkingv1.PathTypeImplementationSpecific)
		},
		want:    repl(shopDoc, "          - path: /api\n            pathType: Prefix\n", "          - path: /api\n            pathType: ImplementationSpecific\n"),
		paths:   []string{"spec.rules[host=shop.example.com].http.paths[path=/api].pathType"},
		removed: []int{28}, added: 1,
	}, {
		name: "defaultBackend added, in kubectl's field order",
		live: func(l *networkingv1.Ingress) {
			be := svc("fallback", 80)
			l.Spec.DefaultBackend = &be
		},
		want: repl(shopDoc, "  ingressClassName: nginx\n", `  ingressClassName: nginx
  defaultBackend:
    service:
      name: fallback
      port:
        number: 80
`),
		paths: []string{"spec.defaultBackend"},
		added: 5,
	}, {
		name: "several changes at once: the demo's accept",
		live: func(l *networkingv1.Ingress) {
			l.Annotations[sslRedirect] = "false"
			l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081
		},
		want:    repl(repl(shopDoc, `ssl-redirect: "true"`, `ssl-redirect: "false"`), "number: 8080", "number: 8081"),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", apiPort},
		removed: []int{9, 33}, added: 2,
	}, {
		name: "server fields and last-applied are not written",
		live: func(l *networkingv1.Ingress) {
			l.Annotations[diffengine.LastAppliedAnnotation] = `{"apiVersion":"networking.k8s.io/v1"}`
			l.Finalizers = []string{"example.com/cleanup"}
		},
		want: shopDoc,
	}, {
		name: "cert-manager's challenge path (a built-in ignore) is not written",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths = append(l.Spec.Rules[0].HTTP.Paths,
				httpPath("/.well-known/acme-challenge/x1", networkingv1.PathTypeImplementationSpecific, svc("cm-acme-http-solver-x1", 8089)))
		},
		want: shopDoc,
	}, {
		name: "another object",
		live: func(l *networkingv1.Ingress) { l.Namespace = "other" },
		err:  "the document is Ingress shop/shop, not other/shop",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.doc == "" {
				c.doc = shopDoc
			}
			runEdit(t, c)
		})
	}
}

// TestOneDocumentRule: Decode and the editor agree on whether a text is
// one document. The first input is the FuzzEditIngress finding of issue
// 9: sigs.k8s.io/yaml read the flow mapping and dropped the "0" after it,
// so Decode took it for one Ingress while the editor, reading on, found
// text that is not YAML and refused with an error that did not wrap
// ErrUnsupported. Now both refuse it, naming the line of the extra text;
// comments, blank lines and a bare "---" after the document are still one
// document.
func TestOneDocumentRule(t *testing.T) {
	const head = `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a"}}`
	const block = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n"
	refused := []struct{ doc, want string }{
		{`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":A}}0`, "line 1: text after the end of the document"},
		{head + "\n0\n", "line 2: text after the end of the document"},
		{head + "\n\n# c\n{}\n", "line 4: text after the end of the document"},
		{"  " + strings.ReplaceAll(block, "\n", "\n  ") + "\nspec: {}\n", "line 6: text after the end of the document"},
		{block + "--- {b: 1}\n", "line 5: more than one YAML document"},
	}
	for _, c := range refused {
		_, derr := Decode([]byte(c.doc))
		if derr == nil || !strings.Contains(derr.Error(), c.want) {
			t.Errorf("Decode(%q) = %v, want an error with %q", c.doc, derr, c.want)
		}
		_, _, eerr := EditIngress([]byte(c.doc), &networkingv1.Ingress{}, "")
		if eerr == nil || !strings.Contains(eerr.Error(), c.want) {
			t.Errorf("EditIngress(%q) = %v, want an error with %q", c.doc, eerr, c.want)
		}
	}
	for _, doc := range []string{head, head + "\n", head + " # c\n\n# end\n", head + "\n---\n", block + "# end\n"} {
		cur, err := Decode([]byte(doc))
		if err != nil {
			t.Fatalf("Decode(%q): %v", doc, err)
		}
		want := diffengine.CleanForManifest(cur)
		want.Annotations = map[string]string{"x": "y"}
		if _, _, err := EditIngress([]byte(doc), want, "default"); err != nil {
			t.Errorf("EditIngress(%q): %v", doc, err)
		}
	}
}
