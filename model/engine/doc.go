// Package engine wires the two sides of ingress-drift — the cluster
// (model/cluster) and the repo (model/repo) — into one model.Inventory,
// for every front end: the TUI, `check`, `diff`, and the reconcile commands.
//
// Load reads both sides once (the `check` path: a paginated list and a
// parallel scan, run concurrently); Run keeps them current (an informer and
// an fsnotify watch). Either way the Inventory is the single source of truth
// that front ends read through Snapshot and Subscribe.
package engine
