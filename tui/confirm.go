package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ingress-drift/ingress-drift/themes"
)

// confirmRequest asks the user to confirm one action before anything is
// written, or tells them something that needs reading (a notice). The
// reconcile actions open it with an openConfirmMsg carrying a plan's
// preview; the answer comes back as a confirmResultMsg with the same ID, so
// the action that asked knows which plan to execute or drop.
type confirmRequest struct {
	// ID is echoed in the result.
	ID string
	// Title is the question, e.g. "Revert shop/shop to Git?".
	Title string
	// Body renders what will happen for the dialog's inner width, one
	// line each (already styled). It may be taller than the screen: the
	// dialog scrolls it.
	Body func(st *themes.Styles, width int) []string
	// TypeToConfirm, when set, must be typed before confirming (deletes
	// and removals); y/enter alone is not enough.
	TypeToConfirm string
	// Toggle, when set, is the label of a checkbox the user may tick
	// (off at first), e.g. "commit this file".
	Toggle string
	// Notice makes the dialog a message: one key closes it and the
	// result is never OK.
	Notice bool
}

// openConfirmMsg opens the confirmation dialog.
type openConfirmMsg struct{ req confirmRequest }

// confirmResultMsg is the user's answer.
type confirmResultMsg struct {
	ID string
	OK bool
	// Typed is what the user typed (TypeToConfirm).
	Typed string
	// Toggled is the checkbox's state (Toggle).
	Toggled bool
}

// confirmModel is the dialog. While it is open it has the keyboard.
type confirmModel struct {
	styles *themes.Styles
	sym    *symbols
	keys   confirmKeyMap
	req    confirmRequest
	input  textinput.Model
	body   viewport.Model
	// lines is the body rendered for the current width.
	lines         []string
	width, height int
	toggled       bool
	// complaint says why a confirmation was not accepted.
	complaint string
}

func newConfirm(st *themes.Styles, sym *symbols, req confirmRequest, width, height int) (confirmModel, tea.Cmd) {
	if req.Notice {
		// A notice only informs: it has no checkbox and no name to type.
		req.Toggle, req.TypeToConfirm = "", ""
	}
	c := confirmModel{styles: st, sym: sym, keys: defaultConfirmKeyMap(), req: req}
	c.body = viewport.New()
	c.body.MouseWheelEnabled = true
	switch {
	case req.Notice:
		c.keys.Yes.SetEnabled(false)
		c.keys.No.SetEnabled(false)
	case req.TypeToConfirm != "":
		// y, n, c, j and k are text now; only keys that cannot be typed
		// answer, toggle and scroll.
		c.keys.Yes.SetKeys("enter")
		c.keys.Yes.SetHelp("enter", "confirm")
		c.keys.No.SetKeys("esc")
		c.keys.No.SetHelp("esc", "cancel")
		c.keys.Toggle.SetKeys("tab")
		c.keys.Toggle.SetHelp("tab", "commit on/off")
		c.keys.Up.SetKeys("up")
		c.keys.Up.SetHelp("↑", "scroll up")
		c.keys.Down.SetKeys("down")
		c.keys.Down.SetHelp("↓", "scroll")
		c.keys.PageDown.SetKeys("pgdown")
	}
	c.keys.Close.SetEnabled(req.Notice)
	c.keys.Toggle.SetEnabled(req.Toggle != "")
	vk := c.body.KeyMap
	vk.Up, vk.Down, vk.PageUp, vk.PageDown = c.keys.Up, c.keys.Down, c.keys.PageUp, c.keys.PageDown
	vk.Left.SetEnabled(false)
	vk.Right.SetEnabled(false)
	c.body.KeyMap = vk
	c.SetSize(width, height)
	if req.TypeToConfirm == "" {
		return c, nil
	}
	c.input = textinput.New()
	c.input.Prompt = "> "
	// No placeholder: without colour a faint name reads as typed text
	// (the prompt above already names it).
	c.setStyles(st)
	c.input.SetWidth(max(10, c.innerWidth()-4))
	return c, c.input.Focus()
}

func (c *confirmModel) setStyles(st *themes.Styles) {
	c.styles = st
	c.input.SetStyles(inputStyles(st))
	c.render()
}

// innerWidth is the width of the dialog's content, inside border and
// padding.
func (c confirmModel) innerWidth() int { return max(20, min(c.width-8, 100)) }

// SetSize fits the dialog to a screen of w×h cells: the body scrolls in
// what is left after the title, the checkbox, the typed name and the keys.
func (c *confirmModel) SetSize(w, h int) {
	c.width, c.height = w, h
	c.render()
}

// render lays the body out for the current size.
func (c *confirmModel) render() {
	inner := c.innerWidth()
	c.lines = nil
	if c.req.Body != nil {
		c.lines = c.req.Body(c.styles, inner)
	}
	fixed := 2 + len(c.titleLines()) + 1 + 2 // border, title, blank, blank + keys
	if c.req.Toggle != "" {
		fixed += 2
	}
	if c.req.TypeToConfirm != "" {
		fixed += 4 // blank, prompt, input, complaint
	}
	avail := max(3, c.height-2-fixed)
	c.body.SetWidth(inner)
	c.body.SetHeight(min(len(c.lines), avail))
	c.body.SetContentLines(c.lines)
}

func (c confirmModel) titleLines() []string {
	return wrapWords(c.req.Title, c.innerWidth())
}

func (c confirmModel) answer(ok bool) tea.Cmd {
	res := confirmResultMsg{ID: c.req.ID, OK: ok, Toggled: c.toggled}
	if c.req.TypeToConfirm != "" {
		res.Typed = c.input.Value()
	}
	return func() tea.Msg { return res }
}

// Update handles the dialog's keys: answer, toggle, scroll; typed text
// goes to the name input.
func (c confirmModel) Update(msg tea.Msg) (confirmModel, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, c.keys.Close):
			return c, c.answer(false)
		case key.Matches(k, c.keys.No):
			return c, c.answer(false)
		case key.Matches(k, c.keys.Yes):
			if c.req.TypeToConfirm != "" && c.input.Value() != c.req.TypeToConfirm {
				c.complaint = "not confirmed: type " + c.req.TypeToConfirm + " exactly, then enter"
				return c, nil
			}
			return c, c.answer(true)
		case key.Matches(k, c.keys.Toggle):
			c.toggled = !c.toggled
			return c, nil
		case key.Matches(k, c.keys.Up, c.keys.Down, c.keys.PageUp, c.keys.PageDown):
			var cmd tea.Cmd
			c.body, cmd = c.body.Update(msg)
			return c, cmd
		}
	}
	if _, ok := msg.(tea.MouseWheelMsg); ok {
		var cmd tea.Cmd
		c.body, cmd = c.body.Update(msg)
		return c, cmd
	}
	if c.req.TypeToConfirm == "" {
		return c, nil
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		c.complaint = ""
	}
	return c, cmd
}

// scrolls reports whether the body is taller than the dialog.
func (c confirmModel) scrolls() bool { return len(c.lines) > c.body.Height() }

// Keys is the dialog's help.
func (c confirmModel) Keys() []key.Binding {
	ks := []key.Binding{c.keys.Yes, c.keys.No, c.keys.Close, c.keys.Toggle}
	if c.scrolls() {
		ks = append(ks, c.keys.Down)
	}
	return ks
}

// View draws the dialog box.
func (c confirmModel) View() string {
	st := c.styles
	inner := c.innerWidth()
	var lines []string
	for _, l := range c.titleLines() {
		lines = append(lines, st.Title.Render(clip(l, inner, c.sym.ellipsis)))
	}
	lines = append(lines, "")
	if len(c.lines) > 0 {
		lines = append(lines, c.body.View())
	}
	if c.req.Toggle != "" {
		box := "[ ]"
		if c.toggled {
			box = "[x]"
		}
		lines = append(lines, "", clip(st.Bold.Render(box+" "+c.req.Toggle)+"  "+
			st.HelpKey.Render(c.keys.Toggle.Help().Key)+" "+st.HelpDesc.Render("toggles"), inner, c.sym.ellipsis))
	}
	if c.req.TypeToConfirm != "" {
		lines = append(lines, "", clip("Type "+st.Bold.Render(c.req.TypeToConfirm)+" to confirm:", inner, c.sym.ellipsis),
			c.input.View(), clip(st.Flash.Render(c.complaint), inner, c.sym.ellipsis))
	}
	h := help.New()
	styleHelp(&h, st, c.sym)
	hint := h.ShortHelpView(c.Keys())
	if c.scrolls() {
		hint += st.Muted.Render(" " + c.sym.dot + " " + fmt.Sprintf("%d%%", int(c.body.ScrollPercent()*100)))
	}
	lines = append(lines, "", clip(hint, inner, c.sym.ellipsis))
	box := st.Dialog
	if c.sym.ascii {
		box = box.Border(lipgloss.ASCIIBorder())
	}
	return box.Width(inner + 4).Render(strings.Join(lines, "\n"))
}

// overlay draws the dialog centred over a screen of w×h cells.
func overlay(base, dialog string, w, h int) string {
	dw, dh := lipgloss.Size(dialog)
	x, y := max(0, (w-dw)/2), max(0, (h-dh)/2)
	layers := lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(dialog).X(x).Y(y).Z(1))
	return lipgloss.NewCanvas(w, h).Compose(layers).Render()
}
