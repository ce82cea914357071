package diffengine

// IgnoreRule hides differences that are expected. Rules come from the
// repo's .ingress-drift.yaml (key "ignore") or are built in (BuiltinIgnores).
//
// Annotation, label, namespace and name globs use path.Match syntax ("*"
// does not cross "/", so an annotation-key pattern is written
// "nginx.ingress.kubernetes.io/*"; "*/*" matches every prefixed key).
//
// Path globs match the semantic path of a change (Change.Path) as a whole
// string, with their own small syntax because semantic paths contain "/",
// "[" and "]": "*" matches any run of characters (including "/", "." and
// "]"), "?" matches one character, "\" makes the next character literal, and
// every other character — "[" and "]" included — is literal. So
// "spec.defaultBackend*" matches the defaultBackend and everything under it,
// and "spec.rules[host=*.internal]*" matches every change under rules whose
// host ends in ".internal". Because "*" crosses "]", a glob can reach
// further than it reads ("spec.rules[host=*.internal]" alone also matches a
// path selector ending in ".internal]" under another host): anchor globs
// with literal text after the star where it matters. A path glob may also
// name annotations and labels ("metadata.annotations[example.com/*]").
type IgnoreRule struct {
	// Namespace and Name select the objects the rule applies to (globs;
	// empty means every object).
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	// Annotations are annotation-key globs to ignore.
	Annotations []string `json:"annotations,omitempty"`
	// Labels are label-key globs to ignore.
	Labels []string `json:"labels,omitempty"`
	// Paths are semantic-path globs to ignore, e.g. "spec.defaultBackend*"
	// or "spec.rules[host=*.internal]*".
	Paths []string `json:"paths,omitempty"`
	// Source says where the rule came from ("built-in" or
	// ".ingress-drift.yaml:12"); it is shown to explain ignored changes.
	Source string `json:"-"`
	// Reason is an optional free-text explanation shown with the rule.
	Reason string `json:"reason,omitempty"`
}

// Options tune one Diff. The zero value is usable: default namespace
// "default", built-in ignore rules on, no default IngressClass.
type Options struct {
	// DefaultNamespace is the namespace of a manifest that names none
	// (the kustomization's or --default-namespace). Empty means "default".
	DefaultNamespace string
	// Ignore are user rules, applied after the built-in ones.
	Ignore []IgnoreRule
	// NoBuiltinIgnores turns the built-in ignore rules off.
	NoBuiltinIgnores bool
	// DefaultIngressClass is the name of the cluster's default IngressClass
	// (the one annotated ingressclass.kubernetes.io/is-default-class=true),
	// or empty when there is none or it is unknown. The API server's
	// DefaultIngressClass admission plugin (enabled by default) fills
	// spec.ingressClassName with it when an Ingress is created without
	// ingressClassName and without the kubernetes.io/ingress.class
	// annotation; such a value on the live side is therefore not drift when
	// the manifest leaves the class out.
	DefaultIngressClass string
}
