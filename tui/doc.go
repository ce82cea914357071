// Package tui is the terminal UI of ingress-drift: a bubbletea (Charm v2)
// program over a live inventory (Source; *model.Inventory implements it).
//
// The root Model (model.go) routes: size and theme, then the inventory's
// messages, then the action flow's, then keys — ctrl+c first, an open
// dialog or the filter being typed owns every other key, then the global
// keys — and the rest goes to the focused part. The list, the detail and
// the confirm dialog implement the component interface (component.go);
// each declares its keys in keys.go, and the root joins them with the
// global and action keys into the screen's help.KeyMap. The root also holds
// the help screen (helpview.go) and the action flow (action.go: revert and
// accept through Actions, with Plan and Execute run in commands).
//
// Update and View never block and do no I/O: Init subscribes and then takes
// a snapshot in a command, and one re-issued command at a time waits for
// the next batch. update_test.go, action_test.go, findings_test.go and the
// golden files in testdata show the behaviour.
package tui
