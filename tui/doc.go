// Package tui is the terminal UI of ingress-drift: a bubbletea (Charm v2)
// program over a live model.Inventory.
//
// The root Model routes messages: global keys first (quit, help, back), then
// subscription messages to their owner, then everything else to the focused
// component. Components share one contract — a model with its own KeyMap
// (a help.KeyMap, matched with key.Matches and shown by bubbles/help) and a
// SetSize method — and are styled by a *themes.Styles built once per theme.
//
//   - list: one row per Ingress, sorted by severity then name, filtered by
//     status tab and by text; kept incrementally as batches arrive and
//     rendered only for the visible window, so a frame costs the same at
//     10,000 objects as at 100.
//   - detail: one object's changes grouped by category with attribution,
//     git facts, explanations for errors, conflicts and missing objects, and
//     a side-by-side or unified YAML diff.
//   - help: the full key help from the same key maps.
//   - confirm: the dialog the reconcile actions use (a scrolling body, an
//     optional checkbox and typed confirmation), and for notices.
//   - action: revert (r) and accept (a) of the selected object through the
//     Actions interface: a preview (Plan) in a cancellable command, the plan
//     in the confirm dialog, Execute in a command, the outcome on the status
//     line. The UI never patches its own state after an action: the change
//     arrives through the batch stream like any other.
//
// Update and View never block and do no I/O. The inventory is read in
// commands: Init subscribes and then takes a snapshot, and a single
// re-issued command at a time waits for the next coalesced batch (the
// bubbletea "realtime" pattern), so exactly one goroutine forwards batches.
package tui
