package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// detailModel is the screen for one object: what differs, who changed it,
// what git says about its manifest, and the YAML of both sides.
type detailModel struct {
	styles *themes.Styles
	sym    *symbols
	now    func() time.Time
	keys   detailKeyMap

	width int

	entry model.Entry
	// gone is set when the object disappeared from both sides while open.
	gone bool
	// version is the entry version diff was computed for.
	version uint64
	diff    yamlDiff

	unified     bool
	showIgnored bool

	vp       viewport.Model
	sections []int // first line of each section, for tab/shift+tab
}

func newDetail(st *themes.Styles, sym *symbols, now func() time.Time) detailModel {
	d := detailModel{styles: st, sym: sym, now: now, keys: defaultDetailKeyMap()}
	d.vp = viewport.New()
	vk := d.vp.KeyMap
	vk.Up, vk.Down = d.keys.Up, d.keys.Down
	vk.PageUp, vk.PageDown = d.keys.PageUp, d.keys.PageDown
	vk.HalfPageUp, vk.HalfPageDown = d.keys.HalfUp, d.keys.HalfDown
	// Long lines are truncated with an ellipsis, never scrolled sideways.
	vk.Left.SetEnabled(false)
	vk.Right.SetEnabled(false)
	d.vp.KeyMap = vk
	return d
}

// SetSize sets the detail area: a title line and the scrolling body.
func (d *detailModel) SetSize(w, h int) {
	d.width = w
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(1, h-1))
	d.render()
}

func (d *detailModel) setStyles(st *themes.Styles) {
	d.styles = st
	d.render()
}

// open shows an entry from the top.
func (d *detailModel) open(e model.Entry) {
	d.gone = false
	d.setEntry(e)
	d.vp.GotoTop()
}

// setEntry shows a new version of the entry, keeping the scroll position.
// The YAML and its diff are recomputed only when the version changes: this
// is CPU work for one object, done in Update, never per frame.
func (d *detailModel) setEntry(e model.Entry) {
	if e.Key != d.entry.Key || e.Version != d.version || d.version == 0 {
		d.diff = buildDiff(e)
		d.version = e.Version
	}
	d.entry = e
	d.render()
}

// markGone keeps showing the last state of an object that no longer
// exists on either side.
func (d *detailModel) markGone() {
	d.gone = true
	d.render()
}

// buildDiff chooses what to compare: Git against live, normalized as the
// inventory compared them (Entry.Normalized); for a conflict the first two
// Git documents against each other; otherwise the one side that exists.
func buildDiff(e model.Entry) yamlDiff {
	liveTitle := "live (cluster)"
	switch {
	case e.Status == model.StatusConflict && len(e.Desired) >= 2:
		a, b := e.Desired[0], e.Desired[1]
		return newYAMLDiff("Git "+a.Origin.String(), "Git "+b.Origin.String(),
			diffengine.Normalize(a.Ingress, a.Namespace), diffengine.Normalize(b.Ingress, b.Namespace))
	case len(e.Desired) > 0:
		g, l := e.Normalized()
		return newYAMLDiff("Git "+e.Desired[0].Origin.String(), liveTitle, g, l)
	case e.Live != nil:
		_, l := e.Normalized()
		return newYAMLDiff("Git (no manifest)", liveTitle, nil, l)
	}
	return yamlDiff{}
}

// Update scrolls and toggles.
func (d detailModel) Update(msg tea.Msg) (detailModel, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, d.keys.Top):
			d.vp.GotoTop()
			return d, nil
		case key.Matches(msg, d.keys.Bottom):
			d.vp.GotoBottom()
			return d, nil
		case key.Matches(msg, d.keys.NextSection):
			d.jumpSection(+1)
			return d, nil
		case key.Matches(msg, d.keys.PrevSection):
			d.jumpSection(-1)
			return d, nil
		case key.Matches(msg, d.keys.Unified):
			d.unified = !d.unified
			d.render()
			return d, nil
		case key.Matches(msg, d.keys.Ignored):
			d.showIgnored = !d.showIgnored
			d.render()
			return d, nil
		case key.Matches(msg, d.keys.Other):
			if k, ok := nextOther(d.entry); ok {
				return d, func() tea.Msg { return openEntryMsg{k} }
			}
			return d, nil
		}
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return d, cmd
}

func (d *detailModel) jumpSection(dir int) {
	y := d.vp.YOffset()
	target := -1
	if dir > 0 {
		for _, s := range d.sections {
			if s > y {
				target = s
				break
			}
		}
	} else {
		for i := len(d.sections) - 1; i >= 0; i-- {
			if d.sections[i] < y {
				target = d.sections[i]
				break
			}
		}
		if target < 0 {
			target = 0
		}
	}
	if target >= 0 {
		d.vp.SetYOffset(target)
	}
}

// Keys is the short help of the detail screen.
func (d detailModel) Keys() []key.Binding {
	k := d.keys
	return []key.Binding{k.NextSection, k.Other, k.Unified, k.Ignored, k.Down}
}

// FullKeys groups every detail key for the full help.
func (d detailModel) FullKeys() [][]key.Binding {
	k := d.keys
	return [][]key.Binding{
		k.moveKeyMap.all(),
		{k.NextSection, k.PrevSection, k.Unified, k.Ignored, k.Other},
	}
}

// View draws the title line and the body.
func (d detailModel) View() string {
	return d.titleView() + "\n" + d.vp.View()
}

func (d detailModel) titleView() string {
	st, e := d.styles, d.entry
	parts := []string{
		st.Title.Render(e.Key.Display()),
		entryStyle(st, &e).Render(d.sym.entryBadge(&e)),
	}
	if e.Severity > 0 {
		parts = append(parts, severityStyle(st, e.Severity).Render("severity "+e.Severity.String()))
	}
	if len(e.Categories) > 0 {
		parts = append(parts, st.Muted.Render(strings.Join(e.CategoryNames(), " ")))
	}
	if d.gone {
		parts = append(parts, st.Flash.Render("gone from both sides"))
	}
	return clip(strings.Join(parts, "  "), d.width, d.sym.ellipsis)
}

// StatusLine is the line under the body: view mode, ignored toggle and
// scroll position — only what applies to this object.
func (d detailModel) StatusLine() string {
	var parts []string
	if d.diff.rows != nil {
		if d.unified {
			parts = append(parts, "unified diff")
		} else {
			parts = append(parts, "side by side")
		}
	}
	if n := len(d.entry.Ignored); n > 0 {
		if d.showIgnored {
			parts = append(parts, fmt.Sprintf("%d ignored shown", n))
		} else {
			parts = append(parts, fmt.Sprintf("%d ignored hidden", n))
		}
	}
	parts = append(parts, fmt.Sprintf("%d%%", int(d.vp.ScrollPercent()*100)))
	return d.styles.Muted.Render(clip(strings.Join(parts, " "+d.sym.dot+" "), d.width, d.sym.ellipsis))
}

// render rebuilds the body lines from the entry at the current width and
// toggles. It runs on open, on a new version, on resize and on a toggle.
func (d *detailModel) render() {
	if d.width <= 0 || d.version == 0 {
		return // nothing opened yet
	}
	d.updateKeys()
	b := &bodyBuilder{st: d.styles, sym: d.sym, w: d.width, now: d.now()}
	d.overview(b)
	d.findings(b)
	d.changes(b)
	d.ignored(b)
	d.yaml(b)
	d.sections = b.sections
	d.vp.SetContentLines(b.lines)
}

// updateKeys enables the toggles that apply to this object and names what
// they will do next.
func (d *detailModel) updateKeys() {
	d.keys.Unified.SetEnabled(d.diff.rows != nil)
	if d.unified {
		d.keys.Unified.SetHelp("u", "side by side")
	} else {
		d.keys.Unified.SetHelp("u", "unified diff")
	}
	d.keys.Ignored.SetEnabled(len(d.entry.Ignored) > 0)
	next, ok := nextOther(d.entry)
	d.keys.Other.SetEnabled(ok)
	if ok {
		d.keys.Other.SetHelp("o", "open "+next.Display())
	}
	if d.showIgnored {
		d.keys.Ignored.SetHelp("i", "hide ignored")
	} else {
		d.keys.Ignored.SetHelp("i", "show ignored")
	}
}

// bodyBuilder accumulates body lines, each clipped to the width.
type bodyBuilder struct {
	st       *themes.Styles
	sym      *symbols
	w        int
	now      time.Time
	lines    []string
	sections []int
}

func (b *bodyBuilder) line(s string) { b.lines = append(b.lines, clip(s, b.w, b.sym.ellipsis)) }
func (b *bodyBuilder) blank()        { b.lines = append(b.lines, "") }

// section starts a titled section.
func (b *bodyBuilder) section(title string) { b.sectionNote(title, "") }

// sectionNote starts a titled section with a muted note after the title.
func (b *bodyBuilder) sectionNote(title, note string) {
	if len(b.lines) > 0 {
		b.blank()
	}
	b.sections = append(b.sections, len(b.lines))
	if note != "" {
		note = b.st.Muted.Render(" " + note)
	}
	b.line(b.st.Section.Render(title) + note)
}

// field writes "label  value" with the label column aligned.
func (b *bodyBuilder) field(indent int, label, value string) {
	b.line(strings.Repeat(" ", indent) + b.st.Label.Render(fmt.Sprintf("%-10s", label)) + " " + value)
}

// wrapField is a field whose value is prose, wrapped under itself.
func (b *bodyBuilder) wrapField(indent int, label, text string, style func(...string) string) {
	lines := wrapWords(text, b.w-indent-11)
	for i, l := range lines {
		if i > 0 {
			label = ""
		}
		b.field(indent, label, style(l))
	}
}

// wrapWords breaks text into lines of at most w cells at spaces (a word
// longer than w is left for clip to shorten).
func wrapWords(text string, w int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		var cur strings.Builder
		for _, word := range strings.Fields(para) {
			if cur.Len() > 0 && visibleWidth(cur.String())+1+visibleWidth(word) > w {
				out = append(out, cur.String())
				cur.Reset()
			}
			if cur.Len() > 0 {
				cur.WriteByte(' ')
			}
			cur.WriteString(word)
		}
		if cur.Len() > 0 {
			out = append(out, cur.String())
		}
	}
	return out
}

// prose writes text wrapped at word boundaries to the width; prose is the
// one thing that wraps (names and values are truncated).
func (b *bodyBuilder) prose(indent int, text string, style func(...string) string) {
	pad := strings.Repeat(" ", indent)
	for _, l := range wrapWords(text, b.w-indent) {
		b.line(pad + style(l))
	}
}

// overview says where the object is defined and who touched it last, and
// explains the status in words.
func (d *detailModel) overview(b *bodyBuilder) {
	st, e, now := d.styles, d.entry, b.now
	b.section("OVERVIEW")
	b.prose(2, explain(e, d.sym), st.Text.Render)
	b.blank()
	switch {
	case len(e.Desired) == 0 && len(e.Errors) > 0:
		for _, re := range e.Errors {
			b.field(2, "manifest", st.Value.Render(re.Place())+" "+st.ErrorText.Render("(unreadable)"))
		}
	case len(e.Desired) > 1:
		for i, ds := range e.Desired {
			b.field(2, "manifest "+strconv.Itoa(i+1), st.Value.Render(ds.Origin.String()))
		}
	case len(e.Desired) == 1 && e.Desired[0].Origin.Helm != nil:
		helmFields(b, e.Desired[0].Origin.Helm)
	case len(e.Desired) == 1:
		b.field(2, "manifest", st.Value.Render(e.Desired[0].Origin.String()))
	default:
		b.field(2, "manifest", st.Muted.Render("(none in the repo)"))
	}
	if g := e.ManagedBy(); g != nil {
		// Wrapped inside the long GitOps file path too: it is what to open.
		label := "managed by"
		for _, l := range wrapText(g.String(), b.w-2-11, st.Value.Render) {
			b.field(2, label, l)
			label = ""
		}
	}
	for _, re := range e.Errors {
		b.wrapField(2, "error", re.Message, st.ErrorText.Render)
	}
	if len(e.Desired) > 0 {
		b.field(2, "git", st.Value.Render(gitStatusText(e.Git.Status)))
		if c := e.Git.LastCommit; c != nil {
			b.field(2, "commit", st.Value.Render(d.sym.commitLine(c, now)))
		}
	}
	if e.Live == nil {
		b.field(2, "live", st.Muted.Render("(not in the cluster)"))
		return
	}
	for i, m := range e.Live.Managers {
		label := ""
		if i == 0 {
			label = "live by"
		}
		b.field(2, label, st.Value.Render(d.sym.managerLine(m, now)))
	}
	if len(e.Live.Managers) == 0 {
		b.field(2, "live by", st.Muted.Render("(no managedFields)"))
	}
}

// helmFields name everything a chart-rendered object came from: the
// template, the chart and release, each value file, and values that are
// not all known.
func helmFields(b *bodyBuilder, h *model.HelmOrigin) {
	st := b.st
	b.field(2, "template", st.Value.Render(h.Template))
	release := "release " + h.Release
	if h.Namespace != "" {
		release += ", namespace " + h.Namespace
	}
	b.field(2, "chart", st.Value.Render(h.Chart)+" "+st.Muted.Render("("+release+")"))
	label := "values"
	for _, f := range h.ValueFiles {
		b.field(2, label, st.Value.Render(f))
		label = ""
	}
	if len(h.ValueFiles) == 0 {
		b.field(2, label, st.Muted.Render("the chart's values.yaml only"))
	}
	if h.ValuesIncomplete != "" {
		b.wrapField(2, "", "not all known: "+h.ValuesIncomplete, st.Flash.Render)
	}
}

// explain is the status in prose, with what a person should do.
func explain(e model.Entry, sym *symbols) string {
	switch e.Status {
	case model.StatusInSync:
		if n := len(e.Ignored); n > 0 {
			return fmt.Sprintf("Git and the cluster agree. %d difference(s) are hidden by ignore rules (press i to see them).", n)
		}
		return "Git and the cluster agree."
	case model.StatusDrifted:
		diff := fmt.Sprintf("The live object differs from its manifest in %d field(s); the worst is %s. ", len(e.Changes), e.Severity)
		if why := renderedRefusal(&e); why != "" {
			// Accept is refused for rendered output: say what to edit.
			return diff + "Either revert the cluster to Git, or keep the live state by changing its sources (accept cannot write rendered output back): " + why + "."
		}
		return diff + "Either revert the cluster to Git, or accept the live state into the manifest."
	case model.StatusMissingLive:
		where := ""
		if o := e.Origin(); o != nil {
			where = " at " + o.String()
		}
		if e.LiveUnknown {
			return "Defined in Git" + where + ". The cluster has not been listed yet (see the connection state at the top), " +
				"so whether this object exists live is not known; nothing can be reconciled until it has."
		}
		gone := "Defined in Git" + where + ", but not in the cluster: it was deleted live, or never applied. "
		if why := renderedRefusal(&e); why != "" {
			return gone + "Revert would create it from the manifest; if the deletion was intended, remove it from its sources (accept cannot): " + why + "."
		}
		return gone + "Revert would create it from the manifest; accept would remove the manifest if the deletion was intended."
	case model.StatusMissingGit:
		if e.GitUnknown && e.BlockedByUnrendered() {
			return "In the cluster, and in no manifest that could be read — but " + e.GitUnknownReason() +
				". It can be neither deleted nor written to a new manifest here: its GitOps controller renders it from what ingress-drift does not read."
		}
		if e.GitUnknown {
			return "In the cluster, and in no manifest that could be read — but " + e.GitUnknownCause() +
				". So whether it is in Git is not known, and it can be neither deleted nor written to a new manifest until that is fixed."
		}
		who := ""
		if m := e.Live.LastChange(); m.Manager != "" {
			who = " Last written by " + m.Manager + " (" + m.Operation + ")."
		}
		return "In the cluster, but in no manifest of the repo: created by hand or by another tool." + who +
			" Accept would write a new manifest for it; revert would delete it from the cluster."
	case model.StatusConflict:
		return fmt.Sprintf("Defined %d times in Git (%s), so it is unclear which manifest is meant and no field diff is shown. "+
			"Keep one document per namespace/name: delete or rename the others (for kustomize, include only one). "+
			"The YAML below compares the first two definitions.", len(e.Desired), strings.Join(e.OriginNames(), ", "))
	case model.StatusError:
		files := make([]string, len(e.Errors))
		for i, re := range e.Errors {
			files[i] = re.Place()
		}
		return "The manifest at " + strings.Join(files, ", ") + " could not be read, so this object is not compared. " +
			"Fix the file as the error below says; it is read again as soon as it is saved."
	}
	return string(e.Status)
}

// findings lists what the live object does to other live objects or to
// itself, right after the overview: during an incident it answers "what
// does this drift do". They are not drift, and the title says so.
func (d *detailModel) findings(b *bodyBuilder) {
	fs := d.entry.Findings
	if len(fs) == 0 {
		return
	}
	st := d.styles
	b.sectionNote(fmt.Sprintf("FINDINGS (%d)", len(fs)), d.sym.dot+" not drift: what the live object does to others or to itself")
	for _, f := range fs {
		head := "  " + st.Finding.Render(d.sym.finding) + " " +
			severityStyle(st, f.Severity).Render(fmt.Sprintf("%-8s", severityText(f.Severity))) + " " + st.Bold.Render(string(f.Kind))
		if w := findingPlace(f); w != "" {
			head += "  " + st.Value.Render(w)
		}
		b.line(head)
		b.wrapField(6, "what", f.Message, st.Text.Render)
		if f.Class != "" {
			b.field(6, "class", st.Value.Render(f.Class))
		}
		label := "others"
		for _, k := range f.Others {
			b.field(6, label, st.Value.Render(k.Display()))
			label = ""
		}
		switch {
		case f.Suspect:
			b.wrapField(6, "suspect", "this object: it is not in Git, or its claim is drift", st.Flash.Render)
		case len(f.Others) > 0:
			b.wrapField(6, "suspect", "not this object: its claim is in Git and not drift", st.Muted.Render)
		}
	}
}

// openEntryMsg asks the root to open another object's detail.
type openEntryMsg struct{ key model.Key }

// nextOther is the Ingress o opens from e: the objects e's findings name
// and e itself form one group in key order, and o goes to the one after e
// (round the end), so that o walks every object of a conflict and comes
// back.
func nextOther(e model.Entry) (model.Key, bool) {
	group := []model.Key{e.Key}
	for _, f := range e.Findings {
		group = append(group, f.Others...)
	}
	if len(group) == 1 {
		return model.Key{}, false
	}
	slices.SortFunc(group, model.CompareKeys)
	group = slices.Compact(group)
	i := slices.Index(group, e.Key)
	return group[(i+1)%len(group)], true
}

// findingPlace is where in the object a finding is: host and path, with
// the pathType ("" when the finding is about neither).
func findingPlace(f model.Finding) string {
	if f.Host == "" && f.Path == "" {
		return ""
	}
	host := f.Host
	if host == "" {
		host = "(any host)"
	}
	s := host + f.Path
	if f.PathType != "" {
		s += " (" + f.PathType + ")"
	}
	return s
}

// changes lists the counted differences grouped by category.
func (d *detailModel) changes(b *bodyBuilder) {
	e := d.entry
	if e.Status != model.StatusDrifted && len(e.Changes) == 0 {
		return
	}
	for _, cat := range diffengine.Categories {
		var group []model.AttributedChange
		for _, c := range e.Changes {
			if c.Category == cat {
				group = append(group, c)
			}
		}
		if len(group) == 0 {
			continue
		}
		b.section(fmt.Sprintf("%s (%d)", strings.ToUpper(string(cat)), len(group)))
		for _, c := range group {
			d.change(b, c.Change, c.Managers, "")
		}
	}
}

// change draws one difference: op, severity and path, then the two values
// and who owns the field live.
func (d *detailModel) change(b *bodyBuilder, c model.Change, managers []model.Manager, ignoredBy string) {
	st := d.styles
	b.changeHead(c.Op, c)
	b.field(6, "git", st.DiffDel.Render(diffengine.FormatValue(c.Git)))
	b.field(6, "live", st.DiffAdd.Render(diffengine.FormatValue(c.Live)))
	switch {
	case ignoredBy != "":
		b.field(6, "ignored", st.Muted.Render(ignoredBy))
	case len(managers) > 0:
		for i, m := range managers {
			label := ""
			if i == 0 {
				label = "by"
			}
			b.field(6, label, st.Value.Render(d.sym.managerLine(m, b.now)))
		}
	case d.entry.Live != nil:
		by := "nobody owns this field live"
		if m := d.entry.Live.LastChange(); m.Manager != "" {
			by += "; last change: " + d.sym.managerLine(m, b.now)
		}
		b.field(6, "by", st.Muted.Render(by))
	}
	if c.Rule != "" && ignoredBy == "" {
		b.field(6, "why", st.Faint.Render(c.Rule))
		// One advisory a line, in the change's severity colour: the ids
		// are what someone looks up at 3 a.m.
		label := "advisory"
		for a := range strings.SplitSeq(c.Advisory, "; ") {
			if a != "" {
				b.wrapField(6, label, a, severityStyle(st, c.Severity).Render)
				label = ""
			}
		}
	}
}

// changeHead draws the first line of a change: op, severity and path. op
// is passed apart from c because the confirm dialog names what the write
// does, which for a revert is the opposite of what happened live.
func (b *bodyBuilder) changeHead(op model.Op, c model.Change) {
	st := b.st
	text := b.sym.op[op] + " " + string(op)
	b.line("  " + st.Bold.Render(fmt.Sprintf("%-9s", text)) + " " +
		severityStyle(st, c.Severity).Render(fmt.Sprintf("%-8s", severityText(c.Severity))) + " " +
		st.Value.Render(clipMiddle(c.Path, b.w-21, b.sym.ellipsis)))
}

// ignored lists the hidden differences when toggled on, else says how
// many there are.
func (d *detailModel) ignored(b *bodyBuilder) {
	n := len(d.entry.Ignored)
	if n == 0 {
		return
	}
	b.section(fmt.Sprintf("IGNORED (%d)", n))
	if !d.showIgnored {
		b.line("  " + d.styles.Muted.Render(fmt.Sprintf("%d difference(s) hidden by ignore rules; press i to show them.", n)))
		return
	}
	for _, ic := range d.entry.Ignored {
		d.change(b, ic.Change, nil, ic.IgnoredBy)
	}
}

// yaml draws both sides' YAML, side by side or as a unified diff.
func (d *detailModel) yaml(b *bodyBuilder) {
	df := d.diff
	if df.left == "" && df.right == "" && df.err == "" {
		return
	}
	title := "YAML"
	switch {
	case df.oneSide:
	case d.unified:
		title = "YAML " + d.sym.dot + " unified diff (u: side by side)"
	default:
		title = fmt.Sprintf("YAML %s side by side, %d line(s) differ (u: unified)", d.sym.dot, df.changedRows())
	}
	b.section(title)
	if df.err != "" {
		b.line("  " + d.styles.ErrorText.Render(df.err))
		return
	}
	var lines []string
	switch {
	case df.oneSide:
		lines = df.single(d.styles, d.sym, b.w)
	case d.unified:
		lines = df.unified(d.styles, d.sym, b.w)
	default:
		lines = df.sideBySide(d.styles, d.sym, b.w)
	}
	b.lines = append(b.lines, lines...)
}
