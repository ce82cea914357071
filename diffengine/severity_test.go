package diffengine

import (
	"fmt"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
)

func sp(s string) *string { return &s }

type annotationExample struct {
	git, live *string
	fires     bool
}

// examplesByTest gives, for each annotation test of the severity table,
// value pairs that must and must not make the row fire. Every test in the
// table must have examples here (TestSeverityRows checks).
var examplesByTest = map[string][]annotationExample{
	turnedOff.text: {
		{sp("true"), sp("false"), true}, {sp("true"), nil, true}, {nil, sp("false"), true}, {sp("on"), sp("off"), true},
		{sp("false"), sp("true"), false}, {sp("false"), nil, false}, {nil, sp("true"), false},
	},
	defaultOnTurnedOff.text: {
		{nil, sp("false"), true}, {sp("true"), sp("false"), true},
		{sp("false"), nil, false}, {sp("true"), nil, false}, {sp("false"), sp("true"), false},
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
		{sp("false"), sp("true"), true}, {sp("false"), nil, true}, {nil, sp("true"), true},
		{sp("true"), sp("false"), false}, {sp("true"), nil, false}, {nil, sp("false"), false},
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
		{sp("true"), sp("false"), true}, {sp("true"), nil, true},
		{nil, sp("false"), false}, {sp("false"), sp("true"), false},
	},
	tlsVersionLowered.text: {
		{sp("1.3"), sp("1.2"), true}, {sp("1.3"), nil, true},
		{sp("1.2"), sp("1.3"), false}, {sp("1.2"), nil, false}, {nil, sp("1.3"), false},
	},
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
	RuleController: func(t *testing.T) {
		live := ing(nil)
		live.Spec.IngressClassName = sp("traefik")
		assertRule(t, Diff(ing(nil), live, Options{}), "spec.ingressClassName", RuleController, SeverityMedium)
		// A security annotation changed in a harmless direction is
		// controller config too.
		assertRule(t, Diff(annotated("nginx.ingress.kubernetes.io/ssl-redirect", sp("false")), annotated("nginx.ingress.kubernetes.io/ssl-redirect", sp("true")), Options{}),
			"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", RuleController, SeverityMedium)
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
			if row.Severity != SeverityCritical {
				t.Errorf("annotation row %s is %s; annotation rows exist to raise changes to critical", row.Name, row.Severity)
			}
			for _, ck := range row.Annotations {
				examples := examplesByTest[ck.Test]
				if len(examples) == 0 {
					t.Fatalf("no examples for annotation test %q (key %s)", ck.Test, ck.Key)
				}
				if AnnotationCategory(ck.Key) != CategoryController {
					t.Errorf("%s is in a severity row but not in the controller prefix table", ck.Key)
				}
				for _, ex := range examples {
					res := Diff(annotated(ck.Key, ex.git), annotated(ck.Key, ex.live), Options{})
					if len(res.Changes) != 1 {
						t.Fatalf("%s %s → %s: %d changes, want 1: %+v", ck.Key, show(ex.git), show(ex.live), len(res.Changes), res.Changes)
					}
					c := res.Changes[0]
					if fired := c.Rule == row.Name; fired != ex.fires {
						t.Errorf("%s %s → %s: rule %s (%s), want row %s to fire=%v", ck.Key, show(ex.git), show(ex.live), c.Rule, c.Severity, row.Name, ex.fires)
					}
					if !ex.fires && c.Rule != RuleController {
						t.Errorf("%s %s → %s: rule %s, want %s", ck.Key, show(ex.git), show(ex.live), c.Rule, RuleController)
					}
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
