package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlTypeErr is one of yaml.v3's type errors: "line N: cannot unmarshal
// !!tag `value` into <Go type>".
var yamlTypeErr = regexp.MustCompile("^line (\\d+): cannot unmarshal (!!\\w+)(?: `(.*)`)? into (.+)$")

// describeTypeError says a type error of a GitOps object as its author
// reads it: the field and what it is, and what it must be ("line 10:
// spec.chart is a string (`charts/web`), not a mapping"), not the Go type
// it was decoded into. A message of another form is returned as it is.
func describeTypeError(top *yaml.Node, msg string) string {
	m := yamlTypeErr.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[1])
	tag, value, goType := m[2], m[3], m[4]
	what := tagNames[tag]
	if what == "" {
		what = "a " + strings.TrimPrefix(tag, "!!")
	}
	if value != "" {
		what += " (`" + value + "`)"
	}
	field := fieldAt(top, "", line, tag, strings.TrimSuffix(value, "..."))
	if field == "" {
		field = "a field"
	}
	return fmt.Sprintf("line %d: %s is %s, not %s", line, field, what, goTypeName(goType))
}

var tagNames = map[string]string{"!!str": "a string", "!!seq": "a list", "!!map": "a mapping", "!!bool": "a boolean",
	"!!int": "an integer", "!!float": "a number", "!!null": "null", "!!timestamp": "a timestamp", "!!binary": "binary data"}

// goTypeName is what a Go type a field decodes into asks of YAML.
func goTypeName(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "struct") || strings.HasPrefix(t, "map[") || strings.Contains(t, "."):
		return "a mapping"
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean (true or false)"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || strings.HasPrefix(t, "float"):
		return "a number"
	}
	return t
}

// fieldAt is the path ("spec.chart", "spec.sources[1].path") of the
// deepest node on line whose tag is tag (and whose value starts with
// value, when given), "" if none.
func fieldAt(n *yaml.Node, path string, line int, tag, value string) string {
	best := ""
	if n.Line == line && n.ShortTag() == tag && strings.HasPrefix(n.Value, value) && path != "" {
		best = path
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			if f := fieldAt(n.Content[i+1], p, line, tag, value); f != "" {
				best = f
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if f := fieldAt(c, fmt.Sprintf("%s[%d]", path, i), line, tag, value); f != "" {
				best = f
			}
		}
	}
	return best
}
