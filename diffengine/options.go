package diffengine

// IgnoreRule hides differences that are expected. Rules come from the
// repo's .ingress-drift.yaml (key "ignore") or are built in. Globs use
// path.Match syntax ("*" does not cross "/" in annotation keys, so prefer
// "nginx.ingress.kubernetes.io/*" style patterns).
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
// "default", built-in ignore rules on.
type Options struct {
	// DefaultNamespace is the namespace of a manifest that names none
	// (the kustomization's or --default-namespace). Empty means "default".
	DefaultNamespace string
	// Ignore are user rules, applied after the built-in ones.
	Ignore []IgnoreRule
	// NoBuiltinIgnores turns the built-in ignore rules off.
	NoBuiltinIgnores bool
}
