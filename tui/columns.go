package tui

import (
	"cmp"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

type columnID int

const (
	colStatus columnID = iota
	colName
	colSeverity
	colCategories
	colHosts
	colLast
	colOrigin
)

// column is one list column at the current width.
type column struct {
	id    columnID
	title string
	width int
}

const numColumns = int(colOrigin) + 1

// columnSpec says how a column takes space: it is shown only when its
// minimum fits, and grows towards the widest value it holds, first up to
// comfortable, then up to max.
type columnSpec struct {
	id                    columnID
	title                 string
	min, comfortable, max int
}

// columnSpecs are in display order, indexed by columnID.
var columnSpecs = []columnSpec{
	{colStatus, "STATUS", badgeWidth, badgeWidth, badgeWidth},
	{colName, "NAMESPACE/NAME", 18, 40, 64},
	{colSeverity, "SEVERITY", 8, 8, 8},
	{colCategories, "CATEGORIES", 17, 17, 31},
	{colHosts, "HOSTS", 16, 24, 48},
	{colLast, "LAST LIVE CHANGE", 16, 24, 36},
	{colOrigin, "MANIFEST", 16, 26, 56},
}

// columnPriority is the order in which columns claim space: the ones that
// say what is wrong first, the ones that say where last.
var columnPriority = []columnID{colStatus, colName, colSeverity, colCategories, colLast, colOrigin, colHosts}

// growPriority is the order in which shown columns grow into spare space.
var growPriority = []columnID{colName, colLast, colHosts, colOrigin, colCategories}

// gapFor is the space between columns: one cell on narrow terminals, two
// where there is room.
func gapFor(w int) int {
	if w < 100 {
		return 1
	}
	return 2
}

// layoutColumns fits the columns into width w (less the 2-cell cursor
// marker), growing each towards want (the widest value it holds). Between
// the comfortable and the full widths, the origin column first grows to
// originKey cells (the widest "what renders it" part of a rendered
// object's cell, see originCell), ahead of the last change and hosts:
// unlike a host, or a manager shortened before its time, that part cannot
// be read once cut. It runs on resize and when a wider value
// arrives, never per frame.
func layoutColumns(w int, want [numColumns]int, originKey int) []column {
	avail, gap := w-2, gapFor(w)
	var width [numColumns]int
	used := 0
	for _, id := range columnPriority {
		s := columnSpecs[id]
		need := s.min
		if id == colName {
			// The object's name is what a person scans for: it claims its
			// full width, up to about a third of the screen, before the
			// lower-priority columns are placed at their minimum.
			need = min(max(want[id], s.min), max(s.min, avail*35/100), s.max)
		}
		width[id] = need
		if used > 0 {
			need += gap
		}
		if used+need > avail {
			width[id] = 0
			continue
		}
		used += need
	}
	// Spare space is shared in two passes: first every column grows to a
	// comfortable width (enough for "kubectl-annotate 12m ago" or
	// "apps/shop/ingress.yaml:39"), then towards its widest value, the
	// origin column to originKey before the last change and hosts.
	spare := avail - used
	type step struct {
		id     columnID
		target int
	}
	var steps []step
	for _, id := range growPriority {
		s := columnSpecs[id]
		steps = append(steps, step{id, min(max(want[id], s.min), s.comfortable, s.max)})
	}
	for _, id := range growPriority {
		s := columnSpecs[id]
		if id == colLast {
			o := columnSpecs[colOrigin]
			steps = append(steps, step{colOrigin, min(max(originKey, o.min), o.max)})
		}
		steps = append(steps, step{id, min(max(want[id], s.min), s.max)})
	}
	for _, st := range steps {
		if width[st.id] == 0 || spare <= 0 {
			continue
		}
		if add := min(spare, st.target-width[st.id]); add > 0 {
			width[st.id] += add
			spare -= add
		}
	}
	var cols []column
	for _, s := range columnSpecs {
		if width[s.id] > 0 {
			cols = append(cols, column{id: s.id, title: s.title, width: width[s.id]})
		}
	}
	return cols
}

// cellWidths are the widths of a row's variable cells, for the layout.
func (r *row) cellWidths() [numColumns]int {
	var w [numColumns]int
	w[colName] = textWidth(r.name)
	w[colCategories] = len(r.cats)
	w[colHosts] = textWidth(r.hosts)
	w[colOrigin] = textWidth(r.origin)
	// Relative times are at most "59m ago" wide.
	w[colLast] = textWidth(r.last.Manager) + len(" 59m ago")
	return w
}

// rowPaint holds the painters of the list's cells for the current styles.
type rowPaint struct {
	status                   map[model.Status]painter
	severity                 [5]painter
	text, muted, faint, head painter
}

func newRowPaint(st *themes.Styles) rowPaint {
	p := rowPaint{status: map[model.Status]painter{}, text: newPainter(st.Text), muted: newPainter(st.Muted),
		faint: newPainter(st.Faint), head: newPainter(st.ColumnHeader)}
	for _, s := range model.Statuses {
		p.status[s] = newPainter(statusStyle(st, s))
	}
	for i := range p.severity {
		p.severity[i] = newPainter(st.Severity[i])
	}
	return p
}

func (p rowPaint) sev(s model.Severity) painter {
	if s < 0 || int(s) >= len(p.severity) {
		return p.severity[0]
	}
	return p.severity[s]
}

// cell returns one cell's text and painter.
func (l listModel) cell(r *row, id columnID, width int, now time.Time) (string, painter) {
	st := l.paint
	switch id {
	case colStatus:
		p := st.status[r.e.Status]
		if unknown(&r.e) {
			p = st.faint
		}
		return l.sym.entryBadge(&r.e), p
	case colName:
		return r.name, st.text
	case colSeverity:
		return severityText(r.e.Severity), st.sev(r.e.Severity)
	case colCategories:
		if len(r.cats) > width {
			return r.catsShort, st.muted
		}
		return r.cats, st.muted
	case colHosts:
		return r.hosts, st.muted
	case colLast:
		if r.e.Live == nil {
			return "(not live)", st.faint
		}
		return lastChangeFit(r.last, now, width, l.sym.ellipsis), st.muted
	case colOrigin:
		if r.origin == "" && r.e.GitUnknown {
			return clipMiddle("? "+cmp.Or(r.e.BlockedPlaces(1), "repo not read yet"), width, l.sym.ellipsis), st.faint
		}
		if r.origin == "" && r.e.Status == model.StatusMissingGit {
			return "(not in Git)", st.faint
		}
		return r.originCell.fit(width, l.sym), st.faint
	}
	return "", st.text
}

// visibleWidth is the width of s in cells, ignoring ANSI sequences.
func visibleWidth(s string) int { return ansi.StringWidth(s) }

// lastChangeFit renders "manager 3m ago" in w cells, shortening the
// manager rather than the time.
func lastChangeFit(m model.Manager, now time.Time, w int, ellipsis string) string {
	full := lastChangeShort(m, now)
	if visibleWidth(full) <= w || m.Time.IsZero() {
		return full
	}
	when := " " + relTime(now, m.Time)
	return clip(m.Manager, w-visibleWidth(when), ellipsis) + when
}
