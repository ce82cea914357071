// Package themes owns the looks of the terminal UI: a Theme is a palette
// (dark, light or high-contrast, adaptive to the terminal's background), and
// NewStyles turns a Theme into the lipgloss Styles the tui package renders
// with. Styles are built once per theme change and passed down; nothing here
// is a mutable global.
//
// Colour is never the only carrier of meaning: the tui package always prints
// a status or severity as text (and a symbol), so a Theme with NoColor set —
// chosen when NO_COLOR is present — loses nothing but decoration.
//
// This package imports nothing but lipgloss.
package themes
