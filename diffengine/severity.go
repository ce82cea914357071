package diffengine

import (
	"encoding/json"
	"net/netip"
	"slices"
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
	// Annotations lists, for rows about annotations, each key the row looks
	// at and the test applied to it; empty for structural rows.
	Annotations []AnnotationCheck `json:"annotations,omitempty"`

	match func(c *rawChange) bool
}

// AnnotationCheck is one annotation key of a severity row and the test that
// makes a change to it match the row.
type AnnotationCheck struct {
	// Key is the annotation key.
	Key string `json:"key"`
	// Test describes the condition, e.g. "turned off or removed".
	Test string `json:"test"`

	weakened func(git, live *string) bool
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
	RuleController      = "controller-config-changed"
	RuleMetadata        = "metadata-changed"
)

// check builds one AnnotationCheck.
func check(key string, t annotationTest) AnnotationCheck {
	return AnnotationCheck{Key: key, Test: t.text, weakened: t.fn}
}

type annotationTest struct {
	text string
	fn   func(git, live *string) bool
}

// The tests an annotation row can apply. Each compares the Git value with
// the live value (nil when the annotation is absent on that side); a change
// only reaches them when the two differ.
var (
	// turnedOff: a switch that secures when "true" (or "on"): turned off,
	// or removed while Git had it on, or added live as off.
	turnedOff = annotationTest{`turned off ("true"/"on" in Git, anything else or absent live; or added live as off)`,
		postureTest(func(v string) posture { return boolPosture(v, "true", "on") }, unknown)}
	// defaultOnTurnedOff: a switch that is on unless set to "false".
	defaultOnTurnedOff = annotationTest{`set to anything but "true" (the default is on)`,
		postureTest(func(v string) posture { return boolPosture(v, "true") }, secure)}
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
		postureTest(func(v string) posture { return invert(boolPosture(v, "true")) }, unknown)}
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
	privateIPDropped = annotationTest{`"true" in Git, anything else or absent live (the default is a public address)`,
		postureTest(func(v string) posture { return boolPosture(v, "true") }, insecure)}
	// tlsVersionLowered: Contour's minimum TLS version lowered (default 1.2).
	tlsVersionLowered = annotationTest{"lower version live than in Git (absent means 1.2)", tlsLowered}
)

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
			check("ingress.kubernetes.io/ssl-redirect", turnedOff),
			check("ingress.kubernetes.io/force-ssl-redirect", turnedOff),
			check("haproxy.org/ssl-redirect", turnedOff),
			check("haproxy-ingress.github.io/ssl-redirect", turnedOff),
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
		Description: "the minimum TLS protocol version was lowered",
		Annotations: []AnnotationCheck{
			check("projectcontour.io/tls-minimum-protocol-version", tlsVersionLowered),
		}},
	{Name: "auth-removed", Severity: SeverityCritical,
		Description: "an authentication annotation was removed or turned off",
		Annotations: []AnnotationCheck{
			check("nginx.ingress.kubernetes.io/auth-url", removedTest),
			check("nginx.ingress.kubernetes.io/auth-type", removedTest),
			check("nginx.ingress.kubernetes.io/auth-secret", removedTest),
			check("nginx.ingress.kubernetes.io/auth-tls-secret", removedTest),
			check("nginx.ingress.kubernetes.io/auth-tls-verify-client", turnedOff),
			check("nginx.ingress.kubernetes.io/enable-global-auth", defaultOnTurnedOff),
			check("nginx.org/basic-auth-secret", removedTest),
			check("nginx.com/jwt-key", removedTest),
			check("alb.ingress.kubernetes.io/auth-type", albAuthRemoved),
			check("alb.ingress.kubernetes.io/auth-idp-cognito", removedTest),
			check("alb.ingress.kubernetes.io/auth-idp-oidc", removedTest),
			check("haproxy.org/auth-type", removedTest),
			check("haproxy.org/auth-secret", removedTest),
			check("haproxy-ingress.github.io/auth-url", removedTest),
			check("haproxy-ingress.github.io/auth-secret", removedTest),
			check("ingress.kubernetes.io/auth-url", removedTest),
			check("ingress.kubernetes.io/auth-type", removedTest),
			check("ingress.kubernetes.io/auth-secret", removedTest),
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
	{Name: RuleController, Severity: SeverityMedium,
		Description: "ingressClassName or an annotation of a known controller changed",
		match:       func(c *rawChange) bool { return c.Category == CategoryController }},
	{Name: RuleMetadata, Severity: SeverityLow,
		Description: "any other label or annotation changed",
		match:       func(c *rawChange) bool { return true }},
}

// annotationRow maps an annotation key to its severity row and check.
var annotationRow = func() map[string]struct {
	row   int
	check AnnotationCheck
} {
	m := make(map[string]struct {
		row   int
		check AnnotationCheck
	})
	for i := range severityRules {
		for _, ck := range severityRules[i].Annotations {
			if _, dup := m[ck.Key]; dup {
				panic("diffengine: annotation " + ck.Key + " is in two severity rows")
			}
			m[ck.Key] = struct {
				row   int
				check AnnotationCheck
			}{i, ck}
		}
	}
	return m
}()

// classify sets Severity and Rule from the table; Category must be set.
func classify(c *rawChange) {
	if c.subj == subjAnnotation {
		if a, ok := annotationRow[c.At.Key]; ok && a.check.weakened(strPtr(c.Git), strPtr(c.Live)) {
			c.Severity, c.Rule = severityRules[a.row].Severity, severityRules[a.row].Name
			return
		}
	}
	for i := range severityRules {
		r := &severityRules[i]
		if r.match != nil && r.match(c) {
			c.Severity, c.Rule = r.Severity, r.Name
			return
		}
	}
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

func boolPosture(v string, on ...string) posture {
	v = strings.TrimSpace(v)
	for _, o := range on {
		if strings.EqualFold(v, o) {
			return secure
		}
	}
	return insecure
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
