package yamledit

import (
	"fmt"
	"strconv"
	"strings"
)

// segment is one step of a diffengine semantic path: a field name and,
// when the path selects an element, the selector inside "[...]".
type segment struct {
	name   string
	sel    string // raw selector text
	hasSel bool
}

// parsePath splits a semantic path (diffengine paths.go grammar) into
// segments: "spec.rules[host=a].http.paths[path=/x]" gives spec,
// rules[host=a], http, paths[path=/x]. Selector values that are
// Go-quoted may hold any character.
func parsePath(p string) ([]segment, error) {
	var segs []segment
	for i := 0; i < len(p); {
		j := i
		for j < len(p) && p[j] != '.' && p[j] != '[' {
			j++
		}
		seg := segment{name: p[i:j]}
		if seg.name == "" {
			return nil, fmt.Errorf("bad path %q at %d", p, i)
		}
		i = j
		if i < len(p) && p[i] == '[' {
			end, err := selectorEnd(p, i+1)
			if err != nil {
				return nil, fmt.Errorf("bad path %q: %w", p, err)
			}
			seg.sel, seg.hasSel = p[i+1:end], true
			i = end + 1
		}
		segs = append(segs, seg)
		if i < len(p) {
			if p[i] != '.' {
				return nil, fmt.Errorf("bad path %q at %d", p, i)
			}
			i++
		}
	}
	return segs, nil
}

// selectorEnd returns the index of the "]" closing a selector that starts
// at i. A '"' at the start of a value (after "[", "=", "," or "+") opens a
// Go-quoted string.
func selectorEnd(p string, i int) (int, error) {
	valueStart := true
	for i < len(p) {
		c := p[i]
		switch {
		case c == '"' && valueStart:
			q, err := strconv.QuotedPrefix(p[i:])
			if err != nil {
				return 0, err
			}
			i += len(q)
			valueStart = false
			continue
		case c == ']':
			return i, nil
		}
		valueStart = c == '=' || c == ',' || c == '+'
		i++
	}
	return 0, fmt.Errorf("unterminated selector")
}

// unquote returns a selector value, Go-unquoted when quoted.
func unquote(v string) (string, error) {
	if strings.HasPrefix(v, `"`) {
		return strconv.Unquote(v)
	}
	return v, nil
}

// fields parses a "name=value,name=value,#N" selector. The occurrence
// ("#N") is returned separately, 1 when absent.
func fields(sel string) (map[string]string, int, error) {
	out := map[string]string{}
	occ := 1
	for i := 0; i < len(sel); {
		if sel[i] == '#' {
			j := i + 1
			for j < len(sel) && sel[j] != ',' {
				j++
			}
			n, err := strconv.Atoi(sel[i+1 : j])
			if err != nil {
				return nil, 0, fmt.Errorf("bad occurrence in [%s]", sel)
			}
			occ = n
			i = j + 1
			continue
		}
		eq := strings.IndexByte(sel[i:], '=')
		if eq < 0 {
			return nil, 0, fmt.Errorf("bad selector [%s]", sel)
		}
		name := sel[i : i+eq]
		j := i + eq + 1
		k := j
		if k < len(sel) && sel[k] == '"' && name != "hosts" {
			q, err := strconv.QuotedPrefix(sel[k:])
			if err != nil {
				return nil, 0, err
			}
			k += len(q)
		} else {
			for k < len(sel) && sel[k] != ',' {
				if sel[k] == '"' {
					q, err := strconv.QuotedPrefix(sel[k:])
					if err != nil {
						return nil, 0, err
					}
					k += len(q)
					continue
				}
				k++
			}
		}
		v := sel[j:k]
		if name != "hosts" {
			var err error
			if v, err = unquote(v); err != nil {
				return nil, 0, err
			}
		}
		out[name] = v
		i = k + 1
	}
	return out, occ, nil
}

// hostList splits a "hosts=a+b" selector value into its hosts.
func hostList(v string) ([]string, error) {
	var out []string
	for i := 0; i < len(v); {
		var h string
		if v[i] == '"' {
			q, err := strconv.QuotedPrefix(v[i:])
			if err != nil {
				return nil, err
			}
			if h, err = strconv.Unquote(q); err != nil {
				return nil, err
			}
			i += len(q)
		} else {
			j := strings.IndexByte(v[i:], '+')
			if j < 0 {
				j = len(v) - i
			}
			h = v[i : i+j]
			i += j
		}
		out = append(out, h)
		if i < len(v) {
			if v[i] != '+' {
				return nil, fmt.Errorf("bad host list %q", v)
			}
			i++
		}
	}
	return out, nil
}
