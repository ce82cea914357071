package yamledit

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeInfo is what the editor knows about a node's place in the tree.
type nodeInfo struct {
	parent *yaml.Node // the mapping or sequence holding the node; nil for the root
	idx    int        // pair index in a mapping (key and value share it), item index in a sequence
	flow   bool       // the node is inside a flow collection
	// owner is the 0-based column that bounds the node's block content: the
	// key's column for a mapping value, the dash's for a sequence item, -1
	// for the root.
	owner int
	depth int
}

// tree indexes a parsed document: parents, positions and extents.
type tree struct {
	src     *source
	root    *yaml.Node
	info    map[*yaml.Node]*nodeInfo
	aliased map[*yaml.Node]bool // nodes some alias refers to
	spans   map[*yaml.Node][2]int
}

func newTree(src *source, root *yaml.Node) *tree {
	t := &tree{src: src, root: root, info: map[*yaml.Node]*nodeInfo{}, aliased: map[*yaml.Node]bool{}, spans: map[*yaml.Node][2]int{}}
	t.index(root, &nodeInfo{owner: -1})
	return t
}

func (t *tree) index(n *yaml.Node, in *nodeInfo) {
	t.info[n] = in
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		t.aliased[n.Alias] = true
	}
	flow := in.flow || n.Style&yaml.FlowStyle != 0
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			t.index(k, &nodeInfo{parent: n, idx: i / 2, flow: flow, owner: k.Column - 1, depth: in.depth + 1})
			t.index(v, &nodeInfo{parent: n, idx: i / 2, flow: flow, owner: k.Column - 1, depth: in.depth + 1})
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			t.index(c, &nodeInfo{parent: n, idx: i, flow: flow, owner: n.Column - 1, depth: in.depth + 1})
		}
	}
}

// start is the offset where a node's text begins (its anchor or tag, if
// any, included).
func (t *tree) start(n *yaml.Node) int { return t.src.offset(n.Line, n.Column) }

// span returns the byte range of a node's text, from its first character
// (anchor and tag included) to just after its last one (a trailing comment
// excluded; for a block collection, the end of its last descendant).
func (t *tree) span(n *yaml.Node) (int, int, error) {
	if s, ok := t.spans[n]; ok {
		return s[0], s[1], nil
	}
	start := t.start(n)
	var end int
	var err error
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		_, end, err = t.scalar(n)
	case yaml.MappingNode, yaml.SequenceNode:
		end, err = t.collectionEnd(n, start)
	default:
		err = fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	if err != nil {
		return 0, 0, err
	}
	t.spans[n] = [2]int{start, end}
	return start, end, nil
}

func (t *tree) collectionEnd(n *yaml.Node, start int) (int, error) {
	b := t.src.b
	end := start
	if len(n.Content) > 0 {
		var err error
		if _, end, err = t.span(n.Content[len(n.Content)-1]); err != nil {
			return 0, err
		}
	}
	if n.Style&yaml.FlowStyle == 0 {
		return end, nil
	}
	// Flow collection: past the last item, skip white space, commas and
	// comments to the closing bracket.
	closer := byte('}')
	if n.Kind == yaml.SequenceNode {
		closer = ']'
	}
	p := end
	if len(n.Content) == 0 {
		p = t.afterProps(start) + 1
	}
	for p < len(b) {
		switch c := b[p]; {
		case c == closer:
			return p + 1, nil
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',':
			p++
		case c == '#':
			for p < len(b) && b[p] != '\n' {
				p++
			}
		default:
			return 0, fmt.Errorf("line %d: cannot find the end of the flow collection", n.Line)
		}
	}
	return 0, fmt.Errorf("line %d: unterminated flow collection", n.Line)
}

// afterProps skips an anchor ("&a") and a tag ("!t") and the spaces after
// them.
func (t *tree) afterProps(p int) int {
	b := t.src.b
	for p < len(b) && (b[p] == '&' || b[p] == '!') {
		for p < len(b) && b[p] != ' ' && b[p] != '\t' && b[p] != '\n' && b[p] != '\r' {
			p++
		}
		for p < len(b) && (b[p] == ' ' || b[p] == '\t') {
			p++
		}
	}
	return p
}

// scalar returns the range of a scalar's own text (after its anchor and
// tag): the quotes of a quoted scalar included, for a block scalar from
// the indicator to the end of its last non-blank line. It checks what it
// found against the parsed value where it can.
func (t *tree) scalar(n *yaml.Node) (int, int, error) {
	b := t.src.b
	p := t.afterProps(t.start(n))
	if n.Kind == yaml.AliasNode {
		return p, p + 1 + len(n.Value), nil
	}
	in := t.info[n]
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for q := p + 1; q < len(b); q++ {
			switch b[q] {
			case '\\':
				q++
			case '"':
				return p, q + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for q := p + 1; q < len(b); q++ {
			if b[q] == '\'' {
				if q+1 < len(b) && b[q+1] == '\'' {
					q++
					continue
				}
				return p, q + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return p, t.blockScalarEnd(p, in.owner), nil
	default:
		if n.Value == "" && n.Tag == "!!null" && (p >= len(b) || b[p] != '~') {
			return p, p, nil // an empty value: "key:" with nothing after it
		}
		if end, ok := t.plainEnd(n, p, in.flow, in.owner); ok {
			return p, end, nil
		}
		return 0, 0, fmt.Errorf("line %d: cannot find the extent of the plain scalar %q", n.Line, n.Value)
	}
	return 0, 0, fmt.Errorf("line %d: unterminated quoted scalar", n.Line)
}

// blockScalarEnd returns the end of the last non-blank line of a block
// scalar whose indicator is at p: content lines are indented more than
// owner; the first non-blank line that is not ends it.
func (t *tree) blockScalarEnd(p, owner int) int {
	s := t.src
	end := p
	for end < len(s.b) && strings.IndexByte("|>+-0123456789", s.b[end]) >= 0 {
		end++
	}
	for l := s.lineOf(p) + 1; l <= s.numLines(); l++ {
		if s.blank(l) {
			continue
		}
		if s.indent(l) <= owner {
			break
		}
		end = s.lineEnd(l)
	}
	return end
}

// plainEnd finds the end of a plain scalar starting at p, following it
// over continuation lines when it is folded across lines, and checks the
// text against the parsed value.
func (t *tree) plainEnd(n *yaml.Node, p int, flow bool, owner int) (int, bool) {
	s := t.src
	l := s.lineOf(p)
	var folded strings.Builder
	blankRun := 0
	for first := true; l <= s.numLines(); l++ {
		from := s.lineStart(l)
		if first {
			from = p
		} else {
			if s.blank(l) {
				blankRun++
				continue
			}
			if _, isComment := s.comment(l); isComment || s.indent(l) <= owner {
				return 0, false
			}
			from += s.indent(l)
		}
		lineEnd := s.lineEnd(l)
		q, stop := plainStop(s.b, from, lineEnd, flow)
		text := bytes.TrimRight(s.b[from:q], " \t")
		if !first {
			if blankRun > 0 {
				folded.WriteString(strings.Repeat("\n", blankRun))
			} else {
				folded.WriteByte(' ')
			}
		}
		folded.Write(text)
		blankRun = 0
		first = false
		if folded.String() == n.Value {
			return from + len(text), true
		}
		if stop || folded.Len() >= len(n.Value) {
			return 0, false
		}
	}
	return 0, false
}

// plainStop scans a plain scalar's text on one line from p and returns
// where it stops and whether something other than the end of the line
// stopped it (a comment, a mapping indicator, a flow indicator).
func plainStop(b []byte, p, end int, flow bool) (int, bool) {
	for q := p; q < end; q++ {
		c := b[q]
		switch {
		case flow && strings.IndexByte(",[]{}", c) >= 0:
			return q, true
		case c == '#' && q > p && (b[q-1] == ' ' || b[q-1] == '\t'):
			return q, true
		case c == ':' && (q+1 == end || b[q+1] == ' ' || b[q+1] == '\t' || (flow && strings.IndexByte(",[]{}", b[q+1]) >= 0)):
			return q, true
		}
	}
	return end, false
}

// lookup returns the pair index of key in mapping m, or -1.
func lookup(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i / 2
		}
	}
	return -1
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func isFlow(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }
