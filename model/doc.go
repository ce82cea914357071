// Package model holds ingress-drift's domain types and the Inventory that
// joins the live side (model/cluster) with the desired side (model/gitrepo).
//
// Each side reports facts about keys (namespace/name) to the Inventory; the
// Inventory keeps the latest live object and desired documents per key,
// recomputes the diff for the touched keys only, and publishes coalesced
// batches of changed entries to subscribers (the TUI, the check command).
// Nothing in this package does I/O.
package model
