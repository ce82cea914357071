package model

import "github.com/ingress-drift/ingress-drift/diffengine"

// FindingKind names one rule of the findings: what the live objects do to
// each other (or to themselves) that is worth knowing next to their drift.
// The words are a public interface (`check -o json`).
type FindingKind string

// The finding rules.
const (
	// FindingRouteClaimed: the same host, path and pathType are claimed by
	// two or more live Ingresses of the same class; which one serves the
	// route depends on the controller. Prefix and ImplementationSpecific
	// may be the same route (the message says so); two defaultBackends of
	// one class are a claim too, without host or path.
	FindingRouteClaimed FindingKind = "route-claimed-twice"
	// FindingHostWithoutTLS: a host of the object's rules that no TLS entry
	// covers while other hosts of the object are covered.
	FindingHostWithoutTLS FindingKind = "host-without-tls"
	// FindingTLSHostUnserved: a TLS entry names a host that no rule of the
	// object serves.
	FindingTLSHostUnserved FindingKind = "tls-host-unserved"
	// FindingBackendUnused: a backend drifted to a service name or port that
	// no other live Ingress and no manifest uses (a likely typo), unless
	// the service is used with a port of the other form (name or number),
	// which may be the same port.
	FindingBackendUnused FindingKind = "backend-used-nowhere-else"
)

// Finding is one finding about an entry's live object. Findings are never
// drift: they do not change Status or Severity, and count in `check`'s exit
// code only with --fail-on-findings.
type Finding struct {
	// Kind is the rule that found it.
	Kind FindingKind `json:"kind"`
	// Severity is how much it matters (low for hints).
	Severity diffengine.Severity `json:"severity"`
	// Message says what was found and what it does, in one sentence.
	Message string `json:"message"`
	// Host, Path and PathType locate it in the object ("" when not about a
	// host or path).
	Host     string `json:"host,omitempty"`
	Path     string `json:"path,omitempty"`
	PathType string `json:"pathType,omitempty"`
	// Class is the IngressClass the claim is made in (route-claimed-twice).
	Class string `json:"class,omitempty"`
	// Others are the other live Ingresses involved (route-claimed-twice),
	// sorted.
	Others []Key `json:"others,omitempty"`
	// Suspect is set on the object of a conflict that is the likely cause:
	// it is not in Git, or its claim is drift.
	Suspect bool `json:"suspect,omitempty"`
}
