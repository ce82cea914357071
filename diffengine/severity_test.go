package diffengine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
)

// anyChange: every difference counts (a change only reaches a test when
// the two sides differ). No row uses it; the table's own tests do.
var anyChange = annotationTest{"added, changed or removed", func(g, l *string) bool { return true }}

func sp(s string) *string { return &s }

type annotationExample struct {
	git, live *string
	fires     bool
}

// examplesByTest gives, for each annotation test of the severity table,
// value pairs that must and must not make the row fire. Every test in the
// table must have examples here (TestSeverityRows checks).
var examplesByTest = map[string][]annotationExample{
	// strconv.ParseBool: "on" is a value ingress-nginx rejects (its
	// default applies on both sides), "1" is true.
	turnedOff.text: {
		{sp("true"), sp("false"), true}, {sp("true"), nil, true}, {nil, sp("false"), true}, {sp("1"), sp("0"), true}, {sp("TRUE"), sp("f"), true},
		{sp("true"), sp("on"), true},
		{sp("false"), sp("true"), false}, {sp("false"), nil, false}, {nil, sp("true"), false},
		{sp("true"), sp("1"), false}, {sp("t"), sp("TRUE"), false}, {sp("on"), sp("off"), false},
	},
	turnedOffHAProxyIngress.text: {
		{sp("true"), sp("false"), true}, {sp("true"), nil, true}, {nil, sp("false"), true}, {sp("true"), sp("on"), true}, {sp("1"), sp("yes"), true},
		{sp("false"), sp("true"), false}, {nil, sp("true"), false}, {sp("true"), sp("1"), false}, {sp("false"), nil, false},
	},
	turnedOffHAProxy.text: {
		{sp("true"), sp("false"), true}, {sp("on"), sp("off"), true}, {sp("enabled"), sp("Disabled"), true}, {sp("true"), nil, true}, {nil, sp("off"), true},
		{sp("true"), sp("ON"), false}, {sp("1"), sp("enabled"), false}, {sp("off"), sp("true"), false}, {nil, sp("true"), false},
	},
	turnedOffContour.text: {
		{sp("true"), sp("false"), true}, {sp("true"), sp("1"), true}, {sp("true"), sp("True"), true}, {sp("true"), nil, true}, {nil, sp("false"), true},
		{sp("false"), sp("true"), false}, {sp("1"), sp("true"), false}, {nil, sp("true"), false},
	},
	defaultOnTurnedOff.text: {
		{nil, sp("false"), true}, {sp("true"), sp("false"), true}, {sp("1"), sp("0"), true}, {nil, sp("F"), true},
		{sp("false"), nil, false}, {sp("true"), nil, false}, {sp("false"), sp("true"), false}, {sp("true"), sp("1"), false}, {sp("true"), sp("yes"), false},
	},
	removedTest.text: {
		{sp("x"), nil, true},
		{nil, sp("x"), false}, {sp("x"), sp("y"), false},
	},
	albAuthRemoved.text: {
		{sp("oidc"), nil, true}, {sp("oidc"), sp("none"), true}, {nil, sp("none"), true},
		{sp("none"), sp("oidc"), false}, {sp("cognito"), sp("oidc"), false}, {nil, sp("oidc"), false},
	},
	allowHTTPEnabled.text: {
		{sp("false"), sp("true"), true}, {sp("false"), nil, true}, {nil, sp("true"), true}, {sp("false"), sp("1"), true},
		{sp("true"), sp("false"), false}, {sp("true"), nil, false}, {nil, sp("false"), false}, {sp("0"), sp("false"), false},
	},
	kongPlaintext.text: {
		{sp("https"), sp("http,https"), true}, {sp("https"), nil, true}, {nil, sp("http"), true},
		{sp("http,https"), sp("https"), false}, {nil, sp("https"), false}, {sp("http"), sp("https,grpcs"), false},
	},
	lostWebsecure.text: {
		{sp("web,websecure"), sp("web"), true}, {sp("websecure"), nil, true}, {nil, sp("web"), true},
		{sp("web"), sp("websecure"), false}, {nil, sp("websecure"), false}, {sp("websecure"), sp("web, websecure"), false},
	},
	albHTTPSDropped.text: {
		{sp(`[{"HTTP": 80}, {"HTTPS": 443}]`), sp(`[{"HTTP": 80}]`), true}, {sp(`[{"HTTPS":443}]`), nil, true},
		{sp(`[{"HTTP": 80}]`), sp(`[{"HTTP": 80}, {"HTTPS": 443}]`), false}, {sp(`[{"HTTPS":443}]`), sp(`[{"HTTPS":8443}]`), false},
	},
	allowListWidened.text: {
		{sp("10.0.0.0/8"), sp("0.0.0.0/0"), true}, {sp("10.0.0.0/8"), sp("10.0.0.0/8,192.168.1.0/24"), true},
		{sp("10.0.0.0/8"), nil, true}, {sp("10.0.0.0/8"), sp("not-a-cidr"), true}, {sp("2001:db8::/32"), sp("::/0"), true},
		{sp("10.0.0.0/8"), sp("10.1.0.0/16"), false}, {nil, sp("10.0.0.0/8"), false}, {sp("10.0.0.0/8"), sp("10.0.0.1"), false},
		{sp("2001:db8::/32"), sp("2001:db8:1::/48"), false}, {sp("10.0.0.0/8, 192.168.0.0/16"), sp("192.168.3.0/24,10.2.0.0/16"), false},
	},
	denyListNarrowed.text: {
		{sp("203.0.113.0/24"), nil, true}, {sp("203.0.113.0/24,198.51.100.0/24"), sp("203.0.113.0/24"), true},
		{nil, sp("203.0.113.0/24"), false}, {sp("203.0.113.0/24"), sp("203.0.0.0/16"), false},
	},
	listDropped.text: {
		{sp("auth@file,ipallow@kubernetescrd"), sp("auth@file"), true}, {sp("key-auth"), nil, true},
		{sp("a"), sp("a,b"), false}, {nil, sp("a"), false}, {sp("a,b"), sp("b, a"), false},
	},
	internetFacing.text: {
		{sp("internal"), sp("internet-facing"), true}, {nil, sp("internet-facing"), true},
		{sp("internet-facing"), sp("internal"), false}, {sp("internet-facing"), nil, false},
	},
	privateIPDropped.text: {
		{sp("true"), sp("false"), true}, {sp("true"), nil, true}, {sp("1"), sp("0"), true},
		{nil, sp("false"), false}, {sp("false"), sp("true"), false}, {sp("true"), sp("1"), false},
	},
	tlsVersionLowered.text: {
		{sp("1.3"), sp("1.2"), true}, {sp("1.3"), nil, true},
		{sp("1.2"), sp("1.3"), false}, {sp("1.2"), nil, false}, {nil, sp("1.3"), false},
	},
	anyChange.text: {
		{sp("a"), sp("b"), true}, {nil, sp("b"), true}, {sp("a"), nil, true},
	},
	caChanged.text: {
		{sp("shop/ca"), sp("shop/other-ca"), true},
		{nil, sp("shop/ca"), false}, {sp("shop/ca"), nil, false}, {sp("shop/ca"), sp(""), false},
	},
	verifyClientWeakened.text: {
		{sp("on"), sp("optional"), true}, {nil, sp("optional_no_ca"), true}, {sp("optional"), sp("off"), true}, {nil, sp("off"), true}, {sp("on"), sp("ON"), true},
		{sp("off"), sp("on"), false}, {sp("optional"), nil, false}, {sp("optional_no_ca"), sp("optional"), false}, {sp("on"), nil, false}, {sp("bogus"), sp("off"), false},
	},
	verifyDepthRaised.text: {
		{sp("1"), sp("2"), true}, {nil, sp("3"), true}, {sp("x"), sp("2"), true},
		{sp("3"), sp("1"), false}, {sp("2"), nil, false}, {nil, sp("1"), false}, {sp("1"), sp("x"), false},
	},
	backendVerifyOff.text: {
		{sp("on"), sp("off"), true}, {sp("on"), nil, true}, {sp("on"), sp("true"), true}, {nil, sp("off"), false},
		{sp("off"), sp("on"), false}, {nil, sp("on"), false}, {sp("off"), nil, false},
	},
	satisfyAny.text: {
		{nil, sp("any"), true}, {sp("all"), sp("any"), true},
		{sp("any"), sp("all"), false}, {sp("any"), nil, false}, {nil, sp("all"), false}, {sp("all"), nil, false},
	},
	headerDropped.text: {
		{sp("X-Auth-User, X-Auth-Email"), sp("X-Auth-Email"), true}, {sp("X-Auth-User"), nil, true},
		{sp("X-Auth-User"), sp("x-auth-user"), false}, {sp("X-Auth-User"), sp("X-Auth-User,X-Auth-Email"), false}, {nil, sp("X-Auth-User"), false},
	},
	addedOrChanged.text: {
		{nil, sp("x"), true}, {sp("x"), sp("y"), true},
		{sp("x"), nil, false}, {sp("x"), sp(""), false},
	},
	backendPlaintext.text: {
		{sp("HTTPS"), sp("HTTP"), true}, {sp("GRPCS"), sp("GRPC"), true}, {sp("HTTPS"), sp("AJP"), true}, {sp("https"), nil, true},
		{sp("h2-ssl"), sp("h2"), true},
		{sp("HTTP"), sp("HTTPS"), false}, {nil, sp("HTTP"), false}, {sp("HTTP"), nil, false}, {sp("HTTPS"), sp("GRPCS"), false},
	},
	passthroughToggled.text: {
		{nil, sp("true"), true}, {sp("true"), nil, true}, {sp("true"), sp("false"), true}, {sp("false"), sp("true"), true}, {nil, sp("1"), true},
		{sp("false"), nil, false}, {nil, sp("false"), false}, {sp("true"), sp("True"), false}, {sp("true"), sp("1"), false}, {nil, sp("on"), false},
	},
	passthroughToggledHAProxy.text: {
		{nil, sp("on"), true}, {sp("enabled"), sp("false"), true}, {sp("true"), nil, true},
		{sp("true"), sp("1"), false}, {sp("on"), sp("true"), false}, {nil, sp("off"), false},
	},
	albPolicyLowered.text: {
		{sp("ELBSecurityPolicy-TLS13-1-2-2021-06"), sp("ELBSecurityPolicy-2016-08"), true},
		{sp("ELBSecurityPolicy-TLS-1-2-Ext-2018-06"), sp("ELBSecurityPolicy-TLS-1-1-2017-01"), true},
		{sp("ELBSecurityPolicy-TLS13-1-3-2021-06"), sp("ELBSecurityPolicy-TLS13-1-2-2021-06"), true},
		{sp("ELBSecurityPolicy-FS-1-2-Res-2020-10"), nil, true},
		{sp("ELBSecurityPolicy-2016-08"), sp("ELBSecurityPolicy-TLS13-1-2-2021-06"), false},
		{sp("ELBSecurityPolicy-TLS13-1-2-2021-06"), sp("ELBSecurityPolicy-TLS-1-2-2017-01"), false},
		{nil, sp("ELBSecurityPolicy-FS-2018-06"), false}, {sp("ELBSecurityPolicy-TLS13-1-2-2021-06"), sp("custom"), false},
	},
	leftInternal.text: {
		{sp("gce-internal"), sp("gce"), true},
		{sp("gce"), sp("gce-internal"), false}, {sp("gce-internal"), nil, false}, {nil, sp("gce"), false}, {sp("nginx"), sp("traefik"), false},
	},
}

// objectExample is a pair of whole annotation maps for an object test;
// key is the annotation whose change is judged.
type objectExample struct {
	key       string
	git, live map[string]string
	fires     bool
}

// objectExamples gives, for each object test of the table, annotation
// maps that must and must not make the row fire.
var objectExamples = map[string][]objectExample{
	corsOpened.text: {
		{corsEnable, nil, map[string]string{corsEnable: "true"}, true},
		{corsEnable, map[string]string{corsEnable: "false", corsOrigin: "*"}, map[string]string{corsEnable: "true", corsOrigin: "*"}, true},
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://a.example.com", corsCredentials: "false"}, map[string]string{corsEnable: "true", corsOrigin: "*", corsCredentials: "false"}, true},
		{corsCredentials, map[string]string{corsEnable: "true", corsOrigin: "https://a.example.com", corsCredentials: "false"}, map[string]string{corsEnable: "true", corsOrigin: "https://a.example.com"}, true},
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://a.example.com", corsCredentials: "false"}, map[string]string{corsEnable: "true", corsOrigin: "https://b.example.com", corsCredentials: "false"}, false},
		{corsEnable, map[string]string{corsEnable: "true"}, map[string]string{corsEnable: "false"}, false},
		{corsOrigin, map[string]string{corsOrigin: "https://a.example.com"}, map[string]string{corsOrigin: "*"}, false},
		{corsOrigin, map[string]string{corsEnable: "true"}, map[string]string{corsEnable: "true", corsOrigin: "*"}, false},
		// Git already limits origins and leaves credentials at their
		// default (true): "*" live is wider.
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://app.example.com"}, map[string]string{corsEnable: "true", corsOrigin: "*"}, true},
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://app.example.com"}, map[string]string{corsEnable: "true", corsOrigin: "https://app.example.com, https://evil.example.net"}, true},
		{corsOrigin, map[string]string{corsEnable: "1", corsOrigin: "https://*.example.com"}, map[string]string{corsEnable: "1", corsOrigin: "https://app.example.com"}, false},
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://*.example.com"}, map[string]string{corsEnable: "true", corsOrigin: "https://example.com"}, true},
		{corsOrigin, map[string]string{corsEnable: "true", corsOrigin: "https://a.example.com,https://b.example.com"}, map[string]string{corsEnable: "true", corsOrigin: "https://B.example.com"}, false},
		{corsCredentials, map[string]string{corsEnable: "true", corsCredentials: "false"}, map[string]string{corsEnable: "true", corsCredentials: "1"}, true},
		{corsCredentials, map[string]string{corsEnable: "true", corsCredentials: "false"}, map[string]string{corsEnable: "true", corsCredentials: "0"}, false},
		{corsEnable, map[string]string{corsEnable: "true"}, map[string]string{corsEnable: "1"}, false},
		{corsEnable, map[string]string{corsEnable: "on"}, map[string]string{corsEnable: "true"}, true},
	},
}

// patternExamples gives, for each key pattern of the table, keys it must
// match and keys it must not.
var patternExamples = map[string]struct{ match, not []string }{
	ControllerPrefixAny + "*-snippet": {
		match: []string{"nginx.ingress.kubernetes.io/configuration-snippet", "nginx.ingress.kubernetes.io/server-snippet", "nginx.ingress.kubernetes.io/auth-snippet",
			"nginx.ingress.kubernetes.io/stream-snippet", "nginx.ingress.kubernetes.io/modsecurity-snippet", "haproxy.org/backend-config-snippet",
			"haproxy.org/frontend-config-snippet", "ingress.kubernetes.io/configuration-snippet", "nginx.org/location-snippet"},
		not: []string{"example.com/server-snippet", "nginx.ingress.kubernetes.io/snippet-mode", "nginx.ingress.kubernetes.io/server-snippets",
			"cert-manager.io/foo-snippet", "acme.cert-manager.io/http01-snippet", "external-dns.alpha.kubernetes.io/x-snippet"},
	},
	ControllerPrefixAny + "*-snippets": {
		match: []string{"nginx.org/server-snippets", "nginx.org/location-snippets"},
		not:   []string{"example.com/server-snippets", "cert-manager.io/foo-snippets"},
	},
	"haproxy-ingress.github.io/config-*": {
		match: []string{"haproxy-ingress.github.io/config-backend", "haproxy-ingress.github.io/config-frontend", "haproxy-ingress.github.io/config-defaults"},
		not:   []string{"haproxy-ingress.github.io/backend-config"},
	},
	"ingress.kubernetes.io/config-*": {
		match: []string{"ingress.kubernetes.io/config-backend"},
		not:   []string{"nginx.ingress.kubernetes.io/config-backend"},
	},
}

// withAnnotations is ing with the given annotations (nil for none).
func withAnnotations(ann map[string]string) *networkingv1.Ingress {
	if len(ann) == 0 {
		return ing(nil)
	}
	return ing(maps.Clone(ann))
}

func show(s *string) string {
	if s == nil {
		return "<absent>"
	}
	return fmt.Sprintf("%q", *s)
}

// structuralRowTests holds one test per structural row of the table.
var structuralRowTests = map[string]func(t *testing.T){
	RuleTLSEntryRemoved: func(t *testing.T) {
		live := ing(nil)
		live.Spec.TLS = nil
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls]", RuleTLSEntryRemoved, SeverityCritical)
		// The hosts moved to another secret's entry: still under TLS.
		live.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com"}, SecretName: "a"}, {Hosts: []string{"www.example.com", "x.example.com"}, SecretName: "b"}}
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls]", RuleTLS, SeverityHigh)
	},
	RuleTLSHostRemoved: func(t *testing.T) {
		live := ing(nil)
		live.Spec.TLS[0].Hosts = []string{"shop.example.com"}
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls].hosts[www.example.com]", RuleTLSHostRemoved, SeverityCritical)
		// A TLS entry without hosts covers every host.
		live.Spec.TLS = append(live.Spec.TLS, networkingv1.IngressTLS{SecretName: "wildcard"})
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls].hosts[www.example.com]", RuleTLS, SeverityHigh)
	},
	RuleTLSAllHosts: func(t *testing.T) {
		live := ing(nil)
		live.Spec.TLS = append(live.Spec.TLS, networkingv1.IngressTLS{SecretName: "shop-tls"})
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls,hosts=]", RuleTLSAllHosts, SeverityCritical)
		live.Spec.TLS = append(live.Spec.TLS, networkingv1.IngressTLS{Hosts: []string{""}})
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[hosts=]", RuleTLSAllHosts, SeverityCritical)
		// An entry listing hosts added live is not this row.
		live.Spec.TLS = append(live.Spec.TLS, networkingv1.IngressTLS{SecretName: "other", Hosts: []string{"x.example.com"}})
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=other]", RuleTLS, SeverityHigh)
	},
	RuleRouting: func(t *testing.T) {
		live := ing(nil)
		live.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 9090
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number", RuleRouting, SeverityHigh)
	},
	RuleTLS: func(t *testing.T) {
		live := ing(nil)
		live.Spec.TLS[0].Hosts = append(live.Spec.TLS[0].Hosts, "new.example.com")
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.tls[secretName=shop-tls].hosts[new.example.com]", RuleTLS, SeverityHigh)
	},
	RuleClassMoved: func(t *testing.T) {
		live := ing(nil)
		live.Spec.IngressClassName = sp("traefik")
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.ingressClassName", RuleClassMoved, SeverityHigh)
		live.Spec.IngressClassName = nil
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.ingressClassName", RuleClassMoved, SeverityHigh)
		assertRule(t, Diff(annotated("kubernetes.io/ingress.class", sp("nginx")), annotated("kubernetes.io/ingress.class", sp("traefik")), Options{}),
			"metadata.annotations[kubernetes.io/ingress.class]", RuleClassMoved, SeverityHigh)
	},
	RuleController: func(t *testing.T) {
		// A class added where Git names none (most often the default,
		// filled in by admission) is controller config.
		git, live := ing(nil), ing(nil)
		git.Spec.IngressClassName = nil
		assertRule(t, Diff(git, live, Options{}), "spec.ingressClassName", RuleController, SeverityMedium)
		// A security annotation changed in a harmless direction is
		// controller config too.
		assertRule(t, Diff(annotated("nginx.ingress.kubernetes.io/ssl-redirect", sp("false")), annotated("nginx.ingress.kubernetes.io/ssl-redirect", sp("true")), Options{}),
			"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", RuleController, SeverityMedium)
		// A -snippet key of a controller that serves no traffic is no
		// snippet.
		for _, key := range []string{"cert-manager.io/foo-snippet", "external-dns.alpha.kubernetes.io/x-snippets"} {
			assertRule(t, Diff(ing(nil), annotated(key, sp("x")), Options{}), "metadata.annotations["+key+"]", RuleController, SeverityMedium)
		}
	},
	RuleSnippetRemoved: func(t *testing.T) {
		for _, key := range []string{"nginx.ingress.kubernetes.io/server-snippet", "nginx.org/location-snippets", "haproxy.org/backend-config-snippet", "haproxy-ingress.github.io/config-backend",
			"zalando.org/skipper-predicate", "getambassador.io/config"} {
			assertRule(t, Diff(annotated(key, sp("deny all;")), ing(nil), Options{}), "metadata.annotations["+key+"]", RuleSnippetRemoved, SeverityHigh)
			assertRule(t, Diff(annotated(key, sp("deny all;")), annotated(key, sp("")), Options{}), "metadata.annotations["+key+"]", RuleSnippetRemoved, SeverityHigh)
		}
		// A key of no known controller is metadata, whatever its name.
		assertRule(t, Diff(annotated("example.com/server-snippet", sp("x")), ing(nil), Options{}), "metadata.annotations[example.com/server-snippet]", RuleMetadata, SeverityLow)
	},
	RuleMetadata: func(t *testing.T) {
		live := ing(map[string]string{"example.com/owner": "sre"})
		live.Labels = map[string]string{"team": "sre"}
		res := Diff(ing(nil), live, Options{})
		assertRule(t, res, "metadata.annotations[example.com/owner]", RuleMetadata, SeverityLow)
		assertRule(t, res, "metadata.labels[team]", RuleMetadata, SeverityLow)
	},
}

func assertRule(t *testing.T, res Result, path, rule string, sev Severity) {
	t.Helper()
	for _, c := range res.Changes {
		if c.Path == path {
			if c.Rule != rule || c.Severity != sev {
				t.Errorf("%s: rule %s (%s), want %s (%s)", path, c.Rule, c.Severity, rule, sev)
			}
			return
		}
	}
	t.Errorf("no change at %s; changes: %+v", path, res.Changes)
}

// TestSeverityRows checks every row of the severity table: structural rows
// through structuralRowTests, annotation rows key by key through Diff with
// the examples of their test.
func TestSeverityRows(t *testing.T) {
	for _, row := range SeverityRules() {
		t.Run(row.Name, func(t *testing.T) {
			if len(row.Annotations) == 0 {
				test, ok := structuralRowTests[row.Name]
				if !ok {
					t.Fatalf("severity row %s has no test in structuralRowTests", row.Name)
				}
				test(t)
				return
			}
			if row.Severity != SeverityCritical && row.Severity != SeverityHigh {
				t.Errorf("annotation row %s is %s; annotation rows exist to raise changes to high or critical", row.Name, row.Severity)
			}
			for _, ck := range row.Annotations {
				keys := []string{ck.Key}
				if isPattern(ck.Key) {
					pe, ok := patternExamples[ck.Key]
					if !ok || len(pe.match) == 0 {
						t.Fatalf("no example keys for pattern %s in patternExamples", ck.Key)
					}
					keys = pe.match
					for _, k := range pe.not {
						if a, ok := annotationCheckFor(k); ok && a.check.Key == ck.Key {
							t.Errorf("pattern %s matches %s", ck.Key, k)
						}
					}
				}
				for _, key := range keys {
					if a, ok := annotationCheckFor(key); !ok || severityRules[a.row].Name != row.Name {
						t.Errorf("%s is not judged by row %s", key, row.Name)
					}
					if AnnotationCategory(key) != CategoryController {
						t.Errorf("%s is in a severity row but not in the controller prefix table", key)
					}
					checkExamples(t, row, ck, key)
				}
			}
		})
	}
	for name := range structuralRowTests {
		if !slices.ContainsFunc(SeverityRules(), func(r SeverityRule) bool { return r.Name == name }) {
			t.Errorf("structuralRowTests has %s, which is not a row", name)
		}
	}
}

// checkExamples runs the examples of ck's test on one key through Diff.
func checkExamples(t *testing.T, row SeverityRule, ck AnnotationCheck, key string) {
	t.Helper()
	type pair struct {
		git, live map[string]string
		fires     bool
		what      string
	}
	var pairs []pair
	for _, ex := range examplesByTest[ck.Test] {
		one := func(v *string) map[string]string {
			if v == nil {
				return nil
			}
			return map[string]string{key: *v}
		}
		pairs = append(pairs, pair{one(ex.git), one(ex.live), ex.fires, show(ex.git) + " → " + show(ex.live)})
	}
	for _, ex := range objectExamples[ck.Test] {
		if ex.key == key {
			pairs = append(pairs, pair{ex.git, ex.live, ex.fires, fmt.Sprint(ex.git, " → ", ex.live)})
		}
	}
	if len(pairs) == 0 {
		t.Fatalf("no examples for annotation test %q (key %s)", ck.Test, key)
	}
	for _, ex := range pairs {
		res := Diff(withAnnotations(ex.git), withAnnotations(ex.live), Options{})
		var c *Change
		for i := range res.Changes {
			if res.Changes[i].At.Key == key {
				c = &res.Changes[i]
			}
		}
		if c == nil {
			t.Fatalf("%s %s: no change to %s: %+v", key, ex.what, key, res.Changes)
		}
		if fired := c.Rule == row.Name; fired != ex.fires {
			t.Errorf("%s %s: rule %s (%s), want row %s to fire=%v", key, ex.what, c.Rule, c.Severity, row.Name, ex.fires)
		}
		if ex.fires && (c.Severity != row.Severity || c.Advisory != row.Advisory) {
			t.Errorf("%s %s: severity %s advisory %q, want the row's %s %q", key, ex.what, c.Severity, c.Advisory, row.Severity, row.Advisory)
		}
		// A snippet removed, and an auth endpoint removed, are the
		// non-firing examples that another row (snippet-removed,
		// auth-removed) takes.
		want := RuleController
		removed := c.Op == OpRemoved || c.Live == ""
		switch {
		case isSnippetKey(key) && removed:
			want = RuleSnippetRemoved
		case isAuthEndpoint(key) && removed:
			want = "auth-removed"
		case key == "kubernetes.io/ingress.class" && c.Op != OpAdded:
			want = RuleClassMoved
		}
		if !ex.fires && c.Rule != want {
			t.Errorf("%s %s: rule %s, want %s", key, ex.what, c.Rule, want)
		}
	}
}

// TestAdvisories checks the form of every advisory: "ID URL" parts, each
// id a CVE and each URL https.
func TestAdvisories(t *testing.T) {
	cited := 0
	for _, row := range SeverityRules() {
		if row.Advisory == "" {
			continue
		}
		cited++
		for _, part := range strings.Split(row.Advisory, "; ") {
			f := strings.Fields(part)
			if len(f) < 2 || !strings.HasPrefix(f[0], "CVE-") || !strings.HasPrefix(f[len(f)-1], "https://") {
				t.Errorf("row %s: advisory part %q is not \"CVE-… [(what)] https://…\"", row.Name, part)
			}
		}
	}
	if cited == 0 {
		t.Error("no row cites an advisory")
	}
}

func TestSeverityRulesCopy(t *testing.T) {
	rows := SeverityRules()
	rows[0].Name = "changed"
	rows[2].Annotations[0].Key = "changed"
	again := SeverityRules()
	if again[0].Name == "changed" || again[2].Annotations[0].Key == "changed" {
		t.Error("SeverityRules returned the table itself, not a copy")
	}
	names := map[string]bool{}
	for _, r := range again {
		if names[r.Name] {
			t.Errorf("two rows named %s", r.Name)
		}
		names[r.Name] = true
		if r.Description == "" {
			t.Errorf("row %s has no description", r.Name)
		}
	}
	if last := again[len(again)-1]; last.Name != RuleMetadata {
		t.Errorf("last row is %s, want the catch-all %s", last.Name, RuleMetadata)
	}
}

func TestResultSeverityAndCategories(t *testing.T) {
	live := ing(map[string]string{"example.com/x": "1"})
	live.Spec.TLS = nil
	res := Diff(ing(nil), live, Options{})
	if res.Severity() != SeverityCritical || !res.Drifted() {
		t.Errorf("severity %s drifted %v, want critical and drifted", res.Severity(), res.Drifted())
	}
	if got, want := res.Categories(), []Category{CategoryTLS, CategoryMetadata}; !slices.Equal(got, want) {
		t.Errorf("categories %v, want %v", got, want)
	}
	if none := Diff(ing(nil), ing(nil), Options{}); none.Severity() != SeverityNone || none.Drifted() {
		t.Errorf("no drift: severity %s drifted %v", none.Severity(), none.Drifted())
	}
}

// TestAnnotationIndexPanics checks that a key may be in one row only: as an
// exact key twice, as a pattern twice, or as an exact key of one row that a
// pattern of another matches.
func TestAnnotationIndexPanics(t *testing.T) {
	row := func(name string, keys ...string) SeverityRule {
		r := SeverityRule{Name: name}
		for _, k := range keys {
			r.Annotations = append(r.Annotations, check(k, anyChange))
		}
		return r
	}
	for name, rules := range map[string][]SeverityRule{
		"exact twice":           {row("a", "nginx.org/x"), row("b", "nginx.org/x")},
		"pattern twice":         {row("a", "nginx.org/*-y"), row("b", "nginx.org/*-y")},
		"exact under a pattern": {row("a", "nginx.org/server-snippets"), row("b", ControllerPrefixAny+"*-snippets")},
		// nginx.ingress.kubernetes.io/auth-tls-snippet matches both.
		"overlapping patterns": {row("a", "nginx.ingress.kubernetes.io/auth-tls-*"), row("b", ControllerPrefixAny+"*-snippet")},
		"overlap, same row, other tests": {{Name: "a", Annotations: []AnnotationCheck{
			check("nginx.org/*-x", anyChange), check("nginx.org/y-*", addedOrChanged)}}},
		"pattern beyond *": {row("a", "nginx.org/server-snippet?")},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			indexAnnotations(rules)
		})
	}
	// The same key as exact key and pattern within one row is allowed, and
	// so are patterns of one row and test that overlap, or patterns of two
	// rows that share no key.
	indexAnnotations([]SeverityRule{row("a", "nginx.org/server-snippets", ControllerPrefixAny+"*-snippets")})
	indexAnnotations([]SeverityRule{row("a", "haproxy-ingress.github.io/config-*", ControllerPrefixAny+"*-snippet")})
	indexAnnotations([]SeverityRule{row("a", "haproxy-ingress.github.io/config-*"), row("b", "ingress.kubernetes.io/config-*"), row("c", "cert-manager.io/*-snippet"), row("d", "nginx.org/*-snippets")})
}

// TestGlobsIntersect checks the overlap of two key globs ("*" is any run
// of characters but "/").
func TestGlobsIntersect(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"nginx.ingress.kubernetes.io/auth-tls-*", "nginx.ingress.kubernetes.io/*-snippet", true},
		{"a*", "*b", true}, {"x/*", "x/*", true}, {"abc", "abc", true}, {"*", "*", true},
		{"a*", "b*", false}, {"x/*-snippet", "x/*-snippets", false}, {"abc", "abd", false},
		{"x/*", "x/a/b", false}, {"x*y", "x/y", false}, {"*", "", true}, {"a", "", false},
	} {
		if got := globsIntersect(c.a, c.b); got != c.want {
			t.Errorf("globsIntersect(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := globsIntersect(c.b, c.a); got != c.want {
			t.Errorf("globsIntersect(%q, %q) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}
