package diffengine

import (
	"encoding/json"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SeverityRule is one row of the severity table. Rows are tried in order and
// the first that matches a change gives its Severity; Change.Rule carries the
// row's Name.
type SeverityRule struct {
	// Name identifies the row (e.g. "tls-entry-removed").
	Name string `json:"name"`
	// Severity is what a matching change gets.
	Severity Severity `json:"severity"`
	// Description says in words when the row matches.
	Description string `json:"description"`
	// Advisory cites the published advisories behind the row, each "CVE-id
	// [(what)] URL", separated by "; "; empty when the row rests on no
	// advisory.
	Advisory string `json:"advisory,omitempty"`
	// Annotations lists, for rows about annotations, each key (or key
	// pattern) the row looks at and the test applied to it; empty for
	// structural rows.
	Annotations []AnnotationCheck `json:"annotations,omitempty"`

	match func(c *rawChange) bool
}

// AnnotationCheck is one annotation key of a severity row and the test that
// makes a change to it match the row.
type AnnotationCheck struct {
	// Key is the annotation key, or a pattern when it holds a "*": "*"
	// stands for any run of characters but "/" (path.Match), and a leading
	// ControllerPrefixAny stands for the prefix of any ingress controller
	// in the controller table (the rows not marked Helper), so
	// "<controller>/*-snippet" is every -snippet key of every known
	// ingress controller, present or future, and not cert-manager's.
	Key string `json:"key"`
	// Test describes the condition, e.g. "turned off or removed".
	Test string `json:"test"`

	weakened func(git, live *string) bool
	// inObject, when set, replaces weakened for tests that read other
	// annotations of the same object (CORS is open only through several).
	inObject func(c *rawChange) bool
}

// ControllerPrefixAny opens an AnnotationCheck key pattern that applies
// under every prefix of the controller table that belongs to an ingress
// controller (not Helper).
const ControllerPrefixAny = "<controller>/"

// isPattern reports whether an AnnotationCheck key is a pattern.
func isPattern(key string) bool { return strings.Contains(key, "*") }

// keyMatches reports whether the annotation key matches the check's
// pattern (see AnnotationCheck.Key).
func keyMatches(pattern, key string) bool {
	if rest, ok := strings.CutPrefix(pattern, ControllerPrefixAny); ok {
		p, known := ControllerOf(key)
		if !known || p.Helper {
			return false
		}
		m, _ := path.Match(rest, key[len(p.Prefix):])
		return m
	}
	m, _ := path.Match(pattern, key)
	return m
}

// SeverityRules returns a copy of the severity table, in the order it is
// applied, so the UI can explain a change's severity.
func SeverityRules() []SeverityRule {
	out := slices.Clone(severityRules)
	for i := range out {
		out[i].Annotations = slices.Clone(out[i].Annotations)
	}
	return out
}

// Rule names of the structural rows (the annotation rows are named in the
// table below).
const (
	RuleTLSEntryRemoved = "tls-entry-removed"
	RuleTLSHostRemoved  = "tls-host-removed"
	RuleTLSAllHosts     = "tls-entry-for-all-hosts-added"
	RuleRouting         = "routing-changed"
	RuleTLS             = "tls-changed"
	RuleClassMoved      = "ingress-class-changed"
	RuleController      = "controller-config-changed"
	RuleMetadata        = "metadata-changed"
	RuleSnippetRemoved  = "snippet-removed"
)

// check builds one AnnotationCheck.
func check(key string, t annotationTest) AnnotationCheck {
	return AnnotationCheck{Key: key, Test: t.text, weakened: t.fn}
}

// checks builds one AnnotationCheck per key, all with test t.
func checks(keys []string, t annotationTest) []AnnotationCheck {
	out := make([]AnnotationCheck, 0, len(keys))
	for _, k := range keys {
		out = append(out, check(k, t))
	}
	return out
}

// checkObject builds one AnnotationCheck whose test reads the object.
func checkObject(key string, t objectTest) AnnotationCheck {
	return AnnotationCheck{Key: key, Test: t.text, inObject: t.fn}
}

// annotationTest is a test of an annotation row: fn compares the Git and
// live values of the changed annotation.
type annotationTest struct {
	text string
	fn   func(git, live *string) bool
}

// objectTest is a test that reads other annotations of the same object
// too: the differ gives every annotation change both sides' annotation
// maps (rawChange.ann).
type objectTest struct {
	text string
	fn   func(c *rawChange) bool
}

// The tests an annotation row can apply. Each compares the Git value with
// the live value (nil when the annotation is absent on that side); a change
// only reaches them when the two differ.
var (
	// turnedOff and its siblings: a switch that secures when on, read the
	// way its controller reads it (see boolReader): turned off, or removed
	// while Git had it on, or added live as off.
	turnedOff               = turnedOffAs(readParseBool)
	turnedOffHAProxyIngress = turnedOffAs(readHAProxyIngress)
	turnedOffHAProxy        = turnedOffAs(readHAProxy)
	turnedOffContour        = turnedOffAs(readExactTrue)
	// defaultOnTurnedOff: a switch that is on unless set to false
	// (ingress-nginx enable-global-auth; a value ParseBool rejects leaves
	// it on).
	defaultOnTurnedOff = annotationTest{`set to false (strconv.ParseBool; absent or unparseable is the default, on)`,
		postureTest(func(v string) posture { return readParseBool.orDefault(v, secure) }, secure)}
	// removedTest: the annotation's presence is what secures.
	removedTest = annotationTest{"removed", func(g, l *string) bool { return g != nil && *g != "" && (l == nil || *l == "") }}
	// albAuthRemoved: removed, or set to "none".
	albAuthRemoved = annotationTest{`removed or set to "none"`, postureTest(func(v string) posture {
		if strings.EqualFold(strings.TrimSpace(v), "none") {
			return insecure
		}
		return secure
	}, unknown)}
	// allowHTTPEnabled: kubernetes.io/ingress.allow-http is inverted:
	// "false" secures, "true" (or absent: the default) allows plain HTTP.
	allowHTTPEnabled = annotationTest{`"false" in Git, anything else or absent live; or added live as "true"`,
		postureTest(func(v string) posture { return invert(readParseBool.read(v)) }, unknown)}
	// kongPlaintext: konghq.com/protocols restricted to TLS protocols in Git
	// and allowing a plaintext one live.
	kongPlaintext = annotationTest{"restricted to https/grpcs/wss/tls in Git, allows a plaintext protocol (or absent) live",
		postureTest(kongPosture, unknown)}
	// lostWebsecure: Traefik router.entrypoints no longer holds websecure.
	lostWebsecure = annotationTest{`"websecure" entry point dropped (or added live without it)`,
		postureTest(func(v string) posture {
			if slices.Contains(splitList(v), "websecure") {
				return secure
			}
			return insecure
		}, unknown)}
	// albHTTPSDropped: the HTTPS listener is gone from listen-ports.
	albHTTPSDropped = annotationTest{"HTTPS listener dropped (or added live without one)", postureTest(albListenPosture, unknown)}
	// allowListWidened: see cidrWidened.
	allowListWidened = annotationTest{"widened: removed, or a live CIDR not inside any Git CIDR", cidrWidened}
	// denyListNarrowed: see denyNarrowed.
	denyListNarrowed = annotationTest{"narrowed: removed, or a Git CIDR not inside any live CIDR", denyNarrowed}
	// listDropped: an element of a comma-separated list in Git is missing
	// live.
	listDropped = annotationTest{"an entry of the Git list is missing live", listLost}
	// internetFacing: alb scheme becomes internet-facing (default internal).
	internetFacing = annotationTest{`"internet-facing" live, internal (or absent) in Git`,
		postureTest(func(v string) posture {
			if strings.TrimSpace(v) == "internet-facing" {
				return insecure
			}
			return secure
		}, secure)}
	// privateIPDropped: a switch that is off by default turned off.
	privateIPDropped = annotationTest{`true in Git (strconv.ParseBool), false, unparseable or absent live (the default is a public address)`,
		postureTest(func(v string) posture { return readParseBool.orDefault(v, insecure) }, insecure)}
	// tlsVersionLowered: Contour's minimum TLS version lowered (default 1.2).
	tlsVersionLowered = annotationTest{"lower version live than in Git (absent means 1.2)", tlsLowered}
	// caChanged: a client-certificate CA (auth-tls-secret) in Git is
	// replaced live (another CA accepts other clients); adding one only
	// restricts access, removing one is auth-removed.
	caChanged = annotationTest{"changed (another CA accepts other clients; adding one only restricts, removing one is auth-removed)",
		func(g, l *string) bool { return g != nil && *g != "" && l != nil && *l != "" && *l != *g }}
	// verifyClientWeakened: see verifyClientRank.
	verifyClientWeakened = annotationTest{`weaker live than in Git: on (absent, the default) > optional > optional_no_ca > off; a value ingress-nginx does not know counts as weakest live`,
		func(g, l *string) bool { return verifyClientRank(l) < verifyClientRank(g) }}
	// verifyDepthRaised: a longer client-certificate chain is accepted.
	verifyDepthRaised = annotationTest{"higher live than in Git (absent or not a number means 1, the ingress-nginx default)",
		func(g, l *string) bool { return verifyDepth(l) > verifyDepth(g) }}
	// backendVerifyOff: ingress-nginx proxy-ssl-verify, on only as exactly
	// "on" (its parser's ^(on|off)$; anything else is the default, off).
	backendVerifyOff = annotationTest{`"on" in Git, anything else or absent live (the default is off)`,
		postureTest(func(v string) posture {
			if v == "on" {
				return secure
			}
			return insecure
		}, insecure)}
	// satisfyAny: ingress-nginx satisfy "any" lets a request in that passes
	// either authentication or the allow-list, where "all" (the default)
	// needs both.
	satisfyAny = annotationTest{`"any" live, "all" or absent (the default, all) in Git`,
		postureTest(func(v string) posture {
			if v == "any" {
				return insecure
			}
			return secure
		}, secure)}
	// headerDropped: see headerLost.
	headerDropped = annotationTest{"a header name of the Git list is missing live (names compared case-insensitively)", headerLost}
	// addedOrChanged: a value live that Git does not have; a removal does
	// not count.
	addedOrChanged = annotationTest{"added or changed (a non-empty value live that Git does not have)",
		func(g, l *string) bool { return l != nil && *l != "" }}
	// backendPlaintext: the hop from the proxy to the pods falls back to a
	// plaintext protocol (every controller's default is plaintext).
	backendPlaintext = annotationTest{"a TLS protocol in Git (HTTPS, GRPCS, h1-ssl, h2-ssl), a plaintext one or absent live",
		postureTest(backendPosture, insecure)}
	// passthroughToggled and passthroughToggledHAProxy: ssl-passthrough
	// switched either way, read as the controller reads it (absent and
	// unparseable are off: every controller's default).
	passthroughToggled        = toggledAs(readParseBool)
	passthroughToggledHAProxy = toggledAs(readHAProxy)
	// albPolicyLowered: the ALB security policy named live admits an older
	// TLS version than the one in Git.
	albPolicyLowered = annotationTest{"a policy with a lower minimum TLS version live than in Git (absent means ELBSecurityPolicy-2016-08, TLS 1.0)",
		albPolicyDowngraded}
	// leftInternal: kubernetes.io/ingress.class from gce-internal to another
	// class (an external load balancer).
	leftInternal = annotationTest{`"gce-internal" in Git, another class live`,
		func(g, l *string) bool { return g != nil && *g == "gce-internal" && l != nil && *l != "gce-internal" }}
)

// corsOpened: see corsWidened; it reads the other CORS annotations of the
// object.
var corsOpened = objectTest{`CORS on live and more open than in Git: origins widened to "*", credentials allowed where Git did not allow them, or, with credentials allowed, an origin Git did not allow (CORS off in Git allows nothing; absent cors-allow-origin means "*" and absent cors-allow-credentials true, the ingress-nginx defaults)`,
	func(c *rawChange) bool { return corsWidened(corsOf(c.ann.git), corsOf(c.ann.live)) }}

// snippetKeys are the annotation key patterns whose value is raw
// controller configuration: ingress-nginx *-snippet
// (configuration-, server-, auth-, stream-, modsecurity-snippet), NGINX Inc.
// nginx.org/*-snippets, HAProxy haproxy.org/*-config-snippet, and
// haproxy-ingress config-backend/config-frontend/config-defaults (also
// under the legacy ingress.kubernetes.io/ prefix). Traefik has none.
var snippetKeys = []string{
	ControllerPrefixAny + "*-snippet",
	ControllerPrefixAny + "*-snippets",
	"haproxy-ingress.github.io/config-*",
	"ingress.kubernetes.io/config-*",
}

// rawConfigKeys are the annotation keys of other controllers whose value
// is raw configuration in that controller's own language, like a snippet:
// Skipper's skipper-filter, skipper-predicate and skipper-routes (eskip
// filters, predicates and whole routes), Emissary's getambassador.io/config
// (Mapping and other resources as YAML). Looked for and not found in the
// other controllers of the table: Contour, Kong (plugins are named, their
// configuration is a KongPlugin resource), Traefik (middlewares are
// resources), OpenShift, AGIC, GCE and Citrix take settings, not
// configuration text. The AWS Load Balancer Controller's actions.* (a JSON
// redirect, fixed response or forward) is closest but left out: its
// pattern would share keys (actions.x-snippet) with the snippet row's
// <controller>/*-snippet, which indexAnnotations refuses.
var rawConfigKeys = []string{
	"zalando.org/skipper-filter",
	"zalando.org/skipper-predicate",
	"zalando.org/skipper-routes",
	"getambassador.io/config",
}

// isSnippetKey reports whether key holds raw controller configuration: a
// snippet (snippetKeys) or another controller's raw configuration
// (rawConfigKeys).
func isSnippetKey(key string) bool {
	m := func(p string) bool { return keyMatches(p, key) }
	return slices.ContainsFunc(snippetKeys, m) || slices.ContainsFunc(rawConfigKeys, m)
}

// The advisories the rows cite: the Kubernetes security announcements of
// ingress-nginx (each CVE id was checked against its announcement issue).
const (
	advisorySnippets = "CVE-2021-25742 https://github.com/kubernetes/kubernetes/issues/126811; " +
		"CVE-2023-5043 https://github.com/kubernetes/kubernetes/issues/126816"
	advisoryAuth = "CVE-2025-24514 (auth-url) https://github.com/kubernetes/kubernetes/issues/131006; " +
		"CVE-2025-1097 (auth-tls-match-cn) https://github.com/kubernetes/kubernetes/issues/131007; " +
		"CVE-2025-15566 (auth-proxy-set-headers) https://github.com/kubernetes/kubernetes/issues/136789"
	advisoryMirror   = "CVE-2025-1098 https://github.com/kubernetes/kubernetes/issues/131008"
	advisoryRedirect = "CVE-2023-5044 (ingress-nginx permanent-redirect) https://github.com/kubernetes/kubernetes/issues/126817"
)

// authEndpoints are the keys that name where authentication is asked or
// what it trusts (the external auth service, the CA and CN rule of client
// certificates): a new or changed value is auth-redirected (with the
// advisories of their injection), a removal auth-removed (the check is
// gone, nothing is redirected).
var authEndpoints = []AnnotationCheck{
	check("nginx.ingress.kubernetes.io/auth-url", addedOrChanged),
	check("nginx.ingress.kubernetes.io/auth-signin", addedOrChanged),
	check("nginx.ingress.kubernetes.io/auth-proxy-set-headers", addedOrChanged),
	check("nginx.ingress.kubernetes.io/auth-tls-secret", caChanged),
	check("nginx.ingress.kubernetes.io/auth-tls-match-cn", addedOrChanged),
	check("haproxy-ingress.github.io/auth-url", addedOrChanged),
	check("haproxy-ingress.github.io/auth-signin", addedOrChanged),
	check("haproxy-ingress.github.io/auth-tls-secret", caChanged),
	check("ingress.kubernetes.io/auth-url", addedOrChanged),
	check("ingress.kubernetes.io/auth-tls-secret", caChanged),
}

// isAuthEndpoint reports whether key is one of authEndpoints.
func isAuthEndpoint(key string) bool {
	return slices.ContainsFunc(authEndpoints, func(a AnnotationCheck) bool { return a.Key == key })
}

// severityRules is the one severity table. Order matters: the critical rows
// come first, then the catch-all rows per category.
var severityRules = []SeverityRule{
	{Name: RuleTLSEntryRemoved, Severity: SeverityCritical,
		Description: "a TLS entry in Git is gone live and some of its hosts are under no live TLS entry (an entry without hosts counts as covering every host)",
		match:       func(c *rawChange) bool { return c.subj == subjTLSEntry && c.Op == OpRemoved && !c.covered }},
	{Name: RuleTLSHostRemoved, Severity: SeverityCritical,
		Description: "a host listed under a TLS entry in Git is missing from it live and from every other live TLS entry",
		match:       func(c *rawChange) bool { return c.subj == subjTLSHost && c.Op == OpRemoved && !c.covered }},
	{Name: "https-redirect-disabled", Severity: SeverityCritical,
		Description: "an HTTP→HTTPS redirect annotation was turned off or removed",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/ssl-redirect", turnedOff),
			check("nginx.ingress.kubernetes.io/force-ssl-redirect", turnedOff),
			check("nginx.org/redirect-to-https", turnedOff),
			check("ingress.kubernetes.io/ssl-redirect", turnedOffHAProxyIngress),
			check("ingress.kubernetes.io/force-ssl-redirect", turnedOffContour),
			check("haproxy.org/ssl-redirect", turnedOffHAProxy),
			check("haproxy-ingress.github.io/ssl-redirect", turnedOffHAProxyIngress),
			check("appgw.ingress.kubernetes.io/ssl-redirect", turnedOff),
			check("alb.ingress.kubernetes.io/ssl-redirect", removedTest),
			check("konghq.com/https-redirect-status-code", removedTest),
		}},
	{Name: "plain-http-enabled", Severity: SeverityCritical,
		Description: "plain HTTP is now accepted where Git allowed only HTTPS",
		Annotations: []AnnotationCheck{
			check("kubernetes.io/ingress.allow-http", allowHTTPEnabled),
			check("konghq.com/protocols", kongPlaintext),
		}},
	{Name: "https-disabled", Severity: SeverityCritical,
		Description: "the HTTPS listener or TLS router was turned off",
		Annotations: []AnnotationCheck{
			check("traefik.ingress.kubernetes.io/router.tls", turnedOff),
			check("traefik.ingress.kubernetes.io/router.entrypoints", lostWebsecure),
			check("alb.ingress.kubernetes.io/listen-ports", albHTTPSDropped),
		}},
	{Name: "tls-certificate-removed", Severity: SeverityCritical,
		Description: "a certificate given by annotation was removed",
		Annotations: []AnnotationCheck{
			check("alb.ingress.kubernetes.io/certificate-arn", removedTest),
			check("ingress.gcp.kubernetes.io/pre-shared-cert", removedTest),
			check("networking.gke.io/managed-certificates", removedTest),
			check("appgw.ingress.kubernetes.io/appgw-ssl-certificate", removedTest),
		}},
	{Name: "tls-version-lowered", Severity: SeverityCritical,
		Description: "the minimum TLS protocol version was lowered (Contour's minimum version, or an AWS ALB security policy that admits an older TLS version)",
		Annotations: []AnnotationCheck{
			check("projectcontour.io/tls-minimum-protocol-version", tlsVersionLowered),
			check("alb.ingress.kubernetes.io/ssl-policy", albPolicyLowered),
		}},
	{Name: "snippet-added-or-changed", Severity: SeverityCritical, Advisory: advisorySnippets,
		Description: "a snippet annotation (raw controller configuration: ingress-nginx *-snippet, NGINX Inc. *-snippets, HAProxy *-config-snippet, haproxy-ingress config-*) was added or changed live; critical because a snippet can do anything the proxy can — serve other hosts, skip authentication, read the controller's credentials and every Secret it can see — which is how ingress-nginx installations were exploited and why it disables snippets by default",
		Annotations: checks(snippetKeys, addedOrChanged)},
	{Name: "raw-config-added-or-changed", Severity: SeverityCritical,
		Description: "an annotation holding another controller's raw configuration was added or changed live (Skipper skipper-filter, skipper-predicate, skipper-routes; Emissary getambassador.io/config); critical for the reason snippets are: the value can send any host or path anywhere, add or drop any filter or check, and is bounded by nothing the other annotations say; a row of its own because the snippet row's advisories are about ingress-nginx",
		Annotations: checks(rawConfigKeys, addedOrChanged)},
	{Name: RuleSnippetRemoved, Severity: SeverityHigh,
		Description: "a snippet or raw-configuration annotation (the two rows above) in Git is gone live; high, not critical: a removal injects nothing, but what it did (often a deny rule, a security header, an extra check, a Skipper predicate that limited who reaches the route) is unknown and may be lost",
		match: func(c *rawChange) bool {
			return c.subj == subjAnnotation && removedTest.fn(strPtr(c.Git), strPtr(c.Live)) && isSnippetKey(c.At.Key)
		}},
	{Name: "auth-redirected", Severity: SeverityCritical, Advisory: advisoryAuth,
		Description: "external authentication was added or changed live (auth-url, auth-signin, auth-proxy-set-headers: a new value sends credentials to another service), or client certificates are checked against another CA or another CN rule (auth-tls-secret changed, auth-tls-match-cn added or changed); critical, and these values were the injection point of the cited advisories. Removing one of them is auth-removed; adding a CA, auth-tls-error-page and auth-tls-pass-certificate-to-upstream only restrict or inform, so they stay controller-config-changed",
		Annotations: authEndpoints},
	{Name: "traffic-mirrored", Severity: SeverityCritical, Advisory: advisoryMirror,
		Description: "request mirroring was added or changed live; critical because every request, with its credentials and body, is copied to another destination, and these values were the injection point of the cited advisory",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/mirror-target", addedOrChanged),
			check("nginx.ingress.kubernetes.io/mirror-uri", addedOrChanged),
			check("nginx.ingress.kubernetes.io/mirror-host", addedOrChanged),
		}},
	{Name: "redirect-added-or-changed", Severity: SeverityCritical, Advisory: advisoryRedirect,
		Description: "a redirect of the whole object was added or changed live; critical because every visitor is sent to a URL outside Git (a phishing target as easily as a new site), and the ingress-nginx value was the injection point of the cited advisory",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/permanent-redirect", addedOrChanged),
			check("nginx.ingress.kubernetes.io/temporal-redirect", addedOrChanged),
			check("haproxy.org/request-redirect", addedOrChanged),
			check("haproxy-ingress.github.io/redirect-to", addedOrChanged),
		}},
	{Name: "backend-tls-dropped", Severity: SeverityCritical,
		Description: "the hop from the proxy to the pods fell back from TLS to plaintext (backend protocol HTTPS/GRPCS to HTTP/GRPC/AJP…, Traefik serversscheme https to http, HAProxy server-ssl off, a service dropped from nginx.org/ssl-services) or from verified to unverified TLS (ingress-nginx proxy-ssl-verify on to off); critical because traffic that was encrypted end to end now crosses the cluster network in the clear, or to whoever answers in the backend's place: without verification the proxy accepts any certificate, so TLS no longer protects against a man in the middle",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/backend-protocol", backendPlaintext),
			check("alb.ingress.kubernetes.io/backend-protocol", backendPlaintext),
			check("appgw.ingress.kubernetes.io/backend-protocol", backendPlaintext),
			check("haproxy-ingress.github.io/backend-protocol", backendPlaintext),
			check("traefik.ingress.kubernetes.io/service.serversscheme", backendPlaintext),
			check("haproxy.org/server-ssl", turnedOffHAProxy),
			check("nginx.org/ssl-services", listDropped),
			check("nginx.ingress.kubernetes.io/proxy-ssl-verify", backendVerifyOff),
		}},
	{Name: "ssl-passthrough-toggled", Severity: SeverityCritical,
		Description: "SSL passthrough was turned on or off live; critical both ways: on, the proxy forwards TLS untouched so none of its HTTP-level protection (authentication, allow-lists, WAF, redirects) applies any more; off, the proxy terminates TLS the backend expected to terminate itself, with the proxy's certificate",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/ssl-passthrough", passthroughToggled),
			check("haproxy.org/ssl-passthrough", passthroughToggledHAProxy),
			check("haproxy-ingress.github.io/ssl-passthrough", passthroughToggled),
		}},
	{Name: "cors-opened", Severity: SeverityHigh,
		Description: "CORS was opened live: on live and more open than in Git, judged on the object's CORS annotations together (origins widened to *, credentials newly allowed, or a new origin allowed with credentials; CORS off in Git allows nothing); high, not critical: it lets other web sites read responses in a browser, a data-exposure risk that still needs a victim's browser, unlike the critical rows that open the service itself",
		Annotations: []AnnotationCheck{
			checkObject("nginx.ingress.kubernetes.io/enable-cors", corsOpened),
			checkObject("nginx.ingress.kubernetes.io/cors-allow-origin", corsOpened),
			checkObject("nginx.ingress.kubernetes.io/cors-allow-credentials", corsOpened),
		}},
	{Name: "waf-disabled", Severity: SeverityCritical,
		Description: "a web application firewall was removed or turned off live (AWS WAF ACL, ModSecurity and its OWASP core rules, AWS Shield Advanced, an Application Gateway WAF policy); critical because the attacks it blocked now reach the application",
		Annotations: []AnnotationCheck{
			check("alb.ingress.kubernetes.io/wafv2-acl-arn", removedTest),
			check("alb.ingress.kubernetes.io/waf-acl-id", removedTest),
			check("alb.ingress.kubernetes.io/shield-advanced-protection", turnedOff),
			check("nginx.ingress.kubernetes.io/enable-modsecurity", turnedOff),
			check("nginx.ingress.kubernetes.io/enable-owasp-core-rules", turnedOff),
			check("appgw.ingress.kubernetes.io/waf-policy-for-path", removedTest),
		}},
	{Name: "gce-frontend-config-removed", Severity: SeverityCritical,
		Description: "the GKE FrontendConfig reference was removed live; critical because the FrontendConfig carries the HTTP→HTTPS redirect and the SSL policy of the load balancer, both lost with it",
		Annotations: []AnnotationCheck{
			check("networking.gke.io/v1beta1.FrontendConfig", removedTest),
		}},
	{Name: "auth-removed", Severity: SeverityCritical,
		Description: "an authentication annotation was removed or turned off (also the auth-redirected keys: auth-url, auth-signin, auth-proxy-set-headers, auth-tls-secret, auth-tls-match-cn removed), or authentication was weakened: client certificates verified less (auth-tls-verify-client weaker: on > optional > optional_no_ca > off; auth-tls-verify-depth raised), ingress-nginx satisfy set to any (authentication or the allow-list suffices, where all needs both), or a header dropped from auth-response-headers (ingress-nginx then no longer sets it from the auth service's answer, so the client's own header of that name, e.g. X-Auth-User, reaches the backend, which trusts it)",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/auth-type", removedTest),
			check("nginx.ingress.kubernetes.io/auth-secret", removedTest),
			check("nginx.ingress.kubernetes.io/auth-tls-verify-client", verifyClientWeakened),
			check("nginx.ingress.kubernetes.io/auth-tls-verify-depth", verifyDepthRaised),
			check("nginx.ingress.kubernetes.io/enable-global-auth", defaultOnTurnedOff),
			check("nginx.ingress.kubernetes.io/satisfy", satisfyAny),
			check("nginx.ingress.kubernetes.io/auth-response-headers", headerDropped),
			check("nginx.org/basic-auth-secret", removedTest),
			check("nginx.com/jwt-key", removedTest),
			check("alb.ingress.kubernetes.io/auth-type", albAuthRemoved),
			check("alb.ingress.kubernetes.io/auth-idp-cognito", removedTest),
			check("alb.ingress.kubernetes.io/auth-idp-oidc", removedTest),
			check("haproxy.org/auth-type", removedTest),
			check("haproxy.org/auth-secret", removedTest),
			check("haproxy-ingress.github.io/auth-secret", removedTest),
			check("ingress.kubernetes.io/auth-type", removedTest),
			check("ingress.kubernetes.io/auth-secret", removedTest),
		},
		match: func(c *rawChange) bool {
			return c.subj == subjAnnotation && removedTest.fn(strPtr(c.Git), strPtr(c.Live)) && isAuthEndpoint(c.At.Key)
		}},
	{Name: "source-allowlist-widened", Severity: SeverityCritical,
		Description: "a source-IP allow-list was removed or now admits addresses Git did not",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/whitelist-source-range", allowListWidened),
			check("nginx.ingress.kubernetes.io/allowlist-source-range", allowListWidened),
			check("alb.ingress.kubernetes.io/inbound-cidrs", allowListWidened),
			check("haproxy.org/allow-list", allowListWidened),
			check("haproxy.org/whitelist", allowListWidened),
			check("haproxy-ingress.github.io/allowlist-source-range", allowListWidened),
			check("haproxy-ingress.github.io/whitelist-source-range", allowListWidened),
			check("ingress.kubernetes.io/whitelist-source-range", allowListWidened),
			check("traefik.ingress.kubernetes.io/whitelist-source-range", allowListWidened),
		}},
	{Name: "source-denylist-narrowed", Severity: SeverityCritical,
		Description: "a source-IP deny-list was removed or no longer blocks addresses Git blocked",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/denylist-source-range", denyListNarrowed),
			check("haproxy.org/deny-list", denyListNarrowed),
			check("haproxy.org/blacklist", denyListNarrowed),
			check("haproxy-ingress.github.io/denylist-source-range", denyListNarrowed),
			check("haproxy-ingress.github.io/blacklist-source-range", denyListNarrowed),
		}},
	{Name: "middleware-or-plugin-dropped", Severity: SeverityCritical,
		Description: "a Traefik middleware or Kong plugin listed in Git is missing live (these carry authentication, allow-lists and redirects)",
		Annotations: []AnnotationCheck{
			check("traefik.ingress.kubernetes.io/router.middlewares", listDropped),
			check("konghq.com/plugins", listDropped),
			check("plugins.konghq.com", listDropped),
		}},
	{Name: "exposed-publicly", Severity: SeverityCritical,
		Description: "the load balancer became internet-facing or lost its private address",
		Annotations: []AnnotationCheck{
			check("alb.ingress.kubernetes.io/scheme", internetFacing),
			check("appgw.ingress.kubernetes.io/use-private-ip", privateIPDropped),
			check("kubernetes.io/ingress.class", leftInternal),
		}},
	{Name: RuleTLSAllHosts, Severity: SeverityCritical,
		Description: "a TLS entry without hosts is live and not in Git: the controller then serves its certificate (or, without a secretName, its default one) for every host",
		match: func(c *rawChange) bool {
			return c.subj == subjTLSEntry && c.Op == OpAdded && c.At.TLS != nil && len(c.At.TLS.Hosts) == 0
		}},
	{Name: RuleRouting, Severity: SeverityHigh,
		Description: "any other change to rules, hosts, paths, backends or the default backend",
		match:       func(c *rawChange) bool { return c.Category == CategoryRouting }},
	{Name: RuleTLS, Severity: SeverityHigh,
		Description: "any other change to spec.tls (an entry or host added, a secretName changed)",
		match:       func(c *rawChange) bool { return c.Category == CategoryTLS }},
	{Name: RuleClassMoved, Severity: SeverityHigh,
		Description: "spec.ingressClassName (or the legacy kubernetes.io/ingress.class annotation) changed to another class or was removed live: another controller, or none, now serves the object, with its own listeners, exposure and defaults (an internal class to a public one publishes the service); high like a routing change. A class added where Git names none stays controller-config-changed: it is most often the cluster's default class, filled in by admission",
		match: func(c *rawChange) bool {
			class := c.subj == subjClass || c.subj == subjAnnotation && c.At.Key == "kubernetes.io/ingress.class"
			return class && c.Op != OpAdded
		}},
	{Name: RuleController, Severity: SeverityMedium,
		Description: "ingressClassName added, or an annotation of a known controller changed",
		match:       func(c *rawChange) bool { return c.Category == CategoryController }},
	{Name: RuleMetadata, Severity: SeverityLow,
		Description: "any other label or annotation changed",
		match:       func(c *rawChange) bool { return true }},
}

// annotationCheckAt is one AnnotationCheck with the index of its row.
type annotationCheckAt struct {
	row   int
	check AnnotationCheck
}

// annotationRow maps an exact annotation key to its severity row and
// check; annotationPatterns holds the pattern checks in table order. A key
// (or pattern) is in one row only, no exact key of one row may match a
// pattern of another, and two patterns that some key matches both must be
// in the same row with the same test (the snippet row's
// "<controller>/*-snippet" and "haproxy-ingress.github.io/config-*" share
// haproxy-ingress.github.io/config-x-snippet): the table panics at start
// otherwise, so which row and test judge a key never depend on order. An
// exact key wins over a pattern of its own row.
var annotationRow, annotationPatterns = indexAnnotations(severityRules)

// indexAnnotations builds annotationRow and annotationPatterns for a table,
// panicking if a key or pattern is in two rows.
func indexAnnotations(rules []SeverityRule) (map[string]annotationCheckAt, []annotationCheckAt) {
	m := make(map[string]annotationCheckAt)
	var pats []annotationCheckAt
	for i := range rules {
		for _, ck := range rules[i].Annotations {
			if strings.ContainsAny(ck.Key, `?[\`) {
				panic("diffengine: annotation key " + ck.Key + " holds a pattern character other than *")
			}
			if isPattern(ck.Key) {
				if slices.ContainsFunc(pats, func(p annotationCheckAt) bool { return p.check.Key == ck.Key }) {
					panic("diffengine: annotation pattern " + ck.Key + " is in two severity rows")
				}
				pats = append(pats, annotationCheckAt{i, ck})
				continue
			}
			if _, dup := m[ck.Key]; dup {
				panic("diffengine: annotation " + ck.Key + " is in two severity rows")
			}
			m[ck.Key] = annotationCheckAt{i, ck}
		}
	}
	for k, a := range m {
		for _, p := range pats {
			if p.row != a.row && keyMatches(p.check.Key, k) {
				panic("diffengine: annotation " + k + " is in row " + rules[a.row].Name + " and matches pattern " + p.check.Key + " of row " + rules[p.row].Name)
			}
		}
	}
	for i, p := range pats {
		for _, q := range pats[:i] {
			if (p.row != q.row || p.check.Test != q.check.Test) && patternsOverlap(p.check.Key, q.check.Key) {
				panic("diffengine: annotation patterns " + q.check.Key + " (row " + rules[q.row].Name + ") and " + p.check.Key + " (row " + rules[p.row].Name + ") match the same keys with different rows or tests")
			}
		}
	}
	return m, pats
}

// patternsOverlap reports whether some annotation key matches both key
// patterns (see AnnotationCheck.Key), expanding ControllerPrefixAny into
// each ingress controller's prefix.
func patternsOverlap(a, b string) bool {
	expand := func(p string) []string {
		rest, ok := strings.CutPrefix(p, ControllerPrefixAny)
		if !ok {
			return []string{p}
		}
		var out []string
		for _, c := range controllerPrefixes {
			if !c.Helper {
				out = append(out, c.Prefix+rest)
			}
		}
		return out
	}
	for _, x := range expand(a) {
		for _, y := range expand(b) {
			if globsIntersect(x, y) {
				return true
			}
		}
	}
	return false
}

// globsIntersect reports whether some string matches both globs, in which
// "*" is any run of characters but "/" and everything else is literal: a
// search over pairs of positions, where a "*" may be skipped or consume one
// literal character of the other glob.
func globsIntersect(a, b string) bool {
	seen := map[[2]int]bool{}
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if i == len(a) && j == len(b) {
			return true
		}
		if seen[[2]int{i, j}] {
			return false
		}
		seen[[2]int{i, j}] = true
		starA, starB := i < len(a) && a[i] == '*', j < len(b) && b[j] == '*'
		switch {
		case starA && walk(i+1, j), starB && walk(i, j+1):
			return true
		case i == len(a) || j == len(b):
			return false
		case starA && !starB && b[j] != '/':
			return walk(i, j+1)
		case starB && !starA && a[i] != '/':
			return walk(i+1, j)
		}
		return !starA && !starB && a[i] == b[j] && walk(i+1, j+1)
	}
	return walk(0, 0)
}

// annotationCheckFor finds the check that judges an annotation key: its
// exact entry, else the first pattern that matches it.
func annotationCheckFor(key string) (annotationCheckAt, bool) {
	if a, ok := annotationRow[key]; ok {
		return a, true
	}
	for _, p := range annotationPatterns {
		if keyMatches(p.check.Key, key) {
			return p, true
		}
	}
	return annotationCheckAt{}, false
}

// fires reports whether the check's test matches the change.
func (ck AnnotationCheck) fires(c *rawChange) bool {
	if ck.inObject != nil {
		return ck.inObject(c)
	}
	return ck.weakened(strPtr(c.Git), strPtr(c.Live))
}

// classify sets Severity, Rule and Advisory from the table; Category must
// be set.
func classify(c *rawChange) {
	if c.subj == subjAnnotation {
		if a, ok := annotationCheckFor(c.At.Key); ok && a.check.fires(c) {
			c.setRow(&severityRules[a.row])
			return
		}
	}
	for i := range severityRules {
		r := &severityRules[i]
		if r.match != nil && r.match(c) {
			c.setRow(r)
			return
		}
	}
}

func (c *rawChange) setRow(r *SeverityRule) {
	c.Severity, c.Rule, c.Advisory = r.Severity, r.Name, r.Advisory
}

func strPtr(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

// posture is what one annotation value says about security.
type posture int8

const (
	insecure posture = -1
	unknown  posture = 0
	secure   posture = 1
)

func invert(p posture) posture { return -p }

// postureTest makes a test from a value classifier: a change weakens
// security when live is insecure and Git was not, or when Git was secure and
// live says nothing. absent is the posture of a missing annotation.
func postureTest(of func(v string) posture, absent posture) func(g, l *string) bool {
	return func(g, l *string) bool {
		pg, pl := absent, absent
		if g != nil {
			pg = of(*g)
		}
		if l != nil {
			pl = of(*l)
		}
		return (pl == insecure && pg != insecure) || (pg == secure && pl == unknown)
	}
}

// boolReader reads an on/off annotation the way one controller does, so
// "1" is on where the controller says so and "on" is not where it is not.
type boolReader struct {
	// rule says how values are read, for the tests' texts.
	rule string
	// parse returns the switch and whether the controller accepts the
	// value; a value it rejects leaves its default.
	parse func(v string) (on, ok bool)
}

// The controllers' readers. Read in their sources: ingress-nginx
// (parser.GetBoolAnnotation), NGINX Inc. (GetMapKeyAsBool) and the AWS Load
// Balancer Controller use strconv.ParseBool on the untrimmed value and fall
// back to their default for a value it rejects; haproxy-ingress
// (ConfigValue.Bool) uses strconv.ParseBool and reads what it rejects as
// false; HAProxy (utils.GetBoolValue) also accepts "on"/"enabled" and
// "off"/"disabled" in any case. Traefik, AGIC and ingress-gce are taken to
// read as ingress-nginx does (Go controllers parsing with strconv; not read
// here). Contour's ingress.kubernetes.io/force-ssl-redirect is on only when
// exactly "true". The legacy ingress.kubernetes.io/ssl-redirect is read by
// haproxy-ingress, HAProxy and NGINX Inc. alike, so it is read as the
// strictest of them, haproxy-ingress: on only when ParseBool says true.
var (
	readParseBool = boolReader{"strconv.ParseBool: 1, t, T, TRUE, true, True are on; 0, f, F, FALSE, false, False off", func(v string) (bool, bool) {
		b, err := strconv.ParseBool(v)
		return b, err == nil
	}}
	readHAProxyIngress = boolReader{"strconv.ParseBool, anything else off (haproxy-ingress)", func(v string) (bool, bool) {
		b, _ := strconv.ParseBool(v)
		return b, true
	}}
	readHAProxy = boolReader{`strconv.ParseBool, or on/enabled and off/disabled in any case (HAProxy)`, func(v string) (bool, bool) {
		if b, err := strconv.ParseBool(v); err == nil {
			return b, true
		}
		switch strings.ToLower(v) {
		case "on", "enabled":
			return true, true
		case "off", "disabled":
			return false, true
		}
		return false, false
	}}
	readExactTrue = boolReader{`only "true" is on (Contour)`, func(v string) (bool, bool) { return v == "true", true }}
)

// read is the posture of a value: secure when on, insecure when off,
// unknown when the controller rejects it (its default then applies).
func (r boolReader) read(v string) posture { return r.orDefault(v, unknown) }

// orDefault is read with def for a value the controller rejects.
func (r boolReader) orDefault(v string, def posture) posture {
	on, ok := r.parse(v)
	switch {
	case !ok:
		return def
	case on:
		return secure
	}
	return insecure
}

// on reports whether an optional switch is on (absent, and a value the
// controller rejects, are off).
func (r boolReader) on(v *string) bool {
	if v == nil {
		return false
	}
	on, ok := r.parse(*v)
	return ok && on
}

// turnedOffAs is the turned-off test of a switch read by r.
func turnedOffAs(r boolReader) annotationTest {
	return annotationTest{"turned off (on in Git, off or absent live; or added live as off), read as " + r.rule,
		postureTest(r.read, unknown)}
}

// toggledAs is the test of a switch that matters both ways, read by r.
func toggledAs(r boolReader) annotationTest {
	return annotationTest{"turned on or off (on one side only; absent and unparseable are off), read as " + r.rule,
		func(g, l *string) bool { return r.on(g) != r.on(l) }}
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func kongPosture(v string) posture {
	ps := splitList(strings.ToLower(v))
	if len(ps) == 0 {
		return unknown
	}
	for _, p := range ps {
		switch p {
		case "https", "grpcs", "wss", "tls":
		default:
			return insecure
		}
	}
	return secure
}

// albListenPosture parses listen-ports ('[{"HTTP": 80}, {"HTTPS": 443}]').
func albListenPosture(v string) posture {
	var ports []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &ports); err != nil {
		return unknown
	}
	for _, p := range ports {
		for k := range p {
			if strings.EqualFold(k, "HTTPS") {
				return secure
			}
		}
	}
	return insecure
}

// parseCIDRs parses a comma-separated list of CIDRs or addresses (an
// address is its own /32 or /128). ok is false if any entry is malformed.
func parseCIDRs(v string) (out []netip.Prefix, ok bool) {
	for _, s := range splitList(v) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, netip.PrefixFrom(p.Addr().Unmap(), min(p.Bits(), p.Addr().Unmap().BitLen())).Masked())
	}
	return out, true
}

// covered reports whether every prefix of inner lies inside some prefix of
// outer.
func covered(inner, outer []netip.Prefix) bool {
	for _, in := range inner {
		ok := false
		for _, o := range outer {
			if o.Bits() <= in.Bits() && o.Contains(in.Addr()) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// cidrWidened is the allow-list rule: with Git list G and live list L, the
// list is widened when L is absent or empty (no allow-list admits every
// address), when any entry of L is not contained in some entry of G (e.g.
// 10.0.0.0/8 → 0.0.0.0/0, or an added CIDR), or when L cannot be parsed.
// If G itself cannot be parsed, any change counts as widened. Adding an
// allow-list live (G absent) only narrows access.
func cidrWidened(g, l *string) bool {
	return cidrLists(g, l, func(gp, lp []netip.Prefix) bool { return len(lp) == 0 || !covered(lp, gp) })
}

// denyNarrowed is the deny-list rule, the mirror of cidrWidened: access
// widens when some Git entry is not contained in a live entry, or the live
// list is absent or unparseable. Adding a deny-list live only narrows.
func denyNarrowed(g, l *string) bool {
	return cidrLists(g, l, func(gp, lp []netip.Prefix) bool { return !covered(gp, lp) })
}

// cidrLists handles what both CIDR rules share (absent or unparseable
// sides) and asks weaker about two parsed, non-empty Git lists.
func cidrLists(g, l *string, weaker func(gp, lp []netip.Prefix) bool) bool {
	if g == nil {
		return false
	}
	gp, gok := parseCIDRs(*g)
	if !gok {
		return true
	}
	if len(gp) == 0 {
		return false
	}
	if l == nil {
		return true
	}
	lp, lok := parseCIDRs(*l)
	return !lok || weaker(gp, lp)
}

// headerLost is listLost for header names, which HTTP compares without
// case.
func headerLost(g, l *string) bool {
	lower := func(v *string) *string {
		if v == nil {
			return nil
		}
		s := strings.ToLower(*v)
		return &s
	}
	return listLost(lower(g), lower(l))
}

func listLost(g, l *string) bool {
	if g == nil {
		return false
	}
	var have []string
	if l != nil {
		have = splitList(*l)
	}
	for _, e := range splitList(*g) {
		if !slices.Contains(have, e) {
			return true
		}
	}
	return false
}

func tlsLowered(g, l *string) bool {
	ver := func(s *string) (string, bool) {
		if s == nil {
			return "1.2", true
		}
		switch v := strings.TrimSpace(*s); v {
		case "1.0", "1.1", "1.2", "1.3":
			return v, true
		}
		return "", false
	}
	gv, gok := ver(g)
	lv, lok := ver(l)
	return gok && lok && lv < gv
}

// backendPosture classifies a backend protocol or scheme value: the TLS
// ones of ingress-nginx (HTTPS, GRPCS), AWS ALB and AGIC (HTTPS),
// haproxy-ingress (h1-ssl, h2-ssl) and Traefik (https) are secure, every
// other value (HTTP, GRPC, AJP, FCGI, AUTO_HTTP, h1, h2, http, h2c) is
// plaintext.
func backendPosture(v string) posture {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "https", "grpcs", "h1-ssl", "h2-ssl":
		return secure
	}
	return insecure
}

// verifyClientRank orders ingress-nginx auth-tls-verify-client values by
// how much they check: on (the default) verifies every client, optional
// verifies only clients that send a certificate, optional_no_ca accepts
// any certificate unverified, off asks for none. A value it does not know
// ranks below off, so a garbled value live counts as a weakening.
func verifyClientRank(v *string) int {
	if v == nil {
		return 3
	}
	switch *v {
	case "on":
		return 3
	case "optional":
		return 2
	case "optional_no_ca":
		return 1
	case "off":
		return 0
	}
	return -1
}

// verifyDepth reads auth-tls-verify-depth as ingress-nginx does: an
// integer, 1 when absent or unparseable.
func verifyDepth(v *string) int {
	if v == nil {
		return 1
	}
	n, err := strconv.Atoi(*v)
	if err != nil {
		return 1
	}
	return n
}

// Keys of the ingress-nginx CORS annotations that corsOf reads.
const (
	corsEnable      = "nginx.ingress.kubernetes.io/enable-cors"
	corsOrigin      = "nginx.ingress.kubernetes.io/cors-allow-origin"
	corsCredentials = "nginx.ingress.kubernetes.io/cors-allow-credentials"
)

// corsPosture is what an object's ingress-nginx CORS annotations allow
// other web sites: nothing when CORS is off, else reading responses from
// the listed origins (or any), with the visitor's cookies when credentials
// are allowed.
type corsPosture struct {
	on          bool
	anyOrigin   bool
	origins     []string
	credentials bool
}

// corsOf reads the CORS annotations as ingress-nginx does (its cors
// parser): enable-cors by strconv.ParseBool, off unless true;
// cors-allow-origin a comma-separated list, "*" (its default, also for an
// empty value) allowing any origin; cors-allow-credentials by
// strconv.ParseBool, true when absent or rejected.
func corsOf(ann map[string]string) corsPosture {
	v, ok := ann[corsEnable]
	if !ok || !readParseBool.on(&v) {
		return corsPosture{}
	}
	p := corsPosture{on: true, credentials: true}
	if creds, ok := ann[corsCredentials]; ok {
		p.credentials = readParseBool.orDefault(creds, secure) == secure
	}
	p.origins = splitList(ann[corsOrigin])
	p.anyOrigin = len(p.origins) == 0 || slices.Contains(p.origins, "*")
	return p
}

// corsWidened reports whether live CORS lets other web sites read more
// than Git's does. The posture is judged as a whole, not key by key: CORS
// off in Git allows nothing, so turning it on open counts; origins widened
// to "*" count whatever the credentials; credentials allowed where Git
// disallowed them count; and an origin Git did not allow counts when it
// gets credentials, since that site can then read the visitor's own data.
// A new origin without credentials does not count: it reads only what any
// client without the visitor's cookies can fetch anyway.
func corsWidened(g, l corsPosture) bool {
	if !l.on {
		return false
	}
	if l.anyOrigin && !g.anyOrigin || l.credentials && !g.credentials {
		return true
	}
	if !l.credentials || g.anyOrigin {
		return false
	}
	return slices.ContainsFunc(l.origins, func(o string) bool {
		return !slices.ContainsFunc(g.origins, func(allowed string) bool { return originCovers(allowed, o) })
	})
}

// originCovers reports whether the allowed origin admits origin o: equal
// (case-insensitively), or a wildcard "https://*.example.com" admitting
// "https://shop.example.com" (ingress-nginx's subdomain wildcard).
func originCovers(allowed, o string) bool {
	allowed, o = strings.ToLower(allowed), strings.ToLower(o)
	if allowed == o {
		return true
	}
	scheme, domain, ok := strings.Cut(allowed, "://*.")
	if !ok {
		return false
	}
	sub, found := strings.CutPrefix(o, scheme+"://")
	return found && strings.HasSuffix(sub, "."+domain) && len(sub) > len(domain)+1
}

// albPolicyVersion reads the minimum TLS version from the name of an AWS
// ELB security policy: ELBSecurityPolicy-TLS13-1-2-2021-06 and
// ELBSecurityPolicy-TLS-1-2-Ext-2018-06 admit 1.2 and up, the dated ones
// without a version (ELBSecurityPolicy-2016-08, the controller's default,
// and ELBSecurityPolicy-FS-2018-06) admit 1.0. ok is false for a name it
// does not know.
func albPolicyVersion(v *string) (string, bool) {
	if v == nil {
		return "1.0", true
	}
	name := strings.TrimSpace(*v)
	if m := albVersioned.FindStringSubmatch(name); m != nil {
		return "1." + m[1], true
	}
	if albDated.MatchString(name) {
		return "1.0", true
	}
	return "", false
}

var (
	albVersioned = regexp.MustCompile(`^ELBSecurityPolicy-(?:TLS13|TLS|FS)-1-([0-3])-`)
	albDated     = regexp.MustCompile(`^ELBSecurityPolicy-(?:FS-)?\d{4}-\d{2}$`)
)

func albPolicyDowngraded(g, l *string) bool {
	gv, gok := albPolicyVersion(g)
	lv, lok := albPolicyVersion(l)
	return gok && lok && lv < gv
}
