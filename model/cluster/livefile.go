package cluster

import (
	"bufio"
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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
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

// LiveDump is what one saved live-state file holds.
type LiveDump struct {
	// Objects are the Ingresses, in file order.
	Objects []*model.LiveObject
	// Warnings are problems that cost an object part of what it says (its
	// attribution), or make the dump partial, as "file:line: message".
	Warnings []string
	// Partial is set when the file holds no List, only bare objects, or
	// only objects of other kinds (`kubectl get all -A`, which has no
	// Ingresses): it is not a dump of the cluster's Ingresses (`kubectl
	// get ingress -A` always writes a List), so an object missing from it
	// may well be live.
	Partial bool
	// IngressClasses is how many IngressClass objects the file holds. With
	// none, the cluster's default class is not known (a dump of `kubectl
	// get ingress` alone), and DefaultIngressClass says nothing.
	IngressClasses int
	// DefaultIngressClass is the class the DefaultIngressClass admission
	// plugin fills in, chosen among the file's IngressClasses exactly as
	// the plugin and the cluster lookup choose (DefaultIngressClass); ""
	// when none of them is marked default.
	DefaultIngressClass string
}

// ReadLiveDump reads the live side from a saved `kubectl get
// ingressclass,ingress -A -o yaml` or `-o json` (DumpCommand), for `check
// --live-file` (offline postmortems). The file may hold a List (kubectl
// writes one List for both kinds), a single object, several JSON objects
// one after the other, or a multi-document YAML stream whose documents are
// any of these. Lists are flattened as kubectl flattens them (cli-runtime's
// FlattenListVisitor): any object with an items array is a List, at any
// depth, and an item that says neither its kind nor its apiVersion gets
// its typed List's (an IngressList's items are Ingresses, as `kubectl get
// --raw /apis/networking.k8s.io/v1/ingresses` writes them). Ingresses and
// IngressClasses are read, objects of other kinds skipped (a file of
// nothing else is partial, with a warning); either of another API version
// than networking.k8s.io/v1 is an error, since it cannot be compared, and
// so is an object with no kind, since it may be an Ingress. Of an
// IngressClass only what picks the default class is read (name,
// annotations, creationTimestamp): an error there is an error of the
// file, since a wrong default class would make wrong verdicts. Errors name the file and the line of the
// offending document or List item.
//
// The objects get attribution like watched ones (see LiveObjectFrom) when
// the dump has managedFields. kubectl leaves them out unless asked (its
// default has been --show-managed-fields=false since 1.21), so save dumps
// with --show-managed-fields; without them Owners and Managers are empty
// and the drift is still found. An object whose managedFields cannot be
// read (a bad time, say) is read without them, with a warning that names
// it.
//
// The file is streamed: a List is decoded item by item (JSON through the
// decoder's tokens, at any depth; YAML by splitting the items' lines of a
// document's List, a List inside one of its items being read whole with
// the item), so memory grows with the objects kept, not with the file.
// Only the items of a List that may need its kind and come before it
// (keys sorted: apiVersion, items, kind) are held until it is read.
func ReadLiveDump(path string) (*LiveDump, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read live file: %w", err)
	}
	defer f.Close()
	r := &liveReader{file: path, in: &lineReader{r: f, line: 1}}
	br := bufio.NewReaderSize(r.in, 64<<10)
	first, err := firstByte(br)
	if err != nil {
		return nil, fmt.Errorf("read live file: %w", err)
	}
	if first == '{' || first == '[' {
		err = r.readJSON(br)
	} else {
		// YAML counts its own lines: in must not keep what it reads.
		r.in.buf, r.in.discard = nil, true
		err = r.readYAML(br)
	}
	if err != nil {
		return nil, err
	}
	if len(r.dump.Objects) == 0 && len(r.classes) == 0 && r.others == 0 && !r.sawList {
		// An empty file is what a failed `kubectl get … > file` leaves:
		// read as a cluster without Ingresses it would make every
		// manifest missing-live.
		return nil, &LiveFileError{File: path, Line: 1, Msg: "holds no object and no List (a failed `kubectl get` leaves an empty file); dump with `" + DumpCommand + "`"}
	}
	if len(r.dump.Objects) == 0 && len(r.classes) == 0 && r.others > 0 {
		// `kubectl get all -A` (which has no Ingresses), say: taking it
		// for a cluster without Ingresses would make every manifest
		// missing-live.
		r.dump.Partial = true
		r.dump.Warnings = append(r.dump.Warnings, fmt.Sprintf("%s holds %s of other kinds and no Ingress or IngressClass: it is not a dump of the Ingresses, so manifests it does not hold are unknown, not missing-live; dump with `%s`", path, objectCount(r.others), DumpCommand))
	} else if !r.sawList && len(r.dump.Objects) > 0 {
		r.dump.Partial = true
		what := "one object"
		if n := len(r.dump.Objects); n > 1 {
			what = objectCount(n)
		}
		r.dump.Warnings = append(r.dump.Warnings, fmt.Sprintf("%s holds %s, not a List: it is not a dump of the cluster, so manifests it does not hold are unknown, not missing-live; dump with `%s`", path, what, DumpCommand))
	}
	r.dump.IngressClasses = len(r.classes)
	r.dump.DefaultIngressClass = chooseDefaultClass(r.classes)
	return &r.dump, nil
}

// objectCount is "1 object", "2 objects".
func objectCount(n int) string {
	if n == 1 {
		return "1 object"
	}
	return strconv.Itoa(n) + " objects"
}

// firstByte peeks at the first byte that is not white space (0 for an
// empty file).
func firstByte(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			if err == io.EOF || err == bufio.ErrBufferFull {
				return 0, nil
			}
			return 0, err
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c, nil
		}
	}
}

type liveReader struct {
	file string
	in   *lineReader
	dump LiveDump
	// sawList is set once a List (an object with an items array) was read.
	sawList bool
	// others counts the objects of other kinds skipped.
	others int
	// skip is the buffer JSON values are read into to be skipped.
	skip json.RawMessage
	// classes are the IngressClasses read, as far as the default class
	// needs them.
	classes []*networkingv1.IngressClass
	// textEnd, while a YAML text is parsed, is the file line of its last
	// line: yaml.v3 counts a lone "\r" as a line break, the file's lines
	// do not, so its lines can run past the text.
	textEnd int
}

// lineReader counts the lines of what has been read through it. It keeps
// the bytes from the last offset asked about (lineAt) to what was read, so
// that the line of any later offset can be counted and the bytes of the
// value being decoded can be had (bytes): a decoder reads ahead a buffer
// or one value, never the whole file, and so does the memory kept here.
type lineReader struct {
	r io.Reader
	// buf holds the stream's bytes [base, base+len(buf)); line is the
	// line of base.
	buf  []byte
	base int64
	line int
	// discard: keep nothing (the YAML reader counts lines itself).
	discard bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if !l.discard {
		l.buf = append(l.buf, p[:n]...)
	}
	return n, err
}

// lineAt returns the 1-based line of a stream offset and forgets the bytes
// before it. Offsets before the last one asked about get its line.
func (l *lineReader) lineAt(off int64) int {
	k := int(min(max(off-l.base, 0), int64(len(l.buf))))
	l.line += bytes.Count(l.buf[:k], []byte{'\n'})
	n := copy(l.buf, l.buf[k:])
	l.buf = l.buf[:n]
	l.base += int64(k)
	return l.line
}

// end is the offset just past what has been read.
func (l *lineReader) end() int64 { return l.base + int64(len(l.buf)) }

// bytes returns the stream's bytes [from, to), which must not have been
// forgotten yet (from >= the last offset given to lineAt).
func (l *lineReader) bytes(from, to int64) []byte {
	return l.buf[from-l.base : to-l.base]
}

func (r *liveReader) errAt(line int, err error, format string, args ...any) *LiveFileError {
	if r.textEnd > 0 {
		line = min(line, r.textEnd)
	}
	return &LiveFileError{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...), Err: err}
}

// typeMeta is the part of an object that says what it is.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// ingressClassKind is the kind of the objects that say the default class.
const ingressClassKind = "IngressClass"

// listState is a List being read: what it says of its items that say
// nothing of themselves, and those of its items held until it does.
type listState struct {
	// tm is the List's own kind and apiVersion, as far as read; known is
	// set once its kind was read (before its items, or at its end).
	tm    typeMeta
	known bool
	// pending are the items read before the List's kind that may need
	// it, in file order.
	pending []pendingItem
}

type pendingItem struct {
	raw  []byte
	line int
}

// itemType is what kubectl gives an item of a List with neither kind nor
// apiVersion (unstructured's decodeToList): the List's apiVersion and its
// kind without the "List" suffix, so IngressList types its items as
// Ingresses. A plain List gives them no kind, which is an error.
func (l *listState) itemType() typeMeta {
	return typeMeta{APIVersion: l.tm.APIVersion, Kind: strings.TrimSuffix(l.tm.Kind, "List")}
}

// endList adds a List's held items now that its kind is known.
func (r *liveReader) endList(l *listState) error {
	r.sawList = true
	l.known = true
	pending := l.pending
	l.pending = nil
	for _, p := range pending {
		if err := r.add(p.raw, p.line, l); err != nil {
			return err
		}
	}
	return nil
}

// add decodes one object (JSON bytes) found at line, keeping Ingresses
// and IngressClasses. in is the List the object is an item of (nil for a
// bare object): it types an object that says neither its kind nor its
// apiVersion. Until the List's kind is read, such an item and the items
// after it are held (copied), so that they are added in file order (but
// for the items of a List among them, which are not held).
func (r *liveReader) add(raw []byte, line int, in *listState) error {
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
	if in != nil && !in.known && (len(in.pending) > 0 || tm == typeMeta{}) {
		in.pending = append(in.pending, pendingItem{raw: bytes.Clone(raw), line: line})
		return nil
	}
	if in != nil && tm == (typeMeta{}) {
		tm = in.itemType()
		ing.APIVersion, ing.Kind = tm.APIVersion, tm.Kind
	}
	switch tm.Kind {
	case diffengine.Kind:
	case ingressClassKind:
		return r.addClass(raw, line, tm.APIVersion)
	case "":
		// kubectl refuses it too ("Object 'Kind' is missing"): it may be
		// an Ingress, so skipping it could make a wrong missing verdict.
		if in != nil {
			return r.errAt(line, nil, "List item without a kind (only a typed List such as %s gives its items one)", diffengine.Kind+"List")
		}
		return r.errAt(line, nil, "object without a kind")
	default:
		r.others++
		return nil
	}
	if tm.APIVersion != diffengine.APIVersion {
		return r.errAt(line, nil, "Ingress of API version %q cannot be compared (want %s)", tm.APIVersion, diffengine.APIVersion)
	}
	if err != nil {
		if bare, ok := withoutManagedFields(raw); ok {
			// The object reads without its managedFields: only its
			// attribution is lost, not the comparison.
			bare.APIVersion, bare.Kind = tm.APIVersion, tm.Kind
			r.dump.Warnings = append(r.dump.Warnings, r.errAt(line, nil, "Ingress %s: managedFields cannot be read (%v): its fields are not attributed to anyone",
				model.KeyOf(bare, "").String(), err).Error())
			r.dump.Objects = append(r.dump.Objects, LiveObjectFrom(bare))
			return nil
		}
		return r.errAt(errLine(raw, line, err), err, "Ingress: %v", err)
	}
	r.dump.Objects = append(r.dump.Objects, LiveObjectFrom(ing))
	return nil
}

// addClass reads the part of an IngressClass that chooses the default
// class. The rest of it (spec, managedFields) is not read, so cannot fail.
func (r *liveReader) addClass(raw []byte, line int, apiVersion string) error {
	if apiVersion != diffengine.APIVersion {
		return r.errAt(line, nil, "IngressClass of API version %q cannot be read (want %s)", apiVersion, diffengine.APIVersion)
	}
	var obj struct {
		Metadata struct {
			Name              string            `json:"name"`
			Annotations       map[string]string `json:"annotations"`
			CreationTimestamp metav1.Time       `json:"creationTimestamp"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return r.errAt(errLine(raw, line, err), err, "IngressClass: %v", err)
	}
	m := obj.Metadata
	if m.Name == "" {
		return r.errAt(line, nil, "IngressClass without a name")
	}
	r.classes = append(r.classes, &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{
		Name: m.Name, Annotations: m.Annotations, CreationTimestamp: m.CreationTimestamp}})
	return nil
}

// errLine is the line of a decoding error in an object found at line: a
// value of the wrong type is placed at its own line.
func errLine(raw []byte, line int, err error) int {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line += bytes.Count(raw[:min(int(te.Offset), len(raw))], []byte{'\n'})
	}
	return line
}

// withoutManagedFields decodes an Ingress that failed to decode with its
// metadata.managedFields left out; ok is false when that does not help.
func withoutManagedFields(raw []byte) (*networkingv1.Ingress, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, false
	}
	var meta map[string]json.RawMessage
	if json.Unmarshal(obj["metadata"], &meta) != nil {
		return nil, false
	}
	if _, ok := meta["managedFields"]; !ok {
		return nil, false
	}
	delete(meta, "managedFields")
	var err error
	if obj["metadata"], err = json.Marshal(meta); err != nil {
		return nil, false
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, false
	}
	ing := &networkingv1.Ingress{}
	if json.Unmarshal(b, ing) != nil {
		return nil, false
	}
	return ing, true
}

// readJSON reads a stream of JSON objects. A List's items are decoded one
// at a time, so their line numbers are known and the List is never held
// whole.
func (r *liveReader) readJSON(br *bufio.Reader) error {
	dec := json.NewDecoder(br)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return r.jsonErr(err, dec.InputOffset())
		}
		if tok != json.Delim('{') {
			return r.errAt(r.in.lineAt(dec.InputOffset()-1), nil, "expected a JSON object (a List or an Ingress), found %v", tok)
		}
		if err := r.readJSONObject(dec, nil); err != nil {
			return err
		}
	}
}

// readJSONObject reads an object whose opening brace was just read, as an
// item of the List in (nil: a bare object). A List (an object with an
// items array, as kubectl tells one) is read item by item, at any depth;
// any other object is added whole.
func (r *liveReader) readJSONObject(dec *json.Decoder, in *listState) error {
	start := dec.InputOffset() - 1
	var list *listState
	var tm typeMeta
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return r.jsonErr(err, dec.InputOffset())
		}
		switch key, _ := keyTok.(string); key {
		case "items":
			var isList bool
			l := &listState{tm: tm, known: tm.Kind != ""}
			if isList, err = r.readJSONItems(dec, l); isList {
				list = l
			}
		default:
			// The value's bytes stay in r.in until the object is added:
			// they are read into one buffer, reused, only to be skipped.
			if err = dec.Decode(&r.skip); err != nil {
				err = r.jsonErr(err, dec.InputOffset())
			} else if key == "kind" || key == "apiVersion" {
				// Not a string: the object's own decoding says so.
				var s string
				if json.Unmarshal(r.skip, &s) == nil {
					if key == "kind" {
						tm.Kind = s
					} else {
						tm.APIVersion = s
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return r.jsonErr(err, dec.InputOffset())
	}
	if list != nil {
		list.tm = tm
		return r.endList(list)
	}
	// lineAt forgets the bytes before start, so the object's own bytes
	// are taken after it; add keeps none of them. Nothing inside a
	// non-List object asked for a line, so its bytes are all kept.
	line := r.in.lineAt(start)
	return r.add(r.in.bytes(start, dec.InputOffset()), line, in)
}

// readJSONItems reads the value of an "items" key, the items of l. It
// reports whether the value was an array (the object is a List).
func (r *liveReader) readJSONItems(dec *json.Decoder, l *listState) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, r.jsonErr(err, dec.InputOffset())
	}
	if tok != json.Delim('[') {
		if _, ok := tok.(json.Delim); ok { // an object: skip the rest of it
			if err := r.skipJSON(dec); err != nil {
				return false, err
			}
		}
		return false, nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false, r.jsonErr(err, dec.InputOffset())
		}
		if tok != json.Delim('{') {
			return false, r.errAt(r.in.lineAt(dec.InputOffset()-1), nil, "a List item is not an object: found %v", tok)
		}
		if err := r.readJSONObject(dec, l); err != nil {
			return false, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return false, r.jsonErr(err, dec.InputOffset())
	}
	return true, nil
}

// skipJSON skips the rest of an object or array whose opening delimiter
// was just read.
func (r *liveReader) skipJSON(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return r.jsonErr(err, dec.InputOffset())
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// jsonErr places a decoding error: a syntax error at its own offset,
// anything else at the start of the value being read.
func (r *liveReader) jsonErr(err error, at int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		at = se.Offset
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		at = r.in.end()
		return r.errAt(r.lastLine(at), err, "unexpected end of JSON")
	}
	return r.errAt(r.in.lineAt(at), err, "invalid JSON: %v", err)
}

// lastLine is the line of the last byte before at that is not white space:
// an error at the end of the input belongs to the last line with content.
func (r *liveReader) lastLine(at int64) int {
	b := r.in.bytes(r.in.base, at)
	return r.in.lineAt(r.in.base + int64(len(bytes.TrimRight(b, " \t\r\n"))))
}

// yamlLine matches the position yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErr places a yaml.v3 error of a text that starts at line shift+1.
func (r *liveReader) yamlErr(err error, shift int) error {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		line += shift
		msg = strings.TrimPrefix(msg, m[0])
	}
	return r.errAt(line, err, "invalid YAML: %s", msg)
}

// itemsKey matches a top-level "items:" key whose value starts on the next
// line (a block sequence, as kubectl writes Lists).
var itemsKey = regexp.MustCompile(`^items:[ \t]*(#.*)?\r?\n?$`)

// readYAML reads a multi-document YAML stream line by line. A document
// with a top-level "items:" block sequence (a List) is split into its
// items' lines, each parsed alone; any other document is parsed whole.
// Splitting is sound because in block style an item of the sequence can
// only start at a line holding "- " at the sequence's indentation, and
// every line of the item (block scalars and multi-line strings included)
// is indented deeper. An alias is resolved within its item only (kubectl
// writes no anchors); one that points into another item is an error at its
// line.
func (r *liveReader) readYAML(br *bufio.Reader) error {
	y := yamlSplitter{r: r, docLine: 1}
	var long []byte // a line longer than br's buffer, so far
	for line := 1; ; line++ {
		l, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			long = append(long, l...)
			l, err = br.ReadSlice('\n')
		}
		if long != nil {
			l, long = append(long, l...), nil
		}
		if len(l) > 0 {
			if perr := y.line(l, line); perr != nil {
				return perr
			}
		}
		if err == io.EOF {
			return y.flushDoc()
		}
		if err != nil {
			return fmt.Errorf("read live file: %w", err)
		}
	}
}

// yamlSplitter cuts a YAML stream into documents, and a List document
// into its items, line by line.
type yamlSplitter struct {
	r *liveReader
	// doc holds the current document's lines outside the items (all of
	// it, unless it is a List); docLine is the line it starts at.
	doc     []byte
	docLine int
	// item holds the current List item's lines, from line itemLine.
	item     []byte
	itemLine int
	// inItems: the lines are the value of a top-level "items:" key,
	// whose entries are indented by ind (-1 until the first entry).
	inItems bool
	ind     int
	// itemsLine is the line of the last "items:" key.
	itemsLine int
	// isList: the document has a block sequence of items, those of list.
	// Once they start, doc holds the lines after them, from docLine.
	isList bool
	list   *listState
}

func (y *yamlSplitter) line(l []byte, line int) error {
	if sep := manifest.Separator(l); sep != 0 {
		if err := y.flushDoc(); err != nil {
			return err
		}
		y.docLine = line + 1
		if rest := bytes.TrimSpace(l[3:]); sep == '-' && len(rest) > 0 && rest[0] != '#' {
			// "--- {…}": the content belongs to the new document.
			y.doc = append(append(y.doc, "   "...), l[3:]...)
			y.docLine = line
		}
		return nil
	}
	if y.inItems {
		indent, content := lineIndent(l)
		switch {
		case !content: // blank or comment: wherever it is
		case y.ind < 0 && isSeqEntry(l, indent):
			if err := y.startList(); err != nil {
				return err
			}
			y.ind = indent
		case y.ind < 0:
			y.inItems = false // not a block sequence: the document is read whole
		case indent == y.ind && isSeqEntry(l, indent):
			if err := y.flushItem(); err != nil {
				return err
			}
		case indent <= y.ind:
			y.inItems = false // the next top-level key ("kind: List")
			if err := y.flushItem(); err != nil {
				return err
			}
		}
		if y.inItems && y.ind >= 0 {
			if len(y.item) == 0 {
				y.itemLine = line
			}
			y.item = append(y.item, l...)
			return nil
		}
	}
	if itemsKey.Match(l) {
		y.inItems, y.ind, y.itemsLine = true, -1, line
	}
	if l[0] == '%' {
		l = []byte{'\n'} // a directive: it belongs to the next document
	}
	if y.isList && len(y.doc) == 0 {
		y.docLine = line
	}
	y.doc = append(y.doc, l...)
	return nil
}

// startList reads the document's lines before its items, for the List's
// kind (it types the items that have none), and starts the items.
func (y *yamlSplitter) startList() error {
	if y.isList {
		// A second items key: yaml.v3 refuses a duplicate key too, and
		// the first List's held items must not be lost.
		return y.r.errAt(y.itemsLine, nil, "invalid YAML: the List has a second items key")
	}
	tm, err := y.r.yamlType(y.doc, y.docLine)
	if err != nil {
		return err
	}
	y.isList, y.list = true, &listState{tm: tm, known: tm.Kind != ""}
	y.doc = y.doc[:0]
	return nil
}

func (y *yamlSplitter) flushItem() error {
	if len(y.item) == 0 {
		return nil
	}
	err := y.r.addYAMLText(y.item, y.itemLine, y.list)
	y.item = y.item[:0]
	return err
}

// flushDoc adds the current document: its items, or the whole text.
func (y *yamlSplitter) flushDoc() error {
	if err := y.flushItem(); err != nil {
		return err
	}
	var err error
	switch {
	case y.isList:
		// The lines after the items may say the List's kind (keys
		// sorted, as kubectl writes them: apiVersion, items, kind).
		var tm typeMeta
		if tm, err = y.r.yamlType(y.doc, y.docLine); err == nil {
			if tm.Kind != "" {
				y.list.tm.Kind = tm.Kind
			}
			if tm.APIVersion != "" {
				y.list.tm.APIVersion = tm.APIVersion
			}
			err = y.r.endList(y.list)
		}
		if err == nil && y.list.tm.Kind == "" {
			// kubectl writes a List's kind after its items: a List
			// without one is a file cut short (a partial copy, a full
			// disk), whose last item may be cut too. Read as a whole
			// dump it would make what is missing from it missing-live.
			err = y.r.errAt(y.docLine, nil, "this List has no kind: kubectl writes `kind: List` after the items, so the file looks cut short; dump again with `%s`", DumpCommand)
		}
	case hasContent(y.doc):
		err = y.r.addYAMLText(y.doc, y.docLine, nil)
	}
	y.doc, y.inItems, y.isList, y.list = y.doc[:0], false, false, nil
	return err
}

// yamlType parses the lines of a List document outside its items, found
// at line at, for the List's kind and apiVersion.
func (r *liveReader) yamlType(text []byte, at int) (typeMeta, error) {
	if !hasContent(text) {
		return typeMeta{}, nil
	}
	defer func() { r.textEnd = 0 }()
	n, err := r.parseYAML(text, at)
	if err != nil || n == nil {
		return typeMeta{}, err
	}
	if n.Kind != yaml.MappingNode {
		return typeMeta{}, r.errAt(n.Line, nil, "expected an object (a List or an Ingress)")
	}
	return yamlTypeOf(n), nil
}

// yamlTypeOf is the kind and apiVersion a YAML mapping says.
func yamlTypeOf(n *yaml.Node) typeMeta {
	str := func(key string) string {
		if v := mappingValue(n, key); v != nil && v.Kind == yaml.ScalarNode {
			return v.Value
		}
		return ""
	}
	return typeMeta{APIVersion: str("apiVersion"), Kind: str("kind")}
}

// parseYAML parses a text found at line at, its lines numbered as the
// file's; nil for an empty document. It sets textEnd, for the caller to
// reset once done with the text's errors.
func (r *liveReader) parseYAML(text []byte, at int) (*yaml.Node, error) {
	shift := at - 1
	r.textEnd = at + bytes.Count(bytes.TrimSuffix(text, []byte{'\n'}), []byte{'\n'})
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, r.yamlErr(err, shift)
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty document, e.g. a comment before ---
	}
	n := doc.Content[0]
	shiftLines(n, shift)
	return n, nil
}

// addYAMLText parses one document's text, or one item's lines (a
// one-element sequence) of the List in, found at line at, and adds the
// object.
func (r *liveReader) addYAMLText(text []byte, at int, in *listState) error {
	defer func() { r.textEnd = 0 }()
	n, err := r.parseYAML(text, at)
	if err != nil || n == nil {
		return err
	}
	if in != nil {
		if n.Kind != yaml.SequenceNode || len(n.Content) != 1 {
			return r.errAt(at, nil, "invalid YAML: a List item did not read as one item")
		}
		return r.addYAML(n.Content[0], in)
	}
	return r.addYAML(n, nil)
}

// shiftLines adds shift to the line of every node under n.
func shiftLines(n *yaml.Node, shift int) {
	if shift == 0 {
		return
	}
	n.Line += shift
	for _, c := range n.Content {
		shiftLines(c, shift)
	}
}

// lineIndent returns a line's indentation and whether it holds content
// (not blank, not only a comment).
func lineIndent(l []byte) (int, bool) {
	t := bytes.TrimLeft(l, " ")
	return len(l) - len(t), len(bytes.TrimSpace(t)) > 0 && t[0] != '#'
}

// isSeqEntry reports whether a line starts a block sequence entry at
// indent: "- …" or a lone "-".
func isSeqEntry(l []byte, indent int) bool {
	t := l[indent:]
	return len(t) > 0 && t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\t' || t[1] == '\r' || t[1] == '\n')
}

// hasContent reports whether text holds a line of content.
func hasContent(text []byte) bool {
	for _, l := range bytes.Split(text, []byte{'\n'}) {
		if _, ok := lineIndent(l); ok {
			return true
		}
	}
	return false
}

// addYAML adds one YAML object, an item of the List in (nil: a bare
// object), descending into a List's items at any depth (a List the
// splitter left whole: one in flow style, or a List inside a List's item).
func (r *liveReader) addYAML(n *yaml.Node, in *listState) error {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return r.errAt(n.Line, nil, "expected an object (a List or an Ingress)")
	}
	if items := mappingValue(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
		list := &listState{tm: yamlTypeOf(n), known: true}
		for _, it := range items.Content {
			if err := r.addYAML(it, list); err != nil {
				return err
			}
		}
		return r.endList(list)
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, n); err != nil {
		return r.errAt(n.Line, err, "%v", err)
	}
	return r.add(buf.Bytes(), n.Line, in)
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
