package diffengine

import (
	"strconv"
	"strings"
)

// Semantic path syntax (Change.Path, formatted from Change.At by
// Locator.String). Examples:
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
//	spec.tls[secretName=shop-tls,hosts=]                    (its entry without hosts)
//	spec.tls[hosts=a.example.com+b.example.com].secretName  (entry without secretName)
//
// Rules are selected by host; the empty host (the rule that matches every
// host) is "host=" — never "host=*", which would read as a wildcard in ignore
// globs. Paths are selected by path; ",pathType=T" is added when the rule
// holds more than one path with that path string on either side, and ",#N"
// (N ≥ 2) numbers paths that are equal in path and pathType by their
// position among them (a controller picks one of them by position). TLS entries are selected by secretName (",hosts=" for the
// secret's entry without hosts, which serves every host), or by their hosts
// joined with "+" when they have no secretName. Annotation and label keys and TLS
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

// String is the semantic path of the locator (Change.Path): the one place
// the syntax above is written.
func (l Locator) String() string {
	var b strings.Builder
	switch l.Section {
	case SectionAnnotations:
		b.WriteString(pathAnnots + keySel(l.Key))
	case SectionLabels:
		b.WriteString(pathLabels + keySel(l.Key))
	case SectionClass:
		b.WriteString(pathClass)
	case SectionDefaultBackend:
		b.WriteString(pathDefaultBE)
	case SectionRules:
		if l.Rule != nil {
			b.WriteString(pathRules + "[host=" + quoteIf(l.Rule.Host, selSpecial) + "]")
		}
		if l.Path != nil {
			writePathSel(&b, *l.Path)
		}
	case SectionTLS:
		if l.TLS != nil {
			writeTLSSel(&b, *l.TLS)
		}
		if l.TLSHost != "" {
			b.WriteString(".hosts" + keySel(l.TLSHost))
		}
	}
	for _, f := range l.Sub {
		b.WriteString("." + f)
	}
	return b.String()
}

func writePathSel(b *strings.Builder, p PathSel) {
	b.WriteString(".http.paths[path=")
	b.WriteString(quoteIf(p.Path, selSpecial))
	if p.TypeShown {
		b.WriteString(",pathType=")
		b.WriteString(quoteIf(string(p.PathType), selSpecial))
	}
	if p.Occurrence > 1 {
		b.WriteString(",#")
		b.WriteString(strconv.Itoa(p.Occurrence))
	}
	b.WriteByte(']')
}

func writeTLSSel(b *strings.Builder, t TLSSel) {
	b.WriteString(pathTLS + "[" + t.String() + "]")
}

// String is the selector as the semantic path writes it inside brackets:
// "secretName=shop-tls", "secretName=shop-tls,hosts=" or
// "hosts=a.example.com+b.example.com".
func (t TLSSel) String() string {
	if t.SecretName != "" {
		s := "secretName=" + quoteIf(t.SecretName, selSpecial)
		if len(t.Hosts) == 0 {
			s += ",hosts="
		}
		return s
	}
	hs := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		hs[i] = quoteIf(h, selSpecial+"+")
	}
	return "hosts=" + strings.Join(hs, "+")
}
