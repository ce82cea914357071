package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
)

// TestUnitPlanOperationAltered: a plan whose Operation no longer says
// what its payload does (a front end changed it after the preview) is
// refused, and nothing is written.
func TestUnitPlanOperationAltered(t *testing.T) {
	u := drifted(t)
	p := u.plan(t, shop, model.ActionRevert)
	p.Operation = model.OpDeleteLive
	_, err := u.e.Execute(context.Background(), p, model.ExecOptions{Confirm: shop.Name})
	if err == nil || !strings.Contains(err.Error(), "it was changed after it was made") {
		t.Errorf("execute of an altered plan = %v", err)
	}
	if w := u.cl.writes(); len(w) != 0 {
		t.Errorf("the cluster was written: %v", w)
	}
}
