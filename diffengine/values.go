package diffengine

import (
	"encoding/json"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
)

// FormatValue renders a Change value on one line, for people: strings
// quoted, numbers and booleans as they are, structures as compact JSON,
// absence as "(absent)".
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(absent)"
	case string:
		return fmt.Sprintf("%q", x)
	case bool, int, int32, int64, float64:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// JSON-shaped values (Change.Git and Change.Live): strings, int64 for
// numbers (port numbers; never float64, so values compare exactly and print
// without exponent), bool, map[string]any, []any, and nil for an absent
// value. Maps hold only the fields that are set, as the JSON form of the
// object would; lists are in canonical (normalized) order.

func strVal(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func numVal(n int32) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

func backendVal(b networkingv1.IngressBackend) map[string]any {
	m := make(map[string]any, 1)
	if b.Service != nil {
		m["service"] = serviceVal(b.Service)
	}
	if b.Resource != nil {
		m["resource"] = resourceVal(b)
	}
	return m
}

func serviceVal(s *networkingv1.IngressServiceBackend) map[string]any {
	m := make(map[string]any, 2)
	if s.Name != "" {
		m["name"] = s.Name
	}
	port := make(map[string]any, 1)
	if s.Port.Name != "" {
		port["name"] = s.Port.Name
	}
	if s.Port.Number != 0 {
		port["number"] = int64(s.Port.Number)
	}
	if len(port) > 0 {
		m["port"] = port
	}
	return m
}

func resourceVal(b networkingv1.IngressBackend) map[string]any {
	r := b.Resource
	m := make(map[string]any, 3)
	if r.APIGroup != nil {
		m["apiGroup"] = *r.APIGroup
	}
	if r.Kind != "" {
		m["kind"] = r.Kind
	}
	if r.Name != "" {
		m["name"] = r.Name
	}
	return m
}

func pathVal(p networkingv1.HTTPIngressPath) map[string]any {
	m := map[string]any{
		"pathType": string(*p.PathType),
		"backend":  backendVal(p.Backend),
	}
	if p.Path != "" {
		m["path"] = p.Path
	}
	return m
}

func httpVal(h *networkingv1.HTTPIngressRuleValue) map[string]any {
	ps := make([]any, len(h.Paths))
	for i, p := range h.Paths {
		ps[i] = pathVal(p)
	}
	return map[string]any{"paths": ps}
}

func ruleVal(r networkingv1.IngressRule) map[string]any {
	m := make(map[string]any, 2)
	if r.Host != "" {
		m["host"] = r.Host
	}
	if r.HTTP != nil {
		m["http"] = httpVal(r.HTTP)
	}
	return m
}

func tlsVal(t networkingv1.IngressTLS) map[string]any {
	m := make(map[string]any, 2)
	if len(t.Hosts) > 0 {
		hs := make([]any, len(t.Hosts))
		for i, h := range t.Hosts {
			hs[i] = h
		}
		m["hosts"] = hs
	}
	if t.SecretName != "" {
		m["secretName"] = t.SecretName
	}
	return m
}
