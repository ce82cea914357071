package manifest

import (
	"bytes"
	"fmt"
)

// Document is one YAML document of a file, counted the way a person counts
// them: the text between two "---" (or "...") separator lines that holds
// something other than blank lines, comments and directives. A header
// comment before the first "---", an empty document between two separators
// and a trailing "---" are therefore not documents, so the index a person
// sees ("the third document") is the index here, which yaml.v3 (which
// yields an empty document for a header comment) does not give.
type Document struct {
	// Index is the 0-based index among the file's documents.
	Index int
	// Line is the 1-based line where the content starts: the first line
	// that is not blank, a comment or a directive (normally the
	// apiVersion line).
	Line int
	// Start is the byte offset where the document's text begins: just
	// after the separator line before it (or 0), so [Start, Offset) holds
	// the document's leading comments.
	Start int
	// Offset is the byte offset of the start of Line.
	Offset int
	// End is the byte offset just past the document: the start of the
	// next separator line, or the length of the file.
	End int
	// startLine is the line number of Start; inline is set when the
	// content begins on the "---" line itself ("--- {a: 1}").
	startLine int
	inline    bool
}

// SplitDocuments splits YAML bytes into documents (see Document). Separator
// lines are "---" or "..." at the start of a line, followed by the end of
// the line or whitespace — the only places where the YAML spec allows them,
// so a separator is never inside a block scalar.
func SplitDocuments(data []byte) []Document {
	var docs []Document
	start, startLine, line := 0, 1, 1
	inline := false
	flush := func(end int) {
		if d, ok := firstContent(data, start, end, startLine, inline); ok {
			d.Index = len(docs)
			docs = append(docs, d)
		}
	}
	for off := 0; off < len(data); {
		eol := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if eol >= 0 {
			next = off + eol + 1
		}
		if kind := Separator(data[off:next]); kind != 0 {
			flush(off)
			// Content after "--- " on the same line belongs to the next
			// document; a comment or nothing does not.
			rest := bytes.TrimSpace(data[off+3 : next])
			if kind == '-' && len(rest) > 0 && rest[0] != '#' {
				start, startLine, inline = off, line, true
			} else {
				start, startLine, inline = next, line+1, false
			}
		}
		off = next
		line++
	}
	flush(len(data))
	return docs
}

// Separator returns '-' for a "---" line (a document starts), '.' for a
// "..." line (a document ends), else 0: the marks followed by the end of
// the line, a space or a tab.
func Separator(l []byte) byte {
	if len(l) < 3 {
		return 0
	}
	var c byte
	switch {
	case l[0] == '-' && l[1] == '-' && l[2] == '-':
		c = '-'
	case l[0] == '.' && l[1] == '.' && l[2] == '.':
		c = '.'
	default:
		return 0
	}
	if len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' || l[3] == '\n' {
		return c
	}
	return 0
}

// firstContent finds the first content line of data[start:end].
func firstContent(data []byte, start, end, startLine int, inline bool) (Document, bool) {
	line := startLine
	for off := start; off < end; {
		eol := bytes.IndexByte(data[off:end], '\n')
		next := end
		if eol >= 0 {
			next = off + eol + 1
		}
		l := data[off:next]
		if inline && off == start {
			l = l[3:]
		}
		if contentLine(l) {
			return Document{Line: line, Start: start, Offset: off, End: end, startLine: startLine, inline: inline}, true
		}
		off = next
		line++
	}
	return Document{}, false
}

// contentLine reports whether a line holds YAML content: it is not blank,
// a comment, or a directive ("%YAML 1.2"). Only the line's own break
// ("\n", "\r\n") makes it blank: a line that starts with a lone "\r"
// and goes on is content, and so is a comment line with content after a
// lone "\r" in it.
func contentLine(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	directive := len(t) > 0 && t[0] == '%' && len(l) == len(t)
	t = bytes.TrimSuffix(bytes.TrimSuffix(t, []byte{'\n'}), []byte{'\r'})
	if len(t) == 0 {
		return false
	}
	if t[0] != '#' && !directive {
		return true
	}
	// YAML ends a comment or a directive at a lone "\r" too: what follows
	// it is a line of its own to the parser ("#\rapiVersion: …").
	if i := bytes.IndexByte(t, '\r'); i >= 0 {
		return contentLine(t[i+1:])
	}
	return false
}

// text returns the document's bytes from Start to End, with an inline
// "---" blanked out so that a YAML parser reads the rest of that line as
// content and line numbers stay the same.
func (d Document) text(data []byte) []byte {
	b := data[d.Start:d.End]
	if d.inline {
		b = append([]byte("   "), b[3:]...)
	}
	return b
}

// LastLine is the line of data's last byte (1 for no data): the last line
// an error may name. YAML counts a lone "\r" as a line break, the file's
// lines do not, so a parser's line is clamped to it.
func LastLine(data []byte) int { return LineAt(data, max(len(data)-1, 0)) }

// LineAt returns the 1-based line of a byte offset.
func LineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// templateLine reports the first line where "{{" appears outside a quoted
// string, a comment and a block scalar: the sign of a Helm chart or other Go
// template that has not been rendered. "{{" inside quotes or in a block
// scalar (an nginx configuration-snippet, say) is legitimate YAML content.
func templateLine(data []byte) int {
	if !bytes.Contains(data, []byte("{{")) {
		return 0
	}
	blockIndent := -1 // indentation of the key that opened a block scalar
	line := 0
	for off := 0; off < len(data); {
		line++
		eol := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if eol >= 0 {
			next = off + eol + 1
		}
		l := bytes.TrimRight(data[off:next], "\r\n")
		off = next
		trimmed := bytes.TrimLeft(l, " ")
		indent := len(l) - len(trimmed)
		if blockIndent >= 0 {
			if len(trimmed) == 0 || indent > blockIndent {
				continue
			}
			blockIndent = -1
		}
		code := stripQuotedAndComment(l)
		if bytes.Contains(code, []byte("{{")) {
			return line
		}
		if opensBlockScalar(code) {
			blockIndent = indent
		}
	}
	return 0
}

// stripQuotedAndComment removes quoted strings and a trailing comment from
// one line, leaving the parts a YAML parser would read as structure or
// plain scalars.
func stripQuotedAndComment(l []byte) []byte {
	out := make([]byte, 0, len(l))
	var quote byte
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quote == '"' && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				if quote == '\'' && i+1 < len(l) && l[i+1] == '\'' {
					i++ // '' is an escaped quote
					continue
				}
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return out
		default:
			out = append(out, c)
		}
	}
	return out
}

// opensBlockScalar reports whether a line (without quotes and comment) ends
// with a block scalar indicator: "key: |", "- >-", "key: |2+".
func opensBlockScalar(code []byte) bool {
	t := bytes.TrimRight(code, " \t")
	i := len(t)
	for i > 0 && (t[i-1] == '-' || t[i-1] == '+' || (t[i-1] >= '1' && t[i-1] <= '9')) {
		i--
	}
	if i == 0 || (t[i-1] != '|' && t[i-1] != '>') {
		return false
	}
	return i == 1 || t[i-2] == ' ' || t[i-2] == ':' || t[i-2] == '-'
}

// RemoveDocument removes the document [start,end) from a multi-document
// file, as SplitDocuments locates it (start: Document.Offset,
// the start of its first content line; end: Document.End, the start of the
// next separator line or the end of the file). Every other byte stays:
// the other documents, each with its own separator and leading comments,
// and the file's header comment.
//
// What goes with the document:
//   - the separator line ("---") that opens it, and the comment and blank
//     lines between that separator and start: they come after the
//     separator, so they belong to this document, as SplitDocuments counts
//     them (Document.Start);
//   - the document's trailing comments up to end;
//   - when the document is the first one and no separator precedes it, the
//     lines above it stay: comments at the top of a file describe the file
//     as often as its first document, and removing the wrong ones loses
//     information; the next document keeps its own separator.
//
// empty reports that no document is left (only comments, blank lines,
// separators and directives remain); the caller then deletes the file
// instead of writing out.
func RemoveDocument(file []byte, start, end int) (out []byte, empty bool, err error) {
	if start < 0 || end > len(file) || start >= end {
		return nil, false, fmt.Errorf("document range [%d,%d) is not inside the file (%d bytes)", start, end, len(file))
	}
	if start > 0 && file[start-1] != '\n' {
		return nil, false, fmt.Errorf("document start %d is not at the start of a line", start)
	}
	if end < len(file) {
		if file[end-1] != '\n' {
			return nil, false, fmt.Errorf("document end %d is not at the start of a line", end)
		}
		if Separator(lineFrom(file, end)) == 0 {
			return nil, false, fmt.Errorf("document end %d is not at a separator line", end)
		}
	}
	cut := start
	if Separator(lineFrom(file, start)) == 0 {
		for l := start; l > 0; {
			prev := bytes.LastIndexByte(file[:l-1], '\n') + 1
			line := file[prev:l]
			if Separator(line) != 0 {
				cut = prev
				break
			}
			if contentLine(line) {
				break
			}
			l = prev
		}
	}
	out = make([]byte, 0, len(file)-(end-cut))
	out = append(out, file[:cut]...)
	out = append(out, file[end:]...)
	return out, !hasContent(out), nil
}

// hasContent reports whether any line holds YAML content: not blank, a
// comment, a directive, or a bare separator.
func hasContent(b []byte) bool {
	for off := 0; off < len(b); {
		l := lineFrom(b, off)
		off += len(l)
		if !contentLine(l) {
			continue
		}
		if Separator(l) != 0 {
			rest := bytes.TrimSpace(l[3:])
			if len(rest) == 0 || rest[0] == '#' {
				continue
			}
		}
		return true
	}
	return false
}

// lineFrom returns the line that starts at off, with its line break.
func lineFrom(b []byte, off int) []byte {
	if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
		return b[off : off+i+1]
	}
	return b[off:]
}
