package tui

import (
	"fmt"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
)

// goldenAction renders the fixture with the fake actions at each golden
// size after the keys (and text typed after them), and compares it.
func goldenAction(t *testing.T, name string, fa func() *fakeActions, keys []string, text string, after ...string) {
	t.Helper()
	for _, sz := range goldenSizes {
		m, _ := newActionModel(t, sz[0], sz[1], fa())
		m = act(t, m, keys...)
		if text != "" {
			m = actText(m, text)
		}
		m = act(t, m, after...)
		requireGolden(t, fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), screenText(m))
	}
}

func TestGoldenActionRevertConfirm(t *testing.T) {
	goldenAction(t, "action_revert_confirm", newFakeActions, []string{"j", "r"}, "")
}

func TestGoldenActionAcceptConfirm(t *testing.T) {
	goldenAction(t, "action_accept_confirm", newFakeActions, []string{"j", "j", "a", "c"}, "")
}

// TestGoldenActionAcceptCritical: an accept that writes critical drift
// into Git (here the widened allow-list of shop-admin) names the critical
// changes in the dialog and needs the name typed; tab toggles the commit.
func TestGoldenActionAcceptCritical(t *testing.T) {
	critical := func() *fakeActions {
		fa := newFakeActions()
		p := fa.plans[actionID(keyShopAdmin, model.ActionAccept)]
		p.Critical = []string{"metadata.annotations[nginx.ingress.kubernetes.io/whitelist-source-range] (source-allowlist-widened)"}
		p.ConfirmName = "shop-admin"
		p.Summary += "; 1 critical change(s) become the desired state: type the name to confirm"
		return fa
	}
	goldenAction(t, "action_accept_critical", critical, []string{"j", "j", "a", "tab"}, "shop-adm")
}

func TestGoldenActionTypedConfirm(t *testing.T) {
	goldenAction(t, "action_typed_confirm", newFakeActions, []string{"4", "r"}, "shop-deb", "enter")
}

func TestGoldenActionStale(t *testing.T) {
	stale := func() *fakeActions {
		fa := newFakeActions()
		fa.execErr = &model.StaleError{What: "shop/shop (resourceVersion 4711, now 4712)"}
		return fa
	}
	goldenAction(t, "action_stale", stale, []string{"j", "r", "y"}, "")
}
