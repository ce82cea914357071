package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// maxOthers is how many other Ingresses one route-claimed-twice finding
// lists: a route claimed by thousands would otherwise hold a list of
// thousands in each of thousands of findings (quadratic memory). The
// message says how many more there are.
const maxOthers = 50

// claim is one route a live object claims: its effective IngressClass and
// a host, path and pathType of its rules, the pathType defaulted as the
// diff defaults it (diffengine.PathTypeOf) and the host as the diff
// matches rules (diffengine.RuleKey; "" is the rule without host).
type claim struct {
	class, host, path string
	pathType          networkingv1.PathType
}

func compareClaims(a, b claim) int {
	return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.host, b.host), cmp.Compare(a.path, b.path), cmp.Compare(a.pathType, b.pathType))
}

// backendRef is a service backend as its Ingress names it: the Ingress's
// namespace, the service and its port (name or number).
type backendRef struct {
	namespace, service, portName string
	portNumber                   int32
}

func compareRefs(a, b backendRef) int {
	return cmp.Or(cmp.Compare(a.namespace, b.namespace), cmp.Compare(a.service, b.service), cmp.Compare(a.portName, b.portName), cmp.Compare(a.portNumber, b.portNumber))
}

// backendUse is who uses one backend: the live objects, and how many
// manifests (documents of any source).
type backendUse struct {
	live    keySet
	desired int
}

// uses counts every user: a live object whose backend nothing else uses
// has uses 1.
func (u *backendUse) uses() int { return len(u.live.list) + u.desired }

// effectiveClass is the IngressClass a controller gives ing:
// spec.ingressClassName, else the deprecated annotation, else the
// cluster's default class ("" when none).
func effectiveClass(ing *networkingv1.Ingress, defaultClass string) string {
	if c := ing.Spec.IngressClassName; c != nil && *c != "" {
		return *c
	}
	if c, ok := ing.Annotations[diffengine.IngressClassAnnotation]; ok {
		return c
	}
	return defaultClass
}

// claimsOf lists the routes a live object claims, sorted, each once (the
// diff merges rules of one host and paths equal in everything, and a set
// does the same). Nil for nil.
func claimsOf(l *LiveObject, defaultClass string) []claim {
	if l == nil {
		return nil
	}
	class := effectiveClass(l.Ingress, defaultClass)
	var out []claim
	for _, r := range l.Ingress.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			out = append(out, claim{class: class, host: diffengine.RuleKey(r), path: p.Path, pathType: diffengine.PathTypeOf(p.PathType)})
		}
	}
	if len(out) > 1 {
		slices.SortFunc(out, compareClaims)
		out = slices.Compact(out)
	}
	return out
}

// serviceRef is the ref of a backend, if it names a service (as
// Normalize keeps it: a name or a port).
func serviceRef(ns string, b networkingv1.IngressBackend) (backendRef, bool) {
	s := b.Service
	if s == nil || s.Name == "" && s.Port.Name == "" && s.Port.Number == 0 {
		return backendRef{}, false
	}
	return backendRef{namespace: ns, service: s.Name, portName: s.Port.Name, portNumber: s.Port.Number}, true
}

// refsOf lists the service backends an Ingress of namespace ns uses,
// sorted, each once.
func refsOf(ing *networkingv1.Ingress, ns string) []backendRef {
	if ing == nil {
		return nil
	}
	var out []backendRef
	if b := ing.Spec.DefaultBackend; b != nil {
		if r, ok := serviceRef(ns, *b); ok {
			out = append(out, r)
		}
	}
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for _, p := range rule.HTTP.Paths {
			if r, ok := serviceRef(ns, p.Backend); ok {
				out = append(out, r)
			}
		}
	}
	if len(out) > 1 {
		slices.SortFunc(out, compareRefs)
		out = slices.Compact(out)
	}
	return out
}

func liveRefs(l *LiveObject) []backendRef {
	if l == nil {
		return nil
	}
	return refsOf(l.Ingress, l.Ingress.Namespace)
}

// diffSorted walks two sorted, duplicate-free lists and calls gone for
// what only old holds and came for what only cur holds.
func diffSorted[T any](old, cur []T, compare func(a, b T) int, gone, came func(T)) {
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(old) && compare(old[i], cur[j]) < 0:
			gone(old[i])
			i++
		case i == len(old) || compare(old[i], cur[j]) > 0:
			came(cur[j])
			j++
		default:
			i++
			j++
		}
	}
}

// reindexLive moves key k's claims and live backends in the indexes from
// what old's live object holds to what e's holds (either entry may be nil)
// and returns the other keys whose findings that can change: those that
// share a claim k made or makes, and the one live user of a backend whose
// number of users crossed one (used elsewhere or not). Nothing is done
// when both hold the same live object with the same default class (a
// repo change). Callers hold mu.
func (inv *Inventory) reindexLive(k Key, old, e *Entry) []Key {
	var ol, nl *LiveObject
	var od, nd string
	if old != nil {
		ol, od = old.Live, old.defaultClass
	}
	if e != nil {
		nl, nd = e.Live, e.defaultClass
	}
	if ol == nl && (ol == nil || od == nd) {
		return nil
	}
	var others []Key
	diffSorted(claimsOf(ol, od), claimsOf(nl, nd), compareClaims, func(c claim) {
		keys := inv.claims[c]
		if i, ok := slices.BinarySearchFunc(keys, k, CompareKeys); ok {
			keys = slices.Delete(keys, i, i+1)
		}
		if len(keys) == 0 {
			delete(inv.claims, c)
		} else {
			inv.claims[c] = keys
			others = append(others, keys...)
		}
	}, func(c claim) {
		keys := inv.claims[c]
		others = append(others, keys...)
		if i, ok := slices.BinarySearchFunc(keys, k, CompareKeys); !ok {
			inv.claims[c] = slices.Insert(keys, i, k)
		}
	})
	if ol != nl {
		diffSorted(liveRefs(ol), liveRefs(nl), compareRefs, func(r backendRef) {
			others = inv.useBackend(r, k, false, 0, others)
		}, func(r backendRef) {
			others = inv.useBackend(r, k, true, 0, others)
		})
	}
	return others
}

// useBackend adds (or removes) the live user k of r, or adds desired
// manifests using it, and appends to others the live users other than k
// when the count of users crossed one: only then can their
// backend-used-nowhere-else finding change. Callers hold mu.
func (inv *Inventory) useBackend(r backendRef, k Key, add bool, desired int, others []Key) []Key {
	u := inv.backends[r]
	if u == nil {
		u = &backendUse{}
		inv.backends[r] = u
	}
	before := u.uses()
	switch {
	case desired != 0:
		u.desired += desired
	case add:
		u.live.add(k)
	default:
		u.live.remove(k)
	}
	after := u.uses()
	if (before == 1) != (after == 1) {
		for _, o := range u.live.list {
			if o != k {
				others = append(others, o)
			}
		}
	}
	if after == 0 {
		delete(inv.backends, r)
	}
	return others
}

// countDesired brings the manifests' backend counts from what old's
// documents use to what cur's use (either may be nil), and returns the
// live keys whose findings that can change. Only the net change per
// backend is applied: a re-read file whose documents use what they used
// costs a walk of them, not a crossing. Callers hold mu.
func (inv *Inventory) countDesired(old, cur *source) []Key {
	delta := map[backendRef]int{}
	for _, s := range []struct {
		src *source
		d   int
	}{{old, -1}, {cur, 1}} {
		if s.src == nil {
			continue
		}
		for _, doc := range s.src.docs {
			for _, r := range refsOf(doc.Ingress, doc.Key().Namespace) {
				delta[r] += s.d
			}
		}
	}
	var others []Key
	for r, d := range delta {
		if d != 0 {
			others = inv.useBackend(r, Key{}, false, d, others)
		}
	}
	return others
}

// refreshFindings computes the findings of k's entry again after another
// key changed the indexes, and publishes the entry only if they changed.
// Callers hold mu.
func (inv *Inventory) refreshFindings(k Key) {
	old := inv.entries[k]
	if old == nil || old.Live == nil {
		return
	}
	f := inv.findings(old)
	if slices.EqualFunc(f, old.Findings, sameFinding) {
		return
	}
	e := *old
	e.Findings = f
	inv.version++
	e.Version = inv.version
	inv.entries[k] = &e
	inv.publish(k)
}

// refreshAll refreshes the findings of keys (duplicates allowed) except
// those in skip. Callers hold mu.
func (inv *Inventory) refreshAll(keys []Key, skip map[Key]struct{}) {
	if len(keys) > 1 {
		slices.SortFunc(keys, CompareKeys)
		keys = slices.Compact(keys)
	}
	for _, k := range keys {
		if _, ok := skip[k]; !ok {
			inv.refreshFindings(k)
		}
	}
}

func sameFinding(a, b Finding) bool {
	return a.Kind == b.Kind && a.Severity == b.Severity && a.Message == b.Message && a.Host == b.Host &&
		a.Path == b.Path && a.PathType == b.PathType && a.Class == b.Class && a.Suspect == b.Suspect && slices.Equal(a.Others, b.Others)
}

// kindOrder is the order findings are sorted in: the declaration order
// of the kinds, conflicts between objects first, hints last.
var kindOrder = map[FindingKind]int{FindingRouteClaimed: 0, FindingHostWithoutTLS: 1, FindingTLSHostUnserved: 2, FindingBackendUnused: 3}

// findings computes the findings of an entry from its live object, its
// changes and the indexes (which must already hold the entry's claims).
// Nil when the object is not live. Callers hold mu.
func (inv *Inventory) findings(e *Entry) []Finding {
	if e.Live == nil {
		return nil
	}
	out := inv.routeFindings(e, nil)
	out = tlsFindings(e.Live.Ingress, out)
	out = inv.backendFindings(e, out)
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.Host, b.Host), cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.PathType, b.PathType), cmp.Compare(a.Class, b.Class), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// routeFindings appends a route-claimed-twice finding for each route of
// e's live object that another live Ingress of its class claims.
func (inv *Inventory) routeFindings(e *Entry, out []Finding) []Finding {
	notInGit := e.Status == StatusMissingGit && !e.GitUnknown
	for _, c := range claimsOf(e.Live, e.defaultClass) {
		keys := inv.claims[c]
		if len(keys) < 2 {
			continue
		}
		others := make([]Key, 0, min(len(keys)-1, maxOthers))
		for _, o := range keys {
			if o != e.Key && len(others) < maxOthers {
				others = append(others, o)
			}
		}
		drift := claimIsDrift(e.Changes, c)
		f := Finding{
			Kind: FindingRouteClaimed, Host: c.host, Path: c.path, PathType: string(c.pathType), Class: c.class,
			Others: others, Suspect: notInGit || drift,
			// The suspect is the likely cause of traffic going where Git
			// does not say, as routing drift is (high in the severity
			// table); the others are hit by it, not its cause: medium,
			// so that the cause sorts first.
			Severity: diffengine.SeverityMedium,
		}
		route := fmt.Sprintf("%s in %s is also claimed by %s", routeWords(c.host, c.path, string(c.pathType)), classWords(c.class), keyList(others, len(keys)-1))
		switch {
		case notInGit:
			f.Severity = diffengine.SeverityHigh
			f.Message = route + "; this object is not in Git, so it may be taking the route from them (which one serves it depends on the controller)"
		case drift:
			f.Severity = diffengine.SeverityHigh
			f.Message = route + "; this object's claim was added or changed live, so it may be taking the route from them (which one serves it depends on the controller)"
		default:
			f.Message = route + "; which one serves it depends on the controller"
		}
		out = append(out, f)
	}
	return out
}

// claimIsDrift says whether the live object's claim c is drift: its rule,
// its rule's paths or the path were added live, the rule's host was
// renamed to c's, the path's pathType changed to c's, or its backend
// changed live.
func claimIsDrift(changes []AttributedChange, c claim) bool {
	for i := range changes {
		at := &changes[i].At
		if at.Section != diffengine.SectionRules || at.Rule == nil {
			continue
		}
		live, _ := changes[i].Live.(string)
		sub := ""
		if len(at.Sub) > 0 {
			sub = at.Sub[0]
		}
		if at.Path == nil {
			switch {
			case sub == "host":
				// A rename: the locator names Git's host.
				if live == c.host {
					return true
				}
			case at.Rule.Host != c.host:
			case sub == "" && changes[i].Op == diffengine.OpAdded, sub == "http" && changes[i].Op != diffengine.OpRemoved:
				return true
			}
			continue
		}
		if at.Rule.Host != c.host || at.Path.Path != c.path {
			continue
		}
		switch sub {
		case "":
			if changes[i].Op == diffengine.OpAdded && at.Path.PathType == c.pathType {
				return true
			}
		case "pathType":
			// The locator names Git's pathType.
			if live == string(c.pathType) {
				return true
			}
		case "backend":
			if at.Path.PathType == c.pathType {
				return true
			}
		}
	}
	return false
}

// tlsFindings appends host-without-tls for each rule host that no TLS
// entry covers while another is covered, and tls-host-unserved for each
// TLS host that nothing of the object serves.
func tlsFindings(ing *networkingv1.Ingress, out []Finding) []Finding {
	s := &ing.Spec
	if len(s.TLS) == 0 {
		return out
	}
	var hosts []string
	// A rule without host serves every host; so does a defaultBackend,
	// which the Ingress API gives every request that no rule matches.
	servesAll := s.DefaultBackend != nil
	for _, r := range s.Rules {
		if r.Host == "" {
			servesAll = true
		} else if !slices.Contains(hosts, r.Host) {
			hosts = append(hosts, r.Host)
		}
	}
	// An entry without hosts defaults to the controller's wildcard host:
	// it covers every host.
	tlsAll := false
	var tlsHosts []string
	secretOf := map[string]string{}
	for _, t := range s.TLS {
		n := 0
		for _, h := range t.Hosts {
			if h == "" {
				continue
			}
			n++
			if !slices.Contains(tlsHosts, h) {
				tlsHosts = append(tlsHosts, h)
				secretOf[h] = t.SecretName
			}
		}
		tlsAll = tlsAll || n == 0
	}
	if !tlsAll {
		var covered, uncovered []string
		for _, h := range hosts {
			if slices.ContainsFunc(tlsHosts, func(t string) bool { return hostMatches(t, h) }) {
				covered = append(covered, h)
			} else {
				uncovered = append(uncovered, h)
			}
		}
		if len(covered) > 0 {
			for _, h := range uncovered {
				// Medium, not more: nothing changed (a TLS host removed
				// live is itself critical drift), but the host is served
				// without the object's certificate.
				out = append(out, Finding{Kind: FindingHostWithoutTLS, Severity: diffengine.SeverityMedium, Host: h,
					Message: fmt.Sprintf("%s is in this object's rules but no TLS entry covers it, while %s is covered: it is served over plain HTTP or with the controller's default certificate", h, strings.Join(covered, ", "))})
			}
		}
	}
	if servesAll {
		return out
	}
	for _, t := range tlsHosts {
		if slices.ContainsFunc(hosts, func(h string) bool { return hostMatches(h, t) || hostMatches(t, h) }) {
			continue
		}
		// Low: no traffic goes anywhere it should not, but it is often a
		// typo of a rule host (which then lacks TLS).
		out = append(out, Finding{Kind: FindingTLSHostUnserved, Severity: diffengine.SeverityLow, Host: t,
			Message: fmt.Sprintf("the TLS entry %s names %s, which no rule of this object serves: a leftover, or a typo of a rule host", secretWords(secretOf[t]), t)})
	}
	return out
}

// hostMatches says whether the TLS or rule host pattern covers host: the
// same host, or a wildcard "*.example.com" that covers one more label
// ("a.example.com", not "a.b.example.com" nor "example.com").
func hostMatches(pattern, host string) bool {
	if pattern == host {
		return true
	}
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	label, ok := strings.CutSuffix(host, suffix)
	return ok && label != "" && !strings.Contains(label, ".")
}

// backendFindings appends a backend-used-nowhere-else hint for each
// backend of a drifted entry whose service name or port changed live to
// one that no other live Ingress and no manifest uses.
func (inv *Inventory) backendFindings(e *Entry, out []Finding) []Finding {
	if e.Status != StatusDrifted {
		return out
	}
	type place struct {
		def  bool
		at   diffengine.PathSel
		host string
	}
	var places []place
	for i := range e.Changes {
		at := &e.Changes[i].At
		switch {
		case at.Section == diffengine.SectionDefaultBackend && (len(at.Sub) == 0 || at.Sub[0] == "service"):
			places = append(places, place{def: true})
		case at.Section == diffengine.SectionRules && at.Path != nil && len(at.Sub) >= 2 && at.Sub[0] == "backend" && at.Sub[1] == "service":
			p := place{at: *at.Path, host: at.Rule.Host}
			// With the pathType changed too, the locator names Git's.
			for j := range e.Changes {
				if o := e.Changes[j].At; o.Path != nil && o.Rule.Host == p.host && *o.Path == *at.Path && slices.Equal(o.Sub, []string{"pathType"}) {
					if pt, ok := e.Changes[j].Live.(string); ok {
						p.at.PathType = networkingv1.PathType(pt)
					}
				}
			}
			if !slices.Contains(places, p) {
				places = append(places, p)
			}
		}
	}
	if len(places) == 0 {
		return out
	}
	n := diffengine.Normalize(e.Live.Ingress, e.Key.Namespace)
	for _, p := range places {
		var b *networkingv1.IngressBackend
		where := "the defaultBackend"
		if p.def {
			b = n.Spec.DefaultBackend
		} else {
			b = livePath(n, p.host, p.at)
			where = routeWords(p.host, p.at.Path, string(p.at.PathType))
		}
		if b == nil {
			continue
		}
		r, ok := serviceRef(e.Key.Namespace, *b)
		if !ok {
			continue
		}
		if u := inv.backends[r]; u == nil || u.uses() != 1 {
			continue
		}
		f := Finding{Kind: FindingBackendUnused, Severity: diffengine.SeverityLow,
			Message: fmt.Sprintf("%s was changed live to %s, which no other live Ingress and no manifest uses: a likely typo", where, refWords(r))}
		if !p.def {
			f.Host, f.Path, f.PathType = p.host, p.at.Path, string(p.at.PathType)
		}
		out = append(out, f)
	}
	return out
}

// livePath finds the backend of the path at selects in the normalized
// object n's rule of host (nil when there is none).
func livePath(n *networkingv1.Ingress, host string, at diffengine.PathSel) *networkingv1.IngressBackend {
	for i := range n.Spec.Rules {
		r := &n.Spec.Rules[i]
		if r.Host != host || r.HTTP == nil {
			continue
		}
		occ := 0
		for j := range r.HTTP.Paths {
			p := &r.HTTP.Paths[j]
			if p.Path == at.Path && diffengine.PathTypeOf(p.PathType) == at.PathType {
				if occ++; occ == max(at.Occurrence, 1) {
					return &p.Backend
				}
			}
		}
	}
	return nil
}

// routeWords names a route for people: "shop.example.com/api (Prefix)",
// "any host/api (Prefix)" for a rule without host.
func routeWords(host, path, pathType string) string {
	if host == "" {
		host = "any host"
	}
	return fmt.Sprintf("%s%s (%s)", host, path, pathType)
}

func classWords(class string) string {
	if class == "" {
		return "no IngressClass"
	}
	return "class " + class
}

func secretWords(secret string) string {
	if secret == "" {
		return "without secret"
	}
	return "of secret " + secret
}

func refWords(r backendRef) string {
	port := r.portName
	if port == "" {
		port = fmt.Sprint(r.portNumber)
	}
	return fmt.Sprintf("service %s port %s", r.service, port)
}

// keyList names up to three keys of listed, and how many more of total
// there are.
func keyList(listed []Key, total int) string {
	var names []string
	for i, k := range listed {
		if i == 3 {
			break
		}
		names = append(names, k.String())
	}
	s := strings.Join(names, ", ")
	if more := total - len(names); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}
