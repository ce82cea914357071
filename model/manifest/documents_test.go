package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitDocuments(t *testing.T) {
	type doc struct{ Index, Line int }
	cases := []struct {
		name, in string
		want     []doc
	}{
		{"empty", "", nil},
		{"only comments", "# a\n# b\n", nil},
		{"one without separator", "a: 1\n", []doc{{0, 1}}},
		{"leading separator", "---\na: 1\n", []doc{{0, 2}}},
		{"header comment then separator", "# h\n---\n# c\n\na: 1\n", []doc{{0, 5}}},
		{"empty documents skipped", "---\n---\n\n---\na: 1\n---\n", []doc{{0, 5}}},
		{"content on the separator line", "--- {a: 1}\n--- # comment\nb: 2\n", []doc{{0, 1}, {1, 3}}},
		{"dash lines in a block scalar are not separators", "a: |\n  ---x\n  ----\n---\nb: 1\n", []doc{{0, 1}, {1, 5}}},
		{"document end marker", "a: 1\n...\n---\nb: 1\n", []doc{{0, 1}, {1, 4}}},
		{"CRLF", "# h\r\n---\r\na: 1\r\n---\r\nb: 2\r\n", []doc{{0, 3}, {1, 5}}},
		{"directive", "%YAML 1.2\n---\na: 1\n", []doc{{0, 3}}},
		// FuzzParseFile: the document began a line later, so the editor
		// and the engine re-read it without its apiVersion.
		{"a line starting with a lone CR", "\ra: 1\nb: 2\n", []doc{{0, 1}}},
		{"content after a lone CR in a comment", "# c\ra: 1\nb: 2\n", []doc{{0, 1}}},
		{"a comment with a lone CR and nothing after", "# c\r\na: 1\n", []doc{{0, 2}}},
		{"CR-only blank line", "\r\n\r\na: 1\n", []doc{{0, 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []doc
			for _, d := range SplitDocuments([]byte(c.in)) {
				got = append(got, doc{d.Index, d.Line})
				if LineAt([]byte(c.in), d.Offset) != d.Line {
					t.Errorf("offset %d is on line %d, want %d", d.Offset, LineAt([]byte(c.in), d.Offset), d.Line)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateLine(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"a: 1\nname: {{ .Values.name }}\n", 2},
		{"{{- if .Values.enabled }}\napiVersion: v1\n", 1},
		{"name: web-{{ .Release.Name }}\n", 1},
		{"a: \"{{ quoted }}\"\nb: '{{ x }}'\n", 0},
		{"# {{ in a comment }}\na: 1\n", 0},
		{"annotations:\n  snippet: |\n    location { {{ not a template }} }\n  other: x\n", 0},
		{"annotations:\n  snippet: |-\n    {{ block }}\nname: {{ .Values.x }}\n", 4},
	}
	for _, c := range cases {
		if got := templateLine([]byte(c.in)); got != c.want {
			t.Errorf("templateLine(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
