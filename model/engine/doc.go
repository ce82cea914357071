// Package engine wires the two sides of ingress-drift — the cluster
// (model/cluster) and the repo (model/repo) — into one model.Inventory,
// for every front end: the TUI, `check`, `diff`, and the reconcile commands.
//
// Load reads both sides once (the `check` path: a paginated list and a
// parallel scan, run concurrently); Run keeps them current (an informer and
// an fsnotify watch). Either way the Inventory is the single source of truth
// that front ends read through Snapshot and Subscribe.
//
// Actions (revert, accept) write through two small interfaces (seams.go):
// ClusterWriter, model/cluster's functions over the Target, and
// ManifestStore, the *repo.Repo. Each operation has its own planner and
// step type (revert.go, accept.go); the step is the plan's typed payload,
// so Execute runs exactly what Plan previewed. The reconcile rules are
// unit-tested against in-memory fakes of both interfaces (rules_test.go,
// fakes_test.go, also under -short); actions_test.go and precommit_test.go
// run the same flows against a real API server and git repo.
package engine
