package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/ingress-drift/ingress-drift/themes"
)

// component is what the root needs of each part it sizes, styles and draws
// (soft-serve's common.Component, without its Update): the list, the
// detail and the confirm dialog. Update is left out on purpose: like
// bubbles' components each returns its own type, so the root keeps the
// concrete types and forwards to the focused one (Model.forward).
//
// The help screen and the action flow are not components: help is the
// root's viewport over helpContent, and the flow has no area of its own —
// it draws only a status line, and its keys depend on the selected entry
// (actionFlow.keysFor).
type component interface {
	// SetSize gives the component its area, in cells.
	SetSize(width, height int)
	// setStyles hands it the styles of a new theme.
	setStyles(st *themes.Styles)
	// Keys is its short help; Model.keys adds the global and action keys
	// to make the screen's help.KeyMap.
	Keys() []key.Binding
	// View draws it at its size.
	View() string
}

var (
	_ component = (*listModel)(nil)
	_ component = (*detailModel)(nil)
	_ component = (*confirmModel)(nil)
)
