package yamledit

import (
	"bytes"
	"cmp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// finish writes the recorded edits, deepest containers first, and
// applies the splices to the source.
func (e *editor) finish() ([]byte, error) {
	maxDepth := 0
	for n := range e.maps {
		maxDepth = max(maxDepth, e.info[n].depth)
	}
	for n := range e.seqs {
		maxDepth = max(maxDepth, e.info[n].depth)
	}
	for d := maxDepth; d >= 0; d-- {
		var ms []*mapEdit
		for n, me := range e.maps {
			if e.info[n].depth == d {
				ms = append(ms, me)
			}
		}
		slices.SortFunc(ms, func(a, b *mapEdit) int { return cmp.Compare(e.start(a.node), e.start(b.node)) })
		var ss []*seqEdit
		for n, se := range e.seqs {
			if e.info[n].depth == d {
				ss = append(ss, se)
			}
		}
		slices.SortFunc(ss, func(a, b *seqEdit) int { return cmp.Compare(e.start(a.node), e.start(b.node)) })
		for _, me := range ms {
			if err := e.emitMap(me); err != nil {
				return nil, err
			}
		}
		for _, se := range ss {
			if err := e.emitSeq(se); err != nil {
				return nil, err
			}
		}
	}
	return e.apply()
}

// emptied reports whether a block container loses all its entries and
// gains none; its key then goes too (an empty "annotations:" or "tls:"
// left behind would read as null). A flow container stays, as {} or [].
func (e *editor) cascade(n *yaml.Node, entries, deleted, added int) (bool, error) {
	if isFlow(n) || deleted < entries || added > 0 {
		return false, nil
	}
	in := e.info[n]
	if in.parent == nil || in.parent.Kind != yaml.MappingNode {
		return false, e.fail(n.Line, "the edit would leave an empty list item")
	}
	e.mapEdit(in.parent).del[in.idx] = true
	return true, nil
}

// ctx is the key under which a container sits (for a sequence item, the
// sequence's key): it decides the order of new keys.
func (e *editor) ctx(n *yaml.Node) string {
	in := e.info[n]
	switch {
	case in.parent == nil:
		return ""
	case in.parent.Kind == yaml.MappingNode:
		return in.parent.Content[2*in.idx].Value
	default:
		return e.ctx(in.parent)
	}
}

// keyOff is the offset of pair i's key.
func (e *editor) keyOff(m *yaml.Node, i int) int { return e.start(m.Content[2*i]) }

// dashMap reports whether block mapping m is a sequence item whose first
// key shares the line of the dash ("- host: x").
func (e *editor) dashMap(m *yaml.Node) bool {
	in := e.info[m]
	if in.parent == nil || in.parent.Kind != yaml.SequenceNode || isFlow(m) {
		return false
	}
	off := e.keyOff(m, 0)
	return len(bytes.TrimSpace(e.src.b[e.src.lineStart(m.Line):off])) > 0
}

// pairRegion is the byte range of block pair i as whole lines: its head
// comments, the key, the value, and the comments below it indented deeper
// than the key.
func (e *editor) pairRegion(m *yaml.Node, i int) (int, int, error) {
	k, v := m.Content[2*i], m.Content[2*i+1]
	col := k.Column - 1
	vs, ve, err := e.span(v)
	if err != nil {
		return 0, 0, err
	}
	last := e.src.lastLine(vs, ve)
	if ve <= vs {
		last = k.Line
	}
	last = e.src.tailEnd(last, col)
	return e.src.lineStart(e.src.headStart(k.Line, col)), e.src.lineStart(last + 1), nil
}

// emitMap writes the edits of one mapping.
func (e *editor) emitMap(me *mapEdit) error {
	m := me.node
	pairs := len(m.Content) / 2
	if done, err := e.cascade(m, pairs, len(me.del), len(me.adds)); done || err != nil {
		return err
	}
	if isFlow(m) {
		return e.emitFlowMap(me)
	}
	col := m.Content[0].Column - 1
	ctx := e.ctx(m)
	dash := e.dashMap(m)
	firstKept := -1
	for i := range pairs {
		if !me.del[i] {
			firstKept = i
			break
		}
	}
	// Deletions. A leading pair on a dash line goes up to the next kept
	// key, which moves onto the dash line.
	from := 0
	if dash && me.del[0] {
		if firstKept >= 0 {
			e.add(e.keyOff(m, 0), e.keyOff(m, firstKept), "")
			from = firstKept
		} else {
			_, end, err := e.pairRegion(m, pairs-1)
			if err != nil {
				return err
			}
			e.add(e.keyOff(m, 0), end, "")
			from = pairs
		}
	}
	for i := from; i < pairs; i++ {
		if me.del[i] {
			start, end, err := e.pairRegion(m, i)
			if err != nil {
				return err
			}
			e.add(start, end, "")
		}
	}
	// Insertions, grouped by the pair they go before (pairs = the end).
	groups := map[int][]*newKey{}
	for _, a := range me.adds {
		anchor := a.at
		if anchor < 0 {
			anchor = pairs
			if r := rank(ctx, a.key); r >= 0 && ctx != "" {
				for j := range pairs {
					if rj := rank(ctx, m.Content[2*j].Value); !me.del[j] && rj > r {
						anchor = j
						break
					}
				}
			}
		}
		groups[anchor] = append(groups[anchor], a)
	}
	anchors := make([]int, 0, len(groups))
	for a := range groups {
		anchors = append(anchors, a)
	}
	slices.Sort(anchors)
	var dashText strings.Builder
	for _, a := range anchors {
		text := e.writePairs(groups[a], col, ctx)
		// Before every kept pair on a dash line: write onto the dash line.
		if dash && (firstKept < 0 || a <= firstKept) {
			dashText.WriteString(text)
			continue
		}
		off := 0
		if a < pairs {
			start, _, err := e.pairRegion(m, a)
			if err != nil {
				return err
			}
			off = start
		} else {
			_, end, err := e.pairRegion(m, pairs-1)
			if err != nil {
				return err
			}
			off = end
		}
		e.add(off, off, text)
	}
	if dashText.Len() > 0 {
		text := dashText.String()[col:]
		if firstKept >= 0 {
			text += spaces(col)
		}
		e.add(e.keyOff(m, 0), e.keyOff(m, 0), text)
	}
	return nil
}

// writePairs writes new keys as block pairs at column col.
func (e *editor) writePairs(keys []*newKey, col int, ctx string) string {
	vals := &newMap{}
	for _, k := range keys {
		vals.set(k.key, k.val)
	}
	var b strings.Builder
	for _, k := range orderedKeys(ctx, vals) {
		v, _ := vals.get(k)
		e.st.pair(&b, k, v, col)
	}
	return b.String()
}

// emitSeq writes the edits of one sequence.
func (e *editor) emitSeq(se *seqEdit) error {
	s := se.node
	if done, err := e.cascade(s, len(s.Content), len(se.del), len(se.adds)); done || err != nil {
		return err
	}
	ctx := e.ctx(s)
	if isFlow(s) {
		return e.emitFlowSeq(se, ctx)
	}
	dash := s.Column - 1
	st := e.st
	if len(s.Content) > 0 {
		if c := s.Content[0]; c.Kind == yaml.MappingNode && !isFlow(c) && c.Line == s.Line && c.Column-s.Column >= 2 {
			st.dashGap = c.Column - s.Column
		}
	}
	for i := range s.Content {
		if se.del[i] {
			start, end, err := e.itemRegion(s, i)
			if err != nil {
				return err
			}
			e.add(start, end, "")
		}
	}
	adds := slices.Clone(se.adds)
	slices.SortStableFunc(adds, func(a, b newItem) int { return cmp.Or(cmp.Compare(a.after, b.after), cmp.Compare(a.order, b.order)) })
	for i := 0; i < len(adds); {
		j := i
		var b strings.Builder
		for ; j < len(adds) && adds[j].after == adds[i].after; j++ {
			st.item(&b, ctx, adds[j].val, dash)
		}
		var off int
		if a := adds[i].after; a >= 0 {
			_, end, err := e.itemRegion(s, a)
			if err != nil {
				return err
			}
			off = end
		} else {
			first := 0
			for k := range s.Content {
				if !se.del[k] {
					first = k
					break
				}
			}
			start, _, err := e.itemRegion(s, first)
			if err != nil {
				return err
			}
			off = start
		}
		e.add(off, off, b.String())
		i = j
	}
	return nil
}

// itemRegion is the byte range of block sequence item i as whole lines:
// head comments at the dash's indentation, the dash line, the item, and
// the comments below it indented deeper than the dash.
func (e *editor) itemRegion(s *yaml.Node, i int) (int, int, error) {
	src := e.src
	dash := s.Column - 1
	it := s.Content[i]
	start, end, err := e.span(it)
	if err != nil {
		return 0, 0, err
	}
	l := src.lineOf(start)
	for d := l; d >= 1; d-- {
		ln := src.line(d)
		if src.indent(d) == dash && dash < len(ln) && ln[dash] == '-' {
			l = d
			break
		}
	}
	last := src.tailEnd(src.lastLine(start, end), dash)
	return src.lineStart(src.headStart(l, dash)), src.lineStart(last + 1), nil
}

// flowEntry is one entry of a flow collection: its text range and, for a
// mapping, the range of its value.
type flowEntry struct {
	start, end int
	valStart   int
}

// emitFlowMap writes the edits of a flow mapping: entries removed with
// one adjoining comma, new ones in the same syntax (JSON in a JSON file).
func (e *editor) emitFlowMap(me *mapEdit) error {
	m := me.node
	var entries []flowEntry
	for i := 0; i+1 < len(m.Content); i += 2 {
		ks, _, err := e.span(m.Content[i])
		if err != nil {
			return err
		}
		vs, ve, err := e.span(m.Content[i+1])
		if err != nil {
			return err
		}
		entries = append(entries, flowEntry{start: ks, end: ve, valStart: vs})
	}
	json := e.st.json || (len(m.Content) > 0 && m.Content[0].Style&yaml.DoubleQuotedStyle != 0)
	kvSep := ": "
	if len(m.Content) > 0 {
		if _, ke, err := e.scalar(m.Content[0]); err == nil && ke <= entries[0].valStart {
			kvSep = string(e.src.b[ke:entries[0].valStart])
		}
	}
	ctx := e.ctx(m)
	del := map[int]bool{}
	var adds []*newKey
	for i := range me.del {
		del[i] = me.del[i]
	}
	for _, a := range me.adds {
		if a.at >= 0 {
			// A null value replaced in place.
			del[a.at] = false
			var b strings.Builder
			e.st.flow(&b, a.key, a.val, json)
			e.add(entries[a.at].valStart, entries[a.at].end, b.String())
			continue
		}
		adds = append(adds, a)
	}
	entryTexts := func(keys []*newKey) []string {
		vals := &newMap{}
		for _, k := range keys {
			vals.set(k.key, k.val)
		}
		var out []string
		for _, k := range orderedKeys(ctx, vals) {
			var b strings.Builder
			v, _ := vals.get(k)
			b.WriteString(keyText(k, true, json) + kvSep)
			e.st.flow(&b, k, v, json)
			out = append(out, b.String())
		}
		return out
	}
	groups := map[int][]*newKey{}
	for _, a := range adds {
		anchor := len(entries)
		if r := rank(ctx, a.key); r >= 0 && ctx != "" {
			for j := range entries {
				if rj := rank(ctx, m.Content[2*j].Value); !del[j] && rj > r {
					anchor = j
					break
				}
			}
		}
		groups[anchor] = append(groups[anchor], a)
	}
	ins := map[int][]string{}
	for a, keys := range groups {
		ins[a] = entryTexts(keys)
	}
	return e.emitFlow(m, entries, del, ins)
}

// emitFlowSeq writes the edits of a flow sequence.
func (e *editor) emitFlowSeq(se *seqEdit, ctx string) error {
	s := se.node
	var entries []flowEntry
	for _, it := range s.Content {
		start, end, err := e.span(it)
		if err != nil {
			return err
		}
		entries = append(entries, flowEntry{start: start, end: end, valStart: start})
	}
	json := e.st.json || (len(s.Content) > 0 && s.Content[0].Style&yaml.DoubleQuotedStyle != 0)
	adds := slices.Clone(se.adds)
	slices.SortStableFunc(adds, func(a, b newItem) int { return cmp.Or(cmp.Compare(a.after, b.after), cmp.Compare(a.order, b.order)) })
	ins := map[int][]string{}
	for _, a := range adds {
		// Flow insertion points are "before entry j": after item k is
		// before the next kept entry, or the end.
		at := len(entries)
		if a.after < 0 {
			for j := range entries {
				if !se.del[j] {
					at = j
					break
				}
			}
		} else {
			for j := a.after + 1; j < len(entries); j++ {
				if !se.del[j] {
					at = j
					break
				}
			}
		}
		var b strings.Builder
		e.st.flow(&b, ctx, a.val, json)
		ins[at] = append(ins[at], b.String())
	}
	return e.emitFlow(s, entries, se.del, ins)
}

// emitFlow removes the deleted entries of a flow collection and inserts
// new ones before entry j (j = len(entries): at the end).
func (e *editor) emitFlow(n *yaml.Node, entries []flowEntry, del map[int]bool, ins map[int][]string) error {
	src := e.src
	open := e.afterProps(e.start(n))
	_, closeEnd, err := e.span(n)
	if err != nil {
		return err
	}
	closeAt := closeEnd - 1
	sep := ", "
	switch {
	case len(entries) >= 2 && src.lineOf(entries[0].end) == src.lineOf(entries[1].start):
		sep = string(src.b[entries[0].end:entries[1].start])
	case len(entries) >= 1 && src.lineOf(entries[len(entries)-1].start) != src.lineOf(open):
		last := entries[len(entries)-1]
		sep = "," + e.st.nl + spaces(src.column(last.start))
	}
	kept := func(j int) bool { return !del[j] }
	// Deleted runs.
	for a := 0; a < len(entries); {
		if kept(a) {
			a++
			continue
		}
		b := a
		for b+1 < len(entries) && !kept(b+1) {
			b++
		}
		switch {
		case b+1 < len(entries):
			e.add(entries[a].start, entries[b+1].start, "")
		case a > 0:
			e.add(entries[a-1].end, entries[b].end, "")
		default:
			e.add(open+1, closeAt, "")
		}
		a = b + 1
	}
	lastKept := -1
	for j := range entries {
		if kept(j) {
			lastKept = j
		}
	}
	at := make([]int, 0, len(ins))
	for j := range ins {
		at = append(at, j)
	}
	slices.Sort(at)
	for _, j := range at {
		texts := ins[j]
		switch {
		case j < len(entries) && kept(j):
			e.add(entries[j].start, entries[j].start, strings.Join(texts, sep)+sep)
		case lastKept >= 0:
			e.add(entries[lastKept].end, entries[lastKept].end, sep+strings.Join(texts, sep))
		default:
			e.add(open+1, open+1, strings.Join(texts, ", "))
		}
	}
	return nil
}

// apply applies the splices in order of offset; two that overlap mean two
// edits touch the same text, which is refused rather than guessed.
func (e *editor) apply() ([]byte, error) {
	sp := slices.Clone(e.splices)
	slices.SortStableFunc(sp, func(a, b splice) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(min(a.end-a.start, 1), min(b.end-b.start, 1)), cmp.Compare(a.seq, b.seq))
	})
	src := e.src.b
	var out bytes.Buffer
	out.Grow(len(src) + 256)
	pos := 0
	for _, s := range sp {
		if s.start < pos {
			return nil, &EditError{Line: e.src.lineOf(s.start), Reason: "two edits touch the same text"}
		}
		out.Write(src[pos:s.start])
		out.WriteString(s.text)
		pos = max(pos, s.end)
	}
	out.Write(src[pos:])
	return out.Bytes(), nil
}
