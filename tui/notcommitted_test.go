package tui

import (
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
)

// An accept whose file was written but whose commit failed says so — not
// "failed", which would read as nothing written.
func TestActionWrittenNotCommitted(t *testing.T) {
	fa := newFakeActions()
	fa.execErr = &model.NotCommittedError{File: "apps/shop.yaml", Err: &model.RefusedError{Reason: "another git process seems to be running"}}
	m, _ := newActionModel(t, 100, 30, fa)
	m = act(t, m, "j", "a", "y")
	wantIn(t, "dialog", dialogText(t, m), "Accept of shop/shop: written, not committed",
		"written, not committed: apps/shop.yaml was written as previewed, but the commit failed: another git process seems to be running",
		"The file stays written")
}
