package yamledit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// blogDoc: no namespace, compact sequences ("- " at the key's column),
// comments everywhere, a blank line, no annotations.
const blogDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: blog   # the blog
  labels:
    app: ghost

spec:
  # routing
  rules:
  - host: blog.example.com
    http:
      paths:
      # the root
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ghost
            port:
              number: 2368
      # assets from the CDN origin
      - path: /assets
        pathType: Prefix
        backend:
          service:
            name: assets
            port:
              number: 80
  # end of rules
`

func TestEditCommentsAndCompactLists(t *testing.T) {
	cases := []editCase{{
		name: "annotation added where metadata has no annotations",
		live: func(l *networkingv1.Ingress) {
			l.Annotations = map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "false"}
		},
		want:  repl(blogDoc, "    app: ghost\n", "    app: ghost\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\n"),
		paths: []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]"},
		added: 2,
	}, {
		name: "path removed with its own head comment",
		live: func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths = l.Spec.Rules[0].HTTP.Paths[:1] },
		want: repl(blogDoc, `      # assets from the CDN origin
      - path: /assets
        pathType: Prefix
        backend:
          service:
            name: assets
            port:
              number: 80
`, ""),
		paths:   []string{"spec.rules[host=blog.example.com].http.paths[path=/assets]"},
		removed: lines(22, 29),
	}, {
		name: "first path removed: the next one keeps its comment",
		live: func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths = l.Spec.Rules[0].HTTP.Paths[1:] },
		want: repl(blogDoc, `      # the root
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ghost
            port:
              number: 2368
`, ""),
		paths:   []string{"spec.rules[host=blog.example.com].http.paths[path=/]"},
		removed: lines(14, 21),
	}, {
		name: "rule added in the compact list style",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules = append(l.Spec.Rules, rule("", httpPath("/", networkingv1.PathTypePrefix, svc("default-web", 80))))
		},
		want: repl(blogDoc, "              number: 80\n", `              number: 80
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: default-web
            port:
              number: 80
`),
		paths: []string{"spec.rules[host=]"},
		added: 9,
	}, {
		name: "TLS added where there is none: before rules and their head comment",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"blog.example.com"}, SecretName: "blog-tls"}}
		},
		want: repl(blogDoc, "spec:\n", `spec:
  tls:
  - hosts:
    - blog.example.com
    secretName: blog-tls
`),
		paths: []string{"spec.tls[secretName=blog-tls]"},
		added: 4,
	}, {
		name:  "ingressClassName added first in spec",
		live:  func(l *networkingv1.Ingress) { l.Spec.IngressClassName = ptr("nginx") },
		want:  repl(blogDoc, "spec:\n", "spec:\n  ingressClassName: nginx\n"),
		paths: []string{"spec.ingressClassName"},
		added: 1,
	}, {
		name:    "label removed: the labels key goes, the blank line stays",
		live:    func(l *networkingv1.Ingress) { l.Labels = nil },
		want:    repl(blogDoc, "  labels:\n    app: ghost\n", ""),
		paths:   []string{"metadata.labels[app]"},
		removed: []int{5, 6},
	}, {
		name:    "rule host renamed to none: the next key moves onto the dash line",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].Host = "" },
		want:    repl(blogDoc, "  - host: blog.example.com\n    http:\n", "  - http:\n"),
		paths:   []string{"spec.rules[host=blog.example.com].host"},
		removed: []int{11, 12}, added: 1,
	}, {
		name:    "namespace left out stays left out",
		ns:      "blog",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number = 2369 },
		want:    repl(blogDoc, "number: 2368", "number: 2369"),
		paths:   []string{"spec.rules[host=blog.example.com].http.paths[path=/].backend.service.port.number"},
		removed: []int{21}, added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.doc == "" {
				c.doc = blogDoc
			}
			runEdit(t, c)
		})
	}
}

func TestEditHostRuleGainsHost(t *testing.T) {
	doc := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: catch-all
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`
	runEdit(t, editCase{
		name:    "host added before http on the dash line",
		doc:     doc,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].Host = "www.example.com" },
		want:    repl(doc, "    - http:\n", "    - host: www.example.com\n      http:\n"),
		paths:   []string{"spec.rules[host=].host"},
		removed: []int{7}, added: 2,
	})
}

// webhooksDoc is the demo's apps/payments/webhooks.json.
const webhooksDoc = `{
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
`

func TestEditJSON(t *testing.T) {
	cases := []editCase{{
		name:    "annotation added to a one-line object",
		live:    func(l *networkingv1.Ingress) { l.Annotations = map[string]string{"a.example.com/x": "true"} },
		want:    repl(webhooksDoc, `"namespace": "payments"}`, `"namespace": "payments", "annotations": {"a.example.com/x": "true"}}`),
		paths:   []string{"metadata.annotations[a.example.com/x]"},
		removed: []int{4}, added: 1,
	}, {
		name:    "port changed",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number = 8443 },
		want:    repl(webhooksDoc, `"number": 8080`, `"number": 8443`),
		paths:   []string{"spec.rules[host=hooks.pay.example.com].http.paths[path=/stripe].backend.service.port.number"},
		removed: []int{8}, added: 1,
	}, {
		name: "path added to a multi-line array",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths = append(l.Spec.Rules[0].HTTP.Paths, httpPath("/paypal", networkingv1.PathTypeExact, svc("webhooks", 8080)))
		},
		want: repl(webhooksDoc, `{"number": 8080}}}}
`, `{"number": 8080}}}},
      {"path": "/paypal", "pathType": "Exact", "backend": {"service": {"name": "webhooks", "port": {"number": 8080}}}}
`),
		paths:   []string{"spec.rules[host=hooks.pay.example.com].http.paths[path=/paypal]"},
		removed: []int{8}, added: 2,
	}, {
		name:    "ingressClassName removed with its comma",
		live:    func(l *networkingv1.Ingress) { l.Spec.IngressClassName = nil },
		want:    repl(webhooksDoc, "    \"ingressClassName\": \"nginx\",\n", ""),
		paths:   []string{"spec.ingressClassName"},
		removed: []int{6},
	}, {
		name: "TLS added before rules",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"hooks.pay.example.com"}, SecretName: "hooks-tls"}}
		},
		want: repl(webhooksDoc, `    "rules"`, `    "tls": [{"hosts": ["hooks.pay.example.com"], "secretName": "hooks-tls"}],
    "rules"`),
		paths: []string{"spec.tls[secretName=hooks-tls]"},
		added: 1,
	}, {
		name: "rules replaced: last entry removed, new one added",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules = []networkingv1.IngressRule{rule("hooks.example.com", httpPath("/", networkingv1.PathTypePrefix, svc("webhooks", 80)))}
		},
		want: repl(webhooksDoc, `[{"host": "hooks.pay.example.com", "http": {"paths": [
      {"path": "/stripe", "pathType": "Exact", "backend": {"service": {"name": "webhooks", "port": {"number": 8080}}}}
    ]}}]`, `[{"host": "hooks.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "webhooks", "port": {"number": 80}}}}]}}]`),
		paths:   []string{"spec.rules[host=hooks.example.com]", "spec.rules[host=hooks.pay.example.com]"},
		removed: lines(7, 9), added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.doc = webhooksDoc
			runEdit(t, c)
			live := liveFrom(t, c.doc, "")
			c.live(live)
			out, _, err := EditIngress([]byte(c.doc), diffengine.CleanForManifest(live), "")
			if err != nil || !json.Valid(out) {
				t.Errorf("not valid JSON (err %v):\n%s", err, out)
			}
		})
	}
}

// snippetDoc has a configuration-snippet block scalar, a single-quoted
// value, a flow metadata map and a defaultBackend.
const snippetDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app, namespace: web}
spec:
  defaultBackend:
    service:
      name: app
      port:
        number: 80
  rules:
    - host: app.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app
                port:
                  number: 80
`

const snippetAnnotated = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "X-Frame-Options: DENY";
      more_set_headers "X-Content-Type-Options: nosniff";
    nginx.ingress.kubernetes.io/force-ssl-redirect: 'true'
spec:
  defaultBackend:
    service:
      name: app
      port:
        number: 80
`

const snippet = "nginx.ingress.kubernetes.io/configuration-snippet"

func TestEditScalarStyles(t *testing.T) {
	cases := []editCase{{
		name: "configuration-snippet: a line added, literal style kept",
		doc:  snippetAnnotated,
		live: func(l *networkingv1.Ingress) {
			l.Annotations[snippet] += "more_set_headers \"Referrer-Policy: no-referrer\";\n"
		},
		want:  repl(snippetAnnotated, "nosniff\";\n", "nosniff\";\n      more_set_headers \"Referrer-Policy: no-referrer\";\n"),
		paths: []string{"metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]"},
		// The whole scalar is one node: its lines are rewritten, the
		// unchanged ones identically (the line diff sees one new line).
		added: 1,
	}, {
		name: "configuration-snippet: one line without final newline keeps the block style",
		doc:  snippetAnnotated,
		live: func(l *networkingv1.Ingress) { l.Annotations[snippet] = "more_set_headers \"X-Frame-Options: DENY\";" },
		want: repl(snippetAnnotated, "|\n      more_set_headers \"X-Frame-Options: DENY\";\n      more_set_headers \"X-Content-Type-Options: nosniff\";\n",
			"|-\n      more_set_headers \"X-Frame-Options: DENY\";\n"),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]"},
		removed: []int{6, 8}, added: 1,
	}, {
		name: "single-quoted value keeps its quotes",
		doc:  snippetAnnotated,
		live: func(l *networkingv1.Ingress) {
			l.Annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] = "false"
		},
		want:    repl(snippetAnnotated, "'true'", "'false'"),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/force-ssl-redirect]"},
		removed: []int{9}, added: 1,
	}, {
		name: "multi-line annotation added live becomes a literal block",
		doc:  snippetDoc,
		live: func(l *networkingv1.Ingress) {
			l.Annotations = map[string]string{snippet: "a;\nb;\n"}
		},
		want:    repl(snippetDoc, "{name: app, namespace: web}", `{name: app, namespace: web, annotations: {nginx.ingress.kubernetes.io/configuration-snippet: "a;\nb;\n"}}`),
		paths:   []string{"metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]"},
		removed: []int{3}, added: 1,
	}, {
		name:    "label added to a flow mapping",
		doc:     snippetDoc,
		live:    func(l *networkingv1.Ingress) { l.Labels = map[string]string{"team": "web"} },
		want:    repl(snippetDoc, "{name: app, namespace: web}", "{name: app, namespace: web, labels: {team: web}}"),
		paths:   []string{"metadata.labels[team]"},
		removed: []int{3}, added: 1,
	}, {
		name: "defaultBackend removed",
		doc:  snippetDoc,
		live: func(l *networkingv1.Ingress) { l.Spec.DefaultBackend = nil },
		want: repl(snippetDoc, `  defaultBackend:
    service:
      name: app
      port:
        number: 80
`, ""),
		paths:   []string{"spec.defaultBackend"},
		removed: lines(5, 9),
	}, {
		name:    "defaultBackend port changed",
		doc:     snippetDoc,
		live:    func(l *networkingv1.Ingress) { l.Spec.DefaultBackend.Service.Port.Number = 8080 },
		want:    repl(snippetDoc, "      port:\n        number: 80\n  rules", "      port:\n        number: 8080\n  rules"),
		paths:   []string{"spec.defaultBackend.service.port.number"},
		removed: []int{9}, added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runEdit(t, c) })
	}
}

func TestEditBlockAnnotationAdded(t *testing.T) {
	runEdit(t, editCase{
		doc: snippetAnnotated,
		live: func(l *networkingv1.Ingress) {
			l.Annotations["nginx.ingress.kubernetes.io/server-snippet"] = "location /x {\n  return 404;\n}\n"
		},
		want: repl(snippetAnnotated, "    nginx.ingress.kubernetes.io/force-ssl-redirect: 'true'\n", `    nginx.ingress.kubernetes.io/force-ssl-redirect: 'true'
    nginx.ingress.kubernetes.io/server-snippet: |
      location /x {
        return 404;
      }
`),
		paths: []string{"metadata.annotations[nginx.ingress.kubernetes.io/server-snippet]"},
		added: 4,
	})
}

func TestEditLineEndings(t *testing.T) {
	crlf := strings.ReplaceAll(shopDoc, "\n", "\r\n")
	runEdit(t, editCase{
		name: "CRLF document stays CRLF",
		doc:  crlf,
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081
			l.Annotations["new.example.com/key"] = "v"
			delete(l.Annotations, bodySize)
		},
		want: repl(repl(crlf, "number: 8080   #", "number: 8081   #"),
			"    nginx.ingress.kubernetes.io/proxy-body-size: 8m\r\n", "    new.example.com/key: v\r\n"),
		paths: []string{"metadata.annotations[new.example.com/key]",
			"metadata.annotations[nginx.ingress.kubernetes.io/proxy-body-size]", apiPort},
		removed: []int{10, 33}, added: 2,
	})
	noNL := strings.TrimSuffix(shopDoc, "\n")
	runEdit(t, editCase{
		name: "no trailing newline: a rule appended at the end",
		doc:  noNL,
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules = append(l.Spec.Rules, rule("b.example.com", httpPath("/", networkingv1.PathTypePrefix, svc("b", 80))))
		},
		want: noNL + `
    - host: b.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: b
                port:
                  number: 80`,
		paths: []string{"spec.rules[host=b.example.com]"},
		// The last line gains a line break, so it counts as changed.
		removed: []int{33}, added: 11,
	})
	runEdit(t, editCase{
		name:    "no trailing newline: last line edited",
		doc:     noNL,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081 },
		want:    repl(noNL, "number: 8080", "number: 8081"),
		paths:   []string{apiPort},
		removed: []int{33}, added: 1,
	})
	tabs := repl(shopDoc, "number: 8080   # the", "number: 8080\t# the")
	runEdit(t, editCase{
		name:    "a tab before a comment is kept",
		doc:     tabs,
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081 },
		want:    repl(tabs, "number: 8080\t#", "number: 8081\t#"),
		paths:   []string{apiPort},
		removed: []int{33}, added: 1,
	})
	runEdit(t, editCase{
		name: "tab indentation is not YAML",
		doc:  repl(shopDoc, "    team: shop", "\tteam: shop"),
		err:  "YAML",
	})
}

const anchorDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: anchors
spec:
  rules:
  - host: a.example.com
    http: &web
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
  - host: b.example.com
    http: *web
`

func TestEditAnchors(t *testing.T) {
	cases := []editCase{{
		name: "edit through an alias is refused",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[1].HTTP = &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{httpPath("/", networkingv1.PathTypePrefix, svc("web", 81))}}
		},
		err: "alias (*web)",
	}, {
		name: "edit of an anchored node is refused",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP = &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{httpPath("/", networkingv1.PathTypePrefix, svc("web", 81))}}
		},
		err: "anchored (&web) and used by an alias",
	}, {
		name: "removing the rule that holds the anchor is refused",
		live: func(l *networkingv1.Ingress) { l.Spec.Rules = l.Spec.Rules[1:] },
		err:  "anchored (&web)",
	}, {
		name:    "removing the rule with the alias is fine",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules = l.Spec.Rules[:1] },
		want:    repl(anchorDoc, "  - host: b.example.com\n    http: *web\n", ""),
		paths:   []string{"spec.rules[host=b.example.com]"},
		removed: []int{17, 18},
	}, {
		name: "edits elsewhere keep anchors and aliases",
		live: func(l *networkingv1.Ingress) { l.Labels = map[string]string{"x": "y"} },
		// "y" is a boolean in YAML 1.1, which sigs.k8s.io/yaml reads.
		want:  repl(anchorDoc, "  name: anchors\n", "  name: anchors\n  labels:\n    x: \"y\"\n"),
		paths: []string{"metadata.labels[x]"},
		added: 2,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.doc = anchorDoc
			runEdit(t, c)
		})
	}
	live := liveFrom(t, anchorDoc, "")
	live.Spec.Rules[1].HTTP = &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{httpPath("/", networkingv1.PathTypePrefix, svc("web", 81))}}
	_, _, err := EditIngress([]byte(anchorDoc), diffengine.CleanForManifest(live), "")
	var ee *EditError
	if !errors.Is(err, ErrUnsupported) || !errors.As(err, &ee) || ee.Line != 18 ||
		ee.Path != "spec.rules[host=b.example.com].http.paths[path=/].backend.service.port.number" {
		t.Errorf("error = %#v, want an EditError at line 18 wrapping ErrUnsupported", err)
	}
}

const tlsDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: multi
spec:
  tls:
    - hosts:
        - a.example.com
        - b.example.com
      secretName: ab-tls
    # the admin certificate
    - hosts:
        - admin.example.com
      secretName: admin-tls
    - hosts:
        - c.example.com
      secretName: c-tls
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: a
                port:
                  name: http
`

func TestEditTLS(t *testing.T) {
	cases := []editCase{{
		name: "middle TLS entry removed with its head comment",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS = append(l.Spec.TLS[:1], l.Spec.TLS[2])
		},
		want:    repl(tlsDoc, "    # the admin certificate\n    - hosts:\n        - admin.example.com\n      secretName: admin-tls\n", ""),
		paths:   []string{"spec.tls[secretName=admin-tls]"},
		removed: lines(11, 14),
	}, {
		name:    "TLS host removed from a block list",
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS[0].Hosts = l.Spec.TLS[0].Hosts[:1] },
		want:    repl(tlsDoc, "        - b.example.com\n", ""),
		paths:   []string{"spec.tls[secretName=ab-tls].hosts[b.example.com]"},
		removed: []int{9},
	}, {
		name: "TLS host added to a block list",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS[1].Hosts = append(l.Spec.TLS[1].Hosts, "admin2.example.com")
		},
		want:  repl(tlsDoc, "        - admin.example.com\n", "        - admin.example.com\n        - admin2.example.com\n"),
		paths: []string{"spec.tls[secretName=admin-tls].hosts[admin2.example.com]"},
		added: 1,
	}, {
		name:    "secretName changed: a TLS entry matched by its hosts",
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS[2].SecretName = "c-tls-2025" },
		want:    repl(tlsDoc, "secretName: c-tls\n", "secretName: c-tls-2025\n"),
		paths:   []string{"spec.tls[secretName=c-tls].secretName"},
		removed: []int{17}, added: 1,
	}, {
		name: "port name changed to a number",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port = networkingv1.ServiceBackendPort{Number: 8080}
		},
		want: repl(tlsDoc, "name: http\n", "number: 8080\n"),
		paths: []string{"spec.rules[host=a.example.com].http.paths[path=/].backend.service.port.name",
			"spec.rules[host=a.example.com].http.paths[path=/].backend.service.port.number"},
		removed: []int{28}, added: 1,
	}, {
		name: "last rule removed, so the rules key goes; defaultBackend added in kubectl's order",
		live: func(l *networkingv1.Ingress) {
			l.Spec.Rules = nil
			be := svc("a", 80)
			l.Spec.DefaultBackend = &be
		},
		want: repl(strings.TrimSuffix(tlsDoc, tlsDoc[strings.Index(tlsDoc, "  rules:"):]), "spec:\n", `spec:
  defaultBackend:
    service:
      name: a
      port:
        number: 80
`),
		paths:   []string{"spec.defaultBackend", "spec.rules[host=a.example.com]"},
		removed: lines(18, 28), added: 5,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.doc = tlsDoc
			runEdit(t, c)
		})
	}
}

func TestEditOptions(t *testing.T) {
	live := liveFrom(t, shopDoc, "")
	live.Annotations["team.example.com/owner"] = "ops"
	live.Annotations[sslRedirect] = "false"
	opts := diffengine.Options{Ignore: []diffengine.IgnoreRule{{Annotations: []string{"team.example.com/*"}}}}
	out, paths, err := Edit([]byte(shopDoc), diffengine.CleanForManifest(live), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := repl(shopDoc, `"true"`, `"false"`); string(out) != want {
		t.Errorf("a user-ignored annotation was written:\n%s", out)
	}
	if len(paths) != 1 || paths[0] != "metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]" {
		t.Errorf("paths = %v", paths)
	}
}

func TestEditRefusals(t *testing.T) {
	list := `apiVersion: v1
kind: List
items: []
`
	merge := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: m
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            <<: {name: web}
            port:
              number: 80
`
	tagged := repl(shopDoc, "number: 8080", "number: !!int 8080")
	for _, c := range []struct {
		name, doc, err string
		live           func(*networkingv1.Ingress)
	}{
		{"a List", list, "not a networking.k8s.io/v1 Ingress", nil},
		{"unknown field", repl(shopDoc, "  ingressClassName:", "  ingressClass:"), `unknown field "spec.ingressClass"`, nil},
		{"duplicate key", repl(shopDoc, "    team: shop\n", "    team: shop\n    team: web\n"), "YAML", nil},
		{"merge key", merge, "merge key (<<)", func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number = 81 }},
		{"explicit tag", tagged, "explicit tag (!!int)", func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 81 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ing networkingv1.Ingress
			ing.Name = "shop"
			ing.Namespace = "shop"
			want := &ing
			if c.live != nil {
				want = liveFrom(t, c.doc, "")
				c.live(want)
				want = diffengine.CleanForManifest(want)
			}
			_, _, err := EditIngress([]byte(c.doc), want, "")
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error = %v, want %q", err, c.err)
			}
		})
	}
	if _, _, err := EditIngress([]byte(shopDoc), nil, ""); err == nil {
		t.Error("nil want accepted")
	}
}

func TestEditSelectors(t *testing.T) {
	doc := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: sel
spec:
  tls:
    - hosts: ["b.example.com", "a.example.com"]
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /api/(v1|v2)[a-z]+
            pathType: ImplementationSpecific
            backend:
              service:
                name: api
                port:
                  number: 80
          - path: /api/(v1|v2)[a-z]+
            pathType: Exact
            backend:
              service:
                name: api-exact
                port:
                  number: 80
`
	cases := []editCase{{
		name:  "secretName added to a TLS entry matched by its hosts",
		live:  func(l *networkingv1.Ingress) { l.Spec.TLS[0].SecretName = "ab-tls" },
		want:  repl(doc, `    - hosts: ["b.example.com", "a.example.com"]`+"\n", `    - hosts: ["b.example.com", "a.example.com"]`+"\n      secretName: ab-tls\n"),
		paths: []string{"spec.tls[hosts=a.example.com+b.example.com].secretName"},
		added: 1,
	}, {
		name: "host added to a TLS entry without secretName: the entry is rewritten, in live's order",
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS[0].Hosts = append(l.Spec.TLS[0].Hosts, "c.example.com")
		},
		want: repl(doc, `["b.example.com", "a.example.com"]`, `[b.example.com, a.example.com, c.example.com]`),
		// A TLS entry without secretName is matched by its host set: a new
		// host makes it another entry.
		paths:   []string{"spec.tls[hosts=a.example.com+b.example.com+c.example.com]", "spec.tls[hosts=a.example.com+b.example.com]"},
		removed: []int{7}, added: 1,
	}, {
		name:    "a quoted path selector, with pathType",
		live:    func(l *networkingv1.Ingress) { l.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8080 },
		want:    repl(doc, "name: api-exact\n                port:\n                  number: 80", "name: api-exact\n                port:\n                  number: 8080"),
		paths:   []string{`spec.rules[host=a.example.com].http.paths[path="/api/(v1|v2)[a-z]+",pathType=Exact].backend.service.port.number`},
		removed: []int{25}, added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.doc = doc
			runEdit(t, c)
		})
	}
}

// TestEditSelfCheck: a live state the manifest cannot express is refused
// by the self-check. Live holds only cert-manager's challenge path (hidden
// by a built-in ignore, so never written); removing the manifest's path
// leaves the rule without http, which still differs from live's.
func TestEditSelfCheck(t *testing.T) {
	live := liveFrom(t, snippetDoc, "")
	live.Spec.Rules[0].HTTP.Paths = []networkingv1.HTTPIngressPath{
		httpPath("/.well-known/acme-challenge/t", networkingv1.PathTypeImplementationSpecific, svc("solver", 8089))}
	_, _, err := EditIngress([]byte(snippetDoc), diffengine.CleanForManifest(live), "")
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "the edited document still differs from the live object at spec.rules[host=app.example.com].http") {
		t.Fatalf("error = %v", err)
	}
}

func TestEditMoreShapes(t *testing.T) {
	quoted := repl(shopDoc, "[shop.example.com]", `["shop.example.com"]`)
	inline := `--- {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "labels": {"team": "équipe", "tier": "web"}}, "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
`
	cases := []editCase{{
		name: "host added to a double-quoted flow list stays double-quoted",
		doc:  quoted,
		live: func(l *networkingv1.Ingress) {
			l.Spec.TLS[0].Hosts = append(l.Spec.TLS[0].Hosts, "www.shop.example.com")
		},
		want:    repl(quoted, `["shop.example.com"]`, `["shop.example.com", "www.shop.example.com"]`),
		paths:   []string{"spec.tls[secretName=shop-tls].hosts[www.shop.example.com]"},
		removed: []int{14}, added: 1,
	}, {
		name: "document on the separator line, non-ASCII before the edit",
		doc:  inline,
		live: func(l *networkingv1.Ingress) {
			l.Labels["tier"] = "api"
			l.Spec.DefaultBackend.Service.Port.Number = 8080
		},
		want:    repl(repl(inline, `"tier": "web"`, `"tier": "api"`), `"number": 80}`, `"number": 8080}`),
		paths:   []string{"metadata.labels[tier]", "spec.defaultBackend.service.port.number"},
		removed: []int{1}, added: 1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runEdit(t, c) })
	}
}

// Two TLS entries without secretName are told apart by their host sets
// exactly as diffengine matches them (TLSKey): a host holding "+" (the
// display path's separator) does not make [a+b] the same entry as [a, b].
func TestEditTLSHostSetsWithPlus(t *testing.T) {
	const doc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: plus
spec:
  tls:
    - hosts:
        - a.example.com+b.example.com
    - hosts:
        - a.example.com
        - b.example.com
`
	runEdit(t, editCase{
		doc:     doc,
		live:    func(l *networkingv1.Ingress) { l.Spec.TLS = l.Spec.TLS[:1] },
		want:    repl(doc, "    - hosts:\n        - a.example.com\n        - b.example.com\n", ""),
		paths:   []string{"spec.tls[hosts=a.example.com+b.example.com]"},
		removed: lines(9, 11),
	})
}
