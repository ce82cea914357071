package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// listModel is the list screen: status tabs, column headings and one row
// per Ingress. Only the rows in the window are drawn.
type listModel struct {
	styles *themes.Styles
	paint  rowPaint
	sym    *symbols
	now    func() time.Time
	keys   listKeyMap
	fkeys  filterKeyMap

	width, height int
	cols          []column
	gap           string
	// wants are the column widths the layout was made for.
	wants [numColumns]int
	// scrolled is set while the window is scrolled past the last row into
	// the notices: the cursor may then be above it.
	scrolled  bool
	originKey int
	// marked is set while some row has findings: the rows then start with
	// a three-cell gutter, the cursor and the findings marker (otherwise
	// the two-cell cursor gutter). mark is the marker and its blank as
	// drawn on a row that is not selected, painted once per theme, and
	// markPlain as drawn inside the selection's highlight.
	marked          bool
	mark, markPlain string

	set    *rowSet
	tab    int
	query  string
	terms  []string
	input  textinput.Model
	typing bool

	cursor, offset int
	// sel is the selected row as it was when last seen; the selection
	// follows its key through updates and re-sorts.
	sel *row
	// chosen is set once the user moves the cursor. Until then the cursor
	// stays on the first row while entries stream in at start-up, instead
	// of following whichever object happened to arrive first.
	chosen bool

	// notices are the repo's notices: the errors tab shows them after its
	// rows, marked and counted apart; they are not rows (nothing to select
	// or act on).
	notices []model.RepoError
}

func newList(st *themes.Styles, sym *symbols, now func() time.Time) listModel {
	l := listModel{styles: st, sym: sym, now: now, keys: defaultListKeyMap(), fkeys: defaultFilterKeyMap()}
	l.input = textinput.New()
	l.input.Prompt = "/"
	l.input.Placeholder = "filter by name, host, file, manager, category…"
	l.setStyles(st)
	set := newRowSet(nil)
	l.set = &set
	l.set.match = l.matcher()
	return l
}

// matcher returns the filter predicate for the current tab and terms. The
// rowSet holds it, so it is rebuilt whenever either changes.
func (l *listModel) matcher() func(*row) bool {
	status := statusTabs[l.tab].status
	terms := l.terms
	return func(r *row) bool {
		if status != "" && r.e.Status != status {
			return false
		}
		for _, t := range terms {
			if !strings.Contains(r.hay, t) {
				return false
			}
		}
		return true
	}
}

func (l *listModel) setStyles(st *themes.Styles) {
	l.styles = st
	l.paint = newRowPaint(st)
	l.mark, l.markPlain = st.Finding.Render(l.sym.finding)+" ", l.sym.finding+" "
	l.input.SetStyles(inputStyles(st))
}

// inputStyles styles a text input (the filter, the typed confirmation)
// from the theme, with a steady cursor.
func inputStyles(st *themes.Styles) textinput.Styles {
	ts := textinput.DefaultStyles(st.Theme.Dark)
	ts.Focused.Prompt, ts.Blurred.Prompt = st.FilterPrompt, st.FilterPrompt
	ts.Focused.Text, ts.Blurred.Text = st.Text, st.Text
	ts.Focused.Placeholder, ts.Blurred.Placeholder = st.Faint, st.Faint
	ts.Cursor.Blink = false
	return ts
}

// SetSize sets the list's area: the tabs line, the column headings and
// height-2 rows.
func (l *listModel) SetSize(w, h int) {
	l.width, l.height = w, h
	l.relayout()
	l.input.SetWidth(max(10, w-30))
	l.clampOffset()
}

func (l *listModel) rowsHeight() int { return max(1, l.height-2) }

// relayout recomputes the columns when the size or the widest values
// changed.
func (l *listModel) relayout() {
	l.wants, l.originKey, l.marked = l.set.widths, l.set.originKey, l.set.findings > 0
	w := l.width
	if l.marked {
		w-- // the marker's cell
	}
	l.cols = layoutColumns(w, l.wants, l.originKey)
	l.gap = strings.Repeat(" ", gapFor(w))
}

// load replaces the rows with a snapshot, keeping the selection.
func (l *listModel) load(entries []model.Entry) {
	prev := l.sel
	l.set.load(entries)
	l.relayout()
	l.reselect(prev)
}

// apply merges a batch, keeping the selection on the same object.
func (l *listModel) apply(b model.Batch) {
	if len(b.Changed) == 0 && len(b.Removed) == 0 {
		return
	}
	prev := l.sel
	l.set.apply(b.Changed, b.Removed)
	if l.set.widths != l.wants || l.set.originKey != l.originKey || (l.set.findings > 0) != l.marked {
		l.relayout()
	}
	l.reselect(prev)
}

// setNotices replaces the repo's notices.
func (l *listModel) setNotices(n []model.RepoError) {
	l.notices = n
	l.clampOffset()
}

// errorsTab is the index of the errors tab, the one that shows notices.
var errorsTab = slices.IndexFunc(statusTabs, func(t statusTab) bool { return t.status == model.StatusError })

// shownNotices are the notices the current tab and filter show: on the
// errors tab, those whose place or message holds every filter term.
func (l listModel) shownNotices() []model.RepoError {
	if l.tab != errorsTab {
		return nil
	}
	var out []model.RepoError
	for _, n := range l.notices {
		hay := strings.ToLower(n.Error())
		if !slices.ContainsFunc(l.terms, func(t string) bool { return !strings.Contains(hay, t) }) {
			out = append(out, n)
		}
	}
	return out
}

// afterRows are the lines drawn after the rows: on the errors tab, its
// notices under a heading that says they are not errors (after the
// empty-list line when no error is shown).
func (l listModel) afterRows() []string {
	notes := l.shownNotices()
	if len(notes) == 0 {
		return nil
	}
	st := l.styles
	var out []string
	if len(l.set.visible) == 0 {
		out = append(out, l.emptyView())
	}
	out = append(out, "  "+st.ColumnHeader.Render(fmt.Sprintf("NOTICES (%d)", len(notes)))+
		st.Muted.Render(" "+l.sym.dot+" not errors: they block nothing"))
	// Each notice is wrapped in full: its how-to (the entry to add, the
	// file to fix) comes last. Places line up in a column of at most half
	// the width; a longer place starts the wrapped text instead.
	badge := fit("i notice", badgeWidth, l.sym.ellipsis) + l.gap
	places := 0
	for _, n := range notes {
		if pw := textWidth(n.Place()); pw <= (l.width-2)/2 {
			places = max(places, pw)
		}
	}
	muted := st.Muted.Render
	for _, n := range notes {
		head, text := badge+fit(n.Place(), places, l.sym.ellipsis)+l.gap, n.Message
		if textWidth(n.Place()) > places {
			head, text = badge, n.Place()+l.gap+n.Message
		}
		indent := strings.Repeat(" ", textWidth(head))
		for i, line := range wrapText(text, max(20, l.width-2-len(indent)), muted) {
			if i == 0 {
				out = append(out, "  "+muted(head)+line)
			} else {
				out = append(out, "  "+indent+line)
			}
		}
	}
	return out
}

// afterCount is len(afterRows()): clampOffset asks on every cursor move,
// and only the errors tab has lines after its rows (a few notices).
func (l listModel) afterCount() int {
	if l.tab != errorsTab || len(l.notices) == 0 {
		return 0
	}
	return len(l.afterRows())
}

// atEnd reports whether the cursor is on the last row (or there is none),
// where moving down scrolls on through the lines after the rows.
func (l listModel) atEnd() bool {
	// The cursor first: afterCount builds the notice rows.
	return l.cursor >= len(l.set.visible)-1 && l.afterCount() > 0
}

// scrollAfter scrolls the window by n lines past the last row (to the end
// when n < 0), into the notices, leaving the cursor where it is.
func (l *listModel) scrollAfter(n int) {
	end := max(0, len(l.set.visible)+l.afterCount()-l.rowsHeight())
	if n < 0 {
		l.offset = end
	} else {
		l.offset = min(l.offset+n, end)
	}
	l.scrolled = true
}

// reselect puts the cursor back on prev's object, wherever it sorts now;
// if it is gone or filtered out, on its neighbour (the row now at the place
// it had).
func (l *listModel) reselect(prev *row) {
	vis := l.set.visible
	if len(vis) == 0 {
		l.cursor, l.offset = 0, 0
		if prev != nil {
			// Remember the object, so it is selected again when it
			// reappears (for example when a filter is cleared).
			if r, ok := l.set.byKey[prev.e.Key]; ok {
				l.sel = r
			}
		}
		return
	}
	if prev == nil || !l.chosen {
		l.setCursor(min(l.cursor, len(vis)-1))
		return
	}
	if r, ok := l.set.byKey[prev.e.Key]; ok {
		if i, ok := l.set.indexOf(r); ok {
			l.setCursor(i)
			return
		}
	}
	i, _ := l.set.indexOfSortKey(prev)
	l.setCursor(min(i, len(vis)-1))
}

// move puts the cursor where the user asked; from then on the selection
// follows that object.
func (l *listModel) move(i int) {
	l.chosen, l.scrolled = true, false
	l.setCursor(i)
}

func (l *listModel) setCursor(i int) {
	vis := l.set.visible
	if len(vis) == 0 {
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor = max(0, min(i, len(vis)-1))
	l.sel = vis[l.cursor]
	l.clampOffset()
}

// clampOffset scrolls the window as little as possible to show the cursor;
// on the last row, as far as the lines after the rows (the errors tab's
// notices) need.
func (l *listModel) clampOffset() {
	h := l.rowsHeight()
	n := len(l.set.visible)
	if l.cursor < l.offset && !l.scrolled {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	total := n
	if extra := l.afterCount(); extra > 0 {
		total += extra
		if l.cursor >= n-1 {
			l.offset = max(l.offset, min(max(0, l.cursor), total-h))
		}
	}
	l.offset = max(0, min(l.offset, total-h))
}

// Selected returns the selected entry.
func (l listModel) Selected() (model.Entry, bool) {
	if len(l.set.visible) == 0 || l.sel == nil {
		return model.Entry{}, false
	}
	return l.set.visible[l.cursor].e, true
}

// selectKey moves the cursor to k's row, if it is visible.
func (l *listModel) selectKey(k model.Key) {
	if r, ok := l.set.byKey[k]; ok {
		if i, ok := l.set.indexOf(r); ok {
			l.move(i)
		}
	}
}

// entry returns the current state of the entry with key k, whether or not
// it is visible.
func (l listModel) entry(k model.Key) (model.Entry, bool) {
	r, ok := l.set.byKey[k]
	if !ok {
		return model.Entry{}, false
	}
	return r.e, true
}

// Typing reports whether the text filter has the keyboard.
func (l listModel) Typing() bool { return l.typing }

// setTab switches the status filter.
func (l *listModel) setTab(i int) {
	if i == l.tab {
		return
	}
	l.tab = (i + len(statusTabs)) % len(statusTabs)
	l.scrolled = false
	l.set.match = l.matcher()
	prev := l.sel
	l.set.refilter(false)
	l.reselect(prev)
}

// setQuery applies a new text filter. When the new query only adds to the
// old one, the match set can only shrink, so only visible rows are tested.
func (l *listModel) setQuery(q string) {
	if q == l.query {
		return
	}
	narrow := strings.HasPrefix(q, l.query)
	l.query, l.scrolled = q, false
	l.terms = strings.Fields(strings.ToLower(q))
	l.set.match = l.matcher()
	prev := l.sel
	l.set.refilter(narrow)
	l.reselect(prev)
	l.keys.ClearFilter.SetEnabled(q != "")
}

// Update handles keys and the mouse wheel for the list.
func (l listModel) Update(msg tea.Msg) (listModel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if l.typing {
			return l.updateTyping(msg)
		}
		return l.updateKey(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			l.move(l.cursor - 3)
		case tea.MouseWheelDown:
			if l.atEnd() {
				l.scrollAfter(3)
			} else {
				l.move(l.cursor + 3)
			}
		}
	default:
		if l.typing {
			var cmd tea.Cmd
			l.input, cmd = l.input.Update(msg)
			return l, cmd
		}
	}
	return l, nil
}

func (l listModel) updateKey(msg tea.KeyPressMsg) (listModel, tea.Cmd) {
	k := l.keys
	h := l.rowsHeight()
	switch {
	case key.Matches(msg, k.Up):
		l.move(l.cursor - 1)
	case key.Matches(msg, k.Down) && l.atEnd():
		l.scrollAfter(1)
	case key.Matches(msg, k.Down):
		l.move(l.cursor + 1)
	case key.Matches(msg, k.PageUp):
		l.move(l.cursor - h)
	case key.Matches(msg, k.PageDown) && l.atEnd():
		l.scrollAfter(h)
	case key.Matches(msg, k.PageDown):
		l.move(l.cursor + h)
	case key.Matches(msg, k.HalfUp):
		l.move(l.cursor - h/2)
	case key.Matches(msg, k.HalfDown) && l.atEnd():
		l.scrollAfter(max(1, h/2))
	case key.Matches(msg, k.HalfDown):
		l.move(l.cursor + h/2)
	case key.Matches(msg, k.Top):
		l.move(0)
	case key.Matches(msg, k.Bottom) && l.atEnd():
		l.scrollAfter(-1)
	case key.Matches(msg, k.Bottom):
		l.move(len(l.set.visible) - 1)
	case key.Matches(msg, k.StatusTab):
		l.setTab(int(msg.String()[0] - '1'))
	case key.Matches(msg, k.NextTab):
		l.setTab(l.tab + 1)
	case key.Matches(msg, k.PrevTab):
		l.setTab(l.tab - 1)
	case key.Matches(msg, k.ClearFilter):
		l.input.SetValue("")
		l.setQuery("")
	case key.Matches(msg, k.Filter):
		l.typing = true
		l.input.CursorEnd()
		return l, l.input.Focus()
	}
	return l, nil
}

func (l listModel) updateTyping(msg tea.KeyPressMsg) (listModel, tea.Cmd) {
	switch {
	case key.Matches(msg, l.fkeys.Apply):
		l.typing = false
		l.input.Blur()
		return l, nil
	case key.Matches(msg, l.fkeys.Cancel):
		l.typing = false
		l.input.Blur()
		l.input.SetValue("")
		l.setQuery("")
		return l, nil
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	l.setQuery(l.input.Value())
	return l, cmd
}

// click selects the row at y (0 = first row line of the list area);
// it reports whether the row was already selected.
func (l *listModel) click(y int) (again bool) {
	i := l.offset + y - 2
	if y < 2 || i >= len(l.set.visible) {
		return false
	}
	again = i == l.cursor
	l.move(i)
	return again
}

// Keys is the list's help: its own keys and the filter's while typing.
func (l listModel) Keys() []key.Binding {
	if l.typing {
		return []key.Binding{l.fkeys.Apply, l.fkeys.Cancel}
	}
	k := l.keys
	return []key.Binding{k.Open, k.Filter, k.ClearFilter, k.StatusTab, k.Up, k.Down}
}

// FullKeys groups every list key for the full help.
func (l listModel) FullKeys() [][]key.Binding {
	k := l.keys
	return [][]key.Binding{
		k.moveKeyMap.all(),
		{k.Open, k.Filter, l.fkeys.Apply, l.fkeys.Cancel, k.StatusTab, k.NextTab, k.PrevTab},
	}
}

// View draws the tabs, the headings and the window of rows.
func (l listModel) View() string {
	var b strings.Builder
	b.Grow((l.width + 16) * l.height)
	b.WriteString(l.tabsView())
	b.WriteByte('\n')
	b.WriteString(l.headingsView())
	h := l.rowsHeight()
	vis := l.set.visible
	now := l.now()
	after := l.afterRows()
	for i := 0; i < h; i++ {
		b.WriteByte('\n')
		j := l.offset + i
		switch {
		case j < len(vis):
			b.WriteString(l.rowView(vis[j], j == l.cursor, now))
		case j-len(vis) < len(after):
			b.WriteString(after[j-len(vis)])
		case i == 0:
			b.WriteString(l.emptyView())
		}
	}
	return b.String()
}

func (l listModel) emptyView() string {
	if len(l.set.byKey) == 0 {
		return "  " + l.styles.Muted.Render("No Ingresses yet.")
	}
	var why []string
	if l.tab != 0 {
		why = append(why, "status "+statusTabs[l.tab].name)
	}
	if l.query != "" {
		why = append(why, fmt.Sprintf("filter %q", l.query))
	}
	return "  " + l.styles.Muted.Render(clip(fmt.Sprintf("Nothing matches %s — esc clears the filter, 1 shows all.",
		strings.Join(why, " and ")), l.width-2, l.sym.ellipsis))
}

// tabsView draws the status tabs with their counts; the active one is
// bracketed so it reads without colour. When they do not fit with two
// spaces between them, one space separates them and the errors tab's
// notice count takes its shortest form that fits, still in words.
func (l listModel) tabsView() string {
	st := l.styles
	labels := make([]string, len(statusTabs))
	natural := 0
	for i, t := range statusTabs {
		n := len(l.set.byKey)
		if t.status != "" {
			n = l.set.counts[t.status]
		}
		labels[i] = fmt.Sprintf("%d %s %d", i+1, t.name, n)
		natural += len(labels[i]) + 2
	}
	var forms []string
	if k := len(l.notices); k > 0 {
		// Notices are counted apart from errors ("1+2n" read as nothing).
		for _, f := range []string{" + %d notice%s", " +%d notice%s", " +%d note%s"} {
			forms = append(forms, labels[errorsTab]+fmt.Sprintf(f, k, plural(k)))
		}
		forms = append(forms, fmt.Sprintf("%d err %d +%d note%s", errorsTab+1, l.set.counts[model.StatusError], k, plural(k)))
		natural += len(forms[0]) - len(labels[errorsTab])
		labels[errorsTab] = forms[0]
	}
	compact := natural > l.width
	if compact && len(forms) > 0 {
		// The errors tab is the last: the others take one cell of space
		// each, plus one before the active tab's bracket.
		used := 0
		for i, lb := range labels[:errorsTab] {
			used += len(lb) + 1
			if i == l.tab || i+1 == l.tab {
				used++
			}
		}
		for _, f := range forms {
			if labels[errorsTab] = f; used+len(f)+2 <= l.width {
				break
			}
		}
	}
	var b strings.Builder
	w := 0
	for i, label := range labels {
		var cell string
		switch {
		case i == l.tab:
			cell = "[" + st.TabActive.Render(label) + "]"
		case compact && i+1 == l.tab:
			cell = " " + st.TabInactive.Render(label) + " "
		case compact:
			cell = " " + st.TabInactive.Render(label)
		default:
			cell = " " + st.TabInactive.Render(label) + " "
		}
		cw := len(label) + 2
		if compact && i != l.tab && i+1 != l.tab {
			cw--
		}
		if w+cw > l.width {
			break
		}
		b.WriteString(cell)
		w += cw
	}
	if n := l.set.counts[model.StatusInSync]; w > 0 {
		insync := fmt.Sprintf("  %s %d in sync", l.sym.status[model.StatusInSync], n)
		if w+visibleWidth(insync) <= l.width {
			b.WriteString(st.InSync.Render(insync))
		}
	}
	return b.String()
}

func (l listModel) headingsView() string {
	var b strings.Builder
	b.WriteString("  ")
	if l.marked {
		b.WriteByte(' ')
	}
	for i, c := range l.cols {
		if i > 0 {
			b.WriteString(l.gap)
		}
		b.WriteString(l.paint.head.paint(fit(c.title, c.width, l.sym.ellipsis)))
	}
	return b.String()
}

// rowView draws one row. The selected row is drawn plain inside one
// highlight, so the highlight is continuous; its words carry the meaning.
func (l listModel) rowView(r *row, selected bool, now time.Time) string {
	st := l.styles
	var b strings.Builder
	for i, c := range l.cols {
		if i > 0 {
			b.WriteString(l.gap)
		}
		text, p := l.cell(r, c.id, c.width, now)
		text = fit(text, c.width, l.sym.ellipsis)
		if selected {
			b.WriteString(text)
		} else {
			b.WriteString(p.paint(text))
		}
	}
	// The gutter after the cursor's cell: one blank, or with findings in
	// the list the marker (or its blank) and a blank, between the cursor
	// and the status, apart from both: a finding is neither.
	gutter := " "
	switch {
	case !l.marked:
	case len(r.e.Findings) == 0:
		gutter = "  "
	case selected:
		gutter = l.markPlain
	default:
		gutter = l.mark
	}
	line := b.String()
	if selected {
		pad := ""
		if n := l.width - 1 - textWidth(gutter) - visibleWidth(line); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		return st.Selected.Render(l.sym.cursor + gutter + line + pad)
	}
	return " " + gutter + line
}

// StatusLine is the line under the list: the filter being typed, the
// filter in force, or the position.
func (l listModel) StatusLine() string {
	st := l.styles
	n, total := len(l.set.visible), len(l.set.byKey)
	if l.typing {
		return l.input.View() + st.Muted.Render(fmt.Sprintf("  %d of %d", n, total))
	}
	pos := 0
	if n > 0 {
		pos = l.cursor + 1
	}
	s := st.Muted.Render(fmt.Sprintf("%d/%d", pos, n))
	if n != total {
		s += st.Muted.Render(fmt.Sprintf(" (of %d)", total))
	}
	if l.query != "" {
		s += "  " + st.FilterPrompt.Render("/"+l.query) + st.Muted.Render("  esc clears")
	}
	if n := l.set.findings; n > 0 {
		// The marker's legend, in words: it reads without colour and
		// without the help screen.
		s += "  " + l.mark + st.Muted.Render(fmt.Sprintf("%d with findings (not drift; ? explains)", n))
	}
	return s
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
