package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// sendBatch delivers a batch through the fake source's subscription, as
// the inventory would after the watchers saw the write.
func sendBatch(t *testing.T, src *fakeSource, b model.Batch) {
	t.Helper()
	select {
	case src.ch <- b:
	case <-time.After(waitLimit):
		t.Fatal("the program did not take the batch")
	}
}

// TestActionFlowProgram drives the real program: one revert and one
// accept (with commit) from the list through the fake Actions; each ends
// with the batch stream delivering the entry in sync and its row turning
// in-sync.
func TestActionFlowProgram(t *testing.T) {
	src := newFakeSource(fixtureSnapshot())
	fa := newFakeActions()
	fa.outcomes[actionID(keyShop, model.ActionRevert)] = &model.Outcome{Message: "ZQ updated shop/shop in the cluster: 3 fields"}
	fa.outcomes[actionID(keyShopAdmin, model.ActionAccept)] = &model.Outcome{
		Message: "ZQ wrote apps/shop/ingress.yaml: 1 field", Commit: "9f8e7d6c5b4a39281706"}
	tm := teatest.NewTestModel(t, New(Options{Source: src, Theme: "dark", Now: clockFixed, Actions: fa}),
		teatest.WithInitialTermSize(120, 30))
	waitText(t, tm, "payments/checkout")

	// Revert shop/shop (second row).
	send(tm, "j", "r")
	waitText(t, tm, "Revert shop/shop to Git?")
	send(tm, "y")
	waitText(t, tm, "ZQ updated shop/shop")
	shop := entryByKey(fixtureEntries(), "shop", "shop")
	sendBatch(t, src, model.Batch{Changed: []model.Entry{inSync(shop)}})
	waitText(t, tm, "✓ 4") // the in-sync count; the renderer rewrites only the digit

	// shop/shop sorted down among the in-sync rows, the selection with
	// it; shop/shop-admin is now the second row.
	send(tm, "g", "j", "a")
	waitText(t, tm, "Accept live state of shop/shop-admin into apps/shop/ingress.yaml?")
	send(tm, "c")
	waitText(t, tm, "x]") // the box ticked: only that cell is redrawn
	send(tm, "enter")
	waitText(t, tm, "ZQ wrote apps/shop/ingress.yaml: 1 field · commit 9f8e7d6")
	admin := entryByKey(fixtureEntries(), "shop", "shop-admin")
	sendBatch(t, src, model.Batch{Changed: []model.Entry{inSync(admin)}})
	waitText(t, tm, "✓ 5")

	send(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	final := tm.FinalModel(t).(Model)
	plans, execs := fa.calls()
	if len(plans) != 2 || len(execs) != 2 {
		t.Fatalf("%d Plan and %d Execute calls, want 2 each", len(plans), len(execs))
	}
	if execs[0].plan.Key != keyShop || execs[0].opts.Commit || execs[1].plan.Key != keyShopAdmin || !execs[1].opts.Commit {
		t.Errorf("Execute calls: %+v %+v / %+v %+v", execs[0].plan.Key, execs[0].opts, execs[1].plan.Key, execs[1].opts)
	}
	for _, k := range []model.Key{keyShop, keyShopAdmin} {
		var row string
		for _, line := range strings.Split(screenText(final), "\n") {
			if strings.Contains(line, k.String()+" ") {
				row = line
			}
		}
		if !strings.Contains(row, "✓ in-sync") {
			t.Errorf("row of %s not in sync: %q", k, row)
		}
	}
	if got := selectedKey(t, final); got != keyShopAdmin {
		t.Errorf("selection = %s, want shop/shop-admin", got)
	}
}
