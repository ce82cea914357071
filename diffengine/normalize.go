package diffengine

import (
	"cmp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Well-known names used by normalization.
const (
	// LastAppliedAnnotation is written by `kubectl apply` (client-side) and
	// holds the previous manifest: never drift, never written to a file.
	LastAppliedAnnotation = corev1.LastAppliedConfigAnnotation
	// IngressClassAnnotation is the deprecated class annotation; while it is
	// set, the DefaultIngressClass admission plugin leaves
	// spec.ingressClassName alone.
	IngressClassAnnotation = "kubernetes.io/ingress.class"
	// APIVersion and Kind are what Normalize and CleanForManifest set.
	APIVersion = "networking.k8s.io/v1"
	Kind       = "Ingress"
)

// Normalize returns a deep copy of ing holding only what can be drift, in
// canonical form. ing is not modified; a nil ing gives nil.
//
// What it removes or canonicalizes, and why:
//   - status, and every server-managed metadata field (uid, resourceVersion,
//     generation, creationTimestamp, managedFields, selfLink,
//     deletionTimestamp, deletionGracePeriodSeconds, generateName);
//     finalizers and ownerReferences are dropped too: controllers add
//     finalizers themselves (AWS Load Balancer Controller, ingress-gce) and
//     ownerReferences carry cluster-specific UIDs, so neither is compared;
//   - the kubectl.kubernetes.io/last-applied-configuration annotation;
//   - empty versus absent: empty labels/annotations maps, an empty
//     ingressClassName, an empty defaultBackend, tls and rules lists, a rule's
//     http without paths, port.number 0 and port.name "" (both mean unset),
//     a resource backend's empty apiGroup;
//   - a missing namespace becomes defaultNamespace (or "default");
//   - apiVersion/kind are set to networking.k8s.io/v1 Ingress;
//   - a path without pathType gets ImplementationSpecific, the value the
//     API server defaulted through networking.k8s.io/v1beta1 and
//     extensions/v1beta1 (networking/v1 itself requires the field), so
//     objects created through the old versions compare equal to a manifest
//     that leaves it out;
//   - order: rules by host, paths by (path, pathType), TLS entries by
//     secretName (then hosts), TLS hosts sorted (empty host strings
//     dropped: an entry holding only those has no hosts). Paths equal in
//     (path, pathType) keep their list order, which is not noise: a
//     controller routes such a path to one of them by position
//     (ingress-nginx to the first, Traefik to the last);
//   - duplicates: rules with the same host are merged into one rule holding
//     all their paths in rule order (every controller merges them the same
//     way), a path equal in everything to the one before it among its
//     equal paths is kept once (either way the same one routes), TLS entries with the same
//     secretName that list hosts are merged (union of hosts), TLS hosts are
//     kept once. An entry without hosts (its certificate serves every host)
//     is never merged with the entries of its secret that list hosts.
//
// What the API server (k8s.io/kubernetes v1.37.2) adds, each with a
// testdata/diff case: pkg/apis/networking/v1 registers no defaulting
// function for Ingress (only NetworkPolicy, NetworkPolicyPort and
// IngressClass get one); the ingress registry strategy clears status and
// sets generation on create and bumps it on update, and the generic
// registry sets uid, creationTimestamp, resourceVersion, managedFields and
// the request's namespace (in-sync-applied, server-metadata-in-git,
// missing-namespace-*); the JSON encoding drops empty maps and lists, so a
// live object never holds labels: {} or tls: [] (empty-vs-absent-*). The
// DefaultIngressClass admission plugin (plugin/pkg/admission/network/
// defaultingressclass) needs the cluster's default class, so Diff and
// NormalizePair apply it, not Normalize (default-ingressclass-*).
func Normalize(ing *networkingv1.Ingress, defaultNamespace string) *networkingv1.Ingress {
	if ing == nil {
		return nil
	}
	out := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: APIVersion, Kind: Kind},
		ObjectMeta: metav1.ObjectMeta{
			Name:        ing.Name,
			Namespace:   ing.Namespace,
			Labels:      copyMap(ing.Labels, ""),
			Annotations: copyMap(ing.Annotations, LastAppliedAnnotation),
		},
	}
	if out.Namespace == "" {
		out.Namespace = cmp.Or(defaultNamespace, "default")
	}
	s := &ing.Spec
	if s.IngressClassName != nil && *s.IngressClassName != "" {
		out.Spec.IngressClassName = ptrTo(*s.IngressClassName)
	}
	if s.DefaultBackend != nil {
		if b := normBackend(*s.DefaultBackend); !backendEmpty(b) {
			out.Spec.DefaultBackend = &b
		}
	}
	out.Spec.Rules = normRules(s.Rules)
	out.Spec.TLS = normTLS(s.TLS)
	return out
}

// NormalizePair normalizes both sides of one comparison: Normalize on each,
// then the defaults that depend on the cluster (opts.DefaultIngressClass).
// The TUI uses it to show Git and live as YAML the way Diff compares them.
func NormalizePair(git, live *networkingv1.Ingress, opts Options) (g, l *networkingv1.Ingress) {
	g = Normalize(git, opts.DefaultNamespace)
	ns := opts.DefaultNamespace
	if g != nil {
		// A live object always has a namespace; this only matters for a
		// hand-made one without.
		ns = g.Namespace
	}
	l = Normalize(live, ns)
	applyDefaultClass(g, l, opts.DefaultIngressClass)
	return g, l
}

// applyDefaultClass copies the live ingressClassName into the normalized
// Git object when the DefaultIngressClass admission plugin would have set
// it: the manifest names no class (neither the field nor the deprecated
// annotation) and live holds exactly the cluster's default class.
func applyDefaultClass(g, l *networkingv1.Ingress, def string) {
	if def == "" || g == nil || l == nil || g.Spec.IngressClassName != nil {
		return
	}
	if _, ok := g.Annotations[IngressClassAnnotation]; ok {
		return
	}
	if c := l.Spec.IngressClassName; c != nil && *c == def {
		g.Spec.IngressClassName = ptrTo(def)
	}
}

// CleanForManifest returns a deep copy of a live object holding only what
// belongs in a manifest file: apiVersion/kind, name, namespace, labels and
// annotations, and spec. Dropped: status; uid, resourceVersion, generation,
// creationTimestamp, managedFields, selfLink, deletionTimestamp,
// deletionGracePeriodSeconds, generateName (server-managed); ownerReferences
// (they name UIDs of one cluster and make a re-created object a dependant of
// an owner that may not exist); finalizers (controllers add them to guard
// their own cleanup); the last-applied annotation; annotations and labels
// matched by the built-in ignore rules (controllers write them). Lists keep
// their original order (this is what gets written to a file), and empty
// maps become absent. A nil live gives nil.
func CleanForManifest(live *networkingv1.Ingress) *networkingv1.Ingress {
	if live == nil {
		return nil
	}
	out := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: APIVersion, Kind: Kind},
		ObjectMeta: metav1.ObjectMeta{
			Name:      live.Name,
			Namespace: live.Namespace,
		},
		Spec: *live.Spec.DeepCopy(),
	}
	for k, v := range live.Labels {
		if ignoredBy(builtinIgnores, out.Namespace, out.Name, keyChange(subjLabel, SectionLabels, k)) == "" {
			out.Labels = setKey(out.Labels, k, v)
		}
	}
	for k, v := range live.Annotations {
		if k == LastAppliedAnnotation {
			continue
		}
		if ignoredBy(builtinIgnores, out.Namespace, out.Name, keyChange(subjAnnotation, SectionAnnotations, k)) == "" {
			out.Annotations = setKey(out.Annotations, k, v)
		}
	}
	return out
}

// keyChange is a change to one annotation or label, for asking the
// built-in ignore rules about it.
func keyChange(subj subject, sect Section, k string) *rawChange {
	at := Locator{Section: sect, Key: k}
	return &rawChange{subj: subj, Change: Change{Path: at.String(), At: at}}
}

func setKey(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = make(map[string]string)
	}
	m[k] = v
	return m
}

func ptrTo[T any](v T) *T { return &v }

// copyMap copies m without the key skip; empty results are nil.
func copyMap(m map[string]string, skip string) map[string]string {
	n := len(m)
	if _, ok := m[skip]; ok && skip != "" {
		n--
	}
	if n <= 0 {
		return nil
	}
	out := make(map[string]string, n)
	for k, v := range m {
		if k != skip || skip == "" {
			out[k] = v
		}
	}
	return out
}

// normBackend returns a copy of b with empty parts removed.
func normBackend(b networkingv1.IngressBackend) networkingv1.IngressBackend {
	var out networkingv1.IngressBackend
	if s := b.Service; s != nil && (s.Name != "" || s.Port.Name != "" || s.Port.Number != 0) {
		out.Service = &networkingv1.IngressServiceBackend{Name: s.Name, Port: s.Port}
	}
	if r := b.Resource; r != nil {
		c := corev1.TypedLocalObjectReference{Kind: r.Kind, Name: r.Name}
		if r.APIGroup != nil && *r.APIGroup != "" {
			c.APIGroup = ptrTo(*r.APIGroup)
		}
		if c.APIGroup != nil || c.Kind != "" || c.Name != "" {
			out.Resource = &c
		}
	}
	return out
}

func backendEmpty(b networkingv1.IngressBackend) bool {
	return b.Service == nil && b.Resource == nil
}

// normRules copies, merges (same host) and sorts rules.
func normRules(in []networkingv1.IngressRule) []networkingv1.IngressRule {
	if len(in) == 0 {
		return nil
	}
	n := 0
	for i := range in {
		if in[i].HTTP != nil {
			n += len(in[i].HTTP.Paths)
		}
	}
	// One allocation each for the path types and the paths of the whole
	// object keeps Normalize cheap on large Ingresses.
	types := make([]networkingv1.PathType, n)
	paths := make([]networkingv1.HTTPIngressPath, 0, n)
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(in[a].Host, in[b].Host) })
	var out []networkingv1.IngressRule
	for i := 0; i < len(order); {
		host := in[order[i]].Host
		start := len(paths)
		j := i
		for ; j < len(order) && in[order[j]].Host == host; j++ {
			if h := in[order[j]].HTTP; h != nil {
				for _, p := range h.Paths {
					k := len(paths)
					types[k] = PathTypeOf(p.PathType)
					paths = append(paths, normPath(p, &types[k]))
				}
			}
		}
		r := networkingv1.IngressRule{Host: host}
		if ps := paths[start:len(paths):len(paths)]; len(ps) > 0 {
			slices.SortStableFunc(ps, comparePathKeys)
			ps = slices.CompactFunc(ps, samePath)
			r.HTTP = &networkingv1.HTTPIngressRuleValue{Paths: ps}
		}
		out = append(out, r)
		i = j
	}
	return out
}

// normPath is p normalized, its (defaulted) type stored at pt.
func normPath(p networkingv1.HTTPIngressPath, pt *networkingv1.PathType) networkingv1.HTTPIngressPath {
	return networkingv1.HTTPIngressPath{Path: p.Path, PathType: pt, Backend: normBackend(p.Backend)}
}

// comparePathKeys orders normalized paths by their matching key (path,
// pathType). Sorts by it are stable: among paths equal in it, the order is
// the list's, which decides where a controller routes.
func comparePathKeys(a, b networkingv1.HTTPIngressPath) int {
	return cmp.Or(
		strings.Compare(a.Path, b.Path),
		strings.Compare(string(*a.PathType), string(*b.PathType)),
	)
}

// samePath says whether two normalized paths are equal in everything.
func samePath(a, b networkingv1.HTTPIngressPath) bool {
	return comparePathKeys(a, b) == 0 && compareBackends(a.Backend, b.Backend) == 0
}

func compareBackends(a, b networkingv1.IngressBackend) int {
	if c := cmp.Compare(boolInt(a.Service != nil), boolInt(b.Service != nil)); c != 0 {
		return c
	}
	if a.Service != nil {
		if c := cmp.Or(
			strings.Compare(a.Service.Name, b.Service.Name),
			strings.Compare(a.Service.Port.Name, b.Service.Port.Name),
			cmp.Compare(a.Service.Port.Number, b.Service.Port.Number),
		); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(boolInt(a.Resource != nil), boolInt(b.Resource != nil)); c != 0 {
		return c
	}
	if a.Resource != nil {
		return cmp.Or(
			strings.Compare(deref(a.Resource.APIGroup), deref(b.Resource.APIGroup)),
			strings.Compare(a.Resource.Kind, b.Resource.Kind),
			strings.Compare(a.Resource.Name, b.Resource.Name),
		)
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// normTLS copies, merges and sorts TLS entries by their matching key
// (compareTLS). Entries of one secretName that list hosts are one entry
// (union of hosts): the certificate serves each host either way. An entry
// without hosts serves its certificate for every host, which the hosts of
// the others do not say, so it is never merged into them.
func normTLS(in []networkingv1.IngressTLS) []networkingv1.IngressTLS {
	if len(in) == 0 {
		return nil
	}
	out := make([]networkingv1.IngressTLS, len(in))
	for i, t := range in {
		out[i] = networkingv1.IngressTLS{SecretName: t.SecretName, Hosts: normHosts(slices.Clone(t.Hosts))}
	}
	slices.SortStableFunc(out, compareTLS)
	merged := out[:1]
	for _, t := range out[1:] {
		if last := &merged[len(merged)-1]; compareTLS(t, *last) == 0 {
			// One key: the same secret's hosts, or the same secret-less
			// host set twice.
			last.Hosts = normHosts(append(last.Hosts, t.Hosts...))
		} else {
			merged = append(merged, t)
		}
	}
	return merged
}

// compareTLS orders normalized TLS entries by their matching key:
// secretName, then, for entries with one, whether it lists hosts (the
// entry for every host first), and for entries without one, the sorted
// host list.
func compareTLS(a, b networkingv1.IngressTLS) int {
	if c := strings.Compare(a.SecretName, b.SecretName); c != 0 {
		return c
	}
	if a.SecretName != "" {
		return cmp.Compare(boolInt(len(a.Hosts) > 0), boolInt(len(b.Hosts) > 0))
	}
	return slices.Compare(a.Hosts, b.Hosts)
}

// normHosts sorts and dedupes TLS hosts in place; empty host strings
// (invalid, and indistinguishable from no host in a path) are dropped.
func normHosts(h []string) []string {
	h = slices.DeleteFunc(h, func(s string) bool { return s == "" })
	if len(h) == 0 {
		return nil
	}
	slices.Sort(h)
	return slices.Compact(h)
}
