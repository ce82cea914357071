package yamledit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// applyChange records the edits that write one change's live value into
// the document. Elements are found the way diffengine matches them: rules
// by host, paths by (path, pathType) and occurrence, TLS entries by
// secretName or else by their host set. Where several items of the
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
	// and the semantic path's selectors say which items.
	segs, err := parsePath(c.Path)
	if err != nil {
		return e.fail(0, "%v", err)
	}
	if len(segs) >= 2 && segs[0].name == "spec" && !segs[0].hasSel && segs[1].hasSel {
		spec, ok, err := e.childMap(root, "spec", c.Op != diffengine.OpRemoved)
		if err != nil || !ok {
			return e.notFound(err, "spec")
		}
		switch segs[1].name {
		case "tls":
			return e.tlsChange(spec, segs[1:], c)
		case "rules":
			return e.ruleChange(spec, segs[1:], c)
		}
	}
	return e.fail(0, "unknown kind of change")
}

func (e *editor) notFound(err error, what string) error {
	if err != nil {
		return err
	}
	return e.fail(0, "%s is not in the document", what)
}

// plainNames returns the field names of segments without selectors.
func plainNames(segs []segment) ([]string, bool) {
	out := make([]string, len(segs))
	for i, s := range segs {
		if s.hasSel {
			return nil, false
		}
		out[i] = s.name
	}
	return out, true
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

func (e *editor) ruleChange(spec mref, segs []segment, c diffengine.Change) error {
	f, _, err := fields(segs[0].sel)
	if err != nil {
		return e.fail(0, "%v", err)
	}
	host := f["host"]
	rules := e.cur.Spec.Rules
	whole := len(segs) == 1
	seq, ok, err := e.childSeq(spec, "rules", whole && c.Op == diffengine.OpAdded)
	if err != nil || !ok {
		return e.notFound(err, "spec.rules")
	}
	if err := e.lineUp(seq, len(rules), "rules"); err != nil {
		return err
	}
	var items []int
	if seq.node != nil {
		for i, r := range rules {
			if r.Host == host {
				items = append(items, i)
			}
		}
	}
	if whole && c.Op == diffengine.OpAdded {
		var docKeys, wantKeys []string
		if seq.node != nil {
			for _, r := range rules {
				docKeys = append(docKeys, r.Host)
			}
		}
		for _, r := range e.want.Spec.Rules {
			wantKeys = append(wantKeys, r.Host)
		}
		after, order := place(docKeys, wantKeys, host)
		var vals []any
		for _, r := range e.want.Spec.Rules {
			if r.Host == host {
				vals = append(vals, jsonShape(r))
			}
		}
		return e.addItems(seq, vals, c.Live, after, order)
	}
	if len(items) == 0 {
		return e.fail(0, "no rule for host %q in the document", host)
	}
	switch rest := segs[1:]; {
	case len(rest) == 0:
		for _, i := range items {
			if err := e.delItem(seq.node, i); err != nil {
				return err
			}
		}
		return nil
	case len(rest) == 1 && (rest[0].name == "host" || rest[0].name == "http") && !rest[0].hasSel:
		targets := items
		if rest[0].name == "http" && c.Op == diffengine.OpAdded {
			targets = items[:1]
		}
		for _, i := range targets {
			m, err := e.item(seq.node, i)
			if err != nil {
				return err
			}
			if err := e.keyChange(m, []string{rest[0].name}, c); err != nil {
				return err
			}
		}
		return nil
	case len(rest) >= 2 && rest[0].name == "http" && !rest[0].hasSel && rest[1].name == "paths" && rest[1].hasSel:
		return e.pathChange(seq.node, items, host, rest[1:], c)
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

// pathKey identifies a path the way diffengine matches paths.
func pathKey(path string, pt *networkingv1.PathType) string {
	return path + "\x00" + pathType(pt)
}

// pathType is a path's type with the default diffengine applies.
func pathType(pt *networkingv1.PathType) string {
	if pt == nil {
		return string(networkingv1.PathTypeImplementationSpecific)
	}
	return string(*pt)
}

func (e *editor) pathChange(rulesSeq *yaml.Node, items []int, host string, segs []segment, c diffengine.Change) error {
	f, occ, err := fields(segs[0].sel)
	if err != nil {
		return e.fail(0, "%v", err)
	}
	path := f["path"]
	pt, hasType := f["pathType"]
	rest := segs[1:]
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
				docKeys = append(docKeys, pathKey(p.Path, p.PathType))
			}
		}
		for _, r := range e.want.Spec.Rules {
			if r.Host == host && r.HTTP != nil {
				for _, p := range r.HTTP.Paths {
					wantKeys = append(wantKeys, pathKey(p.Path, p.PathType))
				}
			}
		}
		live, _ := c.Live.(map[string]any)
		lp, _ := live["path"].(string)
		lt, _ := live["pathType"].(string)
		ptype := networkingv1.PathType(lt)
		key := pathKey(lp, &ptype)
		after, order := place(docKeys, wantKeys, key)
		var vals []any
		for _, r := range e.want.Spec.Rules {
			if r.Host == host && r.HTTP != nil {
				for _, p := range r.HTTP.Paths {
					if pathKey(p.Path, p.PathType) == key {
						vals = append(vals, jsonShape(p))
					}
				}
			}
		}
		if len(vals) != 1 {
			// Equal paths with several backends: diffengine's value says
			// which one this change is.
			vals = nil
		}
		return e.addItems(paths, vals, c.Live, after, order)
	}
	type cand struct{ rule, path int }
	var cands []cand
	var typed []networkingv1.HTTPIngressPath
	for _, i := range items {
		h := e.cur.Spec.Rules[i].HTTP
		if h == nil {
			continue
		}
		for j, p := range h.Paths {
			if p.Path == path && (!hasType || pathType(p.PathType) == pt) {
				cands = append(cands, cand{i, j})
				typed = append(typed, p)
			}
		}
	}
	// Paths equal in (path, pathType) but not in backend are numbered by
	// diffengine in normalized order: pick the occurrence's ones.
	if len(cands) > 0 {
		norm := normalizedPaths(host, typed)
		if occ > len(norm) {
			cands = nil
		} else if len(norm) > 1 || occ > 1 {
			target := norm[occ-1]
			var keep []cand
			for k, p := range typed {
				if reflect.DeepEqual(normalizedPaths(host, []networkingv1.HTTPIngressPath{p})[0], target) {
					keep = append(keep, cands[k])
				}
			}
			cands = keep
		}
	}
	if len(cands) == 0 {
		return e.fail(0, "no path %q under host %q in the document", path, host)
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
		keys, ok := plainNames(rest)
		if !ok {
			return e.fail(0, "unknown kind of change")
		}
		pm, err := e.item(paths.node, cd.path)
		if err != nil {
			return err
		}
		if err := e.keyChange(pm, keys, c); err != nil {
			return err
		}
	}
	return nil
}

// normalizedPaths returns paths as diffengine normalizes them in one rule:
// pathType defaulted, empty backend parts dropped, sorted, exact
// duplicates merged.
func normalizedPaths(host string, paths []networkingv1.HTTPIngressPath) []networkingv1.HTTPIngressPath {
	ing := &networkingv1.Ingress{Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
		Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: paths}},
	}}}}
	n := diffengine.Normalize(ing, "")
	if len(n.Spec.Rules) == 0 || n.Spec.Rules[0].HTTP == nil {
		return nil
	}
	return n.Spec.Rules[0].HTTP.Paths
}

// tlsKey identifies a TLS entry the way diffengine matches them: by
// secretName, else by its host set.
func tlsKey(secret string, hosts []string) string {
	if secret != "" {
		return "s:" + secret
	}
	return "h:" + strings.Join(normHosts(hosts), "+")
}

func normHosts(h []string) []string {
	h = slices.DeleteFunc(slices.Clone(h), func(s string) bool { return s == "" })
	slices.Sort(h)
	return slices.Compact(h)
}

func (e *editor) tlsChange(spec mref, segs []segment, c diffengine.Change) error {
	f, _, err := fields(segs[0].sel)
	if err != nil {
		return e.fail(0, "%v", err)
	}
	key := "s:" + f["secretName"]
	if f["secretName"] == "" {
		hosts, err := hostList(f["hosts"])
		if err != nil {
			return e.fail(0, "%v", err)
		}
		key = tlsKey("", hosts)
	}
	tls := e.cur.Spec.TLS
	whole := len(segs) == 1
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
			k := tlsKey(t.SecretName, t.Hosts)
			docKeys = append(docKeys, k)
			if k == key {
				items = append(items, i)
			}
		}
	}
	var wantKeys []string
	var wantHosts []string
	for _, t := range e.want.Spec.TLS {
		k := tlsKey(t.SecretName, t.Hosts)
		wantKeys = append(wantKeys, k)
		if k == key {
			wantHosts = append(wantHosts, t.Hosts...)
		}
	}
	if whole && c.Op == diffengine.OpAdded {
		live, _ := c.Live.(map[string]any)
		secret, _ := live["secretName"].(string)
		var hosts []string
		if hs, ok := live["hosts"].([]any); ok {
			for _, h := range hs {
				if s, ok := h.(string); ok {
					hosts = append(hosts, s)
				}
			}
		}
		k := tlsKey(secret, hosts)
		after, order := place(docKeys, wantKeys, k)
		var vals []any
		for _, t := range e.want.Spec.TLS {
			if tlsKey(t.SecretName, t.Hosts) == k {
				vals = append(vals, jsonShape(t))
			}
		}
		return e.addItems(seq, vals, c.Live, after, order)
	}
	if len(items) == 0 {
		return e.fail(0, "no TLS entry %s in the document", segs[0].sel)
	}
	rest := segs[1:]
	switch {
	case len(rest) == 0:
		for _, i := range items {
			if err := e.delItem(seq.node, i); err != nil {
				return err
			}
		}
		return nil
	case len(rest) == 1 && rest[0].name == "secretName" && !rest[0].hasSel:
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
	case len(rest) == 1 && rest[0].name == "hosts" && rest[0].hasSel:
		host, err := unquote(rest[0].sel)
		if err != nil {
			return e.fail(0, "%v", err)
		}
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
