// Package diffengine decides whether a desired Ingress (from Git) and a live
// Ingress (from the cluster) differ in a way a person should care about, and
// says exactly how.
//
// It is pure: no network, no disk, no clocks; it imports only k8s.io/api,
// k8s.io/apimachinery and the standard library.
//
// # Typed input
//
// Both inputs are typed networking.k8s.io/v1 Ingresses. The cluster side
// holds typed objects because they retain about a quarter of the memory of
// unstructured ones, and the repo side decodes manifests strictly into the
// same type, so a typo in a manifest is an error there rather than a silent
// difference here. Only networking.k8s.io/v1 is compared: older API versions
// are rejected by the repo side.
//
// # API
//
//   - Diff(git, live, opts) Result — the comparison. Neither input is
//     modified. Result.Changes and Result.Ignored are sorted by Path.
//   - Normalize(ing, defaultNamespace) — the canonical deep copy both sides
//     are compared in (for showing YAML side by side); NormalizePair also
//     applies the cluster-dependent default (Options.DefaultIngressClass).
//   - CleanForManifest(live) — a deep copy fit to be written to a file
//     (original list order kept).
//   - SeverityRules, ControllerPrefixes, BuiltinIgnores — read-only copies of
//     the three declarative tables, so the UI can explain a result;
//     ValidateIgnoreRule checks a user rule.
//
// # What is not drift
//
// Normalize removes status, every server-managed metadata field, the
// last-applied annotation, finalizers and ownerReferences; treats empty and
// absent alike; fills in a missing namespace; sorts rules, paths, TLS entries
// and TLS hosts; merges rules with the same host and TLS entries with the
// same secretName. See Normalize for the full list and the reasons.
//
// Defaults of the Kubernetes 1.37 API server for Ingress, as researched in
// k8s.io/kubernetes v1.37.2 (each has a testdata/diff case):
//   - pkg/apis/networking/v1 (defaults.go, zz_generated.defaults.go)
//     registers no defaulting function for Ingress: only NetworkPolicy,
//     NetworkPolicyPort and IngressClass get defaults. Nothing to undo.
//   - pkg/apis/networking/v1beta1 (and extensions/v1beta1) defaulted
//     pathType to ImplementationSpecific; networking/v1 requires pathType
//     (validation: "pathType must be specified"). Objects created through the
//     old versions carry ImplementationSpecific, so a missing pathType in a
//     manifest is normalized to it (case default-pathtype).
//   - pkg/registry/networking/ingress strategy: PrepareForCreate clears
//     status and sets generation to 1, PrepareForUpdate keeps status and bumps
//     generation; the generic registry sets uid, creationTimestamp,
//     resourceVersion, managedFields and the namespace of the request. All
//     dropped (cases in-sync-applied, server-metadata-in-git,
//     missing-namespace-*).
//   - plugin/pkg/admission/network/defaultingressclass (on by default): on
//     create, when spec.ingressClassName is nil and the
//     kubernetes.io/ingress.class annotation is absent, it sets
//     ingressClassName to the newest IngressClass annotated
//     ingressclass.kubernetes.io/is-default-class=true. Diff accepts that
//     value as not drift when Options.DefaultIngressClass names it (cases
//     default-ingressclass-*, realized against a real API server).
//   - The JSON encoding drops empty maps and lists (omitempty), so a live
//     object never holds labels: {} or tls: []; a manifest may (cases
//     empty-vs-absent-*). port.number 0 and port.name "" both mean unset
//     (case port-number-zero).
//
// # Semantic paths
//
// Every change has a human-readable Path (see paths.go for the grammar):
//
//	metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]
//	metadata.labels[team]
//	spec.ingressClassName
//	spec.defaultBackend.service.port.number
//	spec.rules[host=shop.example.com]
//	spec.rules[host=shop.example.com].host
//	spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number
//	spec.rules[host=shop.example.com].http.paths[path=/api,pathType=Exact]
//	spec.rules[host=].http.paths[path=/]
//	spec.tls[secretName=shop-tls]
//	spec.tls[secretName=shop-tls].hosts[admin.example.com]
//	spec.tls[hosts=a.example.com+b.example.com].secretName
//
// a Locator (Change.At), the same place as structure, which Path is
// formatted from: code that acts on a change reads At and finds elements
// with RuleSel, PathSel and TLSSel (Select, and the keys RuleKey, PathKey,
// TLSKey), never by parsing Path, which is for people and ignore globs;
// and a Field, the plain path managedFields uses: map keys only. spec.rules,
// spec.tls, http.paths and tls.hosts are +listType=atomic in
// k8s.io/api/networking/v1, so every change under rules has Field
// ["spec","rules"] and under tls ["spec","tls"]; annotations are
// ["metadata","annotations",key], labels likewise, the class
// ["spec","ingressClassName"], defaultBackend fields go down to the leaf
// (["spec","defaultBackend","service","port","number"]).
//
// Values (Change.Git, Change.Live) are JSON-shaped: string, int64 (port
// numbers — never float64), bool, map[string]any, []any, nil when absent.
//
// # Matching and granularity
//
// Rules are matched by host, paths by (path, pathType), TLS entries by
// secretName, else by their host set. A rule, path or TLS entry present on
// one side only is one change holding the whole value; matched ones are
// compared leaf by leaf. Leftovers are paired where the meaning is clear:
// two rules with identical paths are a rename (one change at ".host"), two
// paths with the same path string a pathType change, two TLS entries with the
// same hosts a secretName change. Duplicates never panic: rules with the same
// host are merged, TLS entries with the same secretName are merged, paths
// equal in path and pathType but not in backend are numbered ",#2".
//
// # Categories, severity, ignore rules
//
// Category: routing (rules, defaultBackend), tls (spec.tls), controller
// (ingressClassName and annotations under a prefix of the controller table,
// ControllerPrefixes), metadata (other labels and annotations).
//
// Severity comes from one ordered table (SeverityRules); the first matching
// row wins and Change.Rule names it. Critical rows cover a TLS entry or host
// removed (and not still under another live TLS entry), HTTPS redirects
// turned off or removed, plain HTTP enabled, HTTPS listeners dropped,
// certificates given by annotation removed, minimum TLS version lowered,
// authentication removed, source allow-lists widened (any live CIDR not
// inside some Git CIDR, or the list removed), deny-lists narrowed, Traefik
// middlewares or Kong plugins dropped, and load balancers made public. Then
// high for other routing and TLS changes, medium for controller
// configuration, low for metadata.
//
// Ignore rules (Options.Ignore, after BuiltinIgnores unless
// Options.NoBuiltinIgnores) hide a change by annotation or label key glob or
// by semantic-path glob, for all objects or those matching namespace/name
// globs. A hidden change is returned in Result.Ignored with IgnoredBy naming
// the rule's source and pattern; it never makes an object drifted.
package diffengine
