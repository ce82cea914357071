package manifest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	kjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
)

// binarySniff is how many leading bytes are checked for NUL, as git does.
const binarySniff = 8000

// configFile is the repo side's configuration file (repo.ConfigFile,
// which this package cannot import), named in the advice to exclude a
// file that is no manifest. repo's TestParseHintsNameTheConfigFile
// keeps the two the same.
const configFile = ".ingress-drift.yaml"

// Result is what one source contributes: its Ingresses and its errors.
type Result struct {
	Docs []model.Desired
	Errs []model.RepoError
}

// Fail adds an error at a line of file (0: the whole file), naming the
// object when its key is known.
func (p *Result) Fail(file string, line int, key *model.Key, format string, args ...any) {
	p.Errs = append(p.Errs, model.RepoError{File: file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

// Parse reads the Ingresses of one manifest file. file is the path
// relative to the repo root (slash-separated); it names the file in origins
// and errors, and its extension tells JSON from YAML. Problems become
// RepoErrors; they never stop the other documents of the file from being
// read, except a binary file or a template (whose documents cannot be
// trusted at all).
func Parse(file string, data []byte, defaultNS string) Result {
	var p Result
	if bytes.IndexByte(data[:min(len(data), binarySniff)], 0) >= 0 {
		p.Fail(file, 0, nil, "binary file (it contains NUL bytes): not a manifest; add it to exclude in %s", configFile)
		return p
	}
	// Only a file that mentions Ingress can hold one; the others (a
	// Deployment, a Helm chart's service template) are none of our
	// business, whatever state they are in.
	if !bytes.Contains(data, []byte("Ingress")) {
		return p
	}
	if l := templateLine(data); l > 0 {
		p.Fail(file, l, nil, "looks like a Helm/Go template (\"{{\" outside a string); render it first or add it to exclude in %s", configFile)
		return p
	}
	if path.Ext(file) == ".json" {
		parseJSONFile(file, data, defaultNS, &p)
		return p
	}
	for _, d := range SplitDocuments(data) {
		text := d.text(data)
		// Only a document that mentions Ingress can hold one; skipping the
		// others unparsed makes Deployments, Services, … cost next to
		// nothing, and keeps errors to the documents the tool is about.
		if !bytes.Contains(text, []byte("Ingress")) {
			continue
		}
		base := model.Origin{File: file, Line: d.Line, Doc: d.Index, Item: -1, Offset: d.Offset, End: d.End}
		shift := d.startLine - 1
		yamlFail := func(err error) {
			line, msg := yamlErrorIn(text, err)
			if line == 0 {
				line = d.Line - shift
			}
			p.Fail(file, line+shift, nil, "YAML: %s", msg)
		}
		j, err := sigsyaml.YAMLToJSONStrict(text)
		if err != nil {
			// A duplicate key is only worth reporting in an Ingress;
			// otherwise the document is read leniently to learn its kind.
			if lenient, lerr := sigsyaml.YAMLToJSON(text); lerr == nil {
				if !mayHoldIngress(lenient) {
					continue
				}
			}
			yamlFail(err)
			continue
		}
		if !mayHoldIngress(j) {
			continue // another kind that names Ingress (a NetworkPolicy's policyTypes)
		}
		// The same one-document rule as the editor (yamledit.Decode):
		// sigs.k8s.io/yaml drops text after the first document, so
		// without it an Ingress followed by junk would be listed here
		// and then refused by every action as "changed on disk".
		node, err := yamledit.ParseDocument(text)
		if err != nil {
			yamlFail(err)
			continue
		}
		c := docCtx{origin: base, defaultNS: defaultNS, p: &p, shift: shift, last: d.Line + bytes.Count(data[d.Offset:max(d.End-1, d.Offset)], []byte{'\n'})}
		if len(node.Content) > 0 {
			c.node = node.Content[0]
		}
		c.decode(j)
	}
	return p
}

// parseJSONFile reads a .json file: one object (an Ingress or a List).
func parseJSONFile(file string, data []byte, defaultNS string, p *Result) {
	first := bytes.IndexFunc(data, func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' })
	if first < 0 || !bytes.Contains(data, []byte("Ingress")) {
		return
	}
	line := LineAt(data, first)
	lineStart := bytes.LastIndexByte(data[:first], '\n') + 1
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// At the end of the input, blame the last line with content.
			off := min(int(se.Offset), len(bytes.TrimRight(data, " \t\r\n"))-1)
			p.Fail(file, LineAt(data, off), nil, "JSON: %s", se.Error())
		} else {
			p.Fail(file, line, nil, "JSON: %s", err)
		}
		return
	}
	c := docCtx{defaultNS: defaultNS, p: p, last: LastLine(data),
		origin: model.Origin{File: file, Line: line, Doc: 0, Item: -1, Offset: lineStart, End: len(data)}}
	c.lines = func() *yaml.Node { return parseNode(data) }
	c.decode(data)
}

// DecodeObject decodes one object already in JSON (an object rendered by
// kustomize, say) with the origin the caller gives it: an Ingress of
// networking.k8s.io/v1 is added to Docs, a List's items are decoded one by
// one, problems are added to Errs (at origin.File and origin.Line: there is
// no text to find a field's line in), and any other kind is skipped.
func (p *Result) DecodeObject(j []byte, origin model.Origin, defaultNS string) {
	c := docCtx{origin: origin, defaultNS: defaultNS, p: p}
	c.decode(j)
}

// KindMayHoldIngress reports whether an object of this kind is an Ingress
// or a List that may hold some: the objects DecodeObject does not skip.
func KindMayHoldIngress(kind string) bool { return kind == "Ingress" || isList(kind) }

// mayHoldIngress reports whether a JSON document is an Ingress of any
// version, or a List.
func mayHoldIngress(j []byte) bool {
	var h header
	if json.Unmarshal(j, &h) != nil {
		return true
	}
	return KindMayHoldIngress(h.Kind)
}

func isList(kind string) bool { return kind == "List" || kind == "IngressList" }

// header is the part of an object read before deciding what it is.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Items []json.RawMessage `json:"items"`
}

// docCtx decodes one document (or one List item) into p. Its errors name
// origin.File.
type docCtx struct {
	origin    model.Origin
	defaultNS string
	p         *Result
	// lines parses the document's text into a node tree on demand (a
	// JSON file's errors and List items); a YAML document's tree comes
	// from the one-document check. Neither outlives the parse: keeping
	// positions, not trees, is what keeps 10,000 manifests cheap.
	lines func() *yaml.Node
	node  *yaml.Node
	// shift is added to node lines (the document's first line - 1).
	shift int
	// last is the file line of the document's last byte. yaml.v3 counts a
	// lone "\r" as a line break too, so node lines are kept at or before
	// it: a line of the file, as the user's editor counts them.
	last int
	// inItem is the path prefix of a List item in the node tree.
	inItem []string
}

// nodeLine turns a node's line into a line of the file.
func (c *docCtx) nodeLine(l int) int { return min(l+c.shift, c.last) }

func (c *docCtx) root() *yaml.Node {
	if c.node == nil && c.lines != nil {
		c.node = c.lines()
		c.lines = nil
	}
	return c.node
}

// lineOf returns the line of a field path ("spec.rules[0].hots") in the
// document, or the document's own line when it cannot be found.
func (c *docCtx) lineOf(fieldPath string) int {
	n := c.root()
	if n == nil {
		return c.origin.Line
	}
	segs := append(append([]string(nil), c.inItem...), splitFieldPath(fieldPath)...)
	if l := nodeLine(n, segs); l > 0 {
		return c.nodeLine(l)
	}
	return c.origin.Line
}

func (c *docCtx) decode(j []byte) {
	var h header
	if err := json.Unmarshal(j, &h); err != nil {
		return // not an object: a scalar or a list at the top is no manifest
	}
	if isList(h.Kind) && c.origin.Item < 0 {
		n := c.root() // once, shared by the items
		for i, item := range h.Items {
			ic := *c
			ic.origin.Item = i
			ic.inItem = []string{"items", "[" + strconv.Itoa(i) + "]"}
			if n != nil {
				if l := nodeLine(n, ic.inItem); l > 0 {
					ic.origin.Line = c.nodeLine(l)
				}
			}
			ic.decode(item)
		}
		return
	}
	if h.Kind != "Ingress" {
		return
	}
	var key *model.Key
	if h.Metadata.Name != "" {
		k := model.Key{Namespace: cmp.Or(h.Metadata.Namespace, c.defaultNS), Name: h.Metadata.Name}
		key = &k
	}
	switch h.APIVersion {
	case "networking.k8s.io/v1":
	case "extensions/v1beta1", "networking.k8s.io/v1beta1":
		c.p.Fail(c.origin.File, c.origin.Line, key, "%s Ingress %s was removed in Kubernetes 1.22; migrate to networking.k8s.io/v1",
			h.APIVersion, keyWords(key))
		return
	default:
		return // another group's kind named Ingress (a CRD) is not ours
	}
	ing := new(networkingv1.Ingress)
	strict, err := kjson.UnmarshalStrict(j, ing)
	if err != nil {
		var te *json.UnmarshalTypeError
		line := c.origin.Line
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if errors.As(err, &te) {
			line = c.lineOf(te.Field)
			msg = fmt.Sprintf("%s: expected %s, found %s", te.Field, te.Type, te.Value)
		}
		c.p.Fail(c.origin.File, line, key, "Ingress %s: %s", keyWords(key), msg)
		return
	}
	if len(strict) > 0 {
		for _, e := range strict {
			line := c.origin.Line
			var fe kjson.FieldError
			if errors.As(e, &fe) {
				line = c.lineOf(fe.FieldPath())
			}
			c.p.Fail(c.origin.File, line, key, "Ingress %s: %s", keyWords(key), e)
		}
		return
	}
	if ing.Name == "" {
		msg := "Ingress has no metadata.name"
		if ing.GenerateName != "" {
			msg += " (generateName is not supported: the name is only known once the object is created)"
		}
		c.p.Fail(c.origin.File, c.origin.Line, nil, "%s", msg)
		return
	}
	c.p.Docs = append(c.p.Docs, model.Desired{Ingress: ing, Namespace: cmp.Or(ing.Namespace, c.defaultNS), Origin: c.origin})
}

func keyWords(k *model.Key) string {
	if k == nil {
		return "(no name)"
	}
	return k.String()
}

// parseNode parses YAML text into a node tree, or nil if it does not parse.
func parseNode(text []byte) *yaml.Node {
	var n yaml.Node
	if yaml.Unmarshal(text, &n) != nil || len(n.Content) == 0 {
		return nil
	}
	return n.Content[0]
}

// splitFieldPath splits "spec.rules[0].hots" into spec, rules, [0], hots.
func splitFieldPath(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			switch {
			case i < 0:
				out = append(out, part)
				part = ""
			case i > 0:
				out = append(out, part[:i])
				part = part[i:]
			default:
				j := strings.IndexByte(part, ']')
				if j < 0 {
					out = append(out, part)
					part = ""
					continue
				}
				out = append(out, part[:j+1])
				part = part[j+1:]
			}
		}
	}
	return out
}

// nodeLine follows path segments (keys and "[i]") through a node tree and
// returns the line of the deepest node reached (a key's own line for a
// mapping key), or 0 if not even the first segment was found.
func nodeLine(n *yaml.Node, segs []string) int {
	line := 0
	for _, s := range segs {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if strings.HasPrefix(s, "[") {
			i, err := strconv.Atoi(strings.Trim(s, "[]"))
			if err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for k := 0; k+1 < len(n.Content); k += 2 {
			if n.Content[k].Value == s {
				line = n.Content[k].Line
				n = n.Content[k+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
	}
	if len(segs) == 0 {
		return n.Line
	}
	return line
}

// YAMLErrorLine turns a yaml.v3 parse error of data into a line of data
// and a message without the "yaml: line N:" noise (the config file and
// kustomization files report their YAML errors this way). The line comes
// from yaml.v2 (through sigs.k8s.io/yaml) when it reports one: yaml.v3
// gives the line before the context for errors such as an unclosed flow
// sequence.
func YAMLErrorLine(data []byte, err error) (int, string) {
	if _, err2 := sigsyaml.YAMLToJSON(data); err2 != nil {
		if line, msg := yamlErrorIn(data, err2); line > 0 {
			return line, msg
		}
	}
	return yamlErrorIn(data, err)
}

// yamlErrorIn is yamledit.SplitErrorLine for an error in text, with the line kept
// inside text: yaml.v2 reports an error at the end of the input ("could
// not find expected ':'") on the line after the last one.
func yamlErrorIn(text []byte, err error) (int, string) {
	line, msg := yamledit.SplitErrorLine(err)
	if line == 0 && !utf8.Valid(text) {
		// The parsers name no line for bytes that are not UTF-8: the
		// first such byte's line is where the error is.
		line = LineAt(text, firstInvalidUTF8(text))
	}
	return min(line, LastLine(text)), msg
}

// firstInvalidUTF8 is the offset of the first byte of text that does not
// start a valid UTF-8 sequence (len(text) if there is none).
func firstInvalidUTF8(text []byte) int {
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(text)
}
