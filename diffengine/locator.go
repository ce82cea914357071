package diffengine

import (
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// Section is the part of an Ingress a Locator points into.
type Section uint8

// The sections of an Ingress that changes are found in.
const (
	// SectionAnnotations: one annotation, Locator.Key.
	SectionAnnotations Section = iota + 1
	// SectionLabels: one label, Locator.Key.
	SectionLabels
	// SectionClass: spec.ingressClassName.
	SectionClass
	// SectionDefaultBackend: spec.defaultBackend, or the field Sub under it.
	SectionDefaultBackend
	// SectionRules: one rule (Locator.Rule), one of its paths
	// (Locator.Path), or the field Sub under either.
	SectionRules
	// SectionTLS: one TLS entry (Locator.TLS), one of its hosts
	// (Locator.TLSHost), or the field Sub under it.
	SectionTLS
)

// Locator is where a change is, as structure: the same place Change.Path
// names for people, which is formatted from it (Locator.String). Code that
// acts on a change (writing it back to a file) reads the locator and finds
// the elements with RuleSel.Select, PathSel.Select and TLSSel.Select, so
// that the matching rules live here, next to the diff that applies them,
// and no one parses the display path.
type Locator struct {
	// Section is the part of the Ingress.
	Section Section
	// Key is the annotation or label key (SectionAnnotations,
	// SectionLabels).
	Key string
	// Rule selects the rule (SectionRules).
	Rule *RuleSel
	// Path, when set, selects one path of Rule.
	Path *PathSel
	// TLS selects the TLS entry (SectionTLS).
	TLS *TLSSel
	// TLSHost, when not empty, is the one host of the TLS entry the change
	// is about (normalized hosts are never empty).
	TLSHost string
	// Sub is the field path below what the selectors select, e.g.
	// ["backend","service","port","number"] under a path, ["host"] or
	// ["http"] under a rule, ["secretName"] under a TLS entry, ["service"]
	// under the defaultBackend; empty for the selected element itself.
	Sub []string
}

// RuleSel selects a rule by its host; "" is the rule without host (it
// matches every host). Several rules of a manifest with the same host are
// one rule to the diff (Normalize merges them).
type RuleSel struct {
	Host string
}

// PathSel selects a path of a rule by (path, pathType) and, among
// normalized paths equal in both, by occurrence (position).
type PathSel struct {
	// Path is the path string.
	Path string
	// PathType is the path's type, defaulted as Normalize does
	// (ImplementationSpecific when unset). Matching always uses it.
	PathType networkingv1.PathType
	// TypeShown says whether the display path names the pathType: only
	// when the rule holds more than one path with this path string on
	// either side. It changes nothing about matching.
	TypeShown bool
	// Occurrence is 1 for the first normalized path equal in (path,
	// pathType), 2 for the next, in list order: the order a controller
	// picks one of them by (normalized paths keep it).
	Occurrence int
	// After is, for a path added live where Git has paths equal to it,
	// how many of Git's (counted as Occurrence counts them) come before it:
	// a writer inserts it after the After-th (0: before the first). It
	// changes nothing about matching or display.
	After int
}

// TLSSel selects a TLS entry by secretName and whether it lists hosts, or,
// when SecretName is empty, by its (normalized) host set.
type TLSSel struct {
	SecretName string
	// Hosts are the entry's hosts, normalized (sorted, deduplicated, no
	// empty strings). With a SecretName only their absence selects: the
	// secret's entry without hosts, which serves every host, is another
	// entry than the (merged) ones that list hosts.
	Hosts []string
}

// RuleKey is the key rules are matched by: the host.
func RuleKey(r networkingv1.IngressRule) string { return r.Host }

// Key is the RuleKey of the rules s selects.
func (s RuleSel) Key() string { return s.Host }

// Matches says whether s selects the rule r (of a manifest, not
// normalized): Select without the list of indices, for callers that walk
// the rules themselves.
func (s RuleSel) Matches(r networkingv1.IngressRule) bool { return RuleKey(r) == s.Key() }

// Select returns the indices of the rules of a manifest (not normalized)
// that s selects: every rule with its host.
func (s RuleSel) Select(rules []networkingv1.IngressRule) []int {
	var out []int
	for i, r := range rules {
		if s.Matches(r) {
			out = append(out, i)
		}
	}
	return out
}

// PathTypeOf is a path's type as Normalize defaults it: ImplementationSpecific
// when unset, the value the API server defaulted through the beta APIs.
func PathTypeOf(pt *networkingv1.PathType) networkingv1.PathType {
	if pt == nil {
		return networkingv1.PathTypeImplementationSpecific
	}
	return *pt
}

// PathKey is the key paths are matched by inside a rule: (path, pathType
// defaulted). Paths equal in it are told apart by occurrence.
func PathKey(p networkingv1.HTTPIngressPath) string {
	return p.Path + "\x00" + string(PathTypeOf(p.PathType))
}

// Key is the PathKey of the paths s selects.
func (s PathSel) Key() string {
	return PathKey(networkingv1.HTTPIngressPath{Path: s.Path, PathType: &s.PathType})
}

// Select returns the indices of the paths of a manifest (not normalized;
// the paths of every rule s's rule selects, in document order) that s
// selects: among those with its key, in order, the Occurrence-th, where a
// path equal in everything to the one before it counts with it (Normalize
// keeps such a run once, and all of it is selected).
func (s PathSel) Select(paths []networkingv1.HTTPIngressPath) []int {
	key := s.Key()
	occ := max(s.Occurrence, 1)
	var out []int
	var prev networkingv1.HTTPIngressPath
	n := 0
	for i, p := range paths {
		if PathKey(p) != key {
			continue
		}
		np := normPath(p, ptrTo(PathTypeOf(p.PathType)))
		if n == 0 || !samePath(prev, np) {
			n++
		}
		prev = np
		if n == occ {
			out = append(out, i)
		} else if n > occ {
			break
		}
	}
	return out
}

// TLSKey is the key TLS entries are matched by: the secretName and
// whether the entry lists hosts, or, for an entry without a secretName,
// its normalized host set.
func TLSKey(t networkingv1.IngressTLS) string {
	hosts := normHosts(slices.Clone(t.Hosts))
	switch {
	case t.SecretName == "":
		return "h:" + strings.Join(hosts, "\x00")
	case len(hosts) == 0:
		return "a:" + t.SecretName // for all hosts
	}
	return "s:" + t.SecretName
}

// Key is the TLSKey of the entries s selects.
func (s TLSSel) Key() string {
	return TLSKey(networkingv1.IngressTLS{SecretName: s.SecretName, Hosts: s.Hosts})
}

// Select returns the indices of the TLS entries of a manifest (not
// normalized) that s selects: every entry with its key (Normalize merges
// the entries of one secretName that list hosts).
func (s TLSSel) Select(tls []networkingv1.IngressTLS) []int {
	key := s.Key()
	var out []int
	for i, t := range tls {
		if TLSKey(t) == key {
			out = append(out, i)
		}
	}
	return out
}
