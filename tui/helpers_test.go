package tui

import (
	"cmp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// newTestModel is a root model on the fixture, sized and loaded, with the
// dark theme and the fixed clock. It runs no commands.
func newTestModel(t testing.TB, w, h int) (Model, *fakeSource) {
	t.Helper()
	return newModelOn(t, fixtureSnapshot(), w, h, Options{})
}

// newModelOn is a root model on a fake source holding snap, sized and
// loaded, with o's options; the dark theme and the fixed clock unless o
// names others. It runs no commands.
func newModelOn(t testing.TB, snap model.Snapshot, w, h int, o Options) (Model, *fakeSource) {
	t.Helper()
	src := newFakeSource(snap)
	o.Source = src
	o.Theme = cmp.Or(o.Theme, "dark")
	if o.Now == nil {
		o.Now = clockFixed
	}
	m := New(o)
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	ch, cancel := src.Subscribe()
	return update(m, sourceReadyMsg{snap: src.Snapshot(), ch: ch, cancel: cancel}), src
}

func update(m Model, msg tea.Msg) Model {
	nm, _ := m.Update(msg)
	return nm.(Model)
}

// keyMsg builds the key press that String()s as s ("j", "enter",
// "shift+tab", "ctrl+c", ...).
func keyMsg(s string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"backspace": {Code: tea.KeyBackspace},
		"space":     {Code: tea.KeySpace, Text: " "},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+d":    {Code: 'd', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
	}
	if k, ok := special[s]; ok {
		return k
	}
	r := []rune(s)
	if len(r) != 1 {
		panic("keyMsg: unknown key " + s)
	}
	k := tea.KeyPressMsg{Code: r[0], Text: s}
	if r[0] >= 'A' && r[0] <= 'Z' {
		k.Code = r[0] + ('a' - 'A')
		k.ShiftedCode = r[0]
		k.Mod = tea.ModShift
	}
	return k
}

// press sends keys in order, checking each String()s as named.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	return pressWith(t, m, update, keys...)
}

// pressWith sends keys in order through step.
func pressWith(t testing.TB, m Model, step func(Model, tea.Msg) Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		msg := keyMsg(k)
		if msg.String() != k {
			t.Fatalf("keyMsg(%q).String() = %q", k, msg.String())
		}
		m = step(m, msg)
	}
	return m
}

// typeText types text into whatever has the keyboard.
func typeText(m Model, text string) Model {
	for _, r := range text {
		m = update(m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

// screenText is the rendered screen without ANSI sequences, trailing
// spaces trimmed per line.
func screenText(m Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// selectedKey is the key of the selected row.
func selectedKey(t testing.TB, m Model) model.Key {
	t.Helper()
	e, ok := m.list.Selected()
	if !ok {
		t.Fatal("no row selected")
	}
	return e.Key
}

// visibleKeys lists the visible rows' keys in order.
func visibleKeys(m Model) []string {
	out := make([]string, len(m.list.set.visible))
	for i, r := range m.list.set.visible {
		out[i] = r.e.Key.String()
	}
	return out
}

func selectKey(t testing.TB, m Model, k string) Model {
	t.Helper()
	for i := 0; i < len(m.list.set.visible); i++ {
		if selectedKey(t, m).String() == k {
			return m
		}
		m = press(t, m, "j")
	}
	t.Fatalf("row %s not found in %v", k, visibleKeys(m))
	return m
}

// staticBody is a dialog body of fixed lines.
func staticBody(lines ...string) func(*themes.Styles, int) []string {
	return func(*themes.Styles, int) []string { return lines }
}
