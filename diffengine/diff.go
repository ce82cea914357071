package diffengine

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// subject says what part of the Ingress a change hits; the severity table
// and the ignore rules use it.
type subject uint8

const (
	subjAnnotation subject = iota + 1
	subjLabel
	subjClass
	subjDefaultBackend // spec.defaultBackend or a field under it
	subjRule           // a whole rule added or removed
	subjRuleHost       // a rule renamed (same paths, other host)
	subjRuleHTTP       // a rule's http added or removed
	subjPath           // a whole path added or removed
	subjPathField      // pathType or a backend field of a path
	subjTLSEntry       // a whole TLS entry added or removed
	subjTLSHost        // one host of a TLS entry added or removed
	subjTLSSecret      // a TLS entry's secretName changed (matched by hosts)
)

// rawChange is a Change with what classification needs.
type rawChange struct {
	Change
	subj subject
	// covered is set on removed TLS entries and hosts whose hosts are all
	// still under some live TLS entry (the host moved, it did not lose TLS).
	covered bool
	// ann holds both sides' normalized annotations, for the severity tests
	// that judge one annotation by others of the object (CORS).
	ann struct{ git, live map[string]string }
}

type differ struct {
	out []rawChange
}

// add records one difference; git and live are JSON-shaped values, nil
// when absent (they are never both nil).
func (d *differ) add(subj subject, at Locator, field []string, git, live any) {
	op := OpChanged
	switch {
	case git == nil:
		op = OpAdded
	case live == nil:
		op = OpRemoved
	}
	d.out = append(d.out, rawChange{
		Change: Change{Path: at.String(), At: at, Field: slices.Clone(field), Op: op, Git: git, Live: live},
		subj:   subj,
	})
}

// Diff compares a desired Ingress (git, from the manifest) with the live
// one and returns every difference that counts, plus the ones that ignore
// rules hid. Neither input is modified. A nil side is treated as an empty
// Ingress (callers handle missing objects themselves).
//
// Both sides are first normalized (see Normalize and NormalizePair); rules
// are then matched by host, paths by (path, pathType) and, among paths
// equal in both, by position (alignEqualPaths), TLS entries by
// secretName (falling back to hosts). A whole rule, path or TLS entry that
// exists on one side only is one change holding the whole value; fields of
// matched entries are compared leaf by leaf. Unmatched rules with identical
// paths are reported as a rename (one change at ".host"), unmatched paths
// with the same path string and another pathType as a pathType change, and
// unmatched TLS entries with identical hosts as a secretName change.
func Diff(git, live *networkingv1.Ingress, opts Options) Result {
	if git == nil {
		git = &networkingv1.Ingress{}
	}
	if live == nil {
		live = &networkingv1.Ingress{}
	}
	g, l := NormalizePair(git, live, opts)
	var d differ
	d.stringMaps(subjAnnotation, SectionAnnotations, "annotations", g.Annotations, l.Annotations)
	d.stringMaps(subjLabel, SectionLabels, "labels", g.Labels, l.Labels)
	if gc, lc := deref(g.Spec.IngressClassName), deref(l.Spec.IngressClassName); gc != lc {
		d.add(subjClass, Locator{Section: SectionClass}, fieldClass, strVal(gc), strVal(lc))
	}
	d.defaultBackend(g.Spec.DefaultBackend, l.Spec.DefaultBackend)
	d.tls(g.Spec.TLS, l.Spec.TLS)
	d.rules(g.Spec.Rules, l.Spec.Rules)

	var builtins []IgnoreRule
	if !opts.NoBuiltinIgnores {
		builtins = builtinIgnores
	}
	name := cmp.Or(g.Name, l.Name)
	res := Result{Changes: []Change{}, Ignored: []IgnoredChange{}}
	for i := range d.out {
		c := &d.out[i]
		c.Category = categoryOf(c)
		c.ann.git, c.ann.live = g.Annotations, l.Annotations
		classify(c)
		// Built-in rules first, then the user's: the first that matches
		// explains the change.
		by := ignoredBy(builtins, g.Namespace, name, c)
		if by == "" {
			by = ignoredBy(opts.Ignore, g.Namespace, name, c)
		}
		if by != "" {
			res.Ignored = append(res.Ignored, IgnoredChange{Change: c.Change, IgnoredBy: by})
		} else {
			res.Changes = append(res.Changes, c.Change)
		}
	}
	slices.SortStableFunc(res.Changes, func(a, b Change) int { return cmp.Compare(a.Path, b.Path) })
	slices.SortStableFunc(res.Ignored, func(a, b IgnoredChange) int { return cmp.Compare(a.Path, b.Path) })
	return res
}

func categoryOf(c *rawChange) Category {
	switch c.subj {
	case subjAnnotation:
		return AnnotationCategory(c.At.Key)
	case subjLabel:
		return CategoryMetadata
	case subjClass:
		return CategoryController
	case subjTLSEntry, subjTLSHost, subjTLSSecret:
		return CategoryTLS
	default:
		return CategoryRouting
	}
}

func (d *differ) stringMaps(subj subject, sect Section, fieldName string, g, l map[string]string) {
	at := func(k string) Locator { return Locator{Section: sect, Key: k} }
	for k, gv := range g {
		lv, ok := l[k]
		switch {
		case !ok:
			d.add(subj, at(k), []string{"metadata", fieldName, k}, gv, nil)
		case gv != lv:
			d.add(subj, at(k), []string{"metadata", fieldName, k}, gv, lv)
		}
	}
	for k, lv := range l {
		if _, ok := g[k]; !ok {
			d.add(subj, at(k), []string{"metadata", fieldName, k}, nil, lv)
		}
	}
}

// sub is l with fields appended to its Sub.
func (l Locator) sub(fields ...string) Locator {
	l.Sub = append(slices.Clip(l.Sub), fields...)
	return l
}

func (d *differ) defaultBackend(g, l *networkingv1.IngressBackend) {
	switch {
	case g == nil && l == nil:
	case g == nil:
		d.add(subjDefaultBackend, defaultBE, []string{"spec", "defaultBackend"}, nil, backendVal(*l))
	case l == nil:
		d.add(subjDefaultBackend, defaultBE, []string{"spec", "defaultBackend"}, backendVal(*g), nil)
	default:
		d.backend(subjDefaultBackend, defaultBE, true, *g, *l)
	}
}

// backend compares two backends leaf by leaf. In a defaultBackend the field
// paths go down to the leaf; under rules they stop at spec.rules (atomic).
func (d *differ) backend(subj subject, at Locator, granular bool, g, l networkingv1.IngressBackend) {
	field := func(parts ...string) []string {
		if !granular {
			return fieldRules
		}
		return append([]string{"spec", "defaultBackend"}, parts...)
	}
	switch gs, ls := g.Service, l.Service; {
	case gs == nil && ls == nil:
	case gs == nil:
		d.add(subj, at.sub("service"), field("service"), nil, serviceVal(ls))
	case ls == nil:
		d.add(subj, at.sub("service"), field("service"), serviceVal(gs), nil)
	default:
		if gs.Name != ls.Name {
			d.add(subj, at.sub("service", "name"), field("service", "name"), strVal(gs.Name), strVal(ls.Name))
		}
		if gs.Port.Name != ls.Port.Name {
			d.add(subj, at.sub("service", "port", "name"), field("service", "port", "name"), strVal(gs.Port.Name), strVal(ls.Port.Name))
		}
		if gs.Port.Number != ls.Port.Number {
			d.add(subj, at.sub("service", "port", "number"), field("service", "port", "number"), numVal(gs.Port.Number), numVal(ls.Port.Number))
		}
	}
	switch gr, lr := g.Resource, l.Resource; {
	case gr == nil && lr == nil:
	case gr == nil:
		d.add(subj, at.sub("resource"), field("resource"), nil, resourceVal(l))
	case lr == nil:
		d.add(subj, at.sub("resource"), field("resource"), resourceVal(g), nil)
	default:
		if ga, la := deref(gr.APIGroup), deref(lr.APIGroup); ga != la {
			d.add(subj, at.sub("resource", "apiGroup"), field("resource", "apiGroup"), strVal(ga), strVal(la))
		}
		if gr.Kind != lr.Kind {
			d.add(subj, at.sub("resource", "kind"), field("resource", "kind"), strVal(gr.Kind), strVal(lr.Kind))
		}
		if gr.Name != lr.Name {
			d.add(subj, at.sub("resource", "name"), field("resource", "name"), strVal(gr.Name), strVal(lr.Name))
		}
	}
}

// join walks two sorted lists with a key comparison and calls both for
// matched elements; it returns the indices found on one side only.
func join[T any](g, l []T, compare func(a, b T) int, both func(i, j int)) (onlyG, onlyL []int) {
	i, j := 0, 0
	for i < len(g) || j < len(l) {
		c := compareHeads(i, len(g), j, len(l), func() int { return compare(g[i], l[j]) })
		switch {
		case c < 0:
			onlyG = append(onlyG, i)
			i++
		case c > 0:
			onlyL = append(onlyL, j)
			j++
		default:
			both(i, j)
			i++
			j++
		}
	}
	return onlyG, onlyL
}

// compareHeads compares the next elements (i of nG, j of nL) of two
// sorted lists walked together: 1 when g is done, -1 when l is, else
// compare's answer.
func compareHeads(i, nG, j, nL int, compare func() int) int {
	switch {
	case i == nG:
		return 1
	case j == nL:
		return -1
	}
	return compare()
}

// pair matches leftovers of both sides that eq says belong together,
// greedily in order; eq must be an equivalence, so the number of pairs does
// not depend on which side is Git. It returns the unpaired rest.
func pair(onlyG, onlyL []int, eq func(i, j int) bool, paired func(i, j int)) (restG, restL []int) {
	used := make([]bool, len(onlyL))
	for _, i := range onlyG {
		found := false
		for k, j := range onlyL {
			if !used[k] && eq(i, j) {
				used[k], found = true, true
				paired(i, j)
				break
			}
		}
		if !found {
			restG = append(restG, i)
		}
	}
	for k, j := range onlyL {
		if !used[k] {
			restL = append(restL, j)
		}
	}
	return restG, restL
}

func (d *differ) rules(g, l []networkingv1.IngressRule) {
	byHost := func(a, b networkingv1.IngressRule) int { return strings.Compare(a.Host, b.Host) }
	onlyG, onlyL := join(g, l, byHost, func(i, j int) {
		d.rule(ruleAt(g[i]), g[i], l[j])
	})
	if len(onlyG) == 0 && len(onlyL) == 0 {
		return
	}
	restG, restL := pair(onlyG, onlyL,
		func(i, j int) bool { return httpEqual(g[i].HTTP, l[j].HTTP) },
		func(i, j int) {
			d.add(subjRuleHost, ruleAt(g[i]).sub("host"), fieldRules, strVal(g[i].Host), strVal(l[j].Host))
		})
	for _, i := range restG {
		d.add(subjRule, ruleAt(g[i]), fieldRules, ruleVal(g[i]), nil)
	}
	for _, j := range restL {
		d.add(subjRule, ruleAt(l[j]), fieldRules, nil, ruleVal(l[j]))
	}
}

func httpEqual(a, b *networkingv1.HTTPIngressRuleValue) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.EqualFunc(a.Paths, b.Paths, samePath)
}

func (d *differ) rule(at Locator, g, l networkingv1.IngressRule) {
	switch {
	case g.HTTP == nil && l.HTTP == nil:
	case g.HTTP == nil:
		d.add(subjRuleHTTP, at.sub("http"), fieldRules, nil, httpVal(l.HTTP))
	case l.HTTP == nil:
		d.add(subjRuleHTTP, at.sub("http"), fieldRules, httpVal(g.HTTP), nil)
	default:
		d.paths(at, g.HTTP.Paths, l.HTTP.Paths)
	}
}

// occurrences numbers paths that are equal in (path, pathType): 1 for the
// first, 2 for the next, in list order (normalized paths are sorted stably
// by that key, so equal keys are adjacent and keep their order).
func occurrences(ps []networkingv1.HTTPIngressPath) []int {
	occ := make([]int, len(ps))
	for i := range ps {
		occ[i] = 1
		if i > 0 && ps[i-1].Path == ps[i].Path && *ps[i-1].PathType == *ps[i].PathType {
			occ[i] = occ[i-1] + 1
		}
	}
	return occ
}

// alignEqualPaths matches the paths of one (path, pathType) on both sides
// (g and l, in list order) by position: a controller routes such a path to
// one of them by position, so the n-th is compared with the n-th and an
// order changed live is drift at each position that differs. The common
// prefix and suffix are matched first, so that a path inserted or removed
// live is one addition or removal, not a shift of every one after it. both
// is called for the matched pairs that differ; it returns the indices left
// on one side (only one side has any), which are past the pairs, so each
// position names one change.
func alignEqualPaths(g, l []networkingv1.HTTPIngressPath, both func(i int)) (onlyG, onlyL []int) {
	n := min(len(g), len(l))
	pre := 0
	for pre < n && samePath(g[pre], l[pre]) {
		pre++
	}
	suf := 0
	for suf < n-pre && samePath(g[len(g)-1-suf], l[len(l)-1-suf]) {
		suf++
	}
	endG, endL := len(g)-suf, len(l)-suf
	k := pre
	for ; k < endG && k < endL; k++ {
		if !samePath(g[k], l[k]) {
			both(k)
		}
	}
	for i := k; i < endG; i++ {
		onlyG = append(onlyG, i)
	}
	for j := k; j < endL; j++ {
		onlyL = append(onlyL, j)
	}
	return onlyG, onlyL
}

// keyGroupEnd is the end of the run of ps equal in (path, pathType) to
// ps[i].
func keyGroupEnd(ps []networkingv1.HTTPIngressPath, i int) int {
	j := i + 1
	for j < len(ps) && comparePathKeys(ps[i], ps[j]) == 0 {
		j++
	}
	return j
}

// countPath counts the entries of sorted ps whose path string is p.
func countPath(ps []networkingv1.HTTPIngressPath, p string) int {
	i := sort.Search(len(ps), func(k int) bool { return ps[k].Path >= p })
	n := 0
	for ; i < len(ps) && ps[i].Path == p; i++ {
		n++
	}
	return n
}

func (d *differ) paths(rule Locator, g, l []networkingv1.HTTPIngressPath) {
	og, ol := occurrences(g), occurrences(l)
	// sel is the selector of a path seen on either side: pathType is shown
	// when either side has more than one path with that path string.
	sel := func(p networkingv1.HTTPIngressPath, occ int) Locator {
		at := rule
		at.Path = &PathSel{Path: p.Path, PathType: *p.PathType, TypeShown: countPath(g, p.Path) > 1 || countPath(l, p.Path) > 1, Occurrence: occ}
		return at
	}
	// Walk the groups of paths equal in (path, pathType) in key order; a
	// group on one side only is left over whole.
	var onlyG, onlyL []int
	// after holds PathSel.After of the paths added live among equal ones.
	var after map[int]int
	for i, j := 0, 0; i < len(g) || j < len(l); {
		c := compareHeads(i, len(g), j, len(l), func() int { return comparePathKeys(g[i], l[j]) })
		endG, endL := i, j
		if c <= 0 {
			endG = keyGroupEnd(g, i)
		}
		if c >= 0 {
			endL = keyGroupEnd(l, j)
		}
		// alignEqualPaths calls back before i and j move on.
		restG, restL := alignEqualPaths(g[i:endG], l[j:endL], func(k int) {
			d.backend(subjPathField, sel(g[i+k], og[i+k]).sub("backend"), false, g[i+k].Backend, l[j+k].Backend)
		})
		for _, k := range restG {
			onlyG = append(onlyG, i+k)
		}
		for _, k := range restL {
			onlyL = append(onlyL, j+k)
			if endG > i {
				if after == nil {
					after = make(map[int]int)
				}
				after[j+k] = restL[0]
			}
		}
		i, j = endG, endL
	}
	if len(onlyG) == 0 && len(onlyL) == 0 {
		return
	}
	// A path whose pathType changed: the only leftover with that path
	// string on each side.
	lone := func(ps []networkingv1.HTTPIngressPath, rest []int, p string) bool {
		n := 0
		for _, k := range rest {
			if ps[k].Path == p {
				n++
			}
		}
		return n == 1
	}
	restG, restL := pair(onlyG, onlyL,
		func(i, j int) bool {
			return g[i].Path == l[j].Path && lone(g, onlyG, g[i].Path) && lone(l, onlyL, l[j].Path)
		},
		func(i, j int) {
			at := sel(g[i], og[i])
			d.add(subjPathField, at.sub("pathType"), fieldRules, string(*g[i].PathType), string(*l[j].PathType))
			if compareBackends(g[i].Backend, l[j].Backend) != 0 {
				d.backend(subjPathField, at.sub("backend"), false, g[i].Backend, l[j].Backend)
			}
		})
	for _, i := range restG {
		d.add(subjPath, sel(g[i], og[i]), fieldRules, pathVal(g[i]), nil)
	}
	for _, j := range restL {
		at := sel(l[j], ol[j])
		at.Path.After = after[j]
		d.add(subjPath, at, fieldRules, nil, pathVal(l[j]))
	}
}

func (d *differ) tls(g, l []networkingv1.IngressTLS) {
	live := liveTLSHosts{entries: l}
	onlyG, onlyL := join(g, l, compareTLS, func(i, j int) {
		d.tlsHosts(g[i], l[j], &live)
	})
	if len(onlyG) == 0 && len(onlyL) == 0 {
		return
	}
	restG, restL := pair(onlyG, onlyL,
		func(i, j int) bool { return slices.Equal(g[i].Hosts, l[j].Hosts) },
		func(i, j int) {
			d.add(subjTLSSecret, tlsAt(g[i]).sub("secretName"), fieldTLS, strVal(g[i].SecretName), strVal(l[j].SecretName))
		})
	for _, i := range restG {
		d.add(subjTLSEntry, tlsAt(g[i]), fieldTLS, tlsVal(g[i]), nil)
		d.out[len(d.out)-1].covered = live.cover(g[i].Hosts)
	}
	for _, j := range restL {
		d.add(subjTLSEntry, tlsAt(l[j]), fieldTLS, nil, tlsVal(l[j]))
	}
}

// tlsHosts compares the hosts of two matched TLS entries; a host removed
// from g's entry is covered when live still has TLS for it elsewhere.
func (d *differ) tlsHosts(g, l networkingv1.IngressTLS, live *liveTLSHosts) {
	host := func(h string) Locator { at := tlsAt(g); at.TLSHost = h; return at }
	hg, hl := join(g.Hosts, l.Hosts, strings.Compare, func(int, int) {})
	for _, k := range hg {
		h := g.Hosts[k]
		d.add(subjTLSHost, host(h), fieldTLS, h, nil)
		d.out[len(d.out)-1].covered = live.cover([]string{h})
	}
	for _, k := range hl {
		d.add(subjTLSHost, host(l.Hosts[k]), fieldTLS, nil, l.Hosts[k])
	}
}

// liveTLSHosts answers whether hosts are all still under some live TLS
// entry; the set is built on the first question only (most diffs remove no
// TLS).
type liveTLSHosts struct {
	entries []networkingv1.IngressTLS
	hosts   map[string]bool
}

func (t *liveTLSHosts) cover(hosts []string) bool {
	if t.hosts == nil {
		t.hosts = make(map[string]bool)
		for _, e := range t.entries {
			for _, h := range e.Hosts {
				t.hosts[h] = true
			}
			if len(e.Hosts) == 0 {
				t.hosts[""] = true // an entry for every host
			}
		}
	}
	if t.hosts[""] {
		// An entry without hosts applies to every host ("defaults to the
		// wildcard host setting for the loadbalancer controller").
		return true
	}
	if len(hosts) == 0 {
		return false
	}
	for _, h := range hosts {
		if !t.hosts[h] {
			return false
		}
	}
	return true
}

// defaultBE locates spec.defaultBackend.
var defaultBE = Locator{Section: SectionDefaultBackend}

// ruleAt locates a normalized rule.
func ruleAt(r networkingv1.IngressRule) Locator {
	return Locator{Section: SectionRules, Rule: &RuleSel{Host: RuleKey(r)}}
}

// tlsAt locates a normalized TLS entry.
func tlsAt(t networkingv1.IngressTLS) Locator {
	return Locator{Section: SectionTLS, TLS: &TLSSel{SecretName: t.SecretName, Hosts: t.Hosts}}
}
