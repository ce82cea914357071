package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// The smallest terminal the layout is made for.
const (
	minWidth  = 80
	minHeight = 24
)

// headerHeight and footerHeight are the lines around every screen's body:
// two header lines; a status line and the short help.
const (
	headerHeight = 2
	footerHeight = 2
)

// tickInterval refreshes relative times ("3m ago") when nothing else
// happens.
const tickInterval = 15 * time.Second

type screen int

const (
	screenList screen = iota
	screenDetail
)

// Messages.
type (
	// sourceReadyMsg carries the subscription and the first snapshot.
	sourceReadyMsg struct {
		snap   model.Snapshot
		ch     <-chan model.Batch
		cancel func()
	}
	// batchMsg is one coalesced inventory update.
	batchMsg struct{ b model.Batch }
	// sourceClosedMsg says the subscription ended.
	sourceClosedMsg struct{}
	// tickMsg refreshes relative times.
	tickMsg struct{}
)

// Model is the root bubbletea model.
type Model struct {
	src       Source
	now       func() time.Time
	themeName string
	noColor   bool
	darkBG    bool
	styles    *themes.Styles
	sym       *symbols
	global    globalKeyMap

	width, height int
	screen        screen
	showHelp      bool
	helpVP        viewport.Model
	help          help.Model

	list    listModel
	detail  detailModel
	confirm *confirmModel
	flow    actionFlow

	loaded  bool
	cluster model.ConnState
	repo    model.RepoState
	ch      <-chan model.Batch
	// flash is a one-line message shown until the next key press;
	// flashOK marks it as a success.
	flash   string
	flashOK bool
}

var _ tea.Model = Model{}

// New returns the root model. It does nothing until run: Init subscribes
// to the source and takes the first snapshot in a command.
func New(o Options) Model {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	m := Model{
		src:       o.Source,
		now:       now,
		themeName: o.Theme,
		noColor:   o.NoColor,
		darkBG:    true, // until the terminal says otherwise
		sym:       newSymbols(o.ASCII),
		global:    defaultGlobalKeyMap(),
		help:      help.New(),
		helpVP:    viewport.New(),
	}
	m.styles = m.buildStyles()
	m.list = newList(m.styles, m.sym, now)
	m.detail = newDetail(m.styles, m.sym, now)
	m.flow = newActionFlow(o, m.styles, m.sym, now)
	m.applyStyles()
	return m
}

func (m Model) buildStyles() *themes.Styles {
	t, err := themes.ByName(m.themeName, m.darkBG)
	if err != nil {
		t = themes.Default(m.darkBG)
	}
	if m.noColor {
		t = t.WithoutColor()
	}
	st := themes.NewStyles(t)
	return &st
}

// applyStyles hands the current styles to every component.
func (m *Model) applyStyles() {
	st := m.styles
	styleHelp(&m.help, st, m.sym)
	m.list.setStyles(st)
	m.detail.setStyles(st)
	m.flow.setStyles(st)
	if m.confirm != nil {
		m.confirm.setStyles(st)
	}
}

// Init subscribes, asks for the terminal background when the theme
// follows it, and starts the clock for relative times.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{subscribe(m.src), tick()}
	if themes.FollowsBackground(m.themeName) && !m.noColor {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// subscribe takes the subscription first and then the snapshot, so that
// every change after the snapshot arrives as a batch.
func subscribe(src Source) tea.Cmd {
	if src == nil {
		return nil
	}
	return func() tea.Msg {
		ch, cancel := src.Subscribe()
		return sourceReadyMsg{snap: src.Snapshot(), ch: ch, cancel: cancel}
	}
}

// waitBatch waits for the next batch. Exactly one is outstanding at a
// time: the next is issued when this one's message is handled.
func waitBatch(ch <-chan model.Batch) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			return sourceClosedMsg{}
		}
		return batchMsg{b}
	}
}

func tick() tea.Cmd {
	return tea.Tick(tickInterval, func(time.Time) tea.Msg { return tickMsg{} })
}

// Update is the root: size and theme, then the inventory's messages and
// the action flow's, then keys (handleKey) and the mouse; anything else
// goes to the focused component.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setBackground(msg.IsDark())
		return m, nil
	case sourceReadyMsg:
		m.load(msg)
		return m, waitBatch(m.ch)
	case batchMsg:
		m.applyBatch(msg.b)
		return m, waitBatch(m.ch)
	case sourceClosedMsg:
		m.ch = nil
		return m, nil
	case tickMsg:
		if m.screen == screenDetail {
			m.detail.render()
		}
		return m, tick()
	case openConfirmMsg:
		return m.openConfirm(msg.req)
	case confirmResultMsg:
		m.confirm = nil
		return m.updateFlow(msg)
	case planResultMsg, execResultMsg, spinner.TickMsg:
		return m.updateFlow(msg)
	case openEntryMsg:
		m.openKey(msg.key)
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg)
	}
	return m.forward(msg)
}

func (m *Model) setSize(w, h int) {
	m.width, m.height = w, h
	body := max(1, h-headerHeight-footerHeight)
	m.list.SetSize(w, body)
	m.detail.SetSize(w, body)
	m.help.SetWidth(w)
	m.helpVP.SetWidth(w)
	m.helpVP.SetHeight(body)
	if m.showHelp {
		m.helpVP.SetContent(m.helpContent())
	}
	if m.confirm != nil {
		m.confirm.SetSize(w, h)
	}
}

func (m *Model) setBackground(dark bool) {
	if dark == m.darkBG {
		return
	}
	m.darkBG = dark
	m.styles = m.buildStyles()
	m.applyStyles()
}

func (m *Model) load(msg sourceReadyMsg) {
	m.ch = msg.ch
	m.loaded = true
	m.cluster, m.repo = msg.snap.Cluster, msg.snap.Repo
	m.list.load(msg.snap.Entries)
	m.list.setNotices(msg.snap.Notices)
	if m.screen == screenDetail {
		m.refreshDetail(msg.snap.Entries, nil)
	}
}

func (m *Model) applyBatch(b model.Batch) {
	if b.Cluster != nil {
		m.cluster = *b.Cluster
	}
	if b.Repo != nil {
		m.repo = *b.Repo
	}
	m.list.apply(b)
	if b.NoticesChanged {
		m.list.setNotices(b.Notices)
	}
	if m.screen == screenDetail {
		m.refreshDetail(b.Changed, b.Removed)
	}
}

// refreshDetail shows the open object's new version, or marks it gone.
func (m *Model) refreshDetail(changed []model.Entry, removed []model.Key) {
	k := m.detail.entry.Key
	for i := range changed {
		if changed[i].Key == k {
			m.detail.gone = false
			m.detail.setEntry(changed[i])
			return
		}
	}
	for _, r := range removed {
		if r == k {
			m.detail.markGone()
			return
		}
	}
}

// handleKey routes a key press: ctrl+c always quits; an open dialog or the
// filter being typed owns every other key; then the global keys, the help
// screen's, and the keys of the list and detail screens.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.flash, m.flashOK = "", false
	switch {
	case key.Matches(msg, m.global.ForceQuit):
		return m, tea.Quit
	case m.confirm != nil:
		return m.forward(msg)
	case m.screen == screenList && m.list.Typing():
		// Text entry owns every key but ctrl+c.
		return m.forward(msg)
	case key.Matches(msg, m.global.Quit):
		return m.quit()
	case key.Matches(msg, m.global.Help):
		m.toggleHelp()
		return m, nil
	case m.showHelp:
		return m.helpKey(msg)
	}
	return m.screenKey(msg)
}

// quit ends the program, unless an action is writing: q then says what it
// waits for (ctrl+c still quits).
func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.flow.writing() {
		m.flash = "q: " + m.flow.doing() + " — wait for the result, or ctrl+c to quit anyway"
		return m, nil
	}
	return m, tea.Quit
}

// helpKey closes the help screen on esc and scrolls it on any other key.
func (m Model) helpKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.global.Back) {
		m.toggleHelp()
		return m, nil
	}
	var cmd tea.Cmd
	m.helpVP, cmd = m.helpVP.Update(msg)
	return m, cmd
}

// screenKey handles what the root owns on the list and detail screens —
// cancelling a preview, back, open, the action keys — and forwards the
// rest to the screen.
func (m Model) screenKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.flow.keysFor(nil).Cancel):
		var fx flowEffect
		m.flow, fx = m.flow.cancelPreview()
		m.applyEffect(fx)
		return m, nil
	case m.screen == screenDetail && key.Matches(msg, m.global.Back):
		m.screen = screenList
		return m, nil
	case m.screen == screenList && key.Matches(msg, m.list.keys.Open):
		m.openSelected()
		return m, nil
	}
	if a, ok := m.flow.match(msg); ok {
		return m.startAction(a)
	}
	if b, ok := disabledPressed(msg.String(), m.flow.keys.Commit); ok {
		m.flash = b.Help().Key + ": " + b.Help().Desc + " — press a to accept first"
		return m, nil
	}
	return m.forward(msg)
}

// current is the entry the action keys act on: the open object in the
// detail view, else the selected row.
func (m Model) current() *model.Entry {
	if m.screen == screenDetail {
		if m.detail.gone || m.detail.version == 0 {
			return nil
		}
		e := m.detail.entry
		return &e
	}
	if e, ok := m.list.Selected(); ok {
		return &e
	}
	return nil
}

// startAction asks for a preview of a on the current entry.
func (m Model) startAction(a model.Action) (tea.Model, tea.Cmd) {
	f, cmd, fx := m.flow.start(m.current(), a)
	m.flow = f
	m.applyEffect(fx)
	return m, cmd
}

// updateFlow hands the action flow its messages.
func (m Model) updateFlow(msg tea.Msg) (tea.Model, tea.Cmd) {
	f, cmd, fx := m.flow.Update(msg)
	m.flow = f
	m.applyEffect(fx)
	return m, cmd
}

// applyEffect shows what the action flow asks for: a status message, and
// the detail view of an entry (after a refusal, to show the new diff).
func (m *Model) applyEffect(fx flowEffect) {
	if fx.flash != "" {
		m.flash, m.flashOK = fx.flash, fx.ok
	}
	if fx.show == nil {
		return
	}
	if e, ok := m.list.entry(*fx.show); ok {
		m.showHelp = false
		if m.screen != screenDetail || m.detail.entry.Key != e.Key {
			m.screen = screenDetail
			m.detail.open(e)
		}
	}
}

func (m *Model) openSelected() {
	e, ok := m.list.Selected()
	if !ok {
		return
	}
	m.screen = screenDetail
	m.detail.open(e)
}

// openKey opens the detail of the object with key k (o on a finding), and
// selects its row, so esc goes back to it; an object no side holds any
// more is said so. It does nothing once the detail was left.
func (m *Model) openKey(k model.Key) {
	if m.screen != screenDetail {
		return
	}
	e, ok := m.list.entry(k)
	if !ok {
		m.flash = k.Display() + ": no longer in the cluster or the repo"
		return
	}
	m.list.selectKey(k)
	m.detail.open(e)
}

func (m *Model) toggleHelp() {
	m.showHelp = !m.showHelp
	if m.showHelp {
		m.helpVP.SetContent(m.helpContent())
		m.helpVP.GotoTop()
	}
}

// handleMouse scrolls with the wheel and selects (then opens) a row with a
// click.
func (m Model) handleMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if m.confirm != nil {
		return m.forward(msg) // the wheel scrolls the dialog
	}
	if m.showHelp {
		var cmd tea.Cmd
		m.helpVP, cmd = m.helpVP.Update(msg)
		return m, cmd
	}
	if c, ok := msg.(tea.MouseClickMsg); ok && c.Button == tea.MouseLeft && m.screen == screenList {
		if m.list.click(c.Y - headerHeight) {
			m.openSelected()
		}
		return m, nil
	}
	return m.forward(msg)
}

// forward hands a message to the focused component.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.confirm != nil:
		var c confirmModel
		c, cmd = m.confirm.Update(msg)
		m.confirm = &c
	case m.screen == screenDetail:
		m.detail, cmd = m.detail.Update(msg)
	default:
		m.list, cmd = m.list.Update(msg)
	}
	return m, cmd
}

func (m Model) openConfirm(req confirmRequest) (tea.Model, tea.Cmd) {
	c, cmd := newConfirm(m.styles, m.sym, req, m.width, m.height)
	m.confirm = &c
	return m, cmd
}

// keys is the help.KeyMap of what is on screen now.
func (m Model) keys() screenKeys {
	g := m.global
	switch {
	case m.confirm != nil:
		return screenKeys{local: m.confirm.Keys()}
	case m.showHelp:
		return screenKeys{local: []key.Binding{m.detail.keys.Down}, global: []key.Binding{g.Back, g.Quit}}
	case m.screen == screenDetail:
		d := m.detail
		ak := m.flow.keysFor(m.current())
		return screenKeys{local: append([]key.Binding{ak.Cancel, ak.Revert, ak.Accept}, d.Keys()...),
			global: []key.Binding{g.Back, g.Help, g.Quit},
			full:   append(d.FullKeys(), []key.Binding{ak.Revert, ak.Accept, g.Back, g.Help, g.Quit})}
	}
	l := m.list
	if l.Typing() {
		return screenKeys{local: l.Keys()}
	}
	ak := m.flow.keysFor(m.current())
	local := l.Keys()
	local = append([]key.Binding{ak.Cancel, local[0], ak.Revert, ak.Accept}, local[1:]...)
	return screenKeys{local: local, global: []key.Binding{g.Help, g.Quit},
		full: append(l.FullKeys(), []key.Binding{ak.Revert, ak.Accept, g.Help, g.Quit})}
}

// footerView is the short help: the screen's keys on the left, truncated
// first, and the global keys on the right, always shown.
func (m Model) footerView() string {
	k := m.keys()
	right := m.help.ShortHelpView(k.global)
	avail := max(0, m.width-visibleWidth(right)-2)
	h := m.help
	h.SetWidth(avail)
	// help drops items that do not fit, but keeps the last one when not
	// even its ellipsis fits; clip makes sure the right part stays.
	left := clip(h.ShortHelpView(k.local), avail, m.sym.ellipsis)
	gap := max(1, m.width-visibleWidth(left)-visibleWidth(right))
	return left + strings.Repeat(" ", gap) + right
}

// View draws the screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "ingress-drift"
	return v
}

// render draws the screen as a string; View wraps it.
func (m Model) render() string {
	if m.width == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return tooSmallView(m.styles, m.width, m.height)
	}
	var b strings.Builder
	b.WriteString(headerView(m.styles, m.sym, m.cluster, m.repo, m.loaded, m.now(), m.width))
	b.WriteByte('\n')
	var status string
	switch {
	case m.showHelp:
		b.WriteString(m.helpVP.View())
		status = m.styles.Muted.Render(fmt.Sprintf("help %s %d%% %s esc or ? closes", m.sym.dot, int(m.helpVP.ScrollPercent()*100), m.sym.dot))
	case m.screen == screenDetail:
		b.WriteString(m.detail.View())
		status = m.detail.StatusLine()
	default:
		b.WriteString(m.list.View())
		status = m.list.StatusLine()
	}
	if s := m.flow.StatusLine(); s != "" {
		status = s
	}
	switch {
	case m.flash != "" && m.flashOK:
		status = m.styles.Success.Render(m.flash)
	case m.flash != "":
		status = m.styles.Flash.Render(m.flash)
	}
	b.WriteByte('\n')
	b.WriteString(clip(status, m.width, m.sym.ellipsis))
	b.WriteByte('\n')
	b.WriteString(m.footerView())
	out := padLines(b.String(), m.height)
	if m.confirm != nil {
		out = overlay(out, m.confirm.View(), m.width, m.height)
	}
	return out
}

// padLines makes s exactly h lines, so the footer sits at the bottom.
func padLines(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	if n >= h {
		return s
	}
	// Insert the missing lines before the two footer lines.
	i := len(s)
	for k := 0; k < footerHeight; k++ {
		i = strings.LastIndexByte(s[:i], '\n')
		if i < 0 {
			return s + strings.Repeat("\n", h-n)
		}
	}
	return s[:i] + strings.Repeat("\n", h-n) + s[i:]
}
