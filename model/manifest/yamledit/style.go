package yamledit

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// style is the layout the document uses, so that new lines look like
// their neighbours.
type style struct {
	nl        string // "\n" or "\r\n"
	step      int    // indentation of a nested mapping
	seqIndent int    // column of a block sequence's dash relative to its key
	dashGap   int    // columns from a dash to the item's content ("- " is 2)
	flowLists bool   // lists of scalars are written in flow style: hosts: [a, b]
	json      bool   // the document is JSON: every new string and key is double-quoted
}

// detectStyle looks at the document's existing block mappings and
// sequences.
func detectStyle(t *tree, nl string) style {
	st := style{nl: nl, step: -1, seqIndent: -1, dashGap: -1}
	root := t.root
	st.json = isFlow(root) && root.Kind == yaml.MappingNode &&
		(len(root.Content) == 0 || root.Content[0].Style&yaml.DoubleQuotedStyle != 0)
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if !isFlow(n) && !isFlow(v) {
					switch {
					case v.Kind == yaml.MappingNode && st.step < 0 && v.Column > k.Column:
						st.step = v.Column - k.Column
					case v.Kind == yaml.SequenceNode && st.seqIndent < 0 && v.Line > k.Line:
						st.seqIndent = v.Column - k.Column
					}
				}
				if v.Kind == yaml.SequenceNode && isFlow(v) && !isFlow(n) && len(v.Content) > 0 && v.Content[0].Kind == yaml.ScalarNode {
					st.flowLists = true
				}
				walk(v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if !isFlow(n) && st.dashGap < 0 && c.Kind == yaml.MappingNode && !isFlow(c) && c.Line == n.Line {
					st.dashGap = c.Column - n.Column
				}
				walk(c)
			}
		}
	}
	walk(root)
	if st.step <= 0 {
		st.step = 2
	}
	if st.seqIndent < 0 {
		st.seqIndent = st.step
	}
	if st.dashGap < 2 {
		st.dashGap = 2
	}
	return st
}

// pair writes "key: value" at column col as block YAML, ending with a line
// break.
func (st *style) pair(b *strings.Builder, key string, v any, col int) {
	b.WriteString(spaces(col))
	b.WriteString(keyText(key, false, st.json))
	b.WriteByte(':')
	st.value(b, key, v, col)
}

// value writes the value of a block pair after "key:" (the key being at
// column col), ending with a line break.
func (st *style) value(b *strings.Builder, key string, v any, col int) {
	if items, ok := listItems(v); ok {
		switch {
		case len(items) == 0:
			b.WriteString(" []" + st.nl)
		case st.flowLists && allScalars(items):
			b.WriteByte(' ')
			st.flow(b, key, v, false)
			b.WriteString(st.nl)
		default:
			b.WriteString(st.nl)
			for _, it := range items {
				st.item(b, key, it, col+st.seqIndent)
			}
		}
		return
	}
	if isMap(v) {
		keys := orderedKeys(key, v)
		if len(keys) == 0 {
			b.WriteString(" {}" + st.nl)
			return
		}
		b.WriteString(st.nl)
		for _, k := range keys {
			st.pair(b, k, mapGet(v, k), col+st.step)
		}
		return
	}
	b.WriteByte(' ')
	b.WriteString(st.blockScalar(v, col+st.step))
	b.WriteString(st.nl)
}

// item writes one block sequence item with its dash at column dash; ctx is
// the key holding the sequence.
func (st *style) item(b *strings.Builder, ctx string, v any, dash int) {
	if isMap(v) && len(orderedKeys(ctx, v)) > 0 {
		var inner strings.Builder
		for _, k := range orderedKeys(ctx, v) {
			st.pair(&inner, k, mapGet(v, k), dash+st.dashGap)
		}
		b.WriteString(spaces(dash))
		b.WriteString("-" + spaces(st.dashGap-1))
		b.WriteString(inner.String()[dash+st.dashGap:])
		return
	}
	b.WriteString(spaces(dash) + "- ")
	if isScalar(v) {
		b.WriteString(st.blockScalar(v, dash+st.dashGap))
	} else {
		st.flow(b, ctx, v, st.json)
	}
	b.WriteString(st.nl)
}

func allScalars(items []any) bool {
	for _, it := range items {
		if !isScalar(it) {
			return false
		}
	}
	return true
}

// flow writes v in flow style (JSON when json is set).
func (st *style) flow(b *strings.Builder, ctx string, v any, json bool) {
	if items, ok := listItems(v); ok {
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			st.flow(b, ctx, it, json)
		}
		b.WriteByte(']')
		return
	}
	if isMap(v) {
		b.WriteByte('{')
		for i, k := range orderedKeys(ctx, v) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(keyText(k, true, json))
			b.WriteString(": ")
			st.flow(b, k, mapGet(v, k), json)
		}
		b.WriteByte('}')
		return
	}
	b.WriteString(flowScalar(v, json))
}

// flowScalar writes a scalar inside a flow collection.
func flowScalar(v any, json bool) string {
	if s, ok := v.(string); ok {
		if !json && plainSafe(s, true) {
			return s
		}
		return dquote(s)
	}
	return nonString(v)
}

// blockScalar writes a scalar value in block context; a string with line
// breaks becomes a literal block scalar whose content is indented to
// indent.
func (st *style) blockScalar(v any, indent int) string {
	s, ok := v.(string)
	if !ok {
		return nonString(v)
	}
	if st.json {
		return dquote(s)
	}
	if plainSafe(s, false) {
		return s
	}
	if strings.Contains(s, "\n") {
		if text, ok := st.literal(s, indent, false, ""); ok {
			return text
		}
	}
	return dquote(s)
}

// literal writes s as a block scalar ("|" or, when folded is set and s
// has no inner line break, ">") with content lines at column indent; rest
// is kept after the indicator (a comment on the header line). ok is false
// when the value cannot be written that way (it would need keep chomping,
// starts with a space, holds control characters) or does not read back.
func (st *style) literal(s string, indent int, folded bool, rest string) (string, bool) {
	body := strings.TrimSuffix(s, "\n")
	if body == "" || strings.HasSuffix(body, "\n") || body[0] == ' ' || body[0] == '\t' || strings.ContainsRune(body, '\r') {
		return "", false
	}
	for _, r := range body {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return "", false
		}
	}
	chomp := "-"
	if strings.HasSuffix(s, "\n") {
		chomp = ""
	}
	ind := "|"
	if folded && !strings.Contains(body, "\n") {
		ind = ">"
	}
	var b strings.Builder
	b.WriteString(ind + chomp + rest)
	for _, ln := range strings.Split(body, "\n") {
		b.WriteString(st.nl)
		if ln != "" {
			b.WriteString(spaces(indent) + ln)
		}
	}
	text := b.String()
	// Read it back, the way the repository parser will.
	var got map[string]string
	if err := sigsyaml.Unmarshal([]byte("k: "+strings.ReplaceAll(text, "\r\n", "\n")+"\n"), &got); err != nil || got["k"] != s {
		return "", false
	}
	return text, true
}

func nonString(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// dquote writes s as a double-quoted scalar. JSON string escapes are valid
// YAML, so the result is right in YAML and JSON documents alike.
func dquote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// squote writes s as a single-quoted scalar, if it can be one.
func squote(s string) (string, bool) {
	for _, r := range s {
		if r == '\n' || r == '\r' || (r != '\t' && !unicode.IsPrint(r)) {
			return "", false
		}
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", true
}

// keyText writes a mapping key.
func keyText(k string, flow, json bool) string {
	if !json && plainKeySafe(k, flow) {
		return k
	}
	return dquote(k)
}

// plainSafe reports whether s can be written as a plain scalar value and
// read back as the same string, both by yaml.v3 and by sigs.k8s.io/yaml
// (YAML 1.1 rules: "yes", "on", "0777" are not strings there), in block or
// flow context.
func plainSafe(s string, flow bool) bool {
	if !plainCandidate(s) {
		return false
	}
	doc := "k: " + s
	if flow {
		doc = "k: [" + s + "]"
	}
	var n yaml.Node
	if yaml.Unmarshal([]byte(doc), &n) != nil || len(n.Content) != 1 {
		return false
	}
	v := n.Content[0]
	if len(v.Content) != 2 {
		return false
	}
	v = v.Content[1]
	if flow {
		if v.Kind != yaml.SequenceNode || len(v.Content) != 1 {
			return false
		}
		v = v.Content[0]
	}
	if v.Kind != yaml.ScalarNode || v.Style != 0 || v.Tag != "!!str" || v.Value != s {
		return false
	}
	want, _ := json.Marshal(s)
	got, err := sigsyaml.YAMLToJSON([]byte(doc))
	if flow {
		return err == nil && string(got) == `{"k":[`+string(want)+`]}`
	}
	return err == nil && string(got) == `{"k":`+string(want)+`}`
}

// plainKeySafe is plainSafe for a mapping key.
func plainKeySafe(k string, flow bool) bool {
	if !plainCandidate(k) {
		return false
	}
	doc := k + ": v"
	if flow {
		doc = "{" + k + ": v}"
	}
	var n yaml.Node
	if yaml.Unmarshal([]byte(doc), &n) != nil || len(n.Content) != 1 || len(n.Content[0].Content) != 2 {
		return false
	}
	key := n.Content[0].Content[0]
	if key.Style != 0 || key.Tag != "!!str" || key.Value != k {
		return false
	}
	want, _ := json.Marshal(k)
	got, err := sigsyaml.YAMLToJSON([]byte(doc))
	return err == nil && string(got) == `{`+string(want)+`:"v"}`
}

// plainCandidate rules out what can never be plain before parsing.
func plainCandidate(s string) bool {
	if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\n\r\t") {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
