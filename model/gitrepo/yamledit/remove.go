package yamledit

import (
	"bytes"
	"fmt"
)

// RemoveDocument removes the document [start,end) from a multi-document
// file, as model/gitrepo.SplitDocuments locates it (start: Document.Offset,
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
		if separatorLine(lineAt(file, end)) == 0 {
			return nil, false, fmt.Errorf("document end %d is not at a separator line", end)
		}
	}
	cut := start
	if separatorLine(lineAt(file, start)) == 0 {
		for l := start; l > 0; {
			prev := bytes.LastIndexByte(file[:l-1], '\n') + 1
			line := file[prev:l]
			if separatorLine(line) != 0 {
				cut = prev
				break
			}
			if !ignorable(line) {
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

// lineAt returns the line that starts at off, with its line break.
func lineAt(b []byte, off int) []byte {
	if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
		return b[off : off+i+1]
	}
	return b[off:]
}

// separatorLine returns '-' for a "---" line, '.' for a "..." line (each
// possibly followed by white space and more), else 0.
func separatorLine(l []byte) byte {
	if len(l) < 3 || !(bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
		return 0
	}
	if len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' || l[3] == '\n' {
		return l[0]
	}
	return 0
}

// ignorable reports whether a line is blank, a comment or a directive.
func ignorable(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	return len(t) == 0 || t[0] == '#' || t[0] == '\n' || t[0] == '\r' || (t[0] == '%' && len(t) == len(l))
}

// hasContent reports whether any line holds YAML content: not blank, a
// comment, a directive, or a bare separator.
func hasContent(b []byte) bool {
	for off := 0; off < len(b); {
		l := lineAt(b, off)
		off += len(l)
		if ignorable(l) {
			continue
		}
		if separatorLine(l) != 0 {
			rest := bytes.TrimSpace(l[3:])
			if len(rest) == 0 || rest[0] == '#' {
				continue
			}
		}
		return true
	}
	return false
}
