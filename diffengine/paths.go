package diffengine

import (
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// Semantic path syntax (Change.Path). Examples:
//
//	metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]
//	metadata.labels[app.kubernetes.io/name]
//	spec.ingressClassName
//	spec.defaultBackend.service.port.number
//	spec.rules[host=shop.example.com]
//	spec.rules[host=shop.example.com].host                  (a rule renamed)
//	spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number
//	spec.rules[host=shop.example.com].http.paths[path=/api,pathType=Exact]
//	spec.rules[host=].http.paths[path=/]                    (the rule without host)
//	spec.rules[host=a.example.com].http.paths[path=/x,pathType=Prefix,#2]
//	spec.tls[secretName=shop-tls]
//	spec.tls[secretName=shop-tls].hosts[admin.example.com]
//	spec.tls[hosts=a.example.com+b.example.com].secretName  (entry without secretName)
//
// Rules are selected by host; the empty host (the rule that matches every
// host) is "host=" — never "host=*", which would read as a wildcard in ignore
// globs. Paths are selected by path; ",pathType=T" is added when the rule
// holds more than one path with that path string on either side, and ",#N"
// (N ≥ 2) numbers paths that are equal in path and pathType but differ in
// backend. TLS entries are selected by secretName, or by their hosts joined
// with "+" when they have no secretName. Annotation and label keys and TLS
// hosts are written bare inside brackets. Any selector value that contains a
// character of the syntax ("[", "]", "=", ",", `"`, "\", "+" in host lists)
// or white space is written as a Go-quoted string, e.g.
// paths[path="/api/(v1|v2)[a-z]+"], so a path is never ambiguous.

const (
	pathRules     = "spec.rules"
	pathTLS       = "spec.tls"
	pathClass     = "spec.ingressClassName"
	pathDefaultBE = "spec.defaultBackend"
	pathAnnots    = "metadata.annotations"
	pathLabels    = "metadata.labels"
)

// Field paths (Change.Field) as managedFields records them.
var (
	fieldRules = []string{"spec", "rules"}
	fieldTLS   = []string{"spec", "tls"}
	fieldClass = []string{"spec", "ingressClassName"}
)

// quoteIf returns v, or v Go-quoted when it holds one of special or a
// character that is not printable ASCII/UTF-8 without spaces.
func quoteIf(v, special string) string {
	if strings.ContainsAny(v, special) {
		return strconv.Quote(v)
	}
	for _, r := range v {
		if r <= ' ' || r == 0x7f || r == '\uFFFD' || !strconv.IsPrint(r) {
			return strconv.Quote(v)
		}
	}
	return v
}

const (
	selSpecial = `[]=,"\`
	keySpecial = `[]"\`
)

// keySel is "[key]" for annotation keys, label keys and TLS hosts.
func keySel(k string) string { return "[" + quoteIf(k, keySpecial) + "]" }

func rulePath(host string) string {
	return pathRules + "[host=" + quoteIf(host, selSpecial) + "]"
}

func pathSel(p networkingv1.HTTPIngressPath, withType bool, occ int) string {
	var b strings.Builder
	b.WriteString(".http.paths[path=")
	b.WriteString(quoteIf(p.Path, selSpecial))
	if withType {
		b.WriteString(",pathType=")
		b.WriteString(quoteIf(string(*p.PathType), selSpecial))
	}
	if occ > 1 {
		b.WriteString(",#")
		b.WriteString(strconv.Itoa(occ))
	}
	b.WriteByte(']')
	return b.String()
}

func tlsPath(t networkingv1.IngressTLS) string {
	if t.SecretName != "" {
		return pathTLS + "[secretName=" + quoteIf(t.SecretName, selSpecial) + "]"
	}
	hs := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		hs[i] = quoteIf(h, selSpecial+"+")
	}
	return pathTLS + "[hosts=" + strings.Join(hs, "+") + "]"
}
