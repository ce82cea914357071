package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// LiveFileError is a problem in a saved live-state file, at a line where
// one is known.
type LiveFileError struct {
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	Msg  string
	// Err is the underlying error, if any.
	Err error
}

// Error renders "file:line: message".
func (e *LiveFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *LiveFileError) Unwrap() error { return e.Err }

// ReadLiveFile reads the live side from a saved `kubectl get ingress -A -o
// yaml` or `-o json`, for `check --live-file` (offline postmortems). The
// file may hold a List, a single Ingress, several JSON objects one after
// the other, or a multi-document YAML stream whose documents are any of
// these. Objects of other kinds are skipped; an Ingress of another API
// version than networking.k8s.io/v1 is an error, since it cannot be
// compared. Errors name the file and the line of the offending document or
// List item.
//
// The objects get attribution like watched ones (see LiveObjectFrom) when
// the dump has managedFields. kubectl leaves them out unless asked (its
// default has been --show-managed-fields=false since 1.21), so save dumps
// with `kubectl get ingress -A -o yaml --show-managed-fields`; without
// them Owners and Managers are empty and the drift is still found.
//
// A YAML List is parsed as one document, so reading a dump costs memory
// in proportion to the whole file for a moment; JSON Lists are streamed
// item by item.
func ReadLiveFile(path string) ([]*model.LiveObject, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read live file: %w", err)
	}
	r := &liveReader{file: path, data: data}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		err = r.readJSON()
	} else {
		err = r.readYAML()
	}
	if err != nil {
		return nil, err
	}
	return r.out, nil
}

type liveReader struct {
	file string
	data []byte
	out  []*model.LiveObject
	// lineOff and line are the last offset lineAt was asked about and
	// its line: objects are visited in file order, so each call counts
	// only the bytes since the previous one (a 10,000-object dump would
	// otherwise be counted from the start 10,000 times).
	lineOff int64
	line    int
}

func (r *liveReader) errAt(line int, err error, format string, args ...any) *LiveFileError {
	// YAML counts a lone "\r" as a line break, the file's lines do not.
	line = min(line, bytes.Count(r.data, []byte{'\n'})+1)
	return &LiveFileError{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...), Err: err}
}

// lineAt returns the 1-based line of a byte offset in the file.
func (r *liveReader) lineAt(off int64) int {
	off = min(max(off, 0), int64(len(r.data)))
	if off < r.lineOff || r.line == 0 {
		r.lineOff, r.line = 0, 1
	}
	r.line += bytes.Count(r.data[r.lineOff:off], []byte{'\n'})
	r.lineOff = off
	return r.line
}

// typeMeta is the part of an object that says what it is.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// add decodes one object (JSON bytes) found at line, keeping Ingresses.
func (r *liveReader) add(raw []byte, line int) error {
	// Decode as an Ingress first: in an Ingress dump that is the one
	// decode every object needs. Only when it fails is the object probed
	// for what it is, to skip other kinds and name the right problem.
	ing := &networkingv1.Ingress{}
	err := json.Unmarshal(raw, ing)
	tm := typeMeta{APIVersion: ing.APIVersion, Kind: ing.Kind}
	if err != nil {
		tm = typeMeta{}
		if perr := json.Unmarshal(raw, &tm); perr != nil {
			return r.errAt(line, perr, "not a Kubernetes object: %v", perr)
		}
	}
	if tm.Kind != diffengine.Kind {
		return nil
	}
	if tm.APIVersion != diffengine.APIVersion {
		return r.errAt(line, nil, "Ingress of API version %q cannot be compared (want %s)", tm.APIVersion, diffengine.APIVersion)
	}
	if err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line += bytes.Count(raw[:min(int(te.Offset), len(raw))], []byte{'\n'})
		}
		return r.errAt(line, err, "Ingress: %v", err)
	}
	r.out = append(r.out, LiveObjectFrom(ing))
	return nil
}

// readJSON reads a stream of JSON objects. A List's items are decoded one
// at a time, so their line numbers are known and the whole List is never
// held twice.
func (r *liveReader) readJSON() error {
	dec := json.NewDecoder(bytes.NewReader(r.data))
	for {
		start := r.skipSpace(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return r.jsonErr(err, start)
		}
		if tok != json.Delim('{') {
			return r.errAt(r.lineAt(start), nil, "expected a JSON object (a List or an Ingress), found %v", tok)
		}
		isList := false
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return r.jsonErr(err, dec.InputOffset())
			}
			if key, _ := keyTok.(string); key == "items" {
				isList, err = r.readJSONItems(dec)
			} else {
				var skip json.RawMessage
				if err = dec.Decode(&skip); err != nil {
					err = r.jsonErr(err, dec.InputOffset())
				}
			}
			if err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing brace
			return r.jsonErr(err, dec.InputOffset())
		}
		if !isList {
			if err := r.add(r.data[start:dec.InputOffset()], r.lineAt(start)); err != nil {
				return err
			}
		}
	}
}

// readJSONItems reads the value of an "items" key. It reports whether the
// value was an array (the object is a List).
func (r *liveReader) readJSONItems(dec *json.Decoder) (bool, error) {
	off := r.skipSpace(dec.InputOffset())
	if off < int64(len(r.data)) && r.data[off] != '[' {
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false, r.jsonErr(err, off)
		}
		return false, nil
	}
	if _, err := dec.Token(); err != nil {
		return false, r.jsonErr(err, off)
	}
	for dec.More() {
		start := r.skipSpace(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false, r.jsonErr(err, start)
		}
		if err := r.add(raw, r.lineAt(start)); err != nil {
			return false, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return false, r.jsonErr(err, dec.InputOffset())
	}
	return true, nil
}

// skipSpace returns the offset of the next byte at or after off that is
// neither white space nor a separator, i.e. where the next value starts.
func (r *liveReader) skipSpace(off int64) int64 {
	for off < int64(len(r.data)) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonErr places a decoding error: a syntax error at its own offset,
// anything else at the start of the value being read.
func (r *liveReader) jsonErr(err error, at int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		at = se.Offset
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		at = int64(len(r.data))
		return r.errAt(r.lineAt(at), err, "unexpected end of JSON")
	}
	return r.errAt(r.lineAt(at), err, "invalid JSON: %v", err)
}

// yamlLine matches the position yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// readYAML reads a multi-document YAML stream.
func (r *liveReader) readYAML() error {
	dec := yaml.NewDecoder(bytes.NewReader(r.data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			msg := err.Error()
			line := 0
			if m := yamlLine.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = strings.TrimPrefix(msg, m[0])
			}
			return r.errAt(line, err, "invalid YAML: %s", msg)
		}
		if len(doc.Content) == 0 {
			continue // empty document, e.g. a comment before ---
		}
		if err := r.addYAML(doc.Content[0], true); err != nil {
			return err
		}
	}
}

// addYAML adds one YAML object, descending into a List's items.
func (r *liveReader) addYAML(n *yaml.Node, top bool) error {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return r.errAt(n.Line, nil, "expected an object (a List or an Ingress)")
	}
	if items := mappingValue(n, "items"); top && items != nil && items.Kind == yaml.SequenceNode {
		for _, it := range items.Content {
			if err := r.addYAML(it, false); err != nil {
				return err
			}
		}
		return nil
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, n); err != nil {
		return r.errAt(n.Line, err, "%v", err)
	}
	return r.add(buf.Bytes(), n.Line)
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolveAlias(n.Content[i+1])
		}
	}
	return nil
}

// writeJSON renders a YAML node as JSON, following the resolved tags, so
// that a YAML object decodes exactly like its JSON twin (the API types
// have JSON decoders only). Walking the node is cheaper than decoding it
// into maps and marshalling those.
func writeJSON(buf *bytes.Buffer, n *yaml.Node) error {
	n = resolveAlias(n)
	switch n.Kind {
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			k := resolveAlias(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a map key must be a scalar", k.Line)
			}
			writeString(buf, k.Value)
			buf.WriteByte(':')
			if err := writeJSON(buf, n.Content[i+1]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, c); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			buf.WriteString("null")
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			buf.WriteString(strconv.FormatBool(b))
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			buf.WriteString(strconv.FormatInt(i, 10))
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			if math.IsInf(f, 0) || math.IsNaN(f) {
				writeString(buf, n.Value) // JSON has no such numbers
			} else {
				buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			}
		default:
			writeString(buf, n.Value)
		}
	default:
		return fmt.Errorf("line %d: unsupported YAML node", n.Line)
	}
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}
