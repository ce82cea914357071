package yamledit

import (
	"slices"
	"strings"
)

// Values written into a document are JSON-shaped, as diffengine gives them
// in Change.Live: string, int64, bool, map[string]any, []any; plus the
// editor's own pending containers (*newMap, *newSeq) when it creates a
// parent that does not exist yet.

// newMap is a mapping the editor creates, with its keys in insertion order.
type newMap struct {
	keys []string
	vals map[string]any
}

func (m *newMap) get(k string) (any, bool) {
	v, ok := m.vals[k]
	return v, ok
}

func (m *newMap) set(k string, v any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

// newSeq is a sequence the editor creates; items are written in the order
// of their want index.
type newSeq struct {
	items []seqItem
}

type seqItem struct {
	val   any
	order int // index among want's elements, to order new items
}

func (s *newSeq) sorted() []any {
	items := slices.Clone(s.items)
	slices.SortStableFunc(items, func(a, b seqItem) int { return a.order - b.order })
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it.val
	}
	return out
}

// keyOrder is the order in which keys of a new mapping are written, by the
// key that holds the mapping (kubectl's field order). Keys not listed come
// after, sorted.
var keyOrder = map[string][]string{
	"":               {"apiVersion", "kind", "metadata", "spec"},
	"metadata":       {"name", "namespace", "labels", "annotations"},
	"spec":           {"ingressClassName", "defaultBackend", "tls", "rules"},
	"rules":          {"host", "http"},
	"http":           {"paths"},
	"paths":          {"path", "pathType", "backend"},
	"backend":        {"service", "resource"},
	"defaultBackend": {"service", "resource"},
	"service":        {"name", "port"},
	"port":           {"name", "number"},
	"resource":       {"apiGroup", "kind", "name"},
	"tls":            {"hosts", "secretName"},
}

// rank returns the position of key in the order of context ctx, or -1 when
// it has none there.
func rank(ctx, key string) int {
	return slices.Index(keyOrder[ctx], key)
}

// orderedKeys returns the keys of a map value in writing order.
func orderedKeys(ctx string, v any) []string {
	var keys []string
	switch m := v.(type) {
	case map[string]any:
		for k := range m {
			keys = append(keys, k)
		}
	case *newMap:
		keys = slices.Clone(m.keys)
	}
	SortKeys(ctx, keys)
	return keys
}

// SortKeys sorts the keys of a mapping held under key ctx ("" for the
// document) into the order people write an Ingress in (kubectl's field
// order); keys not in that order come after, sorted. New manifests use it
// too, so every YAML ingress-drift writes has one order.
func SortKeys(ctx string, keys []string) {
	slices.SortFunc(keys, func(a, b string) int {
		ra, rb := rank(ctx, a), rank(ctx, b)
		switch {
		case ra >= 0 && rb >= 0:
			return ra - rb
		case ra >= 0:
			return -1
		case rb >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
}

func mapGet(v any, k string) any {
	switch m := v.(type) {
	case map[string]any:
		return m[k]
	case *newMap:
		return m.vals[k]
	}
	return nil
}

func listItems(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case *newSeq:
		return l.sorted(), true
	}
	return nil, false
}

func isMap(v any) bool {
	switch v.(type) {
	case map[string]any, *newMap:
		return true
	}
	return false
}

func isScalar(v any) bool { return !isMap(v) && !isList(v) }

func isList(v any) bool {
	_, ok := listItems(v)
	return ok
}
