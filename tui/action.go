package tui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// Actions runs reconcile actions; model/engine's *Engine implements it. Both
// methods do I/O and are only ever called inside tea.Cmds.
type Actions interface {
	// Plan previews an action on one object (server-side dry run or the
	// file edit) without writing anything. A *model.RefusedError says why
	// it cannot be done (kustomize-rendered, conflict, forbidden…).
	Plan(ctx context.Context, key model.Key, action model.Action) (*model.Plan, error)
	// Execute performs a confirmed plan with its preconditions;
	// errors.Is(err, model.ErrStale) means the object or file changed since
	// the preview and nothing was written.
	Execute(ctx context.Context, plan *model.Plan, opts model.ExecOptions) (*model.Outcome, error)
}

// Messages of the action flow. id ties a result to the request that asked
// for it: a result whose request was cancelled is dropped.
type (
	// planResultMsg is the preview of an action, or why there is none.
	planResultMsg struct {
		id   int
		plan *model.Plan
		err  error
	}
	// execResultMsg is the outcome of a confirmed action.
	execResultMsg struct {
		id  int
		out *model.Outcome
		err error
	}
)

// flowPhase is where the one action in flight is.
type flowPhase int

const (
	phaseIdle       flowPhase = iota
	phasePlanning             // Plan running; esc cancels it
	phaseConfirming           // the dialog shows the plan
	phaseExecuting            // Execute running; it cannot be cancelled
)

// flowEffect is what a step of the flow asks of the root model: a message
// for the status line (ok: a success), and an entry to show in the detail
// view.
type flowEffect struct {
	flash string
	ok    bool
	show  *model.Key
}

// actionRecord is one line of the recent-actions log.
type actionRecord struct {
	at     time.Time
	action model.Action
	key    model.Key
	result string
	ok     bool
}

// recentMax is how many action results help lists.
const recentMax = 8

// commitToggle is the label of the accept dialog's checkbox.
const commitToggle = "commit this file (go-git, never pushed)"

// actionFlow is the reconcile component: r or a on the selected entry, a
// preview (Plan) in a command, the plan in the confirm dialog, Execute in
// a command, and the result on the status line or in a dialog. One action
// is in flight at a time. It never patches the inventory: the change comes
// back through the batch stream like any other.
type actionFlow struct {
	acts Actions
	// off says why an action is disabled for every object ("" = not).
	off    map[model.Action]string
	keys   actionKeyMap
	styles *themes.Styles
	sym    *symbols
	now    func() time.Time
	spin   spinner.Model

	seq    int
	phase  flowPhase
	id     int
	key    model.Key
	action model.Action
	plan   *model.Plan
	cancel context.CancelFunc

	recent []actionRecord
}

func newActionFlow(o Options, st *themes.Styles, sym *symbols, now func() time.Time) actionFlow {
	f := actionFlow{acts: o.Actions, keys: defaultActionKeyMap(), styles: st, sym: sym, now: now,
		off: map[model.Action]string{model.ActionRevert: o.RevertDisabled, model.ActionAccept: o.AcceptDisabled}}
	var all string
	switch {
	case o.ReadOnly != "":
		all = o.ReadOnly
	case o.Actions == nil:
		all = "no actions available"
	}
	if all != "" {
		f.off[model.ActionRevert], f.off[model.ActionAccept] = all, all
	}
	f.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	if sym.ascii {
		f.spin.Spinner = spinner.Line
	}
	f.setStyles(st)
	return f
}

func (f *actionFlow) setStyles(st *themes.Styles) {
	f.styles = st
	f.spin.Style = st.Title
}

// binding is the key of an action.
func (k actionKeyMap) binding(a model.Action) key.Binding {
	if a == model.ActionAccept {
		return k.Accept
	}
	return k.Revert
}

// match says which action a key press asks for, whether or not it is
// enabled for the selection (a disabled one explains itself).
func (f actionFlow) match(msg tea.KeyPressMsg) (model.Action, bool) {
	switch {
	case key.Matches(msg, f.keys.Revert):
		return model.ActionRevert, true
	case key.Matches(msg, f.keys.Accept):
		return model.ActionAccept, true
	}
	return "", false
}

func (f actionFlow) busy() bool { return f.phase != phaseIdle }

// writing reports whether a confirmed action is being written.
func (f actionFlow) writing() bool { return f.phase == phaseExecuting }

// reason says why action a cannot be asked for on e, or "" if it can. It
// knows only what the entry says; the engine's Plan refuses the rest.
func (f actionFlow) reason(e *model.Entry, a model.Action) string {
	if why := f.off[a]; why != "" {
		return why
	}
	if e == nil {
		return "nothing selected"
	}
	if e.LiveUnknown {
		return "the cluster has not been listed yet: whether it exists live is not known"
	}
	if e.GitUnknown && e.BlockedByUnrendered() {
		return "whether it is in Git is not known: " + e.BlockedPlaces(2) + " is not rendered here"
	}
	if e.GitUnknown {
		return "whether it is in Git is not known: " + cmp.Or(e.BlockedPlaces(2), "the repo is being read") + " — fix that first"
	}
	switch e.Status {
	case model.StatusInSync:
		return "in sync: nothing to reconcile"
	case model.StatusError:
		places := make([]string, len(e.Errors))
		for i, re := range e.Errors {
			places[i] = re.Place()
		}
		return strings.TrimSuffix("fix the manifest first: "+strings.Join(places, ", "), ": ")
	case model.StatusConflict:
		origins := e.OriginNames()
		if len(origins) == 2 {
			return "defined twice in Git: " + origins[0] + " and " + origins[1] + " — remove one first"
		}
		return fmt.Sprintf("defined %d times in Git: %s — keep one", len(origins), strings.Join(origins, ", "))
	}
	if a == model.ActionAccept {
		return renderedRefusal(e)
	}
	return ""
}

// renderedRefusal says why accept cannot write e's live state back ("": it
// was not rendered) and which files to edit instead.
func renderedRefusal(e *model.Entry) string {
	o := e.Origin()
	switch {
	case o == nil || !o.Rendered():
		return ""
	case o.Helm != nil:
		return o.Helm.EditHint() // the engine refuses with the same words
	}
	return "rendered by kustomize root " + o.Kustomization + ": edit its sources"
}

// keysFor is the action key map for the selected entry (nil: none):
// revert and accept enabled where they can be asked for, cancel while a
// preview runs. bubbles/help hides disabled keys, so the footer offers only
// what works; help lists the others with their reasons.
func (f actionFlow) keysFor(e *model.Entry) actionKeyMap {
	k := f.keys
	k.Revert.SetEnabled(!f.busy() && f.reason(e, model.ActionRevert) == "")
	k.Accept.SetEnabled(!f.busy() && f.reason(e, model.ActionAccept) == "")
	k.Cancel.SetEnabled(f.phase == phasePlanning)
	return k
}

// start asks for a preview of action a on e.
func (f actionFlow) start(e *model.Entry, a model.Action) (actionFlow, tea.Cmd, flowEffect) {
	desc := f.keys.binding(a).Help().Desc
	if f.busy() {
		return f, nil, flowEffect{flash: desc + ": one action at a time — " + f.doing()}
	}
	if why := f.reason(e, a); why != "" {
		if o := e.Origin(); a == model.ActionAccept && o != nil && o.Helm != nil && why == renderedRefusal(e) {
			// The files to edit come last: a status line would cut them
			// off, so this refusal gets the dialog engine refusals use
			// (a kustomize root's short reason fits the status line).
			return f, f.notice("Cannot "+string(a)+" "+e.Key.String(), why, ""), flowEffect{}
		}
		return f, nil, flowEffect{flash: desc + ": " + why}
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.seq++
	f.phase, f.id, f.key, f.action, f.plan, f.cancel = phasePlanning, f.seq, e.Key, a, nil, cancel
	acts, id, k := f.acts, f.id, e.Key
	plan := func() tea.Msg {
		p, err := acts.Plan(ctx, k, a)
		return planResultMsg{id: id, plan: p, err: err}
	}
	return f, tea.Batch(plan, f.spin.Tick), flowEffect{}
}

// cancelPreview stops a running preview; its result will be dropped.
func (f actionFlow) cancelPreview() (actionFlow, flowEffect) {
	if f.phase != phasePlanning {
		return f, flowEffect{}
	}
	f.cancel()
	f.phase = phaseIdle
	text := "preview of " + string(f.action) + " of " + f.key.String() + " cancelled: nothing was written"
	f.record(text, false)
	return f, flowEffect{flash: text}
}

// Update advances the flow with its own messages and the dialog's answer.
func (f actionFlow) Update(msg tea.Msg) (actionFlow, tea.Cmd, flowEffect) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !f.busy() {
			return f, nil, flowEffect{} // let the spinner stop
		}
		var cmd tea.Cmd
		f.spin, cmd = f.spin.Update(msg)
		return f, cmd, flowEffect{}
	case planResultMsg:
		if f.phase != phasePlanning || msg.id != f.id {
			return f, nil, flowEffect{} // cancelled
		}
		return f.planned(msg)
	case confirmResultMsg:
		if f.phase != phaseConfirming || msg.ID != f.confirmID() {
			return f, nil, flowEffect{} // a notice closed
		}
		return f.confirmed(msg)
	case execResultMsg:
		if f.phase != phaseExecuting || msg.id != f.id {
			return f, nil, flowEffect{}
		}
		return f.executed(msg)
	}
	return f, nil, flowEffect{}
}

func (f actionFlow) confirmID() string { return fmt.Sprintf("action-%d", f.id) }

func (f actionFlow) planned(msg planResultMsg) (actionFlow, tea.Cmd, flowEffect) {
	f.cancel()
	err := msg.err
	if err == nil && msg.plan == nil {
		err = errors.New("the engine returned no plan")
	}
	if err != nil {
		f.phase = phaseIdle
		var refused *model.RefusedError
		title := "Preview of " + string(f.action) + " of " + f.key.String() + " failed"
		if errors.As(err, &refused) {
			title = "Cannot " + string(f.action) + " " + f.key.String()
		}
		f.record(err.Error(), false)
		return f, f.notice(title, err.Error(), ""), flowEffect{}
	}
	f.plan, f.phase = msg.plan, phaseConfirming
	req := confirmRequest{ID: f.confirmID(), Title: planTitle(msg.plan), Body: f.planBody(msg.plan),
		TypeToConfirm: msg.plan.ConfirmName}
	if msg.plan.Action == model.ActionAccept {
		req.Toggle = commitToggle
	}
	return f, openDialog(req), flowEffect{}
}

func (f actionFlow) confirmed(msg confirmResultMsg) (actionFlow, tea.Cmd, flowEffect) {
	if !msg.OK {
		f.phase = phaseIdle
		text := string(f.action) + " of " + f.key.String() + " cancelled: nothing was written"
		f.record(text, false)
		return f, nil, flowEffect{flash: text}
	}
	f.phase = phaseExecuting
	acts, plan, id := f.acts, f.plan, f.id
	opts := model.ExecOptions{Confirm: msg.Typed, Commit: msg.Toggled && plan.Action == model.ActionAccept}
	exec := func() tea.Msg {
		out, err := acts.Execute(context.Background(), plan, opts)
		return execResultMsg{id: id, out: out, err: err}
	}
	return f, tea.Batch(exec, f.spin.Tick), flowEffect{}
}

func (f actionFlow) executed(msg execResultMsg) (actionFlow, tea.Cmd, flowEffect) {
	f.phase = phaseIdle
	k := f.key
	switch err := msg.err; {
	case err == nil:
		text := "done: " + string(f.action) + " of " + k.String()
		if msg.out != nil {
			if msg.out.Message != "" {
				text = msg.out.Message
			}
			if c := msg.out.Commit; c != "" {
				text += " " + f.sym.dot + " commit " + c[:min(7, len(c))]
			}
		}
		f.record(text, true)
		return f, nil, flowEffect{flash: text, ok: true}
	case errors.As(err, new(*model.NotCommittedError)):
		// The file changed: say so, not "failed".
		f.record(err.Error(), false)
		return f, f.notice("Accept of "+k.String()+": written, not committed", err.Error(),
			"The file stays written; commit it with git once the cause is gone."), flowEffect{}
	case errors.Is(err, model.ErrStale):
		f.record(err.Error(), false)
		hint := "The detail view behind this dialog shows the object as it is now: review the new diff, " +
			"then press r or a to preview again."
		if !strings.Contains(err.Error(), "nothing was written") {
			hint = "Nothing was written. " + hint
		}
		return f, f.notice("Refused: "+k.String()+" changed since the preview", err.Error(), hint), flowEffect{show: &k}
	default:
		f.record(err.Error(), false)
		title := strings.ToUpper(string(f.action[:1])) + string(f.action[1:]) + " of " + k.String() + " failed"
		return f, f.notice(title, err.Error(), ""), flowEffect{}
	}
}

// record adds a result to the recent-actions log.
func (f *actionFlow) record(result string, ok bool) {
	r := actionRecord{at: f.now(), action: f.action, key: f.key, result: result, ok: ok}
	f.recent = append([]actionRecord{r}, f.recent[:min(len(f.recent), recentMax-1)]...)
}

// doing is the action in flight in words.
func (f actionFlow) doing() string {
	switch f.phase {
	case phasePlanning:
		return "previewing " + string(f.action) + " of " + f.key.String() + f.sym.ellipsis + " (esc cancels)"
	case phaseConfirming:
		return "waiting for confirmation of " + string(f.action) + " of " + f.key.String()
	case phaseExecuting:
		if f.action == model.ActionAccept {
			into := ""
			if f.plan != nil && f.plan.File != "" {
				into = " into " + f.plan.File
			}
			return "accepting " + f.key.String() + into + f.sym.ellipsis
		}
		return "reverting " + f.key.String() + f.sym.ellipsis
	}
	return ""
}

// StatusLine is the action in flight with a spinner, or "".
func (f actionFlow) StatusLine() string {
	if f.phase != phasePlanning && f.phase != phaseExecuting {
		return ""
	}
	return f.spin.View() + " " + f.styles.Text.Render(f.doing())
}

// openDialog opens the confirm dialog with req.
func openDialog(req confirmRequest) tea.Cmd {
	return func() tea.Msg { return openConfirmMsg{req: req} }
}

// notice opens a dialog that only informs: err in full, wrapped, then an
// optional hint.
func (f *actionFlow) notice(title, text, hint string) tea.Cmd {
	f.seq++
	body := func(st *themes.Styles, w int) []string {
		lines := wrapText(text, w, st.ErrorText.Render)
		if hint != "" {
			lines = append(lines, "")
			lines = append(lines, wrapText(hint, w, st.Muted.Render)...)
		}
		return lines
	}
	return openDialog(confirmRequest{ID: fmt.Sprintf("notice-%d", f.seq), Title: title, Body: body, Notice: true})
}

// wrapText wraps prose at spaces, and inside words longer than w (paths,
// URLs in error messages), so nothing is cut off.
func wrapText(text string, w int, style func(...string) string) []string {
	lines := strings.Split(ansi.Wrap(strings.ReplaceAll(text, "\t", "    "), w, ""), "\n")
	for i, l := range lines {
		lines[i] = style(strings.TrimRight(l, " "))
	}
	return lines
}

// planTitle is the question the dialog asks.
func planTitle(p *model.Plan) string {
	k := p.Key.String()
	file := p.File
	if file == "" {
		file = "Git"
	}
	switch p.Operation {
	case model.OpDeleteLive:
		return "Delete " + k + " from the cluster?"
	case model.OpRemoveManifest:
		return "Remove " + k + " from " + file + "?"
	case model.OpNewManifest:
		return "Accept live state of " + k + " into a new file " + file + "?"
	}
	if p.Action == model.ActionAccept {
		return "Accept live state of " + k + " into " + file + "?"
	}
	return "Revert " + k + " to Git?"
}

// planBody renders a plan for the dialog: the summary, the field-level
// changes as the detail view draws them (before → after, and the op the
// write performs), what will still differ, and the file diff of an
// accept.
func (f actionFlow) planBody(p *model.Plan) func(*themes.Styles, int) []string {
	sym, now := f.sym, f.now()
	return func(st *themes.Styles, w int) []string {
		b := &bodyBuilder{st: st, sym: sym, w: w, now: now}
		b.prose(0, p.Summary, st.Text.Render)
		if n := len(p.Critical); n > 0 {
			b.section(fmt.Sprintf("CRITICAL, WRITTEN INTO GIT (%d): TYPE THE NAME TO CONFIRM", n))
			for _, c := range p.Critical {
				b.prose(2, c, st.Flash.Render)
			}
		}
		if p.GitOps != "" {
			b.blank()
			b.prose(0, p.GitOps, st.Flash.Render)
		}
		if n := len(p.Changes); n > 0 {
			b.section(fmt.Sprintf("CHANGES (%d)", n))
			for _, c := range p.Changes {
				planChange(b, p.Action, c)
			}
		}
		if n := len(p.Remaining); n > 0 {
			b.section(fmt.Sprintf("%s AFTER THIS, STILL DIFFERENT (%d)", sym.status[model.StatusConflict], n))
			b.prose(2, "These will still differ after the write (for example a mutating webhook sets them back): the object stays drifted.", st.Flash.Render)
			for _, c := range p.Remaining {
				b.changeHead(c.Op, c)
				b.field(6, "git", st.DiffDel.Render(diffengine.FormatValue(c.Git)))
				b.field(6, "live", st.DiffAdd.Render(diffengine.FormatValue(c.Live)))
			}
		}
		if p.FileDiff != "" {
			b.section("FILE " + p.File)
			for _, l := range strings.Split(strings.TrimRight(p.FileDiff, "\n"), "\n") {
				b.line(diffLine(st, strings.ReplaceAll(l, "\t", "    ")))
			}
		}
		return b.lines
	}
}

// planChange draws one change of a plan as the write performs it: a
// revert takes the live value to the Git value (so a field added live is
// removed), an accept takes the Git value to the live one.
func planChange(b *bodyBuilder, a model.Action, c model.Change) {
	st := b.st
	op, before, after := c.Op, c.Git, c.Live
	bl, al := "git", b.sym.arrow+" live"
	if a == model.ActionRevert {
		before, after = c.Live, c.Git
		bl, al = "live", b.sym.arrow+" git"
		switch c.Op {
		case diffengine.OpAdded:
			op = diffengine.OpRemoved
		case diffengine.OpRemoved:
			op = diffengine.OpAdded
		}
	}
	b.changeHead(op, c)
	b.field(6, bl, st.DiffDel.Render(diffengine.FormatValue(before)))
	b.field(6, al, st.DiffAdd.Render(diffengine.FormatValue(after)))
}

// diffLine colours one line of a unified diff; the +/- marks carry the
// meaning without colour.
func diffLine(st *themes.Styles, l string) string {
	switch {
	case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "@@"):
		return st.DiffHunk.Render(l)
	case strings.HasPrefix(l, "+"):
		return st.DiffAdd.Render(l)
	case strings.HasPrefix(l, "-"):
		return st.DiffDel.Render(l)
	}
	return st.Text.Render(l)
}

// recentView lists the recent action results for help, newest first.
func (f actionFlow) recentView(st *themes.Styles, now time.Time) []string {
	lines := make([]string, len(f.recent))
	for i, r := range f.recent {
		mark, style := f.sym.status[model.StatusError], st.ErrorText
		if r.ok {
			mark, style = f.sym.status[model.StatusInSync], st.Success
		}
		lines[i] = st.Muted.Render(clock(now, r.at)) + "  " + style.Render(mark) + " " +
			st.Bold.Render(fmt.Sprintf("%-6s %s", r.action, r.key)) + "  " + st.Text.Render(r.result)
	}
	return lines
}
