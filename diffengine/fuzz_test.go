package diffengine

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/tlsmeaning"
)

// FuzzDiff diffs arbitrary pairs of Ingresses. Each input is decoded as
// YAML/JSON when it is a valid Ingress document (the seed corpus holds the
// testdata pairs, so the mutator starts from real objects); otherwise the
// bytes drive a generator that builds an Ingress from small alphabets, so
// hosts, paths, secrets and annotation keys collide often (duplicate hosts,
// one path with two pathTypes, shared secrets, security annotations). When
// the second input is short (under 48 bytes), the second object is instead a mutation of the
// first driven by those bytes, so near-equal pairs are common.
//
// Properties: no panic; inputs never modified; Diff(a, a) and
// Diff(a, Normalize(a)) are empty; Normalize is idempotent; Diff is
// deterministic; Diff(a, b) is empty iff Diff(b, a) is, with added and
// removed mirrored; every change is well formed with a unique path; when
// no change is about TLS, both TLS lists mean the same (tlsmeaning.Of).
func FuzzDiff(f *testing.F) {
	// Seeds: each testdata manifest with a short edit script (the second
	// object is then a mutation of the first), and a few full git/live pairs.
	// Small seeds keep the fuzzer's minimization of new inputs fast.
	dirs, _ := filepath.Glob(filepath.Join(casesDir, "*", "git.yaml"))
	for i, g := range dirs {
		a, err := os.ReadFile(g)
		if err != nil {
			continue
		}
		f.Add(a, []byte{byte(i), byte(3 * i), byte(7 * i)})
		if i%10 == 0 {
			if b, err := os.ReadFile(filepath.Join(filepath.Dir(g), "live.yaml")); err == nil {
				f.Add(a, b)
			}
		}
	}
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, []byte{3, 1, 4})
	// Two entries of one secret; live emptied the second one's hosts (it
	// then serves every host), which Normalize once merged away.
	// And an entry for every host next to one listing hosts, gone live.
	f.Add([]byte(tlsSeed+"  - hosts: [b.example]\n    secretName: c-tls\n"), []byte(tlsSeed+"  - secretName: c-tls\n    hosts: []\n"))
	f.Add([]byte(tlsSeed+"  - secretName: c-tls\n"), []byte(tlsSeed))
	// Paths equal in path and pathType: the first pointed elsewhere live
	// (once read as a reshuffle of both, which accept wrote in the wrong
	// order), swapped, and one inserted before them.
	f.Add([]byte(equalPathsSeed("one", "two")), []byte(equalPathsSeed("zero", "two")))
	f.Add([]byte(equalPathsSeed("one", "two")), []byte(equalPathsSeed("two", "one")))
	f.Add([]byte(equalPathsSeed("one", "two")), []byte(equalPathsSeed("new", "one", "two")))
	f.Add([]byte("\x05\x03\x02\x01\x00\x04\x02\x02\x01\x03\x03\x01\x02"), []byte("\x07\x06\x05\x04\x03\x02\x01\x00\x07\x06\x05\x04\x03\x02\x01\x00\x11\x22\x33"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		x := decodeOrBuild(a)
		var y *networkingv1.Ingress
		if len(b) < 48 {
			y = mutate(x, b)
		} else {
			y = decodeOrBuild(b)
		}
		checkDiffProperties(t, x, y)
	})
}

// equalPathsSeed is an Ingress whose one rule lists /x (Prefix) once per
// service, in that order.
func equalPathsSeed(services ...string) string {
	s := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: e\nspec:\n  rules:\n  - host: a.example\n    http:\n      paths:\n"
	for _, svc := range services {
		s += "      - {path: /x, pathType: Prefix, backend: {service: {name: " + svc + ", port: {number: 80}}}}\n"
	}
	return s
}

// tlsSeed is an Ingress whose TLS list goes on in the seed.
const tlsSeed = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\nspec:\n  tls:\n  - hosts: [a.example]\n    secretName: c-tls\n"

func decodeOrBuild(data []byte) *networkingv1.Ingress {
	var ing networkingv1.Ingress
	if err := yaml.Unmarshal(data, &ing); err == nil && (ing.Kind == "Ingress" || ing.Name != "") {
		return &ing
	}
	return build(&bytesource{b: data})
}

type bytesource struct {
	b []byte
	i int
}

// pick returns a number in [0, n) from the next byte (0 when exhausted).
func (s *bytesource) pick(n int) int {
	if s.i >= len(s.b) || n <= 1 {
		s.i++
		return 0
	}
	v := int(s.b[s.i]) % n
	s.i++
	return v
}

func (s *bytesource) done() bool { return s.i >= len(s.b) }

var (
	fzHosts    = []string{"", "a.example.com", "b.example.com", "*.example.com", "c", "a.example.com"}
	fzPaths    = []string{"", "/", "/api", "/api/", "/v[0-9]+/(a,b)", "/.well-known/acme-challenge/t"}
	fzTypes    = []string{"", "Prefix", "Exact", "ImplementationSpecific", "Weird"}
	fzServices = []string{"", "web", "api"}
	fzPorts    = []int32{0, 80, 8080, -1}
	fzPNames   = []string{"", "http", "grpc"}
	fzSecrets  = []string{"", "s1", "s2", "s1"}
	fzClasses  = []string{"", "nginx", "traefik"}
	fzKeys     = []string{
		"nginx.ingress.kubernetes.io/ssl-redirect", "nginx.ingress.kubernetes.io/whitelist-source-range",
		"nginx.ingress.kubernetes.io/denylist-source-range", "alb.ingress.kubernetes.io/listen-ports",
		"alb.ingress.kubernetes.io/scheme", "konghq.com/protocols", "traefik.ingress.kubernetes.io/router.middlewares",
		"kubernetes.io/ingress.allow-http", "kubernetes.io/ingress.class", "ingress.kubernetes.io/url-map",
		"projectcontour.io/tls-minimum-protocol-version", "example.com/x", LastAppliedAnnotation, "a[b]=c",
		"nginx.ingress.kubernetes.io/server-snippet", "nginx.ingress.kubernetes.io/enable-cors",
		"nginx.ingress.kubernetes.io/cors-allow-origin", "nginx.ingress.kubernetes.io/backend-protocol",
	}
	fzValues = []string{"", "true", "false", "on", "none", "10.0.0.0/8", "0.0.0.0/0,::/0", `[{"HTTPS":443}]`, "1.3", "http,https", "x,y", "not-a-cidr", "*", "HTTPS"}
)

func build(s *bytesource) *networkingv1.Ingress {
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "fz", Namespace: []string{"", "ns"}[s.pick(2)]}}
	if n := s.pick(4); n > 0 {
		ing.Annotations = map[string]string{}
		for range n - 1 {
			ing.Annotations[fzKeys[s.pick(len(fzKeys))]] = fzValues[s.pick(len(fzValues))]
		}
	}
	if n := s.pick(3); n > 0 {
		ing.Labels = map[string]string{}
		for range n - 1 {
			ing.Labels[fzKeys[s.pick(len(fzKeys))]] = fzValues[s.pick(len(fzValues))]
		}
	}
	if c := s.pick(len(fzClasses) + 1); c > 0 {
		ing.Spec.IngressClassName = &fzClasses[c-1]
	}
	if s.pick(3) == 0 {
		b := buildBackend(s)
		ing.Spec.DefaultBackend = &b
	}
	if n := s.pick(4); n > 0 {
		ing.Spec.TLS = []networkingv1.IngressTLS{}
		for range n - 1 {
			t := networkingv1.IngressTLS{SecretName: fzSecrets[s.pick(len(fzSecrets))]}
			for range s.pick(4) {
				t.Hosts = append(t.Hosts, fzHosts[s.pick(len(fzHosts))])
			}
			ing.Spec.TLS = append(ing.Spec.TLS, t)
		}
	}
	if n := s.pick(5); n > 0 {
		ing.Spec.Rules = []networkingv1.IngressRule{}
		for range n - 1 {
			r := networkingv1.IngressRule{Host: fzHosts[s.pick(len(fzHosts))]}
			if m := s.pick(5); m > 0 {
				r.HTTP = &networkingv1.HTTPIngressRuleValue{}
				for range m - 1 {
					r.HTTP.Paths = append(r.HTTP.Paths, buildPath(s))
				}
			}
			ing.Spec.Rules = append(ing.Spec.Rules, r)
		}
	}
	return ing
}

func buildPath(s *bytesource) networkingv1.HTTPIngressPath {
	p := networkingv1.HTTPIngressPath{Path: fzPaths[s.pick(len(fzPaths))], Backend: buildBackend(s)}
	if t := fzTypes[s.pick(len(fzTypes))]; t != "" {
		pt := networkingv1.PathType(t)
		p.PathType = &pt
	}
	return p
}

func buildBackend(s *bytesource) networkingv1.IngressBackend {
	var b networkingv1.IngressBackend
	switch s.pick(4) {
	case 0, 1:
		b.Service = &networkingv1.IngressServiceBackend{Name: fzServices[s.pick(len(fzServices))],
			Port: networkingv1.ServiceBackendPort{Number: fzPorts[s.pick(len(fzPorts))], Name: fzPNames[s.pick(len(fzPNames))]}}
	case 2:
		g := []string{"", "k8s.example.com"}[s.pick(2)]
		b.Resource = &corev1.TypedLocalObjectReference{APIGroup: &g, Kind: []string{"", "Bucket"}[s.pick(2)], Name: "r"}
	}
	return b
}

// mutate returns a deep copy of x with a few byte-driven edits.
func mutate(x *networkingv1.Ingress, ops []byte) *networkingv1.Ingress {
	y := x.DeepCopy()
	s := &bytesource{b: ops}
	for !s.done() {
		switch s.pick(12) {
		case 0:
			if y.Annotations == nil {
				y.Annotations = map[string]string{}
			}
			y.Annotations[fzKeys[s.pick(len(fzKeys))]] = fzValues[s.pick(len(fzValues))]
		case 1:
			for k := range y.Annotations {
				delete(y.Annotations, k)
				break
			}
		case 2:
			if len(y.Spec.Rules) > 0 {
				i := s.pick(len(y.Spec.Rules))
				y.Spec.Rules = append(y.Spec.Rules[:i:i], y.Spec.Rules[i+1:]...)
			}
		case 3:
			y.Spec.Rules = append(y.Spec.Rules, networkingv1.IngressRule{Host: fzHosts[s.pick(len(fzHosts))],
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{buildPath(s)}}}})
		case 4:
			if r := pickRule(y, s); r != nil && r.HTTP != nil && len(r.HTTP.Paths) > 0 {
				p := &r.HTTP.Paths[s.pick(len(r.HTTP.Paths))]
				p.Backend = buildBackend(s)
			}
		case 5:
			if r := pickRule(y, s); r != nil && r.HTTP != nil && len(r.HTTP.Paths) > 0 {
				pt := networkingv1.PathType(fzTypes[1+s.pick(len(fzTypes)-1)])
				r.HTTP.Paths[s.pick(len(r.HTTP.Paths))].PathType = &pt
			}
		case 6:
			if r := pickRule(y, s); r != nil {
				r.Host = fzHosts[s.pick(len(fzHosts))]
			}
		case 7:
			if len(y.Spec.TLS) > 0 {
				t := &y.Spec.TLS[s.pick(len(y.Spec.TLS))]
				if len(t.Hosts) > 0 && s.pick(2) == 0 {
					t.Hosts = t.Hosts[1:]
				} else {
					t.SecretName = fzSecrets[s.pick(len(fzSecrets))]
				}
			}
		case 8:
			y.Spec.TLS = append(y.Spec.TLS, networkingv1.IngressTLS{SecretName: fzSecrets[s.pick(len(fzSecrets))], Hosts: []string{fzHosts[s.pick(len(fzHosts))]}})
		case 9:
			if s.pick(2) == 0 {
				y.Spec.DefaultBackend = nil
			} else {
				b := buildBackend(s)
				y.Spec.DefaultBackend = &b
			}
		case 10:
			if c := s.pick(len(fzClasses) + 1); c > 0 {
				y.Spec.IngressClassName = &fzClasses[c-1]
			} else {
				y.Spec.IngressClassName = nil
			}
		case 11:
			// Reorder: never drift, but exercises matching.
			if n := len(y.Spec.Rules); n > 1 {
				y.Spec.Rules[0], y.Spec.Rules[n-1] = y.Spec.Rules[n-1], y.Spec.Rules[0]
			}
		}
	}
	return y
}

func pickRule(y *networkingv1.Ingress, s *bytesource) *networkingv1.IngressRule {
	if len(y.Spec.Rules) == 0 {
		return nil
	}
	return &y.Spec.Rules[s.pick(len(y.Spec.Rules))]
}

func opCounts(r Result) (added, removed, changed int) {
	count := func(c Change) {
		switch c.Op {
		case OpAdded:
			added++
		case OpRemoved:
			removed++
		case OpChanged:
			changed++
		}
	}
	for _, c := range r.Changes {
		count(c)
	}
	for _, c := range r.Ignored {
		count(c.Change)
	}
	return
}

func checkDiffProperties(t *testing.T, x, y *networkingv1.Ingress) {
	t.Helper()
	xc, yc := x.DeepCopy(), y.DeepCopy()
	var opts Options
	for _, a := range []*networkingv1.Ingress{x, y} {
		if r := Diff(a, a, opts); len(r.Changes) != 0 || len(r.Ignored) != 0 {
			t.Fatalf("Diff(a, a) not empty: %+v", r)
		}
		n := Normalize(a, "")
		if r := Diff(a, n, opts); len(r.Changes) != 0 || len(r.Ignored) != 0 {
			t.Fatalf("Diff(a, Normalize(a)) not empty: %+v", r)
		}
		if r := Diff(n, a, opts); len(r.Changes) != 0 || len(r.Ignored) != 0 {
			t.Fatalf("Diff(Normalize(a), a) not empty: %+v", r)
		}
		if nn := Normalize(n, "other"); !reflect.DeepEqual(n, nn) {
			t.Fatalf("Normalize not idempotent:\n%#v\n%#v", n, nn)
		}
		if c := CleanForManifest(a); c == nil {
			t.Fatal("CleanForManifest returned nil")
		}
	}
	ab, ba := Diff(x, y, opts), Diff(y, x, opts)
	if again := Diff(x, y, opts); !reflect.DeepEqual(ab, again) {
		t.Fatalf("Diff is not deterministic:\n%+v\n%+v", ab, again)
	}
	if (len(ab.Changes) == 0) != (len(ba.Changes) == 0) {
		t.Fatalf("Diff(a,b) has %d changes, Diff(b,a) %d:\n%+v\n%+v", len(ab.Changes), len(ba.Changes), ab.Changes, ba.Changes)
	}
	a1, r1, c1 := opCounts(ab)
	a2, r2, c2 := opCounts(ba)
	if a1 != r2 || r1 != a2 || c1 != c2 {
		t.Fatalf("ops not mirrored: a→b added/removed/changed %d/%d/%d, b→a %d/%d/%d\n%+v\n%+v", a1, r1, c1, a2, r2, c2, ab, ba)
	}
	tlsChanged := slices.ContainsFunc(ab.Changes, func(c Change) bool { return c.Category == CategoryTLS }) ||
		slices.ContainsFunc(ab.Ignored, func(c IgnoredChange) bool { return c.Category == CategoryTLS })
	if !tlsChanged && !maps.Equal(tlsmeaning.Of(x.Spec.TLS), tlsmeaning.Of(y.Spec.TLS)) {
		t.Fatalf("no TLS change, but the TLS lists differ in meaning:\n%v\n%v", x.Spec.TLS, y.Spec.TLS)
	}
	seen := map[string]bool{}
	g, l := NormalizePair(x, y, opts)
	check := func(c Change) {
		checkLocator(t, c, g, l)
		if seen[c.Path] {
			t.Fatalf("two changes at %s: %+v", c.Path, ab)
		}
		seen[c.Path] = true
		if c.Path == "" || len(c.Field) == 0 || c.Rule == "" || c.Severity == SeverityNone || c.Category == "" {
			t.Fatalf("malformed change %+v", c)
		}
		if i := slices.IndexFunc(severityRules, func(r SeverityRule) bool { return r.Name == c.Rule }); i < 0 ||
			severityRules[i].Severity != c.Severity || severityRules[i].Advisory != c.Advisory {
			t.Fatalf("change %+v does not carry its row's severity and advisory", c)
		}
		switch {
		case c.Op == OpAdded && (c.Git != nil || c.Live == nil),
			c.Op == OpRemoved && (c.Git == nil || c.Live != nil),
			c.Op == OpChanged && (c.Git == nil || c.Live == nil || reflect.DeepEqual(c.Git, c.Live)):
			t.Fatalf("op %s does not fit values %#v → %#v at %s", c.Op, c.Git, c.Live, c.Path)
		}
		checkJSONShaped(t, c.Path, c.Git)
		checkJSONShaped(t, c.Path, c.Live)
	}
	for _, c := range ab.Changes {
		check(c)
	}
	for _, c := range ab.Ignored {
		check(c.Change)
	}
	if !reflect.DeepEqual(x, xc) || !reflect.DeepEqual(y, yc) {
		t.Fatal("Diff, Normalize or CleanForManifest modified an input")
	}
}

// checkLocator checks that a change's locator is its display path and that
// the exported selectors find exactly one element for it on the
// normalized side that has it (Git, or live for an element added live): the matching
// yamledit writes with is the matching Diff used.
func checkLocator(t *testing.T, c Change, g, l *networkingv1.Ingress) {
	t.Helper()
	if got := c.At.String(); got != c.Path {
		t.Fatalf("locator %+v formats as %s, change is at %s", c.At, got, c.Path)
	}
	side := g
	// An element added live is located on the live side. A change inside
	// an element both sides have (Sub: a rule renamed, a secretName added
	// to a TLS entry paired by its hosts) is located by the element's Git
	// key, which is the element an accept writes into.
	if c.Op == OpAdded && len(c.At.Sub) == 0 {
		side = l
	}
	one := func(what string, idx []int) int {
		if len(idx) != 1 {
			t.Fatalf("%s of %s selects %v on the normalized side, want exactly one", what, c.Path, idx)
		}
		return idx[0]
	}
	switch c.At.Section {
	case SectionRules:
		r := side.Spec.Rules[one("rule", c.At.Rule.Select(side.Spec.Rules))]
		if c.At.Path != nil {
			if r.HTTP == nil {
				t.Fatalf("path of %s under a rule without http", c.Path)
			}
			one("path", c.At.Path.Select(r.HTTP.Paths))
		}
	case SectionTLS:
		e := side.Spec.TLS[one("TLS entry", c.At.TLS.Select(side.Spec.TLS))]
		if h := c.At.TLSHost; h != "" && !slices.Contains(e.Hosts, h) {
			t.Fatalf("TLS host of %s is not in %v", c.Path, e.Hosts)
		}
	case SectionAnnotations, SectionLabels:
		if c.At.Key == "" && c.Field[2] != "" {
			t.Fatalf("no key in the locator of %s", c.Path)
		}
	}
}
