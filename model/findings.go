package model

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
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
// a host, path and pathType of its rules, the host as the diff matches
// rules (diffengine.RuleKey; "" is the rule without host) and the
// pathType as a controller may match it (matchType). The defaultBackend
// is the claim with no pathType (defaultClaim).
type claim struct {
	class, host, path string
	pathType          networkingv1.PathType
}

// matchType is the pathType a claim is indexed by: Prefix for Prefix and
// for ImplementationSpecific (defaulted as the diff defaults it,
// diffengine.PathTypeOf), Exact for Exact. ingress-nginx rewrites
// ImplementationSpecific to Prefix (SetDefaultNGINXPathType) and Traefik
// matches it with PathPrefix unless an annotation says otherwise, so
// "Prefix /" and "ImplementationSpecific /" may be one route to the
// controller; the finding names both and says "may" (routeFindings).
func matchType(pt *networkingv1.PathType) networkingv1.PathType {
	if t := diffengine.PathTypeOf(pt); t == networkingv1.PathTypeExact {
		return t
	}
	return networkingv1.PathTypePrefix
}

// defaultClaim is the claim an Ingress with a spec.defaultBackend makes
// in its class: a controller has one backend for requests that match no
// rule, so two such Ingresses of one class conflict. No path claims it:
// every path has a pathType.
func defaultClaim(class string) claim { return claim{class: class} }

func compareClaims(a, b claim) int {
	return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.host, b.host), cmp.Compare(a.path, b.path), cmp.Compare(a.pathType, b.pathType))
}

// backendRef is a service backend as its Ingress names it: the Ingress's
// namespace, the service and its port (name or number).
type backendRef struct {
	namespace, service, portName string
	portNumber                   int32
}

// serviceKey is the service a backendRef names.
type serviceKey struct{ namespace, service string }

func (r backendRef) serviceKey() serviceKey { return serviceKey{r.namespace, r.service} }

// serviceUse counts the uses of a service's ports by form: a port name
// and a port number cannot be matched without reading the Service (which
// is never read), so a use of the other form may be the same port.
type serviceUse struct{ named, numbered int }

// add counts d uses of r's port form.
func (u serviceUse) add(r backendRef, d int) serviceUse {
	if r.portName != "" {
		u.named += d
	} else {
		u.numbered += d
	}
	return u
}

// otherForm is how many uses have a port of the form r does not use.
func (u serviceUse) otherForm(r backendRef) int {
	if r.portName != "" {
		return u.numbered
	}
	return u.named
}

func compareRefs(a, b backendRef) int {
	return cmp.Or(cmp.Compare(a.namespace, b.namespace), cmp.Compare(a.service, b.service), cmp.Compare(a.portName, b.portName), cmp.Compare(a.portNumber, b.portNumber))
}

// changedBackend is a backend of a live object whose service name or
// port changed live: the defaultBackend, or the backend of one path.
type changedBackend struct {
	ref        backendRef
	def        bool
	host, path string
	pathType   networkingv1.PathType
}

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
// does the same), appended to buf[:0]: callers pass a small array of
// their own, so that the common object costs no allocation. Empty for nil.
func claimsOf(buf []claim, l *LiveObject, defaultClass string) []claim {
	out := buf[:0]
	if l == nil {
		return out
	}
	class := effectiveClass(l.Ingress, defaultClass)
	if l.Ingress.Spec.DefaultBackend != nil {
		out = append(out, defaultClaim(class))
	}
	for _, r := range l.Ingress.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			out = append(out, claim{class: class, host: diffengine.RuleKey(r), path: p.Path, pathType: matchType(p.PathType)})
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
// sorted, each once, appended to buf[:0] (as claimsOf does).
func refsOf(buf []backendRef, ing *networkingv1.Ingress, ns string) []backendRef {
	out := buf[:0]
	if ing == nil {
		return out
	}
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

func liveRefs(buf []backendRef, l *LiveObject) []backendRef {
	if l == nil {
		return buf[:0]
	}
	return refsOf(buf, l.Ingress, l.Ingress.Namespace)
}

// mergeRuns walks two lists sorted by compare together and calls fn with
// each run of equal elements, a[i:ei] and b[j:ej] (one of them empty when
// only the other list holds it), in order. fn gets indices, not the
// runs: a slice handed to a function value escapes, and callers pass
// arrays of their stack.
func mergeRuns[T any](a, b []T, compare func(x, y T) int, fn func(i, ei, j, ej int)) {
	for i, j := 0, 0; i < len(a) || j < len(b); {
		var first T
		if j == len(b) || i < len(a) && compare(a[i], b[j]) <= 0 {
			first = a[i]
		} else {
			first = b[j]
		}
		ei, ej := i, j
		for ei < len(a) && compare(a[ei], first) == 0 {
			ei++
		}
		for ej < len(b) && compare(b[ej], first) == 0 {
			ej++
		}
		fn(i, ei, j, ej)
		i, j = ei, ej
	}
}

// diffSorted walks two sorted, duplicate-free lists and calls gone for
// what only old holds and came for what only cur holds.
func diffSorted[T any](old, cur []T, compare func(a, b T) int, gone, came func(T)) {
	mergeRuns(old, cur, compare, func(i, ei, j, ej int) {
		switch {
		case j == ej:
			gone(old[i])
		case i == ei:
			came(cur[j])
		}
	})
}

// reindexLive moves key k's claims and live backends in the indexes from
// what old's live object holds to what e's holds (either entry may be nil)
// and returns the other keys whose findings that can change: those that
// share a claim k made or makes, and the one live user of a backend whose
// number of users crossed one (used elsewhere or not). claims are e's
// (claimsOf). Nothing is done when both hold the same live object with
// the same default class (a repo change). Callers hold mu.
func (inv *Inventory) reindexLive(k Key, old, e *Entry, claims []claim) []Key {
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
	var oc [4]claim
	diffSorted(claimsOf(oc[:], ol, od), claims, compareClaims, func(c claim) {
		others = inv.unclaim(c, k, others)
	}, func(c claim) {
		others = inv.claim(c, k, others)
	})
	if ol != nl {
		var or, nr [4]backendRef
		diffSorted(liveRefs(or[:], ol), liveRefs(nr[:], nl), compareRefs, func(r backendRef) {
			others = inv.useBackend(r, -1, k, others)
		}, func(r backendRef) {
			others = inv.useBackend(r, 1, k, others)
		})
	}
	return others
}

// claim records that k claims c, and appends the other claimers to
// others. A route claimed once (nearly every route) is one entry of
// claimedBy under its hash: a full claim as the key would cost more than
// twice the memory. The route's key is checked against what the entry
// holding the hash claims, so a collision is never a conflict: a second
// claimer, or another route of the same hash, goes to claimedByMore
// under the full claim. Callers hold mu.
func (inv *Inventory) claim(c claim, k Key, others []Key) []Key {
	if keys, ok := inv.claimedByMore[c]; ok {
		others = append(others, keys...)
		if i, ok := slices.BinarySearchFunc(keys, k, CompareKeys); !ok {
			inv.claimedByMore[c] = slices.Insert(keys, i, k)
		}
		return others
	}
	h := inv.hashClaim(c)
	one, ok := inv.claimedBy[h]
	switch {
	case !ok:
		inv.claimedBy[h] = k
	case one != k && inv.claims(one, c):
		delete(inv.claimedBy, h)
		keys := []Key{one, k}
		slices.SortFunc(keys, CompareKeys)
		inv.claimedByMore[c] = keys
		others = append(others, one)
	default:
		// Another route of the same hash (of k itself, or a collision).
		inv.claimedByMore[c] = []Key{k}
	}
	return others
}

// unclaim records that k no longer claims c, and appends the remaining
// claimers to others. A route left with one claimer in claimedByMore
// stays there: claim looks there first. Callers hold mu.
func (inv *Inventory) unclaim(c claim, k Key, others []Key) []Key {
	keys, ok := inv.claimedByMore[c]
	if !ok {
		if h := inv.hashClaim(c); inv.claimedBy[h] == k {
			delete(inv.claimedBy, h)
		}
		return others
	}
	if i, ok := slices.BinarySearchFunc(keys, k, CompareKeys); ok {
		keys = slices.Delete(keys, i, i+1)
	}
	if len(keys) == 0 {
		delete(inv.claimedByMore, c)
	} else {
		inv.claimedByMore[c] = keys
	}
	return append(others, keys...)
}

// claims says whether k's entry (whose claims the indexes hold) claims
// c. Callers hold mu.
func (inv *Inventory) claims(k Key, c claim) bool {
	e := inv.entries[k]
	if e == nil {
		return false
	}
	var buf [4]claim
	_, ok := slices.BinarySearchFunc(claimsOf(buf[:], e.Live, e.defaultClass), c, compareClaims)
	return ok
}

// hashClaim is the hash claimedBy keys a claim by.
func hashClaim(seed maphash.Seed, c claim) uint64 { return maphash.Comparable(seed, c) }

// useBackend adds d users (live objects or manifests) to r, and appends
// to others the keys (but k) whose backend-used-nowhere-else finding
// that can change: those whose backend changed live to r when r's count
// crossed one, and those whose backend changed live to a port of r's
// service when the service's count crossed one (the message says whether
// the service is used elsewhere) or its count of a port form crossed
// zero. Callers hold mu.
func (inv *Inventory) useBackend(r backendRef, d int, k Key, others []Key) []Key {
	before := inv.backendUses[r]
	after := before + d
	if after == 0 {
		delete(inv.backendUses, r)
	} else {
		inv.backendUses[r] = after
	}
	if (before == 1) != (after == 1) {
		others = inv.driftedTo[r].appendBut(others, k)
	}
	sk := r.serviceKey()
	ub := inv.serviceUses[sk]
	ua := ub.add(r, d)
	if ua == (serviceUse{}) {
		delete(inv.serviceUses, sk)
	} else {
		inv.serviceUses[sk] = ua
	}
	crossed := (ub.named+ub.numbered == 1) != (ua.named+ua.numbered == 1) || (ub.named == 0) != (ua.named == 0) || (ub.numbered == 0) != (ua.numbered == 0)
	if crossed && inv.driftedToService[sk] > 0 {
		// Rare (a service's first port name, say, while an object drifted
		// to a port of it): a walk of the drifted backends is cheaper
		// than a second set of keys per service on every drift.
		for o, ks := range inv.driftedTo {
			if o.serviceKey() == sk {
				others = ks.appendBut(others, k)
			}
		}
	}
	return others
}

// reindexDrifted moves k in driftedTo and driftedToService from the
// backends its live object changed to in old to those of cur. Callers
// hold mu.
func (inv *Inventory) reindexDrifted(k Key, old, cur []changedBackend) {
	for _, c := range old {
		r, sk := c.ref, c.ref.serviceKey()
		if !slices.ContainsFunc(cur, func(n changedBackend) bool { return n.ref == r }) {
			removeKey(inv.driftedTo, r, k)
		}
		if !slices.ContainsFunc(cur, func(n changedBackend) bool { return n.ref.serviceKey() == sk }) && !serviceSeenBefore(old, c) {
			if inv.driftedToService[sk]--; inv.driftedToService[sk] <= 0 {
				delete(inv.driftedToService, sk)
			}
		}
	}
	for _, c := range cur {
		sk := c.ref.serviceKey()
		addKey(inv.driftedTo, c.ref, k)
		if !slices.ContainsFunc(old, func(o changedBackend) bool { return o.ref.serviceKey() == sk }) && !serviceSeenBefore(cur, c) {
			inv.driftedToService[sk]++
		}
	}
}

// serviceSeenBefore says whether a backend of list before c names c's
// service: a key counts once per service in driftedToService.
func serviceSeenBefore(list []changedBackend, c changedBackend) bool {
	for _, o := range list {
		if o == c {
			return false
		}
		if o.ref.serviceKey() == c.ref.serviceKey() {
			return true
		}
	}
	return false
}

// appendBut appends the keys of s (nil: none) but k to others.
func (s *keySet) appendBut(others []Key, k Key) []Key {
	if s == nil {
		return others
	}
	for _, o := range s.list {
		if o != k {
			others = append(others, o)
		}
	}
	return others
}

// countDesired brings the manifests' backend counts from what old's
// documents use to what cur's use (either may be nil), and returns the
// live keys whose findings that can change. Both sources are sorted by
// key: they are walked together, and only the keys whose documents
// changed count, by the net change per backend, so a re-read bundle of
// thousands of documents with one changed costs a walk of them, not a
// list of their backends. Callers hold mu.
func (inv *Inventory) countDesired(old, cur *source) []Key {
	var a, b []Desired
	if old != nil {
		a = old.docs
	}
	if cur != nil {
		b = cur.docs
	}
	var others []Key
	mergeRuns(a, b, compareDocKeys, func(i, ei, j, ej int) {
		if !sameDocs(a[i:ei], b[j:ej]) {
			others = inv.countChange(a[i:ei], b[j:ej], others)
		}
	})
	return others
}

func compareDocKeys(a, b Desired) int { return CompareKeys(a.Key(), b.Key()) }

// sameDocs says whether two runs of documents are the same objects.
func sameDocs(a, b []Desired) bool {
	return slices.EqualFunc(a, b, func(x, y Desired) bool { return x.Ingress == y.Ingress && x.Namespace == y.Namespace })
}

// countChange applies the net change per backend from the documents
// from to those of to (of one key). Callers hold mu.
func (inv *Inventory) countChange(from, to []Desired, others []Key) []Key {
	var ob, nb [8]backendRef
	x, y := docRefs(ob[:0], from), docRefs(nb[:0], to)
	// Both are sorted: walk the runs of equal refs together.
	mergeRuns(x, y, compareRefs, func(i, ei, j, ej int) {
		if d := (ej - j) - (ei - i); d > 0 {
			others = inv.useBackend(y[j], d, Key{}, others)
		} else if d < 0 {
			others = inv.useBackend(x[i], d, Key{}, others)
		}
	})
	return others
}

// docRefs appends the backends each document uses (once per document)
// to buf, sorted.
func docRefs(buf []backendRef, docs []Desired) []backendRef {
	for _, doc := range docs {
		var one [4]backendRef
		buf = append(buf, refsOf(one[:], doc.Ingress, doc.Key().Namespace)...)
	}
	slices.SortFunc(buf, compareRefs)
	return buf
}

// refreshFindings computes the findings of k's entry again after another
// key changed the indexes, and publishes the entry only if they changed.
// Callers hold mu.
func (inv *Inventory) refreshFindings(k Key) {
	old := inv.entries[k]
	if old == nil || old.Live == nil {
		return
	}
	var buf [4]claim
	var cb [2]changedBackend
	f := inv.findings(old, claimsOf(buf[:], old.Live, old.defaultClass), changedBackends(cb[:], old))
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
// claims (claimsOf), its changes, the backends they changed
// (changedBackends) and the indexes (which must already hold the entry's
// claims and backends). Nil when the object is not live. Callers hold mu.
func (inv *Inventory) findings(e *Entry, claims []claim, changed []changedBackend) []Finding {
	if e.Live == nil {
		return nil
	}
	out := inv.routeFindings(e, claims, nil)
	out = tlsFindings(e.Live.Ingress, out)
	out = inv.backendFindings(changed, out)
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.Host, b.Host), cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.PathType, b.PathType), cmp.Compare(a.Class, b.Class), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// routeFindings appends a route-claimed-twice finding for each route of
// e's live object that another live Ingress of its class claims: one per
// pathType this object gives the route (Prefix and ImplementationSpecific
// are one claim, matchType), and one for the defaultBackend.
func (inv *Inventory) routeFindings(e *Entry, claims []claim, out []Finding) []Finding {
	notInGit := e.Status == StatusMissingGit && !e.GitUnknown
	for _, c := range claims {
		keys := inv.claimedByMore[c]
		if len(keys) < 2 {
			continue
		}
		others := make([]Key, 0, min(len(keys)-1, maxOthers))
		var theirs pathTypes
		for _, o := range keys {
			if o != e.Key && len(others) < maxOthers {
				others = append(others, o)
				if oe := inv.entries[o]; oe != nil && oe.Live != nil {
					theirs |= pathTypesAt(oe.Live.Ingress, c)
				}
			}
		}
		if c == defaultClaim(c.class) {
			out = append(out, routeFinding(c, "", others, len(keys)-1, notInGit, defaultIsDrift(e.Changes),
				fmt.Sprintf("the defaultBackend in %s is also set by %s: a controller has one backend for requests that match no rule, so only one of them gets them", classWords(c.class), keyList(others, len(keys)-1))))
			continue
		}
		mine := pathTypesAt(e.Live.Ingress, c)
		for _, pt := range [...]networkingv1.PathType{networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific, networkingv1.PathTypePrefix} {
			if mine&pathTypeBit(pt) == 0 {
				continue
			}
			route := fmt.Sprintf("%s in %s is also claimed by %s", routeWords(c.host, c.path, string(pt)), classWords(c.class), keyList(others, len(keys)-1))
			if other := theirs &^ pathTypeBit(pt); other != 0 {
				// Only Prefix and ImplementationSpecific share a claim.
				route += fmt.Sprintf(" as %s, which ingress-nginx and Traefik (by default) match as Prefix: the routes may collide", other)
			}
			own := c
			own.pathType = pt
			out = append(out, routeFinding(own, pt, others, len(keys)-1, notInGit, claimIsDrift(e.Changes, own), route))
		}
	}
	return out
}

// routeFinding is the route-claimed-twice finding of claim c (pathType
// pt of this object, "" for the defaultBackend), route saying what is
// claimed by whom.
func routeFinding(c claim, pt networkingv1.PathType, others []Key, total int, notInGit, drift bool, route string) Finding {
	f := Finding{
		Kind: FindingRouteClaimed, Host: c.host, Path: c.path, PathType: string(pt), Class: c.class,
		Others: others, Suspect: notInGit || drift,
		// The suspect is the likely cause of traffic going where Git
		// does not say, as routing drift is (high in the severity
		// table); the others are hit by it, not its cause: medium,
		// so that the cause sorts first.
		Severity: diffengine.SeverityMedium,
	}
	if !notInGit && !drift {
		f.Message = route + "; which one serves it depends on the controller"
		return f
	}
	cause := "this object's claim was added or changed live"
	if notInGit {
		cause = "this object is not in Git"
	}
	f.Severity = diffengine.SeverityHigh
	f.Message = route + "; " + cause + ", so it may be taking the route from them (which one serves it depends on the controller)"
	return f
}

// pathTypes is a set of the pathTypes an object gives one claim.
type pathTypes uint8

func pathTypeBit(pt networkingv1.PathType) pathTypes {
	switch pt {
	case networkingv1.PathTypeExact:
		return 1
	case networkingv1.PathTypeImplementationSpecific:
		return 2
	}
	return 4
}

// String names the set for people: "ImplementationSpecific", "Exact and
// Prefix".
func (s pathTypes) String() string {
	var names []string
	for _, pt := range [...]networkingv1.PathType{networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific, networkingv1.PathTypePrefix} {
		if s&pathTypeBit(pt) != 0 {
			names = append(names, string(pt))
		}
	}
	return strings.Join(names, " and ")
}

// pathTypesAt is the set of pathTypes (defaulted) of the paths of ing
// that make the route claim c.
func pathTypesAt(ing *networkingv1.Ingress, c claim) pathTypes {
	var s pathTypes
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil || diffengine.RuleKey(r) != c.host {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Path == c.path && matchType(p.PathType) == c.pathType {
				s |= pathTypeBit(diffengine.PathTypeOf(p.PathType))
			}
		}
	}
	return s
}

// defaultIsDrift says whether the live object's defaultBackend was added
// live. One that Git has, with its service changed live, claimed the
// default in Git all along: that is a backend change, not a new claim.
func defaultIsDrift(changes []AttributedChange) bool {
	return slices.ContainsFunc(changes, func(c AttributedChange) bool {
		return c.At.Section == diffengine.SectionDefaultBackend && len(c.At.Sub) == 0 && c.Op == diffengine.OpAdded
	})
}

// claimIsDrift says whether the live object's claim c is drift: its rule,
// its rule's paths or the path were added live, the rule's host was
// renamed to c's, or the path's pathType changed to c's. A backend changed
// live under a path that Git has is not: the route was claimed in Git all
// along (found in review: that made the Git object a suspect beside the
// hand-made one that took its route).
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
	for _, t := range s.TLS {
		n := 0
		for _, h := range t.Hosts {
			if h == "" {
				continue
			}
			n++
			if !slices.Contains(tlsHosts, h) {
				tlsHosts = append(tlsHosts, h)
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
					Message: fmt.Sprintf("%s is in this object's rules but no TLS entry covers it, while %s is covered: unless another Ingress gives it TLS (ingress-nginx merges the Ingresses of a host), it is served over plain HTTP or with the controller's default certificate", h, strings.Join(covered, ", "))})
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
		i := slices.IndexFunc(s.TLS, func(e networkingv1.IngressTLS) bool { return slices.Contains(e.Hosts, t) })
		out = append(out, Finding{Kind: FindingTLSHostUnserved, Severity: diffengine.SeverityLow, Host: t,
			Message: fmt.Sprintf("the TLS entry %s names %s, which no rule of this object serves: a leftover, or a typo of a rule host", secretWords(s.TLS[i].SecretName), t)})
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

// changedBackends lists the live backends of a drifted entry whose
// service name or port changed live, each once (none for most entries,
// and for nil), appended to buf[:0] (as claimsOf does).
func changedBackends(buf []changedBackend, e *Entry) []changedBackend {
	out := buf[:0]
	if e == nil || e.Status != StatusDrifted || e.Live == nil {
		return out
	}
	ing := e.Live.Ingress
	for i := range e.Changes {
		at := &e.Changes[i].At
		var b *networkingv1.IngressBackend
		c := changedBackend{}
		switch {
		case at.Section == diffengine.SectionDefaultBackend && (len(at.Sub) == 0 || at.Sub[0] == "service"):
			c.def, b = true, ing.Spec.DefaultBackend
		case at.Section == diffengine.SectionRules && at.Path != nil && len(at.Sub) >= 2 && at.Sub[0] == "backend" && at.Sub[1] == "service":
			sel := *at.Path
			// With the pathType changed too, the locator names Git's.
			for j := range e.Changes {
				if o := e.Changes[j].At; o.Path != nil && o.Rule.Host == at.Rule.Host && *o.Path == *at.Path && slices.Equal(o.Sub, []string{"pathType"}) {
					if pt, ok := e.Changes[j].Live.(string); ok {
						sel.PathType = networkingv1.PathType(pt)
					}
				}
			}
			c.host, c.path, c.pathType = at.Rule.Host, sel.Path, sel.PathType
			b = livePath(ing, *at.Rule, sel)
		default:
			continue
		}
		if b == nil {
			continue
		}
		r, ok := serviceRef(e.Key.Namespace, *b)
		if !ok {
			continue
		}
		c.ref = r
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// backendFindings appends a backend-used-nowhere-else hint for each
// backend that changed live to one that no other live Ingress and no
// manifest uses (a live object using it counts once: uses 1 is itself),
// unless the service is used with a port of the other form (a name where
// this is a number, or the reverse), which may be the same port.
func (inv *Inventory) backendFindings(changed []changedBackend, out []Finding) []Finding {
	for _, c := range changed {
		su := inv.serviceUses[c.ref.serviceKey()]
		if inv.backendUses[c.ref] != 1 || su.otherForm(c.ref) != 0 {
			continue
		}
		f := Finding{Kind: FindingBackendUnused, Severity: diffengine.SeverityLow, Host: c.host, Path: c.path, PathType: string(c.pathType)}
		where := "the defaultBackend"
		if !c.def {
			where = routeWords(c.host, c.path, string(c.pathType))
		}
		port := c.ref.portName
		if port == "" {
			port = strconv.Itoa(int(c.ref.portNumber))
		}
		// Concatenated, not Sprintf, and short: this runs on every event
		// of a drifted object, and each argument boxed would cost an
		// allocation. "Nothing else" is no other live Ingress and no
		// manifest (README).
		if su.named+su.numbered == 1 {
			f.Message = where + " was changed live to service " + c.ref.service + " port " + port + "; nothing else uses service " + c.ref.service + " at all: a likely typo"
		} else {
			f.Message = where + " was changed live to service " + c.ref.service + " port " + port + ", which nothing else uses (service " + c.ref.service + " is, with other ports): a likely typo"
		}
		out = append(out, f)
	}
	return out
}

// livePath finds the backend of the path at selects in the rules rule
// selects in ing (nil when there is none), with the diff's own selectors
// as a writer finds it in a manifest: ing is not normalized, which would
// cost a copy of it.
func livePath(ing *networkingv1.Ingress, rule diffengine.RuleSel, at diffengine.PathSel) *networkingv1.IngressBackend {
	var paths []networkingv1.HTTPIngressPath
	n := 0
	for _, r := range ing.Spec.Rules {
		// RuleSel.Matches, not Select: its list of indices would cost an
		// allocation for the paths it leads to.
		if !rule.Matches(r) || r.HTTP == nil {
			continue
		}
		if n++; n == 1 {
			// Nearly always the only rule of its host: no copy.
			paths = r.HTTP.Paths
		} else {
			paths = append(slices.Clip(paths), r.HTTP.Paths...)
		}
	}
	// Every path selected is equal in everything: the first will do.
	if sel := at.Select(paths); len(sel) > 0 {
		return &paths[sel[0]].Backend
	}
	return nil
}

// routeWords names a route for people: "shop.example.com/api (Prefix)",
// "any host/api (Prefix)" for a rule without host.
func routeWords(host, path, pathType string) string {
	if host == "" {
		host = "any host"
	}
	return host + path + " (" + pathType + ")"
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
