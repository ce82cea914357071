package yamledit

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// source is the text being edited with its line index. Lines are 1-based,
// columns are 1-based and count characters (runes), as yaml.v3 reports
// them; offsets are byte offsets.
type source struct {
	b     []byte
	lines []int // byte offset of the start of each line; index 0 is line 1
}

func newSource(b []byte) *source {
	s := &source{b: b, lines: []int{0}}
	for i, c := range b {
		if c == '\n' && i+1 < len(b) {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// numLines is the number of lines.
func (s *source) numLines() int { return len(s.lines) }

// lineStart is the offset of the start of line l; past the last line it is
// the length of the text.
func (s *source) lineStart(l int) int {
	if l < 1 {
		return 0
	}
	if l > len(s.lines) {
		return len(s.b)
	}
	return s.lines[l-1]
}

// lineEnd is the offset of the end of line l's content, before "\r\n" or
// "\n".
func (s *source) lineEnd(l int) int {
	end := s.lineStart(l + 1)
	if end > 0 && end <= len(s.b) && end > s.lineStart(l) && s.b[end-1] == '\n' {
		end--
	}
	if end > s.lineStart(l) && s.b[end-1] == '\r' {
		end--
	}
	return end
}

// line returns the content of line l without its line break.
func (s *source) line(l int) []byte { return s.b[s.lineStart(l):s.lineEnd(l)] }

// lineOf returns the line holding offset off.
func (s *source) lineOf(off int) int {
	return sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off })
}

// offset converts a yaml.v3 position into a byte offset.
func (s *source) offset(line, col int) int {
	off := s.lineStart(line)
	end := s.lineEnd(line)
	for c := 1; c < col && off < end; c++ {
		_, w := utf8.DecodeRune(s.b[off:end])
		off += w
	}
	return off
}

// column returns the 0-based column (in characters) of offset off.
func (s *source) column(off int) int {
	return utf8.RuneCount(s.b[s.lineStart(s.lineOf(off)):off])
}

// indent counts the leading spaces of line l.
func (s *source) indent(l int) int {
	ln := s.line(l)
	n := 0
	for n < len(ln) && ln[n] == ' ' {
		n++
	}
	return n
}

// blank reports whether line l holds only spaces.
func (s *source) blank(l int) bool {
	return len(bytes.Trim(s.line(l), " \r")) == 0
}

// comment reports whether line l is a comment line, and its indentation.
func (s *source) comment(l int) (int, bool) {
	n := s.indent(l)
	ln := s.line(l)
	return n, n < len(ln) && ln[n] == '#'
}

// headStart returns the first line of the comment block directly above
// line l whose lines are indented exactly col (a head comment of the
// node at column col), or l when there is none.
func (s *source) headStart(l, col int) int {
	for l > 1 {
		if ind, ok := s.comment(l - 1); !ok || ind != col {
			break
		}
		l--
	}
	return l
}

// tailEnd returns the last line of the comment block directly below line
// l whose lines are indented more than col (comments that belong to the
// node at column col), or l when there is none.
func (s *source) tailEnd(l, col int) int {
	for l < s.numLines() {
		if ind, ok := s.comment(l + 1); !ok || ind <= col {
			break
		}
		l++
	}
	return l
}

// lastLine is the line of the last character of [start, end).
func (s *source) lastLine(start, end int) int {
	if end > start {
		return s.lineOf(end - 1)
	}
	return s.lineOf(start)
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return string(bytes.Repeat([]byte{' '}, n))
}
