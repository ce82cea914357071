package render

import (
	"fmt"
	"strconv"
	"strings"
)

// setValue sets one Argo CD helm parameter in a value layer, as
// `helm template --set name=value` does (--set-string with forceString):
// name is a dotted path ("\." is a dot in a key), value is typed as Helm
// types it (true/false, null, integers not starting with 0; else a
// string). Argo CD escapes commas in the value, so it is one value. List
// indexes (name[0]) are refused rather than guessed.
func setValue(layer map[string]any, name, value string, forceString bool) error {
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '\\' && i+1 < len(name):
			i++
			cur.WriteByte(name[i])
		case c == '.':
			keys = append(keys, cur.String())
			cur.Reset()
		case c == '[' || c == ']':
			return fmt.Errorf("list indexes are not supported")
		default:
			cur.WriteByte(c)
		}
	}
	keys = append(keys, cur.String())
	m := layer
	for _, k := range keys[:len(keys)-1] {
		if k == "" {
			return fmt.Errorf("empty key")
		}
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	last := keys[len(keys)-1]
	if last == "" {
		return fmt.Errorf("empty key")
	}
	m[last] = typedValue(value, forceString)
	return nil
}

// typedValue types a --set value as Helm's strvals does.
func typedValue(v string, forceString bool) any {
	switch {
	case forceString:
		return v
	case strings.EqualFold(v, "true"):
		return true
	case strings.EqualFold(v, "false"):
		return false
	case strings.EqualFold(v, "null"):
		return nil
	case v == "0":
		return int64(0)
	}
	if v != "" && v[0] != '0' {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}
