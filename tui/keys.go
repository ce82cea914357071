package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
)

// globalKeyMap holds the keys that work on every screen.
type globalKeyMap struct {
	Quit key.Binding
	// ForceQuit quits from any state: while typing, in a dialog, during a
	// write. Help shows Quit for both.
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
}

func defaultGlobalKeyMap() globalKeyMap {
	return globalKeyMap{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// actionKeyMap holds the reconcile actions (see action.go). Revert and
// Accept are enabled per selected entry by actionFlow.keysFor; Commit is
// chosen inside the accept dialog, so outside it the key only explains
// where it is; Cancel stops a preview that is still running.
type actionKeyMap struct {
	Revert key.Binding
	Accept key.Binding
	Commit key.Binding
	Cancel key.Binding
}

func defaultActionKeyMap() actionKeyMap {
	return actionKeyMap{
		Revert: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "revert to Git")),
		Accept: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept live")),
		Commit: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "commit the manifest (accept dialog)"), key.WithDisabled()),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel preview"), key.WithDisabled()),
	}
}

// disabledPressed returns the disabled binding that msg would have
// triggered, so the UI can say why nothing happened.
func disabledPressed(keystroke string, bs ...key.Binding) (key.Binding, bool) {
	for _, b := range bs {
		if b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if k == keystroke {
				return b, true
			}
		}
	}
	return key.Binding{}, false
}

// moveKeyMap holds the movement keys the list and the detail share; what
// they move (the selection, or the view) is in their help text.
type moveKeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	HalfUp, HalfDown key.Binding
	Top, Bottom      key.Binding
}

// defaultMoveKeyMap names the movement: up/down say what one step does,
// first/last what g and G reach.
func defaultMoveKeyMap(up, down, first, last string) moveKeyMap {
	return moveKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", up)),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", down)),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", first)),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", last)),
	}
}

func (k moveKeyMap) all() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom}
}

// listKeyMap holds the keys of the list screen.
type listKeyMap struct {
	moveKeyMap
	Open             key.Binding
	Filter           key.Binding
	ClearFilter      key.Binding
	StatusTab        key.Binding
	NextTab, PrevTab key.Binding
}

func defaultListKeyMap() listKeyMap {
	return listKeyMap{
		moveKeyMap:  defaultMoveKeyMap("up", "down", "first", "last"),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"), key.WithDisabled()),
		StatusTab:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "status tab")),
		NextTab:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
	}
}

// filterKeyMap holds the keys that end text entry in the filter; every
// other key goes to the text input.
type filterKeyMap struct {
	Apply  key.Binding
	Cancel key.Binding
}

func defaultFilterKeyMap() filterKeyMap {
	return filterKeyMap{
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter, stop typing")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// detailKeyMap holds the keys of the detail screen.
type detailKeyMap struct {
	moveKeyMap
	NextSection key.Binding
	PrevSection key.Binding
	Unified     key.Binding
	Ignored     key.Binding
	// Other opens the next live Ingress a finding names (the others of a
	// route claimed twice); enabled only when there is one.
	Other key.Binding
}

func defaultDetailKeyMap() detailKeyMap {
	k := detailKeyMap{
		moveKeyMap:  defaultMoveKeyMap("scroll up", "scroll down", "top", "bottom"),
		NextSection: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next section")),
		PrevSection: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous section")),
		Unified:     key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unified diff")),
		Ignored:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "show ignored")),
		Other:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "other Ingress of a finding")),
	}
	// A pager's space bar pages down too.
	k.PageDown.SetKeys("pgdown", "space")
	return k
}

// confirmKeyMap holds the keys of the confirmation dialog. With typed
// confirmation every printable key is text, so newConfirm rebinds the
// answers and the toggle to keys that cannot be typed.
type confirmKeyMap struct {
	Yes    key.Binding
	No     key.Binding
	Toggle key.Binding
	// Close dismisses a notice (a dialog that only informs).
	Close key.Binding
	// Up, Down, PageUp and PageDown scroll a body taller than the dialog.
	Up, Down, PageUp, PageDown key.Binding
}

func defaultConfirmKeyMap() confirmKeyMap {
	return confirmKeyMap{
		Yes:      key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "confirm")),
		No:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		Toggle:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "commit on/off")),
		Close:    key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "close")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
	}
}

// screenKeys is the help.KeyMap of one screen: its own keys and the
// global ones, grouped into columns for the full help.
type screenKeys struct {
	local, global []key.Binding
	full          [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (s screenKeys) ShortHelp() []key.Binding { return append(slices.Clone(s.local), s.global...) }

// FullHelp implements help.KeyMap.
func (s screenKeys) FullHelp() [][]key.Binding { return s.full }
