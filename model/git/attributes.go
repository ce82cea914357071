package git

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/format/gitattributes"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// checkinAttrs are the attributes that change what `git add` stores.
var checkinAttrs = []string{"text", "crlf", "eol", "filter", "working-tree-encoding", "ident"}

// builtinMacros is git's one built-in macro, defined below every file.
const builtinMacros = "[attr]binary -diff -merge -text\n"

// attrSource is one attributes file, parsed by go-git.
type attrSource struct {
	file  string // for messages
	lines []gitattributes.MatchAttribute
}

// attributes returns the attributes in names that apply to p (relative to
// the work tree) as git reads them when it adds a file, each with the
// file that set it: lowest precedence first, the system file
// (/etc/gitattributes unless $GIT_ATTR_NOSYSTEM), core.attributesFile
// (default $XDG_CONFIG_HOME/git/attributes), the .gitattributes of the
// work tree's top directory and of each directory down to p's, then
// $GIT_DIR/info/attributes. git also reads a .gitattributes that is
// staged but missing from the work tree; that case is not covered.
//
// go-git parses the files and matches the patterns; the precedence is
// decided here, because its Matcher lets the lowest-precedence match win.
func (g *Repo) attributes(set gitSettings, p string) (map[string]gitattributes.Attribute, map[string]string, error) {
	var files []string
	if !envTrue("GIT_ATTR_NOSYSTEM") {
		files = append(files, "/etc/gitattributes")
	}
	if global := set["core.attributesfile"]; global != "" {
		files = append(files, expandHome(global))
	} else if xdg := gitXDGDir(); xdg != "" {
		files = append(files, filepath.Join(xdg, "attributes"))
	}
	srcs := []attrSource{}
	lines, err := gitattributes.ReadAttributes(strings.NewReader(builtinMacros), nil, true)
	if err != nil {
		return nil, nil, err
	}
	srcs = append(srcs, attrSource{file: "git's built-in macros", lines: lines})
	read := func(file string, domain []string, macros bool) error {
		data, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading git attributes %s: %w", file, pathx.UnwrapPathError(err))
		}
		lines, err := readAttrLines(data, domain, macros)
		if err != nil {
			return fmt.Errorf("reading git attributes %s: %w", file, err)
		}
		srcs = append(srcs, attrSource{file: file, lines: lines})
		return nil
	}
	for _, f := range files {
		if err := read(f, nil, true); err != nil {
			return nil, nil, err
		}
	}
	dirs := strings.Split(path.Dir(p), "/")
	if dirs[0] == "." {
		dirs = nil
	}
	for i := 0; i <= len(dirs); i++ {
		domain := dirs[:i]
		if err := read(filepath.Join(g.root, filepath.Join(domain...), ".gitattributes"), domain, i == 0); err != nil {
			return nil, nil, err
		}
	}
	if err := read(filepath.Join(g.common, "info", "attributes"), nil, true); err != nil {
		return nil, nil, err
	}
	attrs, from := resolveAttrs(srcs, strings.Split(p, "/"), checkinAttrs)
	for k, f := range from {
		if rel, err := filepath.Rel(g.root, f); err == nil && !strings.HasPrefix(rel, "..") {
			from[k] = filepath.ToSlash(rel)
		}
	}
	return attrs, from, nil
}

// readAttrLines parses an attributes file. Macro definitions where git
// does not allow them (below the top directory) are skipped, as git skips
// them with a warning.
func readAttrLines(data []byte, domain []string, macros bool) ([]gitattributes.MatchAttribute, error) {
	var out []gitattributes.MatchAttribute
	for l := range strings.SplitSeq(string(data), "\n") {
		m, err := gitattributes.ParseAttributesLine(l, domain, macros)
		if errors.Is(err, gitattributes.ErrMacroNotAllowed) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %w", strings.TrimSpace(l), err)
		}
		if m.Name != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// resolveAttrs finds names for p as git does: the last matching line
// wins, and within a line the last mention; a set macro (binary) brings
// its attributes at the same precedence. from names the file of each.
func resolveAttrs(srcs []attrSource, p []string, names []string) (map[string]gitattributes.Attribute, map[string]string) {
	macros := map[string][]gitattributes.Attribute{}
	for _, s := range srcs {
		for _, l := range s.lines {
			if l.Pattern == nil {
				macros[l.Name] = l.Attributes
			}
		}
	}
	out, from := map[string]gitattributes.Attribute{}, map[string]string{}
	var fill func(a gitattributes.Attribute, file string, depth int)
	fill = func(a gitattributes.Attribute, file string, depth int) {
		if _, done := out[a.Name()]; !done && slices.Contains(names, a.Name()) {
			out[a.Name()], from[a.Name()] = a, file
		}
		if m, ok := macros[a.Name()]; ok && a.IsSet() && depth < 10 {
			for _, ma := range slices.Backward(m) {
				fill(ma, file, depth+1)
			}
		}
	}
	for _, s := range slices.Backward(srcs) {
		for _, l := range slices.Backward(s.lines) {
			if l.Pattern == nil || !l.Pattern.Match(p) {
				continue
			}
			for _, a := range slices.Backward(l.Attributes) {
				fill(a, s.file, 0)
			}
		}
	}
	// "!attr" (unspecified) hides lower lines and then means nothing.
	for k, a := range out {
		if a.IsUnspecified() {
			delete(out, k)
		}
	}
	return out, from
}

// eolAction is what `git add` does to a file's line endings.
type eolAction int

const (
	eolKeep eolAction = iota // binary: stored as is
	eolText                  // text: every CRLF stored as LF
	eolAuto                  // text=auto or core.autocrlf: CRLF → LF unless the content looks binary or the index copy has CRLF
)

// checkin is what git would do to rel's content when adding it.
type checkin struct {
	eol eolAction
}

// checkinRules decides, from rel's attributes and core.autocrlf, what git
// does to its content when adding it, following git's convert.c
// (convert_attrs). A filter, working-tree-encoding or ident attribute is
// refused: ingress-drift cannot run clean filters or re-encode, and a
// commit without them stores what git would not — under git-crypt, the
// plain text. core.eol only decides the line endings of checkouts.
func (g *Repo) checkinRules(set gitSettings, rel, p string) (checkin, error) {
	attrs, from, err := g.attributes(set, p)
	if err != nil {
		return checkin{}, err
	}
	for _, name := range []string{"filter", "working-tree-encoding", "ident"} {
		a, ok := attrs[name]
		if !ok || a.IsUnset() || (name != "ident" && !a.IsValueSet()) {
			continue
		}
		what := map[string]string{
			"filter":                "ingress-drift cannot run git's clean filters (git-crypt, Git LFS, …): it would commit the file as it is in the work tree, unfiltered",
			"working-tree-encoding": "ingress-drift cannot re-encode the file as git would",
			"ident":                 "ingress-drift does not collapse $Id$ as git would",
		}[name]
		spec := name
		if a.IsValueSet() {
			spec += "=" + a.Value()
		}
		return checkin{}, &model.RefusedError{Reason: fmt.Sprintf("%s has the git attribute %s (from %s): %s — commit it with git instead (git add %s && git commit)", rel, spec, from[name], what, rel)}
	}
	action := textAttr(attrs["text"])
	if action == textUndefined {
		action = textAttr(attrs["crlf"])
	}
	eol := ""
	if a, ok := attrs["eol"]; ok && a.IsValueSet() {
		eol = a.Value()
	}
	if action != textBinary && (eol == "lf" || eol == "crlf") && action != textAuto {
		action = textSet
	}
	if action == textUndefined {
		action = textBinary
		if autocrlf(set) != "false" {
			action = textAuto
		}
	}
	switch action {
	case textSet:
		return checkin{eol: eolText}, nil
	case textAuto:
		return checkin{eol: eolAuto}, nil
	}
	return checkin{eol: eolKeep}, nil
}

type textState int

const (
	textUndefined textState = iota
	textSet
	textBinary
	textAuto
)

// textAttr reads the text (or legacy crlf) attribute as git's
// git_path_check_crlf does; "input" implies eol=lf, which stores LF as
// text does.
func textAttr(a gitattributes.Attribute) textState {
	switch {
	case a == nil:
		return textUndefined
	case a.IsSet():
		return textSet
	case a.IsUnset():
		return textBinary
	case a.IsValueSet() && a.Value() == "auto":
		return textAuto
	case a.IsValueSet() && a.Value() == "input":
		return textSet
	}
	return textUndefined
}

// autocrlf is core.autocrlf: "true", "input" or "false" (unset).
func autocrlf(set gitSettings) string {
	if strings.EqualFold(strings.TrimSpace(set["core.autocrlf"]), "input") {
		return "input"
	}
	if set.bool("core.autocrlf", false) {
		return "true"
	}
	return "false"
}

// apply converts work-tree content to what git stores. indexed is the
// content git has in its index for the path (nil for none): under "auto",
// a file already stored with CRLF keeps them, as git keeps them to avoid
// a diff on every line.
func (c checkin) apply(data, indexed []byte) []byte {
	if c.eol == eolKeep || !bytes.Contains(data, []byte("\r\n")) {
		return data
	}
	if c.eol == eolAuto {
		if s := eolStats(data); s.binary() {
			return data
		}
		if bytes.IndexByte(indexed, '\r') >= 0 {
			if s := eolStats(indexed); !s.binary() && s.crlf > 0 {
				return data
			}
		}
	}
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
}

// textStats are git's gather_stats counts (convert.c).
type textStats struct {
	nul, loneCR, crlf, printable, nonPrintable int
}

func eolStats(b []byte) textStats {
	var s textStats
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				s.crlf++
				i++
			} else {
				s.loneCR++
			}
		case c == '\n':
		case c == 127:
			s.nonPrintable++
		case c < 32:
			switch c {
			case '\b', '\t', '\033', '\014':
				s.printable++
			case 0:
				s.nul++
				s.nonPrintable++
			default:
				s.nonPrintable++
			}
		default:
			s.printable++
		}
	}
	// A trailing ^Z (DOS end of file) is not counted.
	if len(b) > 0 && b[len(b)-1] == '\032' {
		s.nonPrintable--
	}
	return s
}

// binary is git's convert_is_binary.
func (s textStats) binary() bool {
	return s.loneCR > 0 || s.nul > 0 || (s.printable>>7) < s.nonPrintable
}
