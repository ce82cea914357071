// Package themes owns the looks of the terminal UI: a Theme is a palette
// (dark, light or high-contrast) resolved for one terminal background, and
// NewStyles turns it into the lipgloss Styles the tui package renders with.
// The UI builds new Styles when the theme or the background changes and
// passes them down; nothing here is a mutable global.
//
// With NoColor (set for NO_COLOR, see Theme.WithoutColor) no style sets a
// colour and emphasis falls back to bold, faint, underline and reverse
// video; the tui package prints every status and severity as text too, so
// nothing but decoration is lost.
//
// It imports only lipgloss and the standard library. themes_test.go shows
// the rules.
package themes
