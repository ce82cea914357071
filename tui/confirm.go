package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ingress-drift/ingress-drift/themes"
)

// confirmRequest asks the user to confirm one action before anything is
// written. The reconcile actions open it with an openConfirmMsg carrying a
// plan's summary; the answer comes back as a confirmResultMsg with the same
// ID, so the action that asked knows which plan to execute or drop.
type confirmRequest struct {
	// ID is echoed in the result.
	ID string
	// Title is the question, e.g. "Revert shop/shop to Git?".
	Title string
	// Body is what will happen, one line each (the plan's changes).
	Body []string
	// TypeToConfirm, when set, must be typed before confirming (deletes
	// and removals); y/enter alone is not enough.
	TypeToConfirm string
}

// openConfirmMsg opens the confirmation dialog.
type openConfirmMsg struct{ req confirmRequest }

// confirmResultMsg is the user's answer.
type confirmResultMsg struct {
	ID string
	OK bool
}

// confirmModel is the dialog. While it is open it has the keyboard.
type confirmModel struct {
	styles *themes.Styles
	sym    *symbols
	keys   confirmKeyMap
	req    confirmRequest
	input  textinput.Model
	width  int
	// complaint says why a confirmation was not accepted.
	complaint string
}

func newConfirm(st *themes.Styles, sym *symbols, req confirmRequest, width int) (confirmModel, tea.Cmd) {
	c := confirmModel{styles: st, sym: sym, keys: defaultConfirmKeyMap(), req: req, width: width}
	if req.TypeToConfirm == "" {
		return c, nil
	}
	// With typed confirmation, y and n are text; only enter and esc act.
	c.keys.Yes.SetKeys("enter")
	c.keys.Yes.SetHelp("enter", "confirm")
	c.keys.No.SetKeys("esc")
	c.keys.No.SetHelp("esc", "cancel")
	c.input = textinput.New()
	c.input.Prompt = "> "
	c.input.Placeholder = req.TypeToConfirm
	c.input.SetWidth(max(10, width/2))
	return c, c.input.Focus()
}

func (c confirmModel) answer(ok bool) tea.Cmd {
	id := c.req.ID
	return func() tea.Msg { return confirmResultMsg{ID: id, OK: ok} }
}

// Update handles the dialog's keys.
func (c confirmModel) Update(msg tea.Msg) (confirmModel, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, c.keys.No):
			return c, c.answer(false)
		case key.Matches(k, c.keys.Yes):
			if c.req.TypeToConfirm != "" && c.input.Value() != c.req.TypeToConfirm {
				c.complaint = "type " + c.req.TypeToConfirm + " exactly to confirm"
				return c, nil
			}
			return c, c.answer(true)
		}
	}
	if c.req.TypeToConfirm == "" {
		return c, nil
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return c, cmd
}

// Keys is the dialog's help.
func (c confirmModel) Keys() []key.Binding { return []key.Binding{c.keys.Yes, c.keys.No} }

// View draws the dialog box.
func (c confirmModel) View() string {
	st := c.styles
	inner := max(20, min(c.width-8, 76))
	lines := []string{st.Title.Render(clip(c.req.Title, inner, c.sym.ellipsis)), ""}
	for _, l := range c.req.Body {
		lines = append(lines, clip(l, inner, c.sym.ellipsis))
	}
	if c.req.TypeToConfirm != "" {
		lines = append(lines, "", "Type "+st.Bold.Render(c.req.TypeToConfirm)+" to confirm:", c.input.View())
	}
	if c.complaint != "" {
		lines = append(lines, st.Flash.Render(c.complaint))
	}
	var hints []string
	for _, b := range c.Keys() {
		hints = append(hints, st.HelpKey.Render(b.Help().Key)+" "+st.HelpDesc.Render(b.Help().Desc))
	}
	lines = append(lines, "", strings.Join(hints, st.HelpSep.Render(" "+c.sym.dot+" ")))
	return st.Dialog.Width(inner + 4).Render(strings.Join(lines, "\n"))
}

// overlay draws the dialog centred over a screen of w×h cells.
func overlay(base, dialog string, w, h int) string {
	dw, dh := lipgloss.Size(dialog)
	x, y := max(0, (w-dw)/2), max(0, (h-dh)/2)
	layers := lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(dialog).X(x).Y(y).Z(1))
	return lipgloss.NewCanvas(w, h).Compose(layers).Render()
}
