package diffengine

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// BuiltinSource is the IgnoreRule.Source of the built-in rules.
const BuiltinSource = "built-in"

// builtinIgnores are differences that controllers create themselves. Each
// names its source:
//   - ingress-gce records the cloud resources it built in
//     ingress.kubernetes.io/* annotations (pkg/annotations in
//     kubernetes/ingress-gce: UrlMapKey, RedirectUrlMapKey,
//     HttpForwardingRuleKey, HttpsForwardingRuleKey, TargetHttpProxyKey,
//     TargetHttpsProxyKey, SSLCertKey, StaticIPKey, plus the backends status
//     annotation) and ingress.gcp.kubernetes.io/instance-groups ("read only
//     for users, the controller overwrites user updates"). Only these keys
//     are ignored, not ingress.kubernetes.io/*: other controllers read user
//     settings under that prefix (ssl-redirect, force-ssl-redirect, ...).
//   - Rancher writes field.cattle.io/publicEndpoints.
//   - Argo CD writes argocd.argoproj.io/tracking-id when it tracks resources
//     by annotation; Flux's kustomize- and helm-controllers label what they
//     apply with kustomize.toolkit.fluxcd.io/* and helm.toolkit.fluxcd.io/*.
//   - cert-manager's HTTP-01 solver, with
//     acme.cert-manager.io/http01-edit-in-place, adds a temporary
//     /.well-known/acme-challenge/<token> path to the Ingress.
//
// Deliberately not ignored: kubectl.kubernetes.io/restartedAt (written by
// `kubectl rollout restart`, which has no meaning for an Ingress: if it is
// there someone put it there), the AWS Load Balancer Controller and
// ingress-nginx (they write only status and finalizers, which Normalize
// drops already), and Helm's meta.helm.sh/* (written on behalf of a person
// running helm: a repo of plain manifests that lacks them is drift worth
// seeing). For an object rendered from a chart they are not drift; which
// object that is, diffengine does not know: the caller adds a rule for
// that object alone (model.Desired.AgentIgnores, also for Argo CD's
// app.kubernetes.io/instance label tracking).
var builtinIgnores = []IgnoreRule{
	{Source: BuiltinSource, Reason: "ingress-gce records the load balancer it built",
		Annotations: []string{
			"ingress.kubernetes.io/backends",
			"ingress.kubernetes.io/forwarding-rule",
			"ingress.kubernetes.io/https-forwarding-rule",
			"ingress.kubernetes.io/target-proxy",
			"ingress.kubernetes.io/https-target-proxy",
			"ingress.kubernetes.io/url-map",
			"ingress.kubernetes.io/redirect-url-map",
			"ingress.kubernetes.io/ssl-cert",
			"ingress.kubernetes.io/static-ip",
			"ingress.gcp.kubernetes.io/instance-groups",
		}},
	{Source: BuiltinSource, Reason: "Rancher records the endpoints it publishes",
		Annotations: []string{"field.cattle.io/publicEndpoints"}},
	{Source: BuiltinSource, Reason: "GitOps controllers mark what they apply",
		Annotations: []string{"argocd.argoproj.io/tracking-id"},
		Labels:      []string{"kustomize.toolkit.fluxcd.io/*", "helm.toolkit.fluxcd.io/*"}},
	{Source: BuiltinSource, Reason: "cert-manager's HTTP-01 solver adds a temporary challenge path",
		Paths: []string{"spec.rules[host=*].http.paths[path=/.well-known/acme-challenge/*]*"}},
}

// BuiltinIgnores returns a copy of the built-in ignore rules.
func BuiltinIgnores() []IgnoreRule {
	out := slices.Clone(builtinIgnores)
	for i := range out {
		out[i].Annotations = slices.Clone(out[i].Annotations)
		out[i].Labels = slices.Clone(out[i].Labels)
		out[i].Paths = slices.Clone(out[i].Paths)
	}
	return out
}

// ValidateIgnoreRule reports the first problem of a rule: a malformed glob
// (naming the field and the pattern), a path glob that cannot match any
// semantic path, or a rule that ignores nothing. The repo side wraps the
// error with the file and line of the rule.
func ValidateIgnoreRule(r IgnoreRule) error {
	for _, f := range []struct{ name, pat string }{{"namespace", r.Namespace}, {"name", r.Name}} {
		if _, err := path.Match(f.pat, ""); f.pat != "" && err != nil {
			return fmt.Errorf("ignore rule: %s %q: %w", f.name, f.pat, err)
		}
	}
	if len(r.Annotations)+len(r.Labels)+len(r.Paths) == 0 {
		return errors.New("ignore rule: ignores nothing (give annotations, labels or paths)")
	}
	for _, f := range []struct {
		name string
		pats []string
	}{{"annotations", r.Annotations}, {"labels", r.Labels}} {
		for _, p := range f.pats {
			if p == "" {
				return fmt.Errorf("ignore rule: %s: empty pattern", f.name)
			}
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("ignore rule: %s %q: %w", f.name, p, err)
			}
		}
	}
	for _, p := range r.Paths {
		if err := validatePathGlob(p); err != nil {
			return fmt.Errorf("ignore rule: paths %q: %w", p, err)
		}
	}
	return nil
}

func validatePathGlob(p string) error {
	if p == "" {
		return errors.New("empty pattern")
	}
	if strings.HasSuffix(p, `\`) && !strings.HasSuffix(p, `\\`) {
		return errors.New(`trailing "\" escapes nothing`)
	}
	for _, root := range []string{"spec", "metadata"} {
		if globMatchPrefix(p, root) {
			return nil
		}
	}
	return errors.New(`cannot match any change: semantic paths start with "spec." or "metadata." (e.g. "spec.defaultBackend*")`)
}

// globMatchPrefix reports whether some string starting with root could
// match pattern p.
func globMatchPrefix(p, root string) bool {
	for i := 0; i < len(root); i++ {
		if p == "" {
			return false
		}
		switch p[0] {
		case '*':
			return true
		case '?':
			p = p[1:]
		case '\\':
			if len(p) < 2 || p[1] != root[i] {
				return false
			}
			p = p[2:]
		default:
			if p[0] != root[i] {
				return false
			}
			p = p[1:]
		}
	}
	return true
}

// globMatch matches a semantic path against a path glob: "*" any run, "?"
// one byte, "\" escapes, everything else literal. Iterative with
// backtracking to the last star, so it is linear-ish and never recurses.
func globMatch(p, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		if px < len(p) {
			switch c := p[px]; c {
			case '*':
				starP, starS = px, sx
				px++
				continue
			case '?':
				px++
				sx++
				continue
			case '\\':
				if px+1 < len(p) && p[px+1] == s[sx] {
					px += 2
					sx++
					continue
				}
			default:
				if c == s[sx] {
					px++
					sx++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		px, sx = starP+1, starS
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// scopeOf describes where a rule applies.
func scopeOf(r IgnoreRule) string {
	if r.Namespace == "" && r.Name == "" {
		return "all objects"
	}
	var parts []string
	if r.Namespace != "" {
		parts = append(parts, "namespace="+r.Namespace)
	}
	if r.Name != "" {
		parts = append(parts, "name="+r.Name)
	}
	return strings.Join(parts, " ")
}

// describeIgnore is IgnoredChange.IgnoredBy: "<source>: <kind> <pattern>
// (<scope>)", then ": <reason>" when the rule has one.
func describeIgnore(r IgnoreRule, kind, pattern string) string {
	s := cmp.Or(r.Source, "options") + ": " + kind + " " + pattern + " (" + scopeOf(r) + ")"
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}

func selects(r IgnoreRule, ns, name string) bool {
	if r.Namespace != "" {
		if ok, _ := path.Match(r.Namespace, ns); !ok {
			return false
		}
	}
	if r.Name != "" {
		if ok, _ := path.Match(r.Name, name); !ok {
			return false
		}
	}
	return true
}

// ignoredBy returns the description of the first rule (built-ins first)
// that hides c, or "".
func ignoredBy(rule []IgnoreRule, ns, name string, c *rawChange) string {
	for _, r := range rule {
		if !selects(r, ns, name) {
			continue
		}
		switch c.subj {
		case subjAnnotation:
			for _, p := range r.Annotations {
				if ok, _ := path.Match(p, c.At.Key); ok {
					return describeIgnore(r, "annotations", p)
				}
			}
		case subjLabel:
			for _, p := range r.Labels {
				if ok, _ := path.Match(p, c.At.Key); ok {
					return describeIgnore(r, "labels", p)
				}
			}
		}
		for _, p := range r.Paths {
			if globMatch(p, c.Path) {
				return describeIgnore(r, "paths", p)
			}
		}
	}
	return ""
}
