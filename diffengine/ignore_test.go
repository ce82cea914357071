package diffengine

import (
	"strings"
	"testing"
)

func TestValidateIgnoreRule(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rule    IgnoreRule
		wantErr string // substring; empty means valid
	}{
		{"annotation glob", IgnoreRule{Annotations: []string{"example.com/*"}}, ""},
		{"label and scope", IgnoreRule{Namespace: "team-*", Name: "shop?", Labels: []string{"pod-template-hash"}}, ""},
		{"path globs", IgnoreRule{Paths: []string{"spec.defaultBackend*", "spec.rules[host=*.internal]*", "metadata.annotations[x/y]", "*"}}, ""},
		{"escaped path", IgnoreRule{Paths: []string{`spec.rules[host=\*]`}}, ""},
		{"bad annotation glob", IgnoreRule{Annotations: []string{"example.com/[a-"}}, `annotations "example.com/[a-"`},
		{"bad label glob", IgnoreRule{Labels: []string{"a\\"}}, `labels "a\\"`},
		{"bad namespace glob", IgnoreRule{Namespace: "[", Annotations: []string{"x"}}, `namespace "["`},
		{"bad name glob", IgnoreRule{Name: "a[", Annotations: []string{"x"}}, `name "a["`},
		{"empty pattern", IgnoreRule{Annotations: []string{""}}, "empty pattern"},
		{"empty path", IgnoreRule{Paths: []string{""}}, "empty pattern"},
		{"ignores nothing", IgnoreRule{Namespace: "x"}, "ignores nothing"},
		{"path outside the object", IgnoreRule{Paths: []string{"rules[host=a]"}}, "cannot match any change"},
		{"trailing backslash", IgnoreRule{Paths: []string{`spec.rules\`}}, "trailing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateIgnoreRule(tc.rule)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestBuiltinIgnoresValid(t *testing.T) {
	rules := BuiltinIgnores()
	if len(rules) == 0 {
		t.Fatal("no built-in rules")
	}
	for _, r := range rules {
		if err := ValidateIgnoreRule(r); err != nil {
			t.Errorf("built-in rule %+v: %v", r, err)
		}
		if r.Source != BuiltinSource || r.Reason == "" {
			t.Errorf("built-in rule %+v lacks source or reason", r)
		}
	}
	rules[0].Annotations[0] = "changed"
	if BuiltinIgnores()[0].Annotations[0] == "changed" {
		t.Error("BuiltinIgnores returned the table itself")
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"spec.defaultBackend*", "spec.defaultBackend", true},
		{"spec.defaultBackend*", "spec.defaultBackend.service.port.number", true},
		{"spec.defaultBackend*", "spec.rules[host=a]", false},
		{"spec.rules[host=*.internal]*", "spec.rules[host=shop.internal].http.paths[path=/api/v1].backend.service.name", true},
		{"spec.rules[host=*.internal]*", "spec.rules[host=shop.internal]", true},
		{"spec.rules[host=*.internal]*", "spec.rules[host=shop.example.com].http.paths[path=/x.internal]", true}, // "*" crosses "]": write the glob narrowly
		{"spec.rules[host=*.internal]", "spec.rules[host=shop.internal].http.paths[path=/]", false},
		{"spec.rules[host=?]", "spec.rules[host=a]", true},
		{"spec.rules[host=?]", "spec.rules[host=]", false},
		{`spec.rules[host=\*]`, "spec.rules[host=*]", true},
		{`spec.rules[host=\*]`, "spec.rules[host=a]", false},
		{"metadata.annotations[example.com/*]", "metadata.annotations[example.com/a/b]", true},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
	} {
		if got := globMatch(tc.pat, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
}

func TestIgnoredByDescribesRule(t *testing.T) {
	rule := IgnoreRule{Namespace: "shop", Name: "sh*", Annotations: []string{"example.com/*"}, Source: ".ingress-drift.yaml:3", Reason: "deploy bot"}
	res := Diff(ing(nil), ing(map[string]string{"example.com/deployed": "now"}), Options{Ignore: []IgnoreRule{rule}})
	if len(res.Changes) != 0 || len(res.Ignored) != 1 {
		t.Fatalf("changes %+v ignored %+v, want one ignored", res.Changes, res.Ignored)
	}
	want := ".ingress-drift.yaml:3: annotations example.com/* (namespace=shop name=sh*): deploy bot"
	if got := res.Ignored[0].IgnoredBy; got != want {
		t.Errorf("IgnoredBy %q, want %q", got, want)
	}
	if res.Drifted() {
		t.Error("an object with only ignored changes is drifted")
	}
	// The same rule for another name does not apply.
	rule.Name = "other"
	if res := Diff(ing(nil), ing(map[string]string{"example.com/deployed": "now"}), Options{Ignore: []IgnoreRule{rule}}); len(res.Changes) != 1 {
		t.Errorf("rule for another name hid a change: %+v", res)
	}
	// A rule without Source still says where it came from.
	if got := describeIgnore(IgnoreRule{}, "labels", "x"); got != "options: labels x (all objects)" {
		t.Errorf("describeIgnore without source: %q", got)
	}
}

func TestBuiltinBeforeUserRules(t *testing.T) {
	user := IgnoreRule{Annotations: []string{"ingress.kubernetes.io/*"}, Source: "user"}
	res := Diff(ing(nil), ing(map[string]string{"ingress.kubernetes.io/url-map": "um"}), Options{Ignore: []IgnoreRule{user}})
	if len(res.Ignored) != 1 || !strings.HasPrefix(res.Ignored[0].IgnoredBy, "built-in:") {
		t.Errorf("want the built-in rule to be named first: %+v", res.Ignored)
	}
	res = Diff(ing(nil), ing(map[string]string{"ingress.kubernetes.io/url-map": "um"}), Options{Ignore: []IgnoreRule{user}, NoBuiltinIgnores: true})
	if len(res.Ignored) != 1 || !strings.HasPrefix(res.Ignored[0].IgnoredBy, "user:") {
		t.Errorf("without built-ins the user rule should hide it: %+v", res.Ignored)
	}
}
