package yamledit

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
)

// editor collects the edits of one document and turns them into byte
// splices. Edits are recorded against the parsed tree first (which keys and
// items go, which come), then written all at once, deepest first, so that
// a mapping emptied by its edits can take its key with it and insertions at
// the same offset come out in document order.
type editor struct {
	*tree
	st      style
	maps    map[*yaml.Node]*mapEdit
	seqs    map[*yaml.Node]*seqEdit
	splices []splice
	path    string                // the change being applied, for errors
	cur     *networkingv1.Ingress // the document, decoded
	want    *networkingv1.Ingress // the live object to write
	// tlsPlans holds, per TLS key, where host changes go (tlsHostsPlan).
	tlsPlans map[string]*tlsPlan
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
	seq        int
}

// mref is a mapping being edited: an existing node, or one the editor is
// creating.
type mref struct {
	node *yaml.Node
	pend *newMap
}

// sref is a sequence being edited: an existing node, or a new one.
type sref struct {
	node *yaml.Node
	pend *newSeq
}

// mapEdit holds the edits of one existing mapping.
type mapEdit struct {
	node *yaml.Node
	del  map[int]bool // pair indices removed
	adds []*newKey
}

// newKey is a key to insert; at ≥ 0 means it replaces that pair in place.
type newKey struct {
	key string
	val any
	at  int
}

// seqEdit holds the edits of one existing sequence.
type seqEdit struct {
	node *yaml.Node
	del  map[int]bool
	adds []newItem
}

// newItem is an item to insert after existing item after (-1: before the
// first remaining item), ordered by want index among items at one place.
type newItem struct {
	val   any
	after int
	order int
}

func newEditor(t *tree, st style, cur, want *networkingv1.Ingress) *editor {
	return &editor{tree: t, st: st, cur: cur, want: want, maps: map[*yaml.Node]*mapEdit{}, seqs: map[*yaml.Node]*seqEdit{}}
}

// EditError says which change could not be written and why. It wraps
// ErrUnsupported.
type EditError struct {
	// Path is the semantic path of the change (diffengine.Change.Path),
	// empty when the whole result was refused by the self-check.
	Path string
	// Line is 1-based in the document given to EditIngress (add the
	// document's first line - 1 for a line in the file), 0 when there is
	// none.
	Line int
	// Reason says what is in the way, for a person.
	Reason string
}

// Error formats "path: line N: reason".
func (e *EditError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUnsupported) true.
func (e *EditError) Unwrap() error { return ErrUnsupported }

func (e *editor) fail(line int, format string, args ...any) error {
	return &EditError{Path: e.path, Line: line, Reason: fmt.Sprintf(format, args...)}
}

// editable refuses nodes the editor must not change in place: aliases,
// nodes an alias refers to (a change would show up elsewhere too), and
// mappings with a merge key.
func (e *editor) editable(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.AliasNode:
		return e.fail(n.Line, "the value is an alias (*%s): edit the anchored value by hand", n.Value)
	case e.aliased[n]:
		return e.fail(n.Line, "the value is anchored (&%s) and used by an alias: edit it by hand", n.Anchor)
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "<<" && n.Content[i].Tag == "!!merge" {
				return e.fail(n.Content[i].Line, "the mapping uses a merge key (<<): edit it by hand")
			}
		}
	}
	return nil
}

// removable refuses to delete a subtree holding a node an alias refers to.
func (e *editor) removable(n *yaml.Node) error {
	if e.aliased[n] {
		return e.fail(n.Line, "the value is anchored (&%s) and used by an alias: edit it by hand", n.Anchor)
	}
	for _, c := range n.Content {
		if err := e.removable(c); err != nil {
			return err
		}
	}
	return nil
}

func (e *editor) mapEdit(n *yaml.Node) *mapEdit {
	me := e.maps[n]
	if me == nil {
		me = &mapEdit{node: n, del: map[int]bool{}}
		e.maps[n] = me
	}
	return me
}

func (e *editor) seqEdit(n *yaml.Node) *seqEdit {
	se := e.seqs[n]
	if se == nil {
		se = &seqEdit{node: n, del: map[int]bool{}}
		e.seqs[n] = se
	}
	return se
}

// pending returns the value of a key being added to m, if any.
func (me *mapEdit) pending(key string) *newKey {
	for _, a := range me.adds {
		if a.key == key {
			return a
		}
	}
	return nil
}

// child returns the container under key in m. When it is absent (or null)
// and create is set, a new one is made of the kind mk returns; otherwise
// found is false.
func (e *editor) child(m mref, key string, create bool, mk func() any) (val any, node *yaml.Node, found bool, err error) {
	if m.pend != nil {
		if v, ok := m.pend.get(key); ok {
			return v, nil, true, nil
		}
		if !create {
			return nil, nil, false, nil
		}
		v := mk()
		m.pend.set(key, v)
		return v, nil, true, nil
	}
	if err := e.editable(m.node); err != nil {
		return nil, nil, false, err
	}
	me := e.mapEdit(m.node)
	if a := me.pending(key); a != nil {
		return a.val, nil, true, nil
	}
	i := lookup(m.node, key)
	if i >= 0 && !me.del[i] {
		v := m.node.Content[2*i+1]
		if !isNull(v) {
			if err := e.editable(v); err != nil {
				return nil, nil, false, err
			}
			return nil, v, true, nil
		}
	}
	if !create {
		return nil, nil, false, nil
	}
	v := mk()
	if i >= 0 {
		me.del[i] = true
		me.adds = append(me.adds, &newKey{key: key, val: v, at: i})
	} else {
		me.adds = append(me.adds, &newKey{key: key, val: v, at: -1})
	}
	return v, nil, true, nil
}

// childMap returns the mapping under key in m.
func (e *editor) childMap(m mref, key string, create bool) (mref, bool, error) {
	v, n, found, err := e.child(m, key, create, func() any { return &newMap{} })
	if err != nil || !found {
		return mref{}, false, err
	}
	if n != nil {
		if n.Kind != yaml.MappingNode {
			return mref{}, false, e.fail(n.Line, "%s is not a mapping", key)
		}
		return mref{node: n}, true, nil
	}
	nm, ok := v.(*newMap)
	if !ok {
		return mref{}, false, e.fail(0, "%s is being written as another kind of value", key)
	}
	return mref{pend: nm}, true, nil
}

// childSeq returns the sequence under key in m.
func (e *editor) childSeq(m mref, key string, create bool) (sref, bool, error) {
	v, n, found, err := e.child(m, key, create, func() any { return &newSeq{} })
	if err != nil || !found {
		return sref{}, false, err
	}
	if n != nil {
		if n.Kind != yaml.SequenceNode {
			return sref{}, false, e.fail(n.Line, "%s is not a sequence", key)
		}
		return sref{node: n}, true, nil
	}
	ns, ok := v.(*newSeq)
	if !ok {
		return sref{}, false, e.fail(0, "%s is being written as another kind of value", key)
	}
	return sref{pend: ns}, true, nil
}

// setKey gives key the value v in m: a scalar is replaced in place, any
// other value is written anew.
func (e *editor) setKey(m mref, key string, v any) error {
	if m.pend != nil {
		m.pend.set(key, v)
		return nil
	}
	if err := e.editable(m.node); err != nil {
		return err
	}
	me := e.mapEdit(m.node)
	if a := me.pending(key); a != nil {
		a.val = v
		return nil
	}
	i := lookup(m.node, key)
	if i < 0 {
		me.adds = append(me.adds, &newKey{key: key, val: v, at: -1})
		return nil
	}
	old := m.node.Content[2*i+1]
	if old.Kind == yaml.ScalarNode && !isNull(old) && isScalar(v) {
		return e.setScalar(old, v)
	}
	if err := e.removable(old); err != nil {
		return err
	}
	me.del[i] = true
	me.adds = append(me.adds, &newKey{key: key, val: v, at: i})
	return nil
}

// delKey removes key from m; a key that is not there is an error (the
// document does not hold what the diff says it holds).
func (e *editor) delKey(m mref, key string) error {
	if m.pend != nil {
		return e.fail(0, "%s is not in the document", key)
	}
	if err := e.editable(m.node); err != nil {
		return err
	}
	i := lookup(m.node, key)
	if i < 0 {
		return e.fail(m.node.Line, "%s is not in the document", key)
	}
	if err := e.removable(m.node.Content[2*i+1]); err != nil {
		return err
	}
	e.mapEdit(m.node).del[i] = true
	return nil
}

// addItem inserts v into s after existing item after (-1: first).
func (e *editor) addItem(s sref, v any, after, order int) error {
	if s.pend != nil {
		s.pend.items = append(s.pend.items, seqItem{val: v, order: order})
		return nil
	}
	if err := e.editable(s.node); err != nil {
		return err
	}
	se := e.seqEdit(s.node)
	se.adds = append(se.adds, newItem{val: v, after: after, order: order})
	return nil
}

// delItem removes item i of sequence s.
func (e *editor) delItem(s *yaml.Node, i int) error {
	if err := e.editable(s); err != nil {
		return err
	}
	if err := e.removable(s.Content[i]); err != nil {
		return err
	}
	e.seqEdit(s).del[i] = true
	return nil
}

// setScalar replaces a scalar's text, keeping its quoting style where the
// new value allows it, and everything around it (a trailing comment
// included).
func (e *editor) setScalar(n *yaml.Node, v any) error {
	if err := e.editable(n); err != nil {
		return err
	}
	if n.Style&yaml.TaggedStyle != 0 {
		return e.fail(n.Line, "the value has an explicit tag (%s): edit it by hand", n.Tag)
	}
	start, end, err := e.scalar(n)
	if err != nil {
		return e.fail(n.Line, "%v", err)
	}
	in := e.info[n]
	text := nonString(v)
	if s, ok := v.(string); ok {
		text, err = e.scalarText(n, s, start, end, in)
		if err != nil {
			return err
		}
	}
	e.add(start, end, text)
	return nil
}

// scalarText writes the new string value of scalar n in n's style where
// it can.
func (e *editor) scalarText(n *yaml.Node, s string, start, end int, in *nodeInfo) (string, error) {
	switch {
	case e.st.json || n.Style&yaml.DoubleQuotedStyle != 0:
		return dquote(s), nil
	case n.Style&yaml.SingleQuotedStyle != 0:
		if q, ok := squote(s); ok {
			return q, nil
		}
		return dquote(s), nil
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		src := e.src
		line := src.lineOf(start)
		hdrEnd := start
		for hdrEnd < len(src.b) && strings.IndexByte("|>+-0123456789", src.b[hdrEnd]) >= 0 {
			hdrEnd++
		}
		rest := ""
		if end > src.lineEnd(line) {
			rest = strings.TrimRight(string(src.b[hdrEnd:src.lineEnd(line)]), " \t")
		}
		indent := in.owner + e.st.step
		for l := line + 1; l <= src.numLines(); l++ {
			if !src.blank(l) {
				if src.indent(l) > in.owner {
					indent = src.indent(l)
				}
				break
			}
		}
		if text, ok := e.st.literal(s, indent, n.Style&yaml.FoldedStyle != 0, rest); ok {
			return text, nil
		}
		if strings.TrimSpace(rest) != "" {
			return dquote(s) + rest, nil
		}
		return dquote(s), nil
	}
	if plainSafe(s, in.flow) {
		return s, nil
	}
	if !in.flow && strings.Contains(s, "\n") {
		if text, ok := e.st.literal(s, in.owner+e.st.step, false, ""); ok {
			return text, nil
		}
	}
	return dquote(s), nil
}

func (e *editor) add(start, end int, text string) {
	e.splices = append(e.splices, splice{start: start, end: end, text: text, seq: len(e.splices)})
}
