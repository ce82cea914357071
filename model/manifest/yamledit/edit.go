package yamledit

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	kjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// ErrUnsupported is wrapped by every error that says a change cannot be
// written in place (an alias in the way, a shape the editor does not
// handle, a result that would not read back as the live object). The
// caller refuses the action; nothing is written.
var ErrUnsupported = errors.New("cannot write the live state into the manifest in place")

// EditIngress returns doc (the bytes of ONE YAML or JSON document: the
// Ingress manifest as written in Git, from its first content line to just
// before the next "---" line) edited so that it decodes to an Ingress with
// no drift against want, changing only the nodes whose values differ.
// Every byte outside the edited nodes stays identical: comments (head,
// line and foot comments), key order, quoting style, indentation, blank
// lines, anchors/aliases elsewhere, line endings (CRLF stays CRLF) and the
// presence or absence of a trailing newline.
//
// want is the live object already cleaned for a manifest
// (diffengine.CleanForManifest). defaultNamespace is the effective
// namespace of the document: a manifest that names no namespace keeps
// naming none (namespace and name are never written; a document for
// another object is an error). Only the changes diffengine.Diff reports
// are written — changes hidden by the built-in ignore rules are not, and
// nothing diffengine treats as a default or as noise is added.
//
// It returns the new bytes and the semantic paths it edited
// (diffengine.Change.Path). When there is no drift it returns doc itself
// and no paths. Before returning, it checks that the result parses as one
// document, decodes strictly into a networking.k8s.io/v1 Ingress with
// the same name and namespace, has no drift against want, and is still
// valid JSON if doc was; otherwise it returns an error wrapping
// ErrUnsupported that says what could not be written.
func EditIngress(doc []byte, want *networkingv1.Ingress, defaultNamespace string) ([]byte, []string, error) {
	return Edit(doc, want, diffengine.Options{DefaultNamespace: defaultNamespace})
}

// Edit is EditIngress with the full diff options of the comparison the
// user saw: user ignore rules (Options.Ignore) and the cluster's default
// IngressClass hide changes, which are then not written either.
func Edit(doc []byte, want *networkingv1.Ingress, opts diffengine.Options) ([]byte, []string, error) {
	if want == nil {
		return nil, nil, errors.New("no live object to write")
	}
	cur, err := Decode(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("the document as written: %w", err)
	}
	ns := func(s string) string { return cmp.Or(s, opts.DefaultNamespace, "default") }
	if cur.Name != want.Name || ns(cur.Namespace) != ns(want.Namespace) {
		return nil, nil, fmt.Errorf("the document is Ingress %s/%s, not %s/%s", ns(cur.Namespace), cur.Name, ns(want.Namespace), want.Name)
	}
	res := diffengine.Diff(cur, want, opts)
	if !res.Drifted() {
		return doc, nil, nil
	}
	nl := "\n"
	if i := bytes.IndexByte(doc, '\n'); i > 0 && doc[i-1] == '\r' {
		nl = "\r\n"
	}
	src := doc
	noFinalNewline := len(doc) > 0 && doc[len(doc)-1] != '\n'
	if noFinalNewline {
		src = append(slices.Clip(doc), nl...)
	}
	root, err := parseOne(src)
	if err != nil {
		return nil, nil, fmt.Errorf("the document as written: %w", err)
	}
	t := newTree(newSource(src), root)
	e := newEditor(t, detectStyle(t, nl), cur, want)
	paths := make([]string, 0, len(res.Changes))
	for _, c := range res.Changes {
		if err := e.applyChange(c); err != nil {
			return nil, nil, err
		}
		paths = append(paths, c.Path)
	}
	out, err := e.finish()
	if err != nil {
		return nil, nil, err
	}
	if noFinalNewline {
		out = bytes.TrimSuffix(out, []byte(nl))
	}
	if err := verify(doc, out, cur, want, opts); err != nil {
		return nil, nil, err
	}
	return out, paths, nil
}

// parseOne parses src as exactly one YAML document (ParseDocument) whose
// root is a mapping.
func parseOne(src []byte) (*yaml.Node, error) {
	doc, err := ParseDocument(src)
	if err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the document is not a mapping")
	}
	return doc.Content[0], nil
}

// ErrNoDocument is wrapped by ParseDocument's error for a text that
// holds only blank lines and comments.
var ErrNoDocument = errors.New("no YAML document")

// ParseDocument parses text that must hold exactly one YAML document and
// nothing after it, and returns its document node. This is the one rule
// for "one document" that Decode, the editor and the repository parser
// share: sigs.k8s.io/yaml (and yaml.Unmarshal) read the first document
// and silently drop whatever follows it, so on their own they would take
// `{"kind": "Ingress", …}0` or an indented mapping followed by an
// unindented key for the first object alone, while a decoder reading on
// finds text that is not YAML. Empty documents after it (a trailing "---")
// are not documents, as manifest.SplitDocuments counts them.
//
// Errors start with "line N: " (1-based in text).
func ParseDocument(text []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line 1: %w", ErrNoDocument)
		}
		return nil, err
	}
	for {
		var more yaml.Node
		err := dec.Decode(&more)
		if errors.Is(err, io.EOF) {
			return &doc, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: text after the end of the document (%s)", trailingLine(text, err), strings.TrimPrefix(yamlLineRE.ReplaceAllString(err.Error(), ""), "yaml: "))
		}
		if !emptyDocument(&more) {
			return nil, fmt.Errorf("line %d: more than one YAML document (a second one starts here)", more.Line)
		}
	}
}

// yamlLineRE matches the "line N: " yaml.v3 puts in its messages.
var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// SplitErrorLine extracts the (document-relative) line from a YAML
// parser's error (yaml.v3, or yaml.v2 through sigs.k8s.io/yaml) and
// returns the message without the "yaml: line N:" noise; line is 0 when
// the message names none.
func SplitErrorLine(err error) (int, string) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	m := yamlLineRE.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(msg[m[2]:m[3]])
	if m[0] == 0 {
		msg = msg[m[1]:]
	}
	return line, msg
}

// trailingLine is the 1-based line of the error yaml.v3 reports for text
// after a document. Its message counts lines from 0 for parser errors
// ("did not find expected <document start>", the usual one) and leaves
// the number out on the first line; scanner errors count from 1.
func trailingLine(text []byte, err error) int {
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	if line == 0 || strings.Contains(err.Error(), "<document start>") {
		line++
	}
	return min(line, bytes.Count(text, []byte{'\n'})+1)
}

// emptyDocument reports whether a document holds nothing: yaml.v3 yields
// one with an empty null scalar for a "---" followed by nothing.
func emptyDocument(d *yaml.Node) bool {
	if len(d.Content) == 0 {
		return true
	}
	n := d.Content[0]
	return len(d.Content) == 1 && n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0 && n.Anchor == ""
}

// Decode reads one document the way the repository parser does: exactly
// one YAML document (ParseDocument), strict YAML (no duplicate keys), then strict, case-sensitive JSON decoding into
// a networking.k8s.io/v1 Ingress (no unknown fields).
func Decode(doc []byte) (*networkingv1.Ingress, error) {
	if _, err := ParseDocument(doc); err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	j, err := sigsyaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	var h struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(j, &h); err != nil {
		return nil, errors.New("not an object")
	}
	if h.APIVersion != diffengine.APIVersion || h.Kind != diffengine.Kind {
		return nil, fmt.Errorf("not a %s %s (apiVersion %q, kind %q)", diffengine.APIVersion, diffengine.Kind, h.APIVersion, h.Kind)
	}
	ing := new(networkingv1.Ingress)
	strict, err := kjson.UnmarshalStrict(j, ing)
	if err != nil {
		return nil, err
	}
	if len(strict) > 0 {
		return nil, errors.Join(strict...)
	}
	return ing, nil
}

// verify is the mandatory self-check of an edit.
func verify(doc, out []byte, cur, want *networkingv1.Ingress, opts diffengine.Options) error {
	fail := func(format string, args ...any) error {
		return &EditError{Reason: "the edited document " + fmt.Sprintf(format, args...)}
	}
	if _, err := parseOne(out); err != nil {
		return fail("does not parse: %v", err)
	}
	got, err := Decode(out)
	if err != nil {
		return fail("does not decode: %v", err)
	}
	if got.Name != cur.Name || got.Namespace != cur.Namespace {
		return fail("names another object")
	}
	if res := diffengine.Diff(got, want, opts); res.Drifted() {
		var paths []string
		for _, c := range res.Changes {
			paths = append(paths, c.Path)
		}
		return fail("still differs from the live object at %s", strings.Join(paths, ", "))
	}
	if json.Valid(doc) && !json.Valid(out) {
		return fail("is no longer valid JSON")
	}
	return nil
}
