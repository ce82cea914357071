package yamledit

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/tlsmeaning"
)

// FuzzEditIngress edits documents towards mutated live objects. The first
// input is a document (seeded with every test document); the second drives
// a few mutations of it (annotations, labels, ports, hosts, paths, TLS,
// class, defaultBackend) from small alphabets, so values that need quotes,
// multi-line snippets, colliding hosts and emptied containers are common.
//
// Properties: no panic; EditIngress(doc, Decode(doc)) returns doc itself
// and no paths; when an edit succeeds, the output decodes strictly into
// the same object with no drift against want, its TLS means what want's
// does (tlsmeaning, computed without diffengine), is valid JSON if doc was,
// and editing it again changes nothing; when it fails on a document that
// decodes, the error wraps ErrUnsupported (a refusal with a reason).
func FuzzEditIngress(f *testing.F) {
	docs := []string{shopDoc, blogDoc, webhooksDoc, snippetDoc, snippetAnnotated, anchorDoc, tlsDoc,
		strings.ReplaceAll(shopDoc, "\n", "\r\n"), strings.TrimSuffix(blogDoc, "\n"),
		dupDoc, dupHostsDoc, bareHostsDoc, dupTLSDoc, exactDupDoc}
	for i, d := range docs {
		f.Add([]byte(d), []byte{byte(i), byte(3*i + 1), byte(7*i + 2), 0x41})
		f.Add([]byte(d), []byte{0x10, byte(i), 0x22, 0x35, byte(5 * i), 0x07})
	}
	// Live drops the second TLS entry of a shared secret, or empties its
	// hosts (case 11: op 1 drops entry 3, op 3 empties its one host);
	// accepting once left "- secretName: c-tls", an entry for every host.
	f.Add([]byte(dupTLSDoc), []byte{11, 1, 3})
	f.Add([]byte(dupTLSDoc), []byte{11, 3, 3})
	f.Add([]byte(tlsShareDoc), []byte{11, 1, 0})
	// Paths equal in path and pathType (dupDoc: /x one, two): the first
	// renamed x-y live (op 14; once written as [two, x-y], routing /x to
	// two), a new /x inserted first or between (op 7), and one added
	// after the last of them in the host's second rule.
	f.Add([]byte(dupDoc), []byte{14, 0, 0, 3})
	f.Add([]byte(dupDoc), []byte{7, 0, 1, 0, 0, 0})
	f.Add([]byte(dupDoc), []byte{7, 0, 1, 0, 0, 1})
	f.Add([]byte(splitEqualPathsDoc), []byte{7, 2, 1, 0, 0, 1})
	f.Fuzz(func(t *testing.T, doc, mut []byte) {
		cur, err := Decode(doc)
		if err != nil || cur.Name == "" {
			_, _, _ = EditIngress(doc, &networkingv1.Ingress{}, "")
			return
		}
		const ns = "fuzz"
		out, paths, err := EditIngress(doc, cur, ns)
		if err != nil || string(out) != string(doc) || len(paths) != 0 {
			t.Fatalf("edit towards itself: err=%v paths=%v changed=%v", err, paths, string(out) != string(doc))
		}
		live := cur.DeepCopy()
		if live.Namespace == "" {
			live.Namespace = ns
		}
		want := diffengine.CleanForManifest(live)
		mutate(want, mut)
		out, paths, err = EditIngress(doc, want, ns)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error does not wrap ErrUnsupported: %v", err)
			}
			return
		}
		got, err := Decode(out)
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, out)
		}
		if got.Name != cur.Name || got.Namespace != cur.Namespace {
			t.Fatalf("object changed: %s/%s", got.Namespace, got.Name)
		}
		if res := diffengine.Diff(got, want, diffengine.Options{DefaultNamespace: ns}); res.Drifted() {
			t.Fatalf("drift left: %v", res.Changes)
		}
		if g, w := tlsmeaning.Of(got.Spec.TLS), tlsmeaning.Of(want.Spec.TLS); !maps.Equal(g, w) {
			t.Fatalf("TLS means %v, live %v:\n%s", slices.Sorted(maps.Keys(g)), slices.Sorted(maps.Keys(w)), out)
		}
		if len(paths) == 0 && string(out) != string(doc) {
			t.Fatal("no paths but the document changed")
		}
		if json.Valid(doc) && !json.Valid(out) {
			t.Fatalf("not JSON any more:\n%s", out)
		}
		again, p2, err := EditIngress(out, want, ns)
		if err != nil || string(again) != string(out) || len(p2) != 0 {
			t.Fatalf("second edit: err=%v paths=%v", err, p2)
		}
	})
}

var (
	fuzzKeys   = []string{"nginx.ingress.kubernetes.io/ssl-redirect", "a.example.com/x", snippet, "team", "yes", "k y"}
	fuzzValues = []string{"true", "false", "yes", "8m", "a: b", "#x", "more_set_headers \"X: y\";\nreturn 404;\n", "", "x y",
		"'q'", `"dq"`, "10.0.0.0/8,192.168.0.0/16", "é", "0777", " lead", "two\n\n", "[a]", "{b}", "- c", "~", "null"}
	fuzzHosts = []string{"a.example.com", "", "*.example.com", "shop.example.com", "b.example.com"}
	fuzzPaths = []string{"/", "/x", "/api", "/a,b", "/.well-known/acme-challenge/t"}
	fuzzTypes = []networkingv1.PathType{networkingv1.PathTypePrefix, networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific}
	fuzzPorts = []int32{80, 8080, 8443, 1}
)

// mutate applies the mutations the bytes describe.
func mutate(w *networkingv1.Ingress, b []byte) {
	i := 0
	next := func(n int) int {
		if n <= 0 {
			return 0
		}
		v := 0
		if i < len(b) {
			v = int(b[i])
		}
		i++
		return v % n
	}
	pathsOf := func() *networkingv1.HTTPIngressRuleValue {
		if len(w.Spec.Rules) == 0 {
			w.Spec.Rules = append(w.Spec.Rules, rule(fuzzHosts[next(len(fuzzHosts))]))
		}
		r := &w.Spec.Rules[next(len(w.Spec.Rules))]
		if r.HTTP == nil {
			r.HTTP = &networkingv1.HTTPIngressRuleValue{}
		}
		return r.HTTP
	}
	for steps := 0; steps < 4 && i < len(b); steps++ {
		switch next(16) {
		case 0:
			if w.Annotations == nil {
				w.Annotations = map[string]string{}
			}
			w.Annotations[fuzzKeys[next(len(fuzzKeys))]] = fuzzValues[next(len(fuzzValues))]
		case 1:
			if keys := slices.Sorted(maps.Keys(w.Annotations)); len(keys) > 0 {
				delete(w.Annotations, keys[next(len(keys))])
			}
		case 2:
			if w.Labels == nil {
				w.Labels = map[string]string{}
			}
			w.Labels[fuzzKeys[next(len(fuzzKeys))]] = fuzzValues[next(len(fuzzValues))]
		case 3:
			if keys := slices.Sorted(maps.Keys(w.Labels)); len(keys) > 0 {
				delete(w.Labels, keys[next(len(keys))])
			}
		case 4, 5:
			h := pathsOf()
			if len(h.Paths) == 0 {
				continue
			}
			p := &h.Paths[next(len(h.Paths))]
			if p.Backend.Service == nil {
				p.Backend.Service = &networkingv1.IngressServiceBackend{Name: "svc"}
			}
			if next(2) == 0 {
				p.Backend.Service.Port = networkingv1.ServiceBackendPort{Number: fuzzPorts[next(len(fuzzPorts))]}
			} else {
				p.Backend.Service.Port = networkingv1.ServiceBackendPort{Name: "http"}
			}
		case 6:
			if len(w.Spec.Rules) > 0 {
				w.Spec.Rules[next(len(w.Spec.Rules))].Host = fuzzHosts[next(len(fuzzHosts))]
			}
		case 7:
			h := pathsOf()
			np := httpPath(fuzzPaths[next(len(fuzzPaths))], fuzzTypes[next(len(fuzzTypes))], svc("new", fuzzPorts[next(len(fuzzPorts))]))
			h.Paths = slices.Insert(h.Paths, next(len(h.Paths)+1), np)
		case 8:
			if h := pathsOf(); len(h.Paths) > 0 {
				h.Paths = drop(h.Paths, next(len(h.Paths)))
				if len(h.Paths) == 0 {
					h.Paths = append(h.Paths, httpPath("/", networkingv1.PathTypePrefix, svc("last", 80)))
				}
			}
		case 9:
			nr := rule(fuzzHosts[next(len(fuzzHosts))], httpPath(fuzzPaths[next(len(fuzzPaths))], fuzzTypes[next(len(fuzzTypes))], svc("r", 80)))
			w.Spec.Rules = slices.Insert(w.Spec.Rules, next(len(w.Spec.Rules)+1), nr)
		case 10:
			if len(w.Spec.Rules) > 1 {
				w.Spec.Rules = drop(w.Spec.Rules, next(len(w.Spec.Rules)))
			}
		case 11:
			switch op := next(4); {
			case op == 0 || len(w.Spec.TLS) == 0:
				t := networkingv1.IngressTLS{Hosts: []string{fuzzHosts[next(len(fuzzHosts))]}}
				if next(3) > 0 {
					t.SecretName = []string{"a-tls", "b-tls", "shop-tls"}[next(3)]
				}
				w.Spec.TLS = slices.Insert(w.Spec.TLS, next(len(w.Spec.TLS)+1), t)
			case op == 1:
				w.Spec.TLS = drop(w.Spec.TLS, next(len(w.Spec.TLS)))
			case op == 2:
				t := &w.Spec.TLS[next(len(w.Spec.TLS))]
				t.Hosts = append(t.Hosts, fuzzHosts[next(len(fuzzHosts))])
			default:
				if t := &w.Spec.TLS[next(len(w.Spec.TLS))]; len(t.Hosts) > 1 {
					t.Hosts = drop(t.Hosts, next(len(t.Hosts)))
				} else {
					t.Hosts = nil // an entry for every host
				}
			}
		case 12:
			if next(2) == 0 {
				w.Spec.IngressClassName = nil
			} else {
				w.Spec.IngressClassName = ptr([]string{"nginx", "traefik", "yes"}[next(3)])
			}
		case 13:
			if next(2) == 0 && len(w.Spec.Rules) > 0 {
				w.Spec.DefaultBackend = nil
			} else {
				be := svc([]string{"fallback", "on"}[next(2)], fuzzPorts[next(len(fuzzPorts))])
				w.Spec.DefaultBackend = &be
			}
		case 14:
			if h := pathsOf(); len(h.Paths) > 0 {
				if p := &h.Paths[next(len(h.Paths))]; p.Backend.Service != nil {
					p.Backend.Service.Name = []string{"a", "b", "no", "x-y"}[next(4)]
				}
			}
		case 15:
			if h := pathsOf(); len(h.Paths) > 0 {
				h.Paths[next(len(h.Paths))].PathType = ptr(fuzzTypes[next(len(fuzzTypes))])
			}
		}
	}
}

// drop removes element i.
func drop[T any](s []T, i int) []T { return slices.Delete(s, i, i+1) }
