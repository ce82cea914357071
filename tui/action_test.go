package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/model"
)

// dialogText is the open dialog alone, ANSI stripped, with its lines
// joined by spaces (so wrapped text reads as one line).
func dialogText(t testing.TB, m Model) string {
	t.Helper()
	if m.confirm == nil {
		t.Fatalf("no dialog open; screen:\n%s", screenText(m))
	}
	var words []string
	for _, l := range strings.Split(ansi.Strip(m.confirm.View()), "\n") {
		l = strings.Trim(l, "│╭╮╰╯─ ")
		if l != "" {
			words = append(words, l)
		}
	}
	return strings.Join(words, " ")
}

func TestActionRevertFlow(t *testing.T) {
	fa := newFakeActions()
	m, _ := newActionModel(t, 100, 30, fa)
	m = press(t, m, "j")
	before, _ := m.list.entry(keyShop)

	// r: the preview starts in a command; the status line says so.
	nm, cmd := m.Update(keyMsg("r"))
	m = nm.(Model)
	if s := screenText(m); !strings.Contains(s, "previewing revert of shop/shop… (esc cancels)") {
		t.Fatalf("no preview status:\n%s", s)
	}
	if p, _ := fa.calls(); len(p) != 0 {
		t.Fatal("Plan called in Update, not in a command")
	}
	m = feed(m, cmd)
	plans, execs := fa.calls()
	if len(plans) != 1 || plans[0].key != keyShop || plans[0].action != model.ActionRevert {
		t.Fatalf("Plan calls = %+v", plans)
	}
	d := dialogText(t, m)
	wantIn(t, "dialog", d,
		"Revert shop/shop to Git?",
		"update shop/shop in the cluster (context kind-prod): 3 fields",
		"CHANGES (3)",
		// A label added live is removed by the revert: live value → Git value.
		"− removed low metadata.labels[hotfix] live \"INC-4711\" → git (absent)",
		"~ changed critical metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect] live \"false\" → git \"true\"",
		"y/enter confirm · n/esc cancel",
	)
	if strings.Contains(d, "commit this file") {
		t.Error("a revert offers to commit")
	}
	if len(execs) != 0 {
		t.Fatal("Execute before confirmation")
	}

	// y: Execute with the plan as previewed; the outcome on the status line.
	nm, cmd = m.Update(keyMsg("y"))
	m = nm.(Model)
	m = feed(m, cmd)
	_, execs = fa.calls()
	if len(execs) != 1 {
		t.Fatalf("Execute calls = %d, want 1", len(execs))
	}
	if execs[0].plan.ResourceVersion != "4711" || execs[0].plan.Key != keyShop || execs[0].opts != (model.ExecOptions{}) {
		t.Errorf("Execute(%+v, %+v)", execs[0].plan, execs[0].opts)
	}
	if m.confirm != nil || m.flow.busy() {
		t.Fatal("dialog or action still open after the outcome")
	}
	if m.flash != "revert of shop/shop done" || !m.flashOK || !strings.Contains(screenText(m), "revert of shop/shop done") {
		t.Errorf("flash = %q ok=%v", m.flash, m.flashOK)
	}
	// The UI does not patch its own state: the batch stream will.
	after, _ := m.list.entry(keyShop)
	if after.Status != model.StatusDrifted || after.Version != before.Version {
		t.Errorf("entry changed by the UI: %v v%d", after.Status, after.Version)
	}
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{inSync(before)}}})
	if e, _ := m.list.entry(keyShop); e.Status != model.StatusInSync {
		t.Errorf("batch not applied: %v", e.Status)
	}
	if len(m.flow.recent) != 1 || !m.flow.recent[0].ok {
		t.Errorf("recent = %+v", m.flow.recent)
	}
}

// wantIn reports each of wants that text lacks, spacing aside.
func wantIn(t testing.TB, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(collapse(text), collapse(w)) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// collapse squeezes runs of spaces, so table padding does not matter.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// inSync is e after a reconcile: no changes, a new version.
func inSync(e model.Entry) model.Entry {
	e.Status, e.Severity, e.Changes, e.Categories = model.StatusInSync, 0, nil, nil
	e.Version += 1000
	return e
}

func TestActionAcceptWithCommit(t *testing.T) {
	for _, toggle := range []bool{false, true} {
		fa := newFakeActions()
		fa.outcomes[actionID(keyShopAdmin, model.ActionAccept)] = &model.Outcome{
			Message: "wrote apps/shop/ingress.yaml (1 field)", Commit: "9f8e7d6c5b4a39281706"}
		m, _ := newActionModel(t, 120, 40, fa)
		m = act(t, m, "j", "j", "a")
		d := dialogText(t, m)
		wantIn(t, "dialog", d,
			"Accept live state of shop/shop-admin into apps/shop/ingress.yaml?",
			"git \"10.0.0.0/8\" → live \"0.0.0.0/0\"",
			"FILE apps/shop/ingress.yaml",
			"-    nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8\"",
			"[ ] commit this file (go-git, never pushed)",
		)
		if toggle {
			m = act(t, m, "c")
			if !strings.Contains(dialogText(t, m), "[x] commit this file") {
				t.Fatalf("c did not tick the box:\n%s", dialogText(t, m))
			}
		}
		m = act(t, m, "enter")
		_, execs := fa.calls()
		if len(execs) != 1 || execs[0].opts.Commit != toggle {
			t.Fatalf("toggle %v: Execute calls %+v", toggle, execs)
		}
		if want := "wrote apps/shop/ingress.yaml (1 field) · commit 9f8e7d6"; m.flash != want {
			t.Errorf("flash = %q, want %q", m.flash, want)
		}
	}
}

func TestActionTypedConfirmation(t *testing.T) {
	fa := newFakeActions()
	m, _ := newActionModel(t, 100, 30, fa)
	m = act(t, m, "4", "r")
	d := dialogText(t, m)
	wantIn(t, "dialog", d, "Delete shop/shop-debug from the cluster?", "Type shop-debug to confirm:", "enter confirm · esc cancel")
	// Nothing typed, then y (text now, not yes), then a wrong name.
	m = act(t, m, "enter")
	if _, e := fa.calls(); len(e) != 0 || m.confirm == nil {
		t.Fatal("enter with nothing typed confirmed")
	}
	if !strings.Contains(dialogText(t, m), "not confirmed: type shop-debug exactly, then enter") {
		t.Errorf("refusal not explained:\n%s", dialogText(t, m))
	}
	m = actText(m, "y")
	if m.confirm == nil || m.confirm.input.Value() != "y" {
		t.Fatal("y answered the typed dialog")
	}
	m = act(t, m, "backspace")
	m = actText(m, "shop-debu")
	m = act(t, m, "enter")
	if _, e := fa.calls(); len(e) != 0 || m.confirm == nil {
		t.Fatal("a wrong name confirmed")
	}
	m = actText(m, "g")
	m = act(t, m, "enter")
	_, execs := fa.calls()
	if len(execs) != 1 || execs[0].opts.Confirm != "shop-debug" || execs[0].plan.Operation != model.OpDeleteLive {
		t.Fatalf("Execute calls = %+v", execs)
	}

	// Accept of a missing-live object removes its document: typed
	// confirmation, and the commit box on tab (c is text).
	fa.plans[actionID(keyStatus, model.ActionAccept)] = &model.Plan{Key: keyStatus, Action: model.ActionAccept,
		Operation: model.OpRemoveManifest, Summary: "remove platform/status-page.yaml (its only document)",
		File: "platform/status-page.yaml", ConfirmName: "status", FileDiff: "--- a/platform/status-page.yaml\n+++ /dev/null\n"}
	m = act(t, m, "3", "a")
	wantIn(t, "dialog", dialogText(t, m), "Remove tools/status from platform/status-page.yaml?", "[ ] commit this file", "tab toggles")
	m = actText(m, "c")
	m = act(t, m, "backspace", "tab")
	m = actText(m, "status")
	m = act(t, m, "enter")
	_, execs = fa.calls()
	if len(execs) != 2 || execs[1].opts != (model.ExecOptions{Confirm: "status", Commit: true}) {
		t.Fatalf("Execute calls = %+v", execs)
	}
}

func TestActionEscCancels(t *testing.T) {
	t.Run("preview", func(t *testing.T) {
		fa := newFakeActions()
		fa.block = true
		m, _ := newActionModel(t, 100, 30, fa)
		m = press(t, m, "j")
		nm, cmd := m.Update(keyMsg("r"))
		m = press(t, nm.(Model), "esc")
		if m.flow.busy() || m.flash != "preview of revert of shop/shop cancelled: nothing was written" {
			t.Fatalf("esc: busy %v flash %q", m.flow.busy(), m.flash)
		}
		if m.screen != screenList || selectedKey(t, m) != keyShop {
			t.Error("esc did more than cancel the preview")
		}
		// The preview's command sees its context cancelled; its result
		// is dropped.
		m = feed(m, cmd)
		plans, execs := fa.calls()
		if len(plans) != 1 || !errors.Is(plans[0].ctxErr, context.Canceled) {
			t.Fatalf("Plan calls = %+v", plans)
		}
		if m.confirm != nil || len(execs) != 0 {
			t.Fatal("a cancelled preview opened a dialog or executed")
		}
	})
	for _, c := range []struct {
		name string
		keys []string
	}{
		{"confirm", []string{"j", "r"}},
		{"confirm n", []string{"j", "a"}},
		{"typed", []string{"4", "r"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fa := newFakeActions()
			m, _ := newActionModel(t, 100, 30, fa)
			m = act(t, m, c.keys...)
			if m.confirm == nil {
				t.Fatal("no dialog")
			}
			k := "esc"
			if c.name == "confirm n" {
				k = "n"
			}
			m = act(t, m, k)
			if _, e := fa.calls(); len(e) != 0 || m.confirm != nil || m.flow.busy() {
				t.Fatalf("%s: execs %d dialog %v busy %v", k, len(e), m.confirm != nil, m.flow.busy())
			}
			if !strings.HasSuffix(m.flash, "cancelled: nothing was written") {
				t.Errorf("flash = %q", m.flash)
			}
		})
	}
}

func TestActionStaleShowsNewDiff(t *testing.T) {
	fa := newFakeActions()
	fa.execErr = &model.StaleError{What: "shop/shop (resourceVersion 4711, now 4712)"}
	m, _ := newActionModel(t, 100, 30, fa)
	m = act(t, m, "j", "r", "y")
	d := dialogText(t, m)
	wantIn(t, "dialog", d, "Refused: shop/shop changed since the preview",
		"refused: shop/shop (resourceVersion 4711, now 4712) changed since the preview; nothing was written",
		"review the new diff, then press r or a to preview again", "enter/esc close")
	if m.screen != screenDetail || m.detail.entry.Key != keyShop {
		t.Fatalf("not on the detail of shop/shop: screen %v %v", m.screen, m.detail.entry.Key)
	}
	// The new state arrives through the batch stream while the dialog is
	// open; after closing it the detail shows it and offers r and a again.
	e, _ := m.list.entry(keyShop)
	e.Version += 1000
	e.Changes = e.Changes[:1]
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	m = act(t, m, "esc")
	if m.confirm != nil || m.screen != screenDetail {
		t.Fatal("esc did not close only the dialog")
	}
	if m.detail.version != e.Version {
		t.Errorf("detail shows version %d, want %d", m.detail.version, e.Version)
	}
	footer := screenText(m)
	if !strings.Contains(footer, "r revert to Git") || !strings.Contains(footer, "a accept live") {
		t.Errorf("detail does not offer r and a:\n%s", footer)
	}
	m = act(t, m, "r")
	if plans, _ := fa.calls(); len(plans) != 2 || m.confirm == nil {
		t.Fatalf("r from the detail: %d Plan calls", len(plans))
	}
}

func TestActionErrorsShownInFull(t *testing.T) {
	forbidden := errors.New(`update Ingress shop/shop: ingresses.networking.k8s.io "shop" is forbidden: ` +
		`User "system:serviceaccount:dev:viewer" cannot update resource "ingresses" in API group ` +
		`"networking.k8s.io" in the namespace "shop"`)
	fa := newFakeActions()
	fa.execErr = forbidden
	m, _ := newActionModel(t, 80, 24, fa)
	m = act(t, m, "j", "r", "y")
	d := dialogText(t, m)
	if !strings.Contains(d, "Revert of shop/shop failed") {
		t.Errorf("title:\n%s", d)
	}
	// Wrapped, never cut: every word of the error is there.
	for _, w := range strings.Fields(forbidden.Error()) {
		if !strings.Contains(d, w) {
			t.Errorf("dialog lacks %q of the error:\n%s", w, d)
		}
	}
	if m.screen != screenList || selectedKey(t, m) != keyShop {
		t.Error("an error changed the screen")
	}
	m = act(t, m, "enter")
	if m.confirm != nil || m.flow.busy() {
		t.Fatal("notice not closed")
	}

	// A refusal at preview time names the reason.
	fa = newFakeActions()
	fa.planErrs[actionID(keyShop, model.ActionAccept)] = &model.RefusedError{
		Reason: "apps/shop/ingress.yaml changed on disk and is not valid YAML at line 12: fix it first"}
	m, _ = newActionModel(t, 80, 24, fa)
	m = act(t, m, "j", "a")
	d = dialogText(t, m)
	if !strings.Contains(d, "Cannot accept shop/shop") || !strings.Contains(collapse(d), "not valid YAML at line 12: fix it first") {
		t.Errorf("refusal dialog:\n%s", d)
	}
	if _, e := fa.calls(); len(e) != 0 {
		t.Error("executed after a refused preview")
	}
	// Another preview error, in full.
	fa.planErrs[actionID(keyShop, model.ActionRevert)] = fmt.Errorf("dry run of shop/shop: %w", errors.New("admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request"))
	m = act(t, m, "esc", "r")
	if d := dialogText(t, m); !strings.Contains(d, "Preview of revert of shop/shop failed") || !strings.Contains(collapse(d), "denied the request") {
		t.Errorf("preview error dialog:\n%s", d)
	}
}

func TestActionDisabledPerEntry(t *testing.T) {
	fa := newFakeActions()
	m, src := newActionModel(t, 120, 30, fa)
	// tools/status rendered by kustomize: revert is fine, accept is not.
	st := entryByKey(src.snap.Entries, "tools", "status")
	st.Desired = append([]model.Desired(nil), st.Desired...)
	st.Desired[0].Origin = model.Origin{File: "platform/overlays/prod/kustomization.yaml", Kustomization: "platform/overlays/prod", Item: -1}
	st.Version += 1000
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{st}}})
	cases := []struct {
		row, key, want string
	}{
		{"blog/blog", "r", "revert to Git: in sync: nothing to reconcile"},
		{"blog/blog", "a", "accept live: in sync: nothing to reconcile"},
		{"wiki/old-wiki", "a", "accept live: fix the manifest first: apps/wiki/ingress.yaml:1"},
		{"tools/docs", "r", "revert to Git: defined twice in Git: platform/tools.yaml:22 and platform/docs-v2.yaml:1 — remove one first"},
		{"tools/status", "a", "accept live: rendered by kustomize root platform/overlays/prod: edit its sources"},
	}
	for _, c := range cases {
		m = selectKey(t, press(t, m, "g"), c.row)
		m = act(t, m, c.key)
		if m.flash != c.want {
			t.Errorf("%s %s: flash %q, want %q", c.row, c.key, m.flash, c.want)
		}
		if !strings.Contains(screenText(m), c.want[:40]) {
			t.Errorf("%s %s: reason not on the status line", c.row, c.key)
		}
		// The footer hides the disabled key.
		if strings.Contains(screenText(m), " "+c.key+" "+map[string]string{"r": "revert to Git", "a": "accept live"}[c.key]) {
			t.Errorf("%s: footer offers disabled %s", c.row, c.key)
		}
	}
	if p, _ := fa.calls(); len(p) != 0 {
		t.Fatalf("Plan called for a disabled action: %+v", p)
	}
	// Revert of the kustomize-rendered object is allowed.
	m = selectKey(t, press(t, m, "g"), "tools/status")
	m = act(t, m, "r")
	if p, _ := fa.calls(); len(p) != 1 || m.confirm == nil {
		t.Fatalf("revert of a kustomize object: %+v", p)
	}
	// Help says why, for the selected entry.
	m = act(t, m, "esc")
	m = selectKey(t, press(t, m, "g"), "blog/blog")
	m = press(t, m, "?", "G")
	h := collapse(ansi.Strip(m.helpVP.GetContent()))
	if !strings.Contains(h, "ACTIONS · for blog/blog r revert to Git not available: in sync: nothing to reconcile") {
		t.Errorf("help lacks the reasons:\n%s", ansi.Strip(m.helpVP.GetContent()))
	}
}

func TestActionDisabledEverywhere(t *testing.T) {
	cases := []struct {
		name                 string
		acts                 bool
		opts                 func(*Options)
		revertWhy, acceptWhy string
	}{
		{"no actions", false, func(*Options) {}, "no actions available", "no actions available"},
		{"read-only", true, func(o *Options) { o.ReadOnly = "read-only: user dana cannot update ingresses" },
			"read-only: user dana cannot update ingresses", "read-only: user dana cannot update ingresses"},
		{"revert off", true, func(o *Options) { o.RevertDisabled = "read-only: user dana cannot update ingresses in shop" }, "read-only: user dana cannot update ingresses in shop", ""},
		{"accept off", true, func(o *Options) { o.AcceptDisabled = "comparing against --rev main: accept writes the work tree" }, "", "comparing against --rev main: accept writes the work tree"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fa := newFakeActions()
			var acts Actions
			if c.acts {
				acts = fa
			}
			m, _ := newActionModel(t, 120, 30, acts, c.opts)
			m = press(t, m, "j")
			for _, k := range []struct {
				key, desc, why string
			}{{"r", "revert to Git", c.revertWhy}, {"a", "accept live", c.acceptWhy}} {
				m = act(t, m, k.key)
				if k.why == "" {
					if m.confirm == nil {
						t.Errorf("%s: no dialog (flash %q)", k.key, m.flash)
					}
					m = act(t, m, "esc")
					continue
				}
				if want := k.desc + ": " + k.why; m.flash != want {
					t.Errorf("%s: flash %q, want %q", k.key, m.flash, want)
				}
				if strings.Contains(screenText(m), k.key+" "+k.desc) {
					t.Errorf("%s: footer offers a disabled key", k.key)
				}
			}
			if _, e := fa.calls(); len(e) != 0 {
				t.Error("executed")
			}
		})
	}
}

func TestActionOneAtATime(t *testing.T) {
	fa := newFakeActions()
	m, _ := newActionModel(t, 120, 30, fa)
	m = press(t, m, "j")
	nm, held := m.Update(keyMsg("r"))
	m = nm.(Model)
	m = selectKey(t, m, "shop/shop-admin")
	nm, cmd := m.Update(keyMsg("a"))
	m = nm.(Model)
	if cmd != nil {
		t.Fatal("a second action started")
	}
	if want := "accept live: one action at a time — previewing revert of shop/shop… (esc cancels)"; m.flash != want {
		t.Errorf("flash = %q, want %q", m.flash, want)
	}
	// The footer offers esc to cancel, not another action.
	s := screenText(m)
	if !strings.Contains(s, "esc cancel preview") || strings.Contains(s, "a accept live") {
		t.Errorf("footer while previewing:\n%s", s)
	}
	m = feed(m, held)
	if plans, _ := fa.calls(); len(plans) != 1 || plans[0].key != keyShop {
		t.Fatalf("Plan calls = %+v", plans)
	}
	if !strings.Contains(dialogText(t, m), "Revert shop/shop to Git?") {
		t.Error("the first action's dialog did not open")
	}
	// While executing, still one at a time.
	nm, answer := m.Update(keyMsg("y"))
	res := collect(answer)
	if len(res) != 1 {
		t.Fatalf("y answered with %v", res)
	}
	nm, held = nm.(Model).Update(res[0])
	m = nm.(Model)
	if !strings.Contains(screenText(m), "reverting shop/shop…") {
		t.Errorf("no executing status:\n%s", screenText(m))
	}
	m = act(t, m, "r")
	if !strings.HasPrefix(m.flash, "revert to Git: one action at a time — reverting shop/shop…") {
		t.Errorf("flash while executing = %q", m.flash)
	}
	m = act(t, m, "esc")
	if !m.flow.busy() {
		t.Error("esc cancelled a write in progress")
	}
	// q waits for the write (ctrl+c still quits).
	if nm, cmd := m.Update(keyMsg("q")); cmd != nil || !strings.HasPrefix(nm.(Model).flash, "q: reverting shop/shop… — wait") {
		t.Errorf("q while writing: cmd %v flash %q", cmd != nil, nm.(Model).flash)
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd == nil {
		t.Error("ctrl+c while writing does not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("ctrl+c while writing does not quit")
	}
	m = feed(m, held)
	if _, e := fa.calls(); len(e) != 1 || m.flow.busy() {
		t.Fatalf("Execute calls = %d busy %v", len(e), m.flow.busy())
	}
}

func TestActionFromDetailAndRecentLog(t *testing.T) {
	fa := newFakeActions()
	fa.outcomes[actionID(keyStatus, model.ActionRevert)] = &model.Outcome{Message: "created tools/status in the cluster"}
	m, _ := newActionModel(t, 120, 40, fa)
	m = act(t, m, "3", "enter", "r")
	if !strings.Contains(dialogText(t, m), "create tools/status in the cluster") {
		t.Fatalf("dialog:\n%s", dialogText(t, m))
	}
	m = act(t, m, "y")
	if m.flash != "created tools/status in the cluster" || m.screen != screenDetail {
		t.Errorf("flash %q screen %v", m.flash, m.screen)
	}
	m = act(t, m, "a") // accept of tools/status has no canned plan: an error
	m = act(t, m, "esc", "?", "G")
	got := ansi.Strip(m.helpVP.GetContent())
	wantIn(t, "help", got, "RECENT ACTIONS", "14:05:11Z ✗ accept tools/status fake: no plan for accept tools/status",
		"14:05:11Z ✓ revert tools/status created tools/status in the cluster")
}

func TestActionDialogScrollsAndFits(t *testing.T) {
	fa := newFakeActions()
	p := fa.plans[actionID(keyShopAdmin, model.ActionAccept)]
	for i := 0; i < 40; i++ {
		p.FileDiff += fmt.Sprintf(" line %d\n", i)
	}
	p.Remaining = []model.Change{p.Changes[0]}
	for _, sz := range goldenSizes {
		m, _ := newActionModel(t, sz[0], sz[1], fa)
		m = act(t, m, "j", "j", "a")
		lines := strings.Split(screenText(m), "\n")
		if len(lines) != sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if w := visibleWidth(l); w > sz[0] {
				t.Errorf("%v: line %d is %d wide", sz, i, w)
			}
		}
		if !m.confirm.scrolls() {
			t.Fatalf("%v: a long plan does not scroll", sz)
		}
		wantIn(t, "dialog body", ansi.Strip(strings.Join(m.confirm.lines, "\n")), "⚠ AFTER THIS, STILL DIFFERENT (1)",
			"STILL DIFFERENT (1) These will still differ after the write", "git \"10.0.0.0/8\" live \"0.0.0.0/0\"")
		top := dialogText(t, m)
		m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
		if m.confirm.body.YOffset() == 0 {
			t.Errorf("%v: the wheel did not scroll the dialog", sz)
		}
		m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
		m = act(t, m, "j", "j", "pgdown")
		if y := m.confirm.body.YOffset(); y <= 2 {
			t.Errorf("%v: j j pgdown scrolled to %d", sz, y)
		}
		if dialogText(t, m) == top {
			t.Errorf("%v: the dialog did not change when scrolled", sz)
		}
		m = act(t, m, "k")
		// Scrolling keeps the answer keys and the checkbox in view.
		d := dialogText(t, m)
		wantIn(t, fmt.Sprint(sz, " scrolled dialog"), d, "Accept live state of shop/shop-admin", "[ ] commit this file", "y/enter confirm")
		m = act(t, m, "G") // not a dialog key: nothing happens, nothing leaks
		if m.list.cursor != 2 || m.confirm == nil {
			t.Errorf("%v: G leaked to the list", sz)
		}
	}
	// The whole body is reachable: the last line of the diff.
	m, _ := newActionModel(t, 80, 24, fa)
	m = act(t, m, "j", "j", "a")
	for i := 0; i < 10; i++ {
		m = act(t, m, "pgdown")
	}
	if d := dialogText(t, m); !strings.Contains(d, "line 39") || !strings.Contains(d, "100%") {
		t.Errorf("bottom not reachable:\n%s", d)
	}
	if last := ansi.Strip(m.confirm.lines[len(m.confirm.lines)-1]); last != " line 39" {
		t.Errorf("last body line = %q", last)
	}
}

// TestLiveUnknownEntry: a manifest whose live state is unknown (the cluster
// was never listed) reads "? live unknown", explains why, and offers no
// action — accepting a "removal" then would delete a good manifest.
func TestLiveUnknownEntry(t *testing.T) {
	fa := newFakeActions()
	m, src := newActionModel(t, 120, 30, fa)
	st := entryByKey(src.snap.Entries, "tools", "status")
	st.LiveUnknown, st.Version = true, st.Version+1000
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{st}}})
	if row := rowWith(screenText(m), "tools/status"); !strings.Contains(row, "? live unknown") || strings.Contains(row, "missing-live") {
		t.Errorf("row = %q, want the ? live unknown badge", row)
	}
	m = refusesBoth(t, selectKey(t, press(t, m, "g"), "tools/status"), fa, "the cluster has not been listed yet")
	m = press(t, m, "enter")
	if s := collapse(screenText(m)); !strings.Contains(s, "? live unknown") || !strings.Contains(s, "whether this object exists live is not known") {
		t.Errorf("detail does not explain:\n%s", screenText(m))
	}
}

// refusesBoth presses r and a on the selected entry: each flashes a reason
// containing want, and no plan is asked for.
func refusesBoth(t *testing.T, m Model, fa *fakeActions, want string) Model {
	t.Helper()
	for _, k := range []string{"r", "a"} {
		m = act(t, m, k)
		if !strings.Contains(m.flash, want) {
			t.Errorf("%s: flash %q, want the reason %q", k, m.flash, want)
		}
	}
	if p, _ := fa.calls(); len(p) != 0 {
		t.Fatalf("Plan called: %+v", p)
	}
	return m
}

func rowWith(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

// TestCtrlCQuitsFromADialog: ctrl+c quits whatever is open, even the
// typed-confirmation input, where every letter is text.
func TestCtrlCQuitsFromADialog(t *testing.T) {
	fa := newFakeActions()
	m, _ := newActionModel(t, 100, 30, fa)
	m = act(t, m, "4", "r")
	if m.confirm == nil || !strings.Contains(dialogText(t, m), "Type shop-debug to confirm:") {
		t.Fatal("no typed-confirmation dialog")
	}
	_, cmd := m.Update(keyMsg("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c in a dialog: no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("ctrl+c in a dialog does not quit")
	}
	if _, e := fa.calls(); len(e) != 0 {
		t.Error("ctrl+c confirmed the dialog")
	}
}

// TestGitUnknownEntry: a live object in no manifest that could be read,
// while a manifest with a YAML error could define it, reads "? git
// unknown", names the file in the row and the detail, and offers no action:
// a revert would delete it, an accept write a second manifest.
func TestGitUnknownEntry(t *testing.T) {
	fa := newFakeActions()
	m, src := newActionModel(t, 140, 30, fa)
	dbg := entryByKey(src.snap.Entries, "shop", "shop-debug")
	broken := model.RepoError{File: "apps/shop/broken.yaml", Line: 7, Message: "YAML: did not find expected key"}
	dbg.GitUnknown, dbg.BlockedBy, dbg.Version = true, []model.RepoError{broken}, dbg.Version+1000
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{dbg}}})
	if row := rowWith(screenText(m), "shop/shop-debug"); !strings.Contains(row, "? git unknown") || strings.Contains(row, "missing-git") ||
		!strings.Contains(row, "broken.yaml:7") {
		t.Errorf("row = %q, want the ? git unknown badge and the blocking file", row)
	}
	m = refusesBoth(t, selectKey(t, press(t, m, "g"), "shop/shop-debug"), fa, "whether it is in Git is not known: apps/shop/broken.yaml:7")
	m = press(t, m, "enter")
	if s := collapse(screenText(m)); !strings.Contains(s, "? git unknown") || !strings.Contains(s, broken.Error()) ||
		!strings.Contains(s, "whether it is in Git is not known") {
		t.Errorf("detail does not explain:\n%s", screenText(m))
	}
}
