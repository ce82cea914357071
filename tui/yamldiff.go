package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/themes"
)

// lineKind says which side of a diff a line belongs to.
type lineKind uint8

const (
	lineSame lineKind = iota
	lineDel           // only on the left (Git)
	lineAdd           // only on the right (live)
	lineNone          // padding opposite an unpaired line
)

// sbsRow is one row of a side-by-side diff.
type sbsRow struct {
	left, right string
	lk, rk      lineKind
	lnum, rnum  int // 1-based line numbers, 0 for padding
}

// yamlDiff is the YAML of two objects and their line diff, computed once
// per entry version and drawn at any width.
type yamlDiff struct {
	leftTitle, rightTitle string
	left, right           string
	// oneSide is set when only one object exists; it is drawn alone.
	oneSide bool
	rows    []sbsRow
	hunks   []udiff.Hunk
	err     string
}

// toYAML renders an already normalized object. Go's encoding writes the
// zero status and creationTimestamp of a typed object; neither is part of
// what is compared, so they are left out.
func toYAML(ing *networkingv1.Ingress) (string, error) {
	if ing == nil {
		return "", nil
	}
	j, err := json.Marshal(ing)
	if err != nil {
		return "", fmt.Errorf("render %s/%s as YAML: %w", ing.Namespace, ing.Name, err)
	}
	var obj map[string]any
	if err := json.Unmarshal(j, &obj); err != nil {
		return "", fmt.Errorf("render %s/%s as YAML: %w", ing.Namespace, ing.Name, err)
	}
	delete(obj, "status")
	if md, ok := obj["metadata"].(map[string]any); ok && md["creationTimestamp"] == nil {
		delete(md, "creationTimestamp")
	}
	b, err := yaml.Marshal(obj)
	if err != nil {
		return "", fmt.Errorf("render %s/%s as YAML: %w", ing.Namespace, ing.Name, err)
	}
	return string(b), nil
}

// newYAMLDiff diffs two normalized objects (either may be nil).
func newYAMLDiff(leftTitle, rightTitle string, left, right *networkingv1.Ingress) yamlDiff {
	d := yamlDiff{leftTitle: leftTitle, rightTitle: rightTitle}
	var err error
	if d.left, err = toYAML(left); err != nil {
		d.err = err.Error()
		return d
	}
	if d.right, err = toYAML(right); err != nil {
		d.err = err.Error()
		return d
	}
	d.oneSide = left == nil || right == nil
	if d.oneSide {
		return d
	}
	edits := udiff.Lines(d.left, d.right)
	// With context as long as the file, the one hunk holds every line in
	// order: exactly what the side-by-side view walks.
	full, err := udiff.ToUnifiedDiff(leftTitle, rightTitle, d.left, edits, strings.Count(d.left, "\n")+1)
	if err != nil {
		d.err = fmt.Sprintf("diff %s against %s: %v", leftTitle, rightTitle, err)
		return d
	}
	if len(full.Hunks) == 0 {
		d.rows = sameRows(d.left)
	} else {
		d.rows = pairLines(full.Hunks[0].Lines)
	}
	short, err := udiff.ToUnifiedDiff(leftTitle, rightTitle, d.left, edits, 3)
	if err == nil {
		d.hunks = make([]udiff.Hunk, len(short.Hunks))
		for i, h := range short.Hunks {
			d.hunks[i] = *h
		}
	}
	return d
}

func sameRows(s string) []sbsRow {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	rows := make([]sbsRow, len(lines))
	for i, l := range lines {
		rows[i] = sbsRow{left: l, right: l, lnum: i + 1, rnum: i + 1}
	}
	return rows
}

// pairLines turns a full-context hunk into side-by-side rows: a run of
// deletions followed by a run of insertions is shown as changed lines side
// by side, the longer run padded.
func pairLines(lines []udiff.Line) []sbsRow {
	var rows []sbsRow
	ln, rn := 0, 0
	for i := 0; i < len(lines); {
		if lines[i].Kind == udiff.Equal {
			ln++
			rn++
			text := strings.TrimSuffix(lines[i].Content, "\n")
			rows = append(rows, sbsRow{left: text, right: text, lnum: ln, rnum: rn})
			i++
			continue
		}
		var dels, ins []string
		for ; i < len(lines) && lines[i].Kind == udiff.Delete; i++ {
			dels = append(dels, strings.TrimSuffix(lines[i].Content, "\n"))
		}
		for ; i < len(lines) && lines[i].Kind == udiff.Insert; i++ {
			ins = append(ins, strings.TrimSuffix(lines[i].Content, "\n"))
		}
		for j := 0; j < max(len(dels), len(ins)); j++ {
			r := sbsRow{lk: lineNone, rk: lineNone}
			if j < len(dels) {
				ln++
				r.left, r.lk, r.lnum = dels[j], lineDel, ln
			}
			if j < len(ins) {
				rn++
				r.right, r.rk, r.rnum = ins[j], lineAdd, rn
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// changedRows counts the rows that differ.
func (d yamlDiff) changedRows() int {
	n := 0
	for _, r := range d.rows {
		if r.lk != lineSame || r.rk != lineSame {
			n++
		}
	}
	return n
}

// sideBySide draws the diff in two panes of width w in total. Changed
// lines carry a "-" (Git only) or "+" (live only) marker as well as the
// highlight, so they read without colour.
func (d yamlDiff) sideBySide(st *themes.Styles, sym *symbols, w int) []string {
	half := (w - 3) / 2
	numbers := w >= 120
	out := []string{
		st.Bold.Render(fit(d.leftTitle, half, sym.ellipsis)) + " " + st.Faint.Render(sym.vsep) + " " +
			st.Bold.Render(clip(d.rightTitle, half, sym.ellipsis)),
	}
	for _, r := range d.rows {
		l := sidePane(st, sym, r.left, r.lk, r.lnum, half, numbers)
		rt := sidePane(st, sym, r.right, r.rk, r.rnum, half, numbers)
		out = append(out, l+" "+st.Faint.Render(sym.vsep)+" "+rt)
	}
	return out
}

func sidePane(st *themes.Styles, sym *symbols, text string, k lineKind, num, w int, numbers bool) string {
	gutter := ""
	if numbers {
		if num > 0 {
			gutter = fmt.Sprintf("%4d ", num)
		} else {
			gutter = "     "
		}
	}
	marker := "  "
	switch k {
	case lineDel:
		marker = "- "
	case lineAdd:
		marker = "+ "
	case lineNone:
		text = ""
	}
	body := fit(marker+clipMiddle(text, w-len(gutter)-len(marker), sym.ellipsis), w-len(gutter), sym.ellipsis)
	switch k {
	case lineDel:
		body = st.DiffDel.Render(body)
	case lineAdd:
		body = st.DiffAdd.Render(body)
	case lineSame:
		body = st.Text.Render(body)
	}
	return st.DiffGutter.Render(gutter) + body
}

// unified draws the diff as a unified diff with three lines of context.
func (d yamlDiff) unified(st *themes.Styles, sym *symbols, w int) []string {
	out := []string{
		st.DiffDel.Render(clip("--- "+d.leftTitle, w, sym.ellipsis)),
		st.DiffAdd.Render(clip("+++ "+d.rightTitle, w, sym.ellipsis)),
	}
	if len(d.hunks) == 0 {
		return append(out, st.Muted.Render("(no differences)"))
	}
	for _, h := range d.hunks {
		dels, ins := 0, 0
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Delete:
				dels++
			case udiff.Insert:
				ins++
			default:
				dels++
				ins++
			}
		}
		out = append(out, st.DiffHunk.Render(fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.FromLine, dels, h.ToLine, ins)))
		for _, l := range h.Lines {
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Delete:
				out = append(out, st.DiffDel.Render(fit("-"+text, w, sym.ellipsis)))
			case udiff.Insert:
				out = append(out, st.DiffAdd.Render(fit("+"+text, w, sym.ellipsis)))
			default:
				out = append(out, st.Text.Render(clip(" "+text, w, sym.ellipsis)))
			}
		}
	}
	return out
}

// single draws the one object that exists.
func (d yamlDiff) single(st *themes.Styles, sym *symbols, w int) []string {
	title, text := d.leftTitle, d.left
	if text == "" {
		title, text = d.rightTitle, d.right
	}
	out := []string{st.Bold.Render(clip(title, w, sym.ellipsis))}
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		out = append(out, st.Text.Render(clip("  "+l, w, sym.ellipsis)))
	}
	return out
}
