package yamledit

import (
	"bytes"
	"encoding/json"
	"slices"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// applyChange records the edits that write one change's live value into
// the document. Elements are found by the change's locator (c.At) with
// diffengine's own matching rules (RuleSel, PathSel and TLSSel Select and
// Key): rules by host, paths by (path, pathType) and occurrence, TLS
// entries by secretName or else by their host set. Where several items of the
// document stand for one normalized element (duplicates that diffengine
// merges), a removal or a field change applies to all of them and an
// addition goes to the first (for TLS hosts, the first that keeps one of
// its hosts; for a path next to paths equal to it, the rule where live's
// order puts it); a TLS entry that loses its last host goes whole
// (tlsPlan).
func (e *editor) applyChange(c diffengine.Change) error {
	e.path = c.Path
	root := mref{node: e.root}
	if len(c.Field) >= 2 && c.Field[1] != "rules" && c.Field[1] != "tls" {
		// Annotations, labels, ingressClassName, defaultBackend: Field is
		// the exact key path in the document.
		return e.keyChange(root, c.Field, c)
	}
	// Rules and TLS are lists matched by content: Field stops at the list,
	// and the locator's selectors say which items.
	at := c.At
	if (at.Section == diffengine.SectionRules && at.Rule != nil) || (at.Section == diffengine.SectionTLS && at.TLS != nil) {
		spec, ok, err := e.childMap(root, "spec", c.Op != diffengine.OpRemoved)
		if err != nil || !ok {
			return e.notFound(err, "spec")
		}
		if at.Section == diffengine.SectionTLS {
			return e.tlsChange(spec, c)
		}
		return e.ruleChange(spec, c)
	}
	return e.fail(0, "unknown kind of change")
}

func (e *editor) notFound(err error, what string) error {
	if err != nil {
		return err
	}
	return e.fail(0, "%s is not in the document", what)
}

// keyChange writes a change to the field at keys below m: set (creating
// the mappings on the way) for an addition or a change, delete for a
// removal.
func (e *editor) keyChange(m mref, keys []string, c diffengine.Change) error {
	create := c.Op != diffengine.OpRemoved
	for _, k := range keys[:len(keys)-1] {
		next, ok, err := e.childMap(m, k, create)
		if err != nil || !ok {
			return e.notFound(err, k)
		}
		m = next
	}
	last := keys[len(keys)-1]
	if !create {
		return e.delKey(m, last)
	}
	return e.setKey(m, last, c.Live)
}

// item returns sequence item i as a mapping to edit.
func (e *editor) item(s *yaml.Node, i int) (mref, error) {
	n := s.Content[i]
	if err := e.editable(n); err != nil {
		return mref{}, err
	}
	if n.Kind != yaml.MappingNode {
		return mref{}, e.fail(n.Line, "the list item is not a mapping")
	}
	return mref{node: n}, nil
}

// lineUp checks that a sequence of the document holds as many items as
// the decoded list, so that index i is the same element in both.
func (e *editor) lineUp(s sref, n int, what string) error {
	if s.node != nil && len(s.node.Content) != n {
		return e.fail(s.node.Line, "the %s of the document do not line up with the decoded object", what)
	}
	return nil
}

// place returns where a new element with key goes among the document's
// elements (docKeys): after the last document element whose key comes
// before it in want's order (want keys), or first (-1); and its index in
// want, which orders several new elements at one place.
func place(docKeys, wantKeys []string, key string) (after, order int) {
	order = slices.Index(wantKeys, key)
	if order < 0 {
		return len(docKeys) - 1, len(wantKeys)
	}
	return placeAt(docKeys, wantKeys, order), order
}

// placeAt is place for the element at index order of want.
func placeAt(docKeys, wantKeys []string, order int) (after int) {
	for w := order - 1; w >= 0; w-- {
		for i := len(docKeys) - 1; i >= 0; i-- {
			if docKeys[i] == wantKeys[w] {
				return i
			}
		}
	}
	return -1
}

// ruleChange writes a change under a rule (c.At.Rule): the whole rule, its
// host or http, or one of its paths (pathChange).
func (e *editor) ruleChange(spec mref, c diffengine.Change) error {
	sel := *c.At.Rule
	rules := e.cur.Spec.Rules
	add := c.At.Path == nil && len(c.At.Sub) == 0 && c.Op == diffengine.OpAdded
	seq, err := e.specSeq(spec, "rules", "rules", len(rules), add)
	if err != nil {
		return err
	}
	if add {
		return addWhole(e, seq, sel, rules, e.want.Spec.Rules, diffengine.RuleKey, c.Live)
	}
	var items []int
	if seq.node != nil {
		items = sel.Select(rules)
	}
	if len(items) == 0 {
		return e.fail(0, "no rule for host %q in the document", sel.Host)
	}
	switch sub := c.At.Sub; {
	case c.At.Path != nil:
		return e.pathChange(seq.node, items, c)
	case len(sub) == 0:
		return e.delItems(seq.node, items)
	case len(sub) == 1 && sub[0] == "http" && c.Op == diffengine.OpAdded:
		return e.keyChangeAt(seq.node, items[:1], sub, c)
	case len(sub) == 1 && (sub[0] == "host" || sub[0] == "http"):
		return e.keyChangeAt(seq.node, items, sub, c)
	}
	return e.fail(0, "unknown kind of change")
}

// delItems removes the items at idx of the sequence s.
func (e *editor) delItems(s *yaml.Node, idx []int) error {
	for _, i := range idx {
		if err := e.delItem(s, i); err != nil {
			return err
		}
	}
	return nil
}

// keyChangeAt writes c to the field at keys of each item at idx of the
// sequence s.
func (e *editor) keyChangeAt(s *yaml.Node, idx []int, keys []string, c diffengine.Change) error {
	for _, i := range idx {
		m, err := e.item(s, i)
		if err != nil {
			return err
		}
		if err := e.keyChange(m, keys, c); err != nil {
			return err
		}
	}
	return nil
}

// specSeq returns the list spec.name of the document (created when create
// is set), after checking that it lines up with the n items decoded from it
// (what names them in the error).
func (e *editor) specSeq(spec mref, name, what string, n int, create bool) (sref, error) {
	seq, ok, err := e.childSeq(spec, name, create)
	if err != nil || !ok {
		return sref{}, e.notFound(err, "spec."+name)
	}
	return seq, e.lineUp(seq, n, what)
}

// selector is what RuleSel and TLSSel have in common: the key of the
// elements they select, and the selection in a list of a manifest.
type selector[T any] interface {
	Key() string
	Select([]T) []int
}

// addWhole inserts the elements of want that sel selects into the
// document's list seq (doc decoded), where they go by key among doc's
// elements; live (diffengine's value) when want has none.
func addWhole[T any, S selector[T]](e *editor, seq sref, sel S, doc, want []T, key func(T) string, live any) error {
	var docKeys []string
	if seq.node != nil {
		docKeys = keysOf(doc, key)
	}
	after, order := place(docKeys, keysOf(want, key), sel.Key())
	return e.addItems(seq, shapes(want, sel.Select(want)), live, after, order)
}

// keysOf returns the matching key (diffengine's RuleKey, PathKey, TLSKey)
// of each element of list, for place.
func keysOf[T any](list []T, key func(T) string) []string {
	var keys []string
	for _, v := range list {
		keys = append(keys, key(v))
	}
	return keys
}

// shapes returns the elements of list at idx as JSON-shaped values, for
// addItems.
func shapes[T any](list []T, idx []int) []any {
	var vals []any
	for _, i := range idx {
		vals = append(vals, jsonShape(list[i]))
	}
	return vals
}

// addItems inserts new elements at one place: want's own elements (vals),
// so that the live object's order inside them is kept, or, when there are
// none, diffengine's normalized value.
func (e *editor) addItems(s sref, vals []any, fallback any, after, order int) error {
	if len(vals) == 0 {
		vals = []any{fallback}
	}
	for k, v := range vals {
		if err := e.addItem(s, v, after, order+k); err != nil {
			return err
		}
	}
	return nil
}

// jsonShape turns a typed value into the JSON-shaped value diffengine uses
// (maps, lists, strings, int64 numbers), without null fields.
func jsonShape(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if d.Decode(&out) != nil {
		return nil
	}
	return clean(out)
}

func clean(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if c == nil {
				delete(x, k)
			} else {
				x[k] = clean(c)
			}
		}
	case []any:
		for i := range x {
			x[i] = clean(x[i])
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
	}
	return v
}

// pathChange writes a change under a path (c.At.Path) of the rules at
// items of the document's rules: an addition goes to the first of them, a
// removal or a field change to every document path the selector picks.
func (e *editor) pathChange(rulesSeq *yaml.Node, items []int, c diffengine.Change) error {
	if len(c.At.Sub) == 0 && c.Op == diffengine.OpAdded {
		return e.addPath(rulesSeq, items, c)
	}
	sel := *c.At.Path
	at := e.selectPaths(items, sel)
	if len(at) == 0 {
		return e.fail(0, "no path %q under host %q in the document", sel.Path, c.At.Rule.Host)
	}
	for _, p := range at {
		if err := e.editPath(rulesSeq, p, c); err != nil {
			return err
		}
	}
	return nil
}

// rulePaths returns the http.paths of rule i of the document, creating
// what is missing when create is set.
func (e *editor) rulePaths(rulesSeq *yaml.Node, i int, create bool) (sref, error) {
	rm, err := e.item(rulesSeq, i)
	if err != nil {
		return sref{}, err
	}
	http, ok, err := e.childMap(rm, "http", create)
	if err != nil || !ok {
		return sref{}, e.notFound(err, "http")
	}
	paths, ok, err := e.childSeq(http, "paths", create)
	if err != nil || !ok {
		return sref{}, e.notFound(err, "http.paths")
	}
	return paths, nil
}

// addPath inserts the path c adds into the rules at items of the
// document: want's own element (the one c's selector picks), else
// diffengine's value. Next to paths equal to it in (path, pathType) it
// goes where live has it among them (c.At.Path.After), in whichever rule
// holds them; else into the first rule, where it goes among want's paths
// of that host.
func (e *editor) addPath(rulesSeq *yaml.Node, items []int, c diffengine.Change) error {
	var wantKeys []string
	var want []networkingv1.HTTPIngressPath
	for _, r := range c.At.Rule.Select(e.want.Spec.Rules) {
		if h := e.want.Spec.Rules[r].HTTP; h != nil {
			for _, p := range h.Paths {
				wantKeys = append(wantKeys, diffengine.PathKey(p))
				want = append(want, p)
			}
		}
	}
	// The selector picks want's own path, also among paths equal in path
	// and pathType (by position): its index in want orders several paths
	// added at one place, so they come out in live's order (a controller
	// routes by it), and exact duplicates are written once.
	var vals []any
	order := len(wantKeys)
	if sel := c.At.Path.Select(want); len(sel) > 0 {
		order = sel[0]
		vals = []any{jsonShape(want[order])}
	}
	i, after, ok := e.besideEqualPaths(items, *c.At.Path)
	if !ok {
		i = items[0]
	}
	paths, err := e.rulePaths(rulesSeq, i, true)
	if err != nil {
		return err
	}
	if !ok {
		var docKeys []string
		if h := e.cur.Spec.Rules[i].HTTP; h != nil && paths.node != nil {
			if err := e.lineUp(paths, len(h.Paths), "paths"); err != nil {
				return err
			}
			docKeys = keysOf(h.Paths, diffengine.PathKey)
		}
		after = placeAt(docKeys, wantKeys, order)
		if len(vals) == 0 {
			after, order = place(docKeys, wantKeys, c.At.Path.Key())
		}
	} else if err := e.lineUp(paths, len(e.cur.Spec.Rules[i].HTTP.Paths), "paths"); err != nil {
		return err
	}
	return e.addItems(paths, vals, c.Live, after, order)
}

// besideEqualPaths returns where a path added next to the document's
// paths equal to it (sel's key) goes: rule i of the document, after its
// path index after (-1: first), right after the sel.After-th of them or,
// for 0, right before the first. ok is false when the document has none.
func (e *editor) besideEqualPaths(items []int, sel diffengine.PathSel) (i, after int, ok bool) {
	if sel.After > 0 {
		anchor := sel
		anchor.Occurrence = sel.After
		if at := e.selectPaths(items, anchor); len(at) > 0 {
			last := at[len(at)-1]
			return last.rule, last.path, true
		}
		return 0, 0, false
	}
	first := sel
	first.Occurrence = 1
	if at := e.selectPaths(items, first); len(at) > 0 {
		return at[0].rule, at[0].path - 1, true
	}
	return 0, 0, false
}

// docPath is one path of the document: path j of rule i.
type docPath struct{ rule, path int }

// selectPaths returns the document paths sel picks among the paths of the
// rules at items, taken in document order, as diffengine sees one merged
// rule.
func (e *editor) selectPaths(items []int, sel diffengine.PathSel) []docPath {
	var all []docPath
	var paths []networkingv1.HTTPIngressPath
	for _, i := range items {
		if h := e.cur.Spec.Rules[i].HTTP; h != nil {
			for j, p := range h.Paths {
				all = append(all, docPath{i, j})
				paths = append(paths, p)
			}
		}
	}
	var out []docPath
	for _, k := range sel.Select(paths) {
		out = append(out, all[k])
	}
	return out
}

// editPath writes c to the document path p: removes it, or changes the
// field c.At.Sub under it.
func (e *editor) editPath(rulesSeq *yaml.Node, p docPath, c diffengine.Change) error {
	paths, err := e.rulePaths(rulesSeq, p.rule, false)
	if err != nil {
		return err
	}
	if err := e.lineUp(paths, len(e.cur.Spec.Rules[p.rule].HTTP.Paths), "paths"); err != nil {
		return err
	}
	if len(c.At.Sub) == 0 {
		return e.delItem(paths.node, p.path)
	}
	pm, err := e.item(paths.node, p.path)
	if err != nil {
		return err
	}
	return e.keyChange(pm, c.At.Sub, c)
}

// tlsChange writes a change under a TLS entry (c.At.TLS): the whole entry,
// its secretName, or one of its hosts (c.At.TLSHost).
func (e *editor) tlsChange(spec mref, c diffengine.Change) error {
	sel, host := *c.At.TLS, c.At.TLSHost
	tls := e.cur.Spec.TLS
	whole := host == "" && len(c.At.Sub) == 0
	seq, err := e.specSeq(spec, "tls", "TLS entries", len(tls), whole && c.Op == diffengine.OpAdded)
	if err != nil {
		return err
	}
	if whole && c.Op == diffengine.OpAdded {
		return addWhole(e, seq, sel, tls, e.want.Spec.TLS, diffengine.TLSKey, c.Live)
	}
	var items []int
	if seq.node != nil {
		items = sel.Select(tls)
	}
	if len(items) == 0 {
		return e.fail(0, "no TLS entry %s in the document", sel)
	}
	switch sub := c.At.Sub; {
	case whole:
		return e.delItems(seq.node, items)
	case host == "" && len(sub) == 1 && sub[0] == "secretName":
		return e.keyChangeAt(seq.node, items, sub, c)
	case host != "" && len(sub) == 0 && c.Op == diffengine.OpAdded:
		return e.addTLSHost(seq.node, e.tlsHostsPlan(sel, items).target, sel, host)
	case host != "" && len(sub) == 0:
		return e.delTLSHost(seq.node, items, e.tlsHostsPlan(sel, items).drop, host)
	}
	return e.fail(0, "unknown kind of change")
}

// tlsPlan is where the host changes of one secret's TLS entries (those
// listing hosts, which diffengine sees as one) go in the document.
type tlsPlan struct {
	// target is the entry that gets the hosts live adds.
	target int
	// drop holds the entries that lose every host and gain none: they are
	// removed whole, since an entry left without hosts would serve its
	// certificate for every host (live has no such entry, or diffengine
	// would match it as one of its own and add it).
	drop map[int]bool
}

// tlsHostsPlan returns the plan for the entries at items of the document
// that sel selects, the same for every change under sel. An entry keeps
// the hosts of it that want's entries of sel still list.
func (e *editor) tlsHostsPlan(sel diffengine.TLSSel, items []int) *tlsPlan {
	key := sel.Key()
	if p, ok := e.tlsPlans[key]; ok {
		return p
	}
	want := map[string]bool{}
	for _, j := range sel.Select(e.want.Spec.TLS) {
		for _, h := range e.want.Spec.TLS[j].Hosts {
			want[h] = h != ""
		}
	}
	have := map[string]bool{}
	keeps := map[int]bool{}
	for _, i := range items {
		for _, h := range e.cur.Spec.TLS[i].Hosts {
			have[h] = true
			keeps[i] = keeps[i] || want[h]
		}
	}
	gains := false
	for h, ok := range want {
		gains = gains || (ok && !have[h])
	}
	p := &tlsPlan{target: items[0], drop: map[int]bool{}}
	if k := slices.IndexFunc(items, func(i int) bool { return keeps[i] }); k >= 0 {
		p.target = items[k]
	}
	for _, i := range items {
		p.drop[i] = !keeps[i] && !(i == p.target && gains)
	}
	if e.tlsPlans == nil {
		e.tlsPlans = map[string]*tlsPlan{}
	}
	e.tlsPlans[key] = p
	return p
}

// addTLSHost adds host to TLS entry i of the document, where it goes among
// the hosts of want's entries that sel selects.
func (e *editor) addTLSHost(tlsSeq *yaml.Node, i int, sel diffengine.TLSSel, host string) error {
	m, err := e.item(tlsSeq, i)
	if err != nil {
		return err
	}
	hs, _, err := e.childSeq(m, "hosts", true)
	if err != nil {
		return err
	}
	var docHosts []string
	if hs.node != nil {
		docHosts = e.cur.Spec.TLS[i].Hosts
		if err := e.lineUp(hs, len(docHosts), "TLS hosts"); err != nil {
			return err
		}
	}
	var wantHosts []string
	for _, j := range sel.Select(e.want.Spec.TLS) {
		wantHosts = append(wantHosts, e.want.Spec.TLS[j].Hosts...)
	}
	after, order := place(docHosts, wantHosts, host)
	return e.addItem(hs, host, after, order)
}

// delTLSHost removes host from every TLS entry at items that lists it;
// an entry in drop goes whole.
func (e *editor) delTLSHost(tlsSeq *yaml.Node, items []int, drop map[int]bool, host string) error {
	found := false
	for _, i := range items {
		if drop[i] {
			if slices.Contains(e.cur.Spec.TLS[i].Hosts, host) {
				found = true
				if err := e.delItem(tlsSeq, i); err != nil {
					return err
				}
			}
			continue
		}
		m, err := e.item(tlsSeq, i)
		if err != nil {
			return err
		}
		hs, ok, err := e.childSeq(m, "hosts", false)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		hosts := e.cur.Spec.TLS[i].Hosts
		if err := e.lineUp(hs, len(hosts), "TLS hosts"); err != nil {
			return err
		}
		for j, h := range hosts {
			if h == host {
				found = true
				if err := e.delItem(hs.node, j); err != nil {
					return err
				}
			}
		}
	}
	if !found {
		return e.fail(0, "TLS host %q is not in the document", host)
	}
	return nil
}
