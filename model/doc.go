// Package model holds ingress-drift's domain types (Key, Entry, Status,
// Change, Origin, Plan…) and the Inventory that joins the live side
// (model/cluster) with the desired side read from the repo.
//
// Each side reports facts about keys (namespace/name) to the Inventory; it
// keeps the latest live object and desired documents per key, recomputes
// the diff for the touched keys only, and publishes coalesced batches of
// changed entries to subscribers (the TUI) next to a Snapshot of the whole
// (what check reads). Notices (RepoError.Notice) are kept apart from
// errors as they arrive: they block and count for nothing. managed.go says
// who manages an object (the repo's GitOps object, or what the live object
// carries) and which additions of Helm and Argo CD are not drift for a
// rendered object. findings.go computes each live object's findings
// (finding.go: routes claimed twice in one class, TLS hosts, backends
// used nowhere else) from indexes of claims and backend users that the
// sink calls keep, so that one event refreshes only the keys it can
// touch. It does no I/O of its own: WriteReportJSON writes to the
// io.Writer it is given. inventory_test.go, gitunknown_test.go,
// notices_test.go, managed_test.go and findings_test.go show the
// behaviour.
package model
