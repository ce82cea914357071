package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
)

// Marshal writes an Ingress as the text of a new manifest file (accept
// of an object that has none): YAML in the key order people use, two-space
// indentation, no status and no empty fields. The caller cleans server
// fields first (diffengine.CleanForManifest).
func Marshal(ing *networkingv1.Ingress) ([]byte, error) {
	b, err := json.Marshal(ing)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	delete(v, "status")
	if m, ok := v["metadata"].(map[string]any); ok {
		delete(m, "creationTimestamp")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(node(v, "")); err != nil {
		return nil, fmt.Errorf("marshal %s: %w", ing.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// node converts a JSON value into a YAML node, ordering map keys as
// yamledit.SortKeys does and dropping empty maps and lists.
func node(v any, parent string) *yaml.Node {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k, val := range t {
			if !empty(val) {
				keys = append(keys, k)
			}
		}
		yamledit.SortKeys(parent, keys)
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, node(t[k], k))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, item := range t {
			n.Content = append(n.Content, node(item, parent))
		}
		return n
	default:
		var n yaml.Node
		if err := n.Encode(t); err != nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(t)}
		}
		return &n
	}
}

func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}
