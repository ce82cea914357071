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
// addition goes to the first.
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
	for w := order - 1; w >= 0; w-- {
		for i := len(docKeys) - 1; i >= 0; i-- {
			if docKeys[i] == wantKeys[w] {
				return i, order
			}
		}
	}
	return -1, order
}

func (e *editor) ruleChange(spec mref, c diffengine.Change) error {
	sel := *c.At.Rule
	host := sel.Host
	rules := e.cur.Spec.Rules
	whole := c.At.Path == nil && len(c.At.Sub) == 0
	seq, ok, err := e.childSeq(spec, "rules", whole && c.Op == diffengine.OpAdded)
	if err != nil || !ok {
		return e.notFound(err, "spec.rules")
	}
	if err := e.lineUp(seq, len(rules), "rules"); err != nil {
		return err
	}
	var items []int
	if seq.node != nil {
		items = sel.Select(rules)
	}
	if whole && c.Op == diffengine.OpAdded {
		var docKeys, wantKeys []string
		if seq.node != nil {
			for _, r := range rules {
				docKeys = append(docKeys, diffengine.RuleKey(r))
			}
		}
		for _, r := range e.want.Spec.Rules {
			wantKeys = append(wantKeys, diffengine.RuleKey(r))
		}
		after, order := place(docKeys, wantKeys, sel.Key())
		var vals []any
		for _, i := range sel.Select(e.want.Spec.Rules) {
			vals = append(vals, jsonShape(e.want.Spec.Rules[i]))
		}
		return e.addItems(seq, vals, c.Live, after, order)
	}
	if len(items) == 0 {
		return e.fail(0, "no rule for host %q in the document", host)
	}
	switch sub := c.At.Sub; {
	case c.At.Path != nil:
		return e.pathChange(seq.node, items, c)
	case len(sub) == 0:
		for _, i := range items {
			if err := e.delItem(seq.node, i); err != nil {
				return err
			}
		}
		return nil
	case len(sub) == 1 && (sub[0] == "host" || sub[0] == "http"):
		targets := items
		if sub[0] == "http" && c.Op == diffengine.OpAdded {
			targets = items[:1]
		}
		for _, i := range targets {
			m, err := e.item(seq.node, i)
			if err != nil {
				return err
			}
			if err := e.keyChange(m, sub, c); err != nil {
				return err
			}
		}
		return nil
	}
	return e.fail(0, "unknown kind of change")
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
// items of the document's rules.
func (e *editor) pathChange(rulesSeq *yaml.Node, items []int, c diffengine.Change) error {
	sel, host := *c.At.Path, c.At.Rule.Host
	wantRules := c.At.Rule.Select(e.want.Spec.Rules)
	rest := c.At.Sub
	if len(rest) == 0 && c.Op == diffengine.OpAdded {
		i := items[0]
		rm, err := e.item(rulesSeq, i)
		if err != nil {
			return err
		}
		http, _, err := e.childMap(rm, "http", true)
		if err != nil {
			return err
		}
		paths, _, err := e.childSeq(http, "paths", true)
		if err != nil {
			return err
		}
		var docKeys, wantKeys []string
		if h := e.cur.Spec.Rules[i].HTTP; h != nil && paths.node != nil {
			if err := e.lineUp(paths, len(h.Paths), "paths"); err != nil {
				return err
			}
			for _, p := range h.Paths {
				docKeys = append(docKeys, diffengine.PathKey(p))
			}
		}
		key := sel.Key()
		var vals []any
		for _, r := range wantRules {
			if h := e.want.Spec.Rules[r].HTTP; h != nil {
				for _, p := range h.Paths {
					wantKeys = append(wantKeys, diffengine.PathKey(p))
					if diffengine.PathKey(p) == key {
						vals = append(vals, jsonShape(p))
					}
				}
			}
		}
		after, order := place(docKeys, wantKeys, key)
		if len(vals) != 1 {
			// Equal paths with several backends: diffengine's value says
			// which one this change is.
			vals = nil
		}
		return e.addItems(paths, vals, c.Live, after, order)
	}
	// The paths of every document rule with the host, in document order,
	// as diffengine sees one merged rule; sel picks its ones.
	type cand struct{ rule, path int }
	var all []cand
	var paths []networkingv1.HTTPIngressPath
	for _, i := range items {
		if h := e.cur.Spec.Rules[i].HTTP; h != nil {
			for j, p := range h.Paths {
				all = append(all, cand{i, j})
				paths = append(paths, p)
			}
		}
	}
	var cands []cand
	for _, k := range sel.Select(paths) {
		cands = append(cands, all[k])
	}
	if len(cands) == 0 {
		return e.fail(0, "no path %q under host %q in the document", sel.Path, host)
	}
	for _, cd := range cands {
		rm, err := e.item(rulesSeq, cd.rule)
		if err != nil {
			return err
		}
		http, ok, err := e.childMap(rm, "http", false)
		if err != nil || !ok {
			return e.notFound(err, "http")
		}
		paths, ok, err := e.childSeq(http, "paths", false)
		if err != nil || !ok {
			return e.notFound(err, "http.paths")
		}
		if err := e.lineUp(paths, len(e.cur.Spec.Rules[cd.rule].HTTP.Paths), "paths"); err != nil {
			return err
		}
		if len(rest) == 0 {
			if err := e.delItem(paths.node, cd.path); err != nil {
				return err
			}
			continue
		}
		pm, err := e.item(paths.node, cd.path)
		if err != nil {
			return err
		}
		if err := e.keyChange(pm, rest, c); err != nil {
			return err
		}
	}
	return nil
}

// tlsChange writes a change under a TLS entry (c.At.TLS).
func (e *editor) tlsChange(spec mref, c diffengine.Change) error {
	sel := *c.At.TLS
	key := sel.Key()
	tls := e.cur.Spec.TLS
	whole := c.At.TLSHost == "" && len(c.At.Sub) == 0
	seq, ok, err := e.childSeq(spec, "tls", whole && c.Op == diffengine.OpAdded)
	if err != nil || !ok {
		return e.notFound(err, "spec.tls")
	}
	if err := e.lineUp(seq, len(tls), "TLS entries"); err != nil {
		return err
	}
	var items []int
	var docKeys []string
	if seq.node != nil {
		for i, t := range tls {
			k := diffengine.TLSKey(t)
			docKeys = append(docKeys, k)
			if k == key {
				items = append(items, i)
			}
		}
	}
	var wantKeys []string
	var wantHosts []string
	for _, t := range e.want.Spec.TLS {
		k := diffengine.TLSKey(t)
		wantKeys = append(wantKeys, k)
		if k == key {
			wantHosts = append(wantHosts, t.Hosts...)
		}
	}
	if whole && c.Op == diffengine.OpAdded {
		after, order := place(docKeys, wantKeys, key)
		var vals []any
		for _, i := range sel.Select(e.want.Spec.TLS) {
			vals = append(vals, jsonShape(e.want.Spec.TLS[i]))
		}
		return e.addItems(seq, vals, c.Live, after, order)
	}
	if len(items) == 0 {
		return e.fail(0, "no TLS entry %s in the document", sel)
	}
	switch sub := c.At.Sub; {
	case c.At.TLSHost == "" && len(sub) == 0:
		for _, i := range items {
			if err := e.delItem(seq.node, i); err != nil {
				return err
			}
		}
		return nil
	case c.At.TLSHost == "" && len(sub) == 1 && sub[0] == "secretName":
		for _, i := range items {
			m, err := e.item(seq.node, i)
			if err != nil {
				return err
			}
			if err := e.keyChange(m, []string{"secretName"}, c); err != nil {
				return err
			}
		}
		return nil
	case c.At.TLSHost != "" && len(sub) == 0:
		host := c.At.TLSHost
		if c.Op == diffengine.OpAdded {
			i := items[0]
			m, err := e.item(seq.node, i)
			if err != nil {
				return err
			}
			hs, _, err := e.childSeq(m, "hosts", true)
			if err != nil {
				return err
			}
			var docHosts []string
			if hs.node != nil {
				docHosts = tls[i].Hosts
				if err := e.lineUp(hs, len(docHosts), "TLS hosts"); err != nil {
					return err
				}
			}
			after, order := place(docHosts, wantHosts, host)
			return e.addItem(hs, host, after, order)
		}
		found := false
		for _, i := range items {
			m, err := e.item(seq.node, i)
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
			if err := e.lineUp(hs, len(tls[i].Hosts), "TLS hosts"); err != nil {
				return err
			}
			for j, h := range tls[i].Hosts {
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
	return e.fail(0, "unknown kind of change")
}
