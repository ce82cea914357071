package diffengine

import (
	"fmt"
	"strings"
)

// Op says what happened to a field on the live side relative to Git.
type Op string

// The three operations a Change can carry.
const (
	// OpAdded: present live, absent in Git (someone added it by hand).
	OpAdded Op = "added"
	// OpRemoved: present in Git, absent live.
	OpRemoved Op = "removed"
	// OpChanged: present on both sides with different values.
	OpChanged Op = "changed"
)

// Category groups changes by the part of an Ingress they hit.
type Category string

// The categories, in the order the UI shows them.
const (
	// CategoryRouting covers rules, hosts, paths, backends and defaultBackend.
	CategoryRouting Category = "routing"
	// CategoryTLS covers spec.tls.
	CategoryTLS Category = "tls"
	// CategoryController covers ingressClassName and annotations of known
	// ingress controllers.
	CategoryController Category = "controller"
	// CategoryMetadata covers every other label and annotation.
	CategoryMetadata Category = "metadata"
)

// Categories lists every category in display order.
var Categories = []Category{CategoryRouting, CategoryTLS, CategoryController, CategoryMetadata}

// Severity ranks how much a change matters. The zero value, SeverityNone,
// means "no drift"; higher values are worse.
type Severity int

// Severities from harmless to dangerous.
const (
	// SeverityNone is the severity of an object without drift.
	SeverityNone Severity = iota
	// SeverityLow: metadata only.
	SeverityLow
	// SeverityMedium: controller configuration.
	SeverityMedium
	// SeverityHigh: routing or TLS changes that do not weaken security.
	SeverityHigh
	// SeverityCritical: changes that weaken security or take traffic away
	// from TLS.
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

// String returns the lower-case name used in the UI and in JSON.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText encodes the severity by name, so JSON shows "critical".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if strings.EqualFold(n, string(b)) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", string(b))
}

// Change is one field-level difference between Git and live.
type Change struct {
	// Path is the semantic, human-readable path, e.g.
	// spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number
	Path string `json:"path"`
	// At is the same place as structure (Path is At.String()): what code
	// that acts on the change reads. It is not in the JSON output, whose
	// readers have Path.
	At Locator `json:"-"`
	// Field is the plain object path of the field as managedFields records
	// it (map keys, no list selectors; atomic lists such as spec.rules and
	// spec.tls end at the list), e.g. ["metadata","annotations","a/b"] or
	// ["spec","rules"]. The cluster side uses it to find which managers own
	// the field.
	Field []string `json:"-"`
	// Op is added, removed or changed (seen from Git towards live).
	Op Op `json:"op"`
	// Category is the part of the Ingress the change hits.
	Category Category `json:"category"`
	// Severity is how much the change matters.
	Severity Severity `json:"severity"`
	// Git is the value in the manifest (nil when absent). Scalars stay
	// scalars (port numbers are int64, never float64); structs are the
	// JSON-shaped value (map[string]any, []any).
	Git any `json:"git"`
	// Live is the value in the cluster (nil when absent).
	Live any `json:"live"`
	// Rule names the severity rule that classified this change.
	Rule string `json:"rule,omitempty"`
	// Advisory is the rule's advisory (CVE ids and their URLs), empty when
	// the rule cites none.
	Advisory string `json:"advisory,omitempty"`
}

// IgnoredChange is a difference that an ignore rule hid. It never makes an
// object drifted, but the UI can show it with the rule that hid it.
type IgnoredChange struct {
	Change
	// IgnoredBy describes the rule, e.g. ".ingress-drift.yaml: annotations
	// ingress.kubernetes.io/* (all objects)" or "built-in: ingress-gce status
	// annotation".
	IgnoredBy string `json:"ignoredBy"`
}

// Result is the outcome of one Diff.
type Result struct {
	// Changes are the differences that count, sorted by path.
	Changes []Change `json:"changes"`
	// Ignored are differences hidden by ignore rules, sorted by path.
	Ignored []IgnoredChange `json:"ignored"`
}

// Drifted reports whether any change counts.
func (r Result) Drifted() bool { return len(r.Changes) > 0 }

// Severity is the highest severity among the changes (SeverityNone if none).
func (r Result) Severity() Severity {
	s := SeverityNone
	for _, c := range r.Changes {
		if c.Severity > s {
			s = c.Severity
		}
	}
	return s
}

// Categories lists the categories the changes hit, in display order.
func (r Result) Categories() []Category {
	var seen [4]bool
	for _, c := range r.Changes {
		for i, k := range Categories {
			if c.Category == k {
				seen[i] = true
			}
		}
	}
	var out []Category
	for i, k := range Categories {
		if seen[i] {
			out = append(out, k)
		}
	}
	return out
}
