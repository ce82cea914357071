package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

func TestListOrder(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	want := []string{
		// critical drift first, by namespace/name
		"payments/checkout", "shop/shop", "shop/shop-admin",
		// then the statuses without severity: error, conflict, missing,
		// unmanaged, in sync
		"wiki/old-wiki", "tools/docs", "tools/status", "shop/shop-debug",
		"blog/blog", "payments/webhooks", "tools/grafana",
	}
	if diff := cmp.Diff(want, visibleKeys(m)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if got := selectedKey(t, m).String(); got != "payments/checkout" {
		t.Errorf("initial selection = %s, want the first row", got)
	}
}

func TestNavigationKeys(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	n := len(m.list.set.visible)
	steps := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"up", 0},
		{"G", n - 1}, {"g", 0}, {"end", n - 1}, {"home", 0},
		{"pgdown", n - 1}, {"pgup", 0}, {"ctrl+d", min(n-1, (30-6)/2)}, {"ctrl+u", 0},
	}
	for _, s := range steps {
		m = press(t, m, s.key)
		if m.list.cursor != s.want {
			t.Fatalf("after %q cursor = %d, want %d", s.key, m.list.cursor, s.want)
		}
	}
}

func TestWindowFollowsCursor(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	m.list.load(syntheticEntries(500))
	h := m.list.rowsHeight()
	if h != 24-headerHeight-footerHeight-2 {
		t.Fatalf("rows height = %d at 80×24", h)
	}
	for i := 0; i < h; i++ {
		m = press(t, m, "j")
	}
	if m.list.offset != 1 || m.list.cursor != h {
		t.Fatalf("after %d downs: offset %d cursor %d, want 1 and %d", h, m.list.offset, m.list.cursor, h)
	}
	m = press(t, m, "G")
	if m.list.offset != 500-h {
		t.Errorf("G: offset %d, want %d", m.list.offset, 500-h)
	}
	rows := strings.Count(m.list.View(), "\n") + 1
	if rows != h+2 {
		t.Errorf("list view has %d lines, want %d", rows, h+2)
	}
}

func TestStatusTabs(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	cases := []struct {
		key  string
		want []string
	}{
		{"2", []string{"payments/checkout", "shop/shop", "shop/shop-admin"}},
		{"3", []string{"tools/status"}},
		{"4", []string{"shop/shop-debug"}},
		{"5", []string{"tools/docs"}},
		{"6", []string{"wiki/old-wiki"}},
		{"tab", nil}, // wraps to "all"
		{"shift+tab", []string{"wiki/old-wiki"}},
		{"1", nil},
	}
	for _, c := range cases {
		m = press(t, m, c.key)
		got := visibleKeys(m)
		if c.want == nil {
			if len(got) != 10 {
				t.Errorf("after %q: %d rows, want all 10", c.key, len(got))
			}
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("after %q (-want +got):\n%s", c.key, diff)
		}
	}
}

func TestTextFilter(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = press(t, m, "/")
	if !m.list.Typing() {
		t.Fatal("/ did not start the filter")
	}
	// Keys that mean something else in the list are text now.
	m = typeText(m, "shop")
	if diff := cmp.Diff([]string{"shop/shop", "shop/shop-admin", "shop/shop-debug"}, visibleKeys(m)); diff != "" {
		t.Fatalf("filter shop (-want +got):\n%s", diff)
	}
	m = typeText(m, " admin")
	if diff := cmp.Diff([]string{"shop/shop-admin"}, visibleKeys(m)); diff != "" {
		t.Fatalf("filter 'shop admin' (-want +got):\n%s", diff)
	}
	// Widening the query (backspace) brings rows back.
	for range len(" admin") {
		m = press(t, m, "backspace")
	}
	if len(visibleKeys(m)) != 3 {
		t.Fatalf("after backspace: %v", visibleKeys(m))
	}
	m = press(t, m, "enter")
	if m.list.Typing() || m.list.query != "shop" {
		t.Fatalf("enter: typing=%v query=%q, want filter kept", m.list.Typing(), m.list.query)
	}
	// With the filter kept, list keys work again and combine with tabs.
	m = press(t, m, "4")
	if diff := cmp.Diff([]string{"shop/shop-debug"}, visibleKeys(m)); diff != "" {
		t.Fatalf("filter shop + unmanaged (-want +got):\n%s", diff)
	}
	m = press(t, m, "1", "esc")
	if m.list.query != "" || len(visibleKeys(m)) != 10 {
		t.Fatalf("esc: query %q, %d rows; want cleared", m.list.query, len(visibleKeys(m)))
	}
	// Filters search hosts, files and managers too; esc while typing clears.
	for q, want := range map[string]string{
		"hooks.pay":              "payments/webhooks",
		"status-page.yaml":       "tools/status",
		"kubectl-create":         "shop/shop-debug",
		"apps/wiki/ingress.yaml": "wiki/old-wiki",
	} {
		m = press(t, m, "/")
		m = typeText(m, q)
		if got := visibleKeys(m); len(got) != 1 || got[0] != want {
			t.Errorf("filter %q = %v, want [%s]", q, got, want)
		}
		m = press(t, m, "esc")
		if m.list.Typing() || m.list.query != "" {
			t.Fatalf("esc while typing did not clear")
		}
	}
}

func TestSelectionKeptAcrossBatches(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	entries := fixtureEntries()
	m = selectKey(t, m, "tools/grafana")

	// grafana drifts: it re-sorts to the top with the same selection.
	g := entryByKey(entries, "tools", "grafana")
	g.Status, g.Severity, g.Version = model.StatusDrifted, diffengine.SeverityHigh, 100
	g.Categories = []model.Category{diffengine.CategoryRouting}
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{g}}})
	if got := selectedKey(t, m).String(); got != "tools/grafana" {
		t.Fatalf("selection after re-sort = %s, want tools/grafana", got)
	}
	if m.list.cursor != 3 {
		t.Errorf("grafana (high) should sort after the three critical rows, cursor = %d: %v", m.list.cursor, visibleKeys(m))
	}

	// Another object is inserted above: the selection stays put on grafana.
	n := entryByKey(entries, "blog", "blog")
	n.Key.Name, n.Status, n.Severity, n.Version = "blog-canary", model.StatusDrifted, diffengine.SeverityCritical, 101
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{n}}})
	if got := selectedKey(t, m).String(); got != "tools/grafana" || m.list.cursor != 4 {
		t.Fatalf("after insert above: selected %s at %d, want tools/grafana at 4", got, m.list.cursor)
	}

	// The selected object disappears: its neighbour (the next row) is
	// selected.
	next := visibleKeys(m)[m.list.cursor+1]
	m = update(m, batchMsg{model.Batch{Removed: []model.Key{{Namespace: "tools", Name: "grafana"}}}})
	if got := selectedKey(t, m).String(); got != next {
		t.Fatalf("after removing the selected row: selected %s, want its neighbour %s", got, next)
	}
	if slices.Contains(visibleKeys(m), "tools/grafana") {
		t.Fatal("removed row still listed")
	}

	// Removing the last row selects the one before it.
	m = press(t, m, "G")
	last := visibleKeys(m)[len(visibleKeys(m))-1]
	prev := visibleKeys(m)[len(visibleKeys(m))-2]
	k, _ := model.ParseKey(last)
	m = update(m, batchMsg{model.Batch{Removed: []model.Key{k}}})
	if got := selectedKey(t, m).String(); got != prev {
		t.Fatalf("after removing the last row: selected %s, want %s", got, prev)
	}
}

func TestSelectionFollowsStatusOutOfTab(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = press(t, m, "2") // drifted: checkout, shop, shop-admin
	m = press(t, m, "j")
	if got := selectedKey(t, m).String(); got != "shop/shop" {
		t.Fatalf("selected %s", got)
	}
	// shop is reverted: it leaves the drifted tab; the neighbour is selected.
	s := entryByKey(fixtureEntries(), "shop", "shop")
	s.Status, s.Severity, s.Changes, s.Categories, s.Version = model.StatusInSync, 0, nil, nil, 200
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{s}}})
	if got := selectedKey(t, m).String(); got != "shop/shop-admin" {
		t.Fatalf("selected %s after shop left the tab, want shop/shop-admin", got)
	}
	if m.list.set.counts[model.StatusDrifted] != 2 || m.list.set.counts[model.StatusInSync] != 4 {
		t.Errorf("counts not updated: %v", m.list.set.counts)
	}
}

func TestBatchUpdatesRowInPlace(t *testing.T) {
	m, _ := newTestModel(t, 160, 48)
	if !strings.Contains(screenText(m), "kubectl-patch 3m ago") {
		t.Fatal("fixture row missing")
	}
	e := entryByKey(fixtureEntries(), "shop", "shop")
	l := *e.Live
	l.Managers = append([]model.Manager{{Manager: "kubectl-edit", Operation: "Update", Time: ago(10 * time.Second)}}, l.Managers...)
	e.Live, e.Version = &l, 300
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	if !strings.Contains(screenText(m), "kubectl-edit 10s ago") {
		t.Errorf("row not updated:\n%s", screenText(m))
	}
	if len(visibleKeys(m)) != 10 {
		t.Errorf("update duplicated a row: %v", visibleKeys(m))
	}
}

func TestBatchStates(t *testing.T) {
	m, _ := newTestModel(t, 160, 48)
	stale := model.ConnState{Phase: model.ConnStale, Since: ago(2 * time.Minute), Err: "connection refused", Context: "kind-prod"}
	repo := model.RepoState{Root: "/home/dana/src/infra", GitRoot: "/home/dana/src/infra", Head: "9f8e7d6", Branch: "fix"}
	m = update(m, batchMsg{model.Batch{Cluster: &stale, Repo: &repo}})
	s := screenText(m)
	for _, want := range []string{"stale since 14:03:11Z (2m ago): connection refused", "fix@9f8e7d6"} {
		if !strings.Contains(s, want) {
			t.Errorf("header lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(strings.SplitN(s, "\n", 3)[1], "dirty") {
		t.Error("clean repo still marked dirty")
	}
}

func TestLargeBatchRebuilds(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m.list.load(syntheticEntries(2000))
	m = press(t, m, "j", "j", "j")
	sel := selectedKey(t, m)
	// Every entry changes at once (e.g. new ignore rules): the rebuild
	// path must give the same order as a fresh load.
	changed := syntheticEntries(2000)
	for i := range changed {
		if changed[i].Status == model.StatusInSync {
			changed[i].Status, changed[i].Severity = model.StatusDrifted, model.Severity(1+i%4)
		}
	}
	m = update(m, batchMsg{model.Batch{Changed: changed}})
	fresh, _ := newTestModel(t, 120, 30)
	fresh.list.load(changed)
	if diff := cmp.Diff(visibleKeys(fresh), visibleKeys(m)); diff != "" {
		t.Fatalf("rebuild order differs from a fresh load (-fresh +got):\n%s", diff)
	}
	if selectedKey(t, m) != sel {
		t.Errorf("selection lost across a rebuild: %v, want %v", selectedKey(t, m), sel)
	}
}

func TestIncrementalMatchesFreshLoad(t *testing.T) {
	// Apply many small batches (inserts, updates, removals) under a tab and
	// a text filter; the result must equal a fresh load with that filter.
	m, _ := newTestModel(t, 120, 30)
	base := syntheticEntries(600)
	m.list.load(base[:300])
	m = press(t, m, "2", "/")
	m = typeText(m, "team-01")
	m = press(t, m, "enter")
	cur := map[model.Key]model.Entry{}
	for _, e := range base[:300] {
		cur[e.Key] = e
	}
	for i := 0; i < 30; i++ {
		var b model.Batch
		for j := 0; j < 10; j++ {
			e := base[(i*37+j*11)%600]
			e.Severity = model.Severity((i + j) % 5)
			e.Status = []model.Status{model.StatusDrifted, model.StatusInSync}[j%2]
			b.Changed = append(b.Changed, e)
			cur[e.Key] = e
		}
		rk := base[(i*53)%600].Key
		if _, ok := cur[rk]; ok && !slices.ContainsFunc(b.Changed, func(e model.Entry) bool { return e.Key == rk }) {
			b.Removed = append(b.Removed, rk)
			delete(cur, rk)
		}
		m = update(m, batchMsg{b})
	}
	var all []model.Entry
	for _, e := range cur {
		all = append(all, e)
	}
	fresh, _ := newTestModel(t, 120, 30)
	fresh = press(t, fresh, "2", "/")
	fresh = typeText(fresh, "team-01")
	fresh.list.load(all)
	if diff := cmp.Diff(visibleKeys(fresh), visibleKeys(m)); diff != "" {
		t.Fatalf("incremental result differs from a fresh load (-fresh +got):\n%s", diff)
	}
	if m.list.set.counts[model.StatusDrifted] != fresh.list.set.counts[model.StatusDrifted] {
		t.Errorf("counts differ: %v vs %v", m.list.set.counts, fresh.list.set.counts)
	}
}

func TestOpenDetailAndBack(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = selectKey(t, m, "shop/shop")
	m = press(t, m, "enter")
	if m.screen != screenDetail || m.detail.entry.Key.String() != "shop/shop" {
		t.Fatalf("enter: screen %v key %v", m.screen, m.detail.entry.Key)
	}
	body := m.detail.vp.GetContent()
	for _, want := range []string{"ROUTING (1)", "CONTROLLER (1)", "METADATA (1)", "IGNORED (1)", "YAML"} {
		if !strings.Contains(body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	m = press(t, m, "esc")
	if m.screen != screenList || selectedKey(t, m).String() != "shop/shop" {
		t.Fatalf("esc: screen %v, selected %v", m.screen, selectedKey(t, m))
	}
}

func TestDetailToggles(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = selectKey(t, m, "shop/shop")
	m = press(t, m, "enter")
	body := m.detail.vp.GetContent()
	if !strings.Contains(body, "press i to show") || strings.Contains(body, "field.cattle.io/*") {
		t.Fatal("ignored differences should start hidden")
	}
	m = press(t, m, "i")
	body = m.detail.vp.GetContent()
	if !strings.Contains(body, ".ingress-drift.yaml:4: annotations field.cattle.io/* (all objects)") {
		t.Errorf("i: ignored rule not shown:\n%s", body)
	}
	if !strings.Contains(body, "side by side") {
		t.Fatal("side by side should be the default")
	}
	m = press(t, m, "u")
	body = m.detail.vp.GetContent()
	for _, want := range []string{"--- Git apps/shop/ingress.yaml:3", "+++ live (cluster)", "-              number: 8080", "+              number: 8081", "@@ "} {
		if !strings.Contains(body, want) {
			t.Errorf("unified diff lacks %q:\n%s", want, body)
		}
	}
	// tab jumps from section to section.
	m = press(t, m, "u", "tab")
	first := m.detail.vp.YOffset()
	m = press(t, m, "tab")
	if m.detail.vp.YOffset() <= first {
		t.Errorf("tab did not move to the next section: %d then %d", first, m.detail.vp.YOffset())
	}
	m = press(t, m, "shift+tab")
	if m.detail.vp.YOffset() != first {
		t.Errorf("shift+tab: offset %d, want %d", m.detail.vp.YOffset(), first)
	}
	m = press(t, m, "G")
	if !m.detail.vp.AtBottom() {
		t.Error("G did not scroll to the bottom")
	}
	m = press(t, m, "g")
	if m.detail.vp.YOffset() != 0 {
		t.Error("g did not scroll to the top")
	}
}

func TestDetailFollowsBatches(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = selectKey(t, m, "payments/checkout")
	m = press(t, m, "enter")
	e := entryByKey(fixtureEntries(), "payments", "checkout")
	e.Status, e.Changes, e.Severity, e.Categories, e.Version = model.StatusInSync, nil, 0, nil, 400
	e.Live = live(e.Desired[0].Ingress, mgrPatch)
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	if m.detail.entry.Status != model.StatusInSync || !strings.Contains(m.detail.vp.GetContent(), "Git and the cluster agree") {
		t.Fatalf("detail not refreshed:\n%s", m.detail.vp.GetContent())
	}
	m = update(m, batchMsg{model.Batch{Removed: []model.Key{e.Key}}})
	if !m.detail.gone || !strings.Contains(screenText(m), "gone from both sides") {
		t.Errorf("removed object not marked gone:\n%s", screenText(m))
	}
}

func TestHelpToggle(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	m = press(t, m, "?")
	if !m.showHelp {
		t.Fatal("? did not open help")
	}
	s := screenText(m)
	if !strings.Contains(s, "LIST") {
		t.Errorf("help screen:\n%s", s)
	}
	m = press(t, m, "?")
	if m.showHelp {
		t.Fatal("? did not close help")
	}
	m = press(t, m, "?", "esc")
	if m.showHelp || m.screen != screenList {
		t.Fatal("esc did not close help")
	}
}

func TestDisabledActionsExplain(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	for k, want := range map[string]string{
		"r": "revert to Git: no actions available",
		"a": "accept live: no actions available",
		"c": "c: commit the manifest (accept dialog) — press a to accept first",
	} {
		m = press(t, m, k)
		if m.flash != want {
			t.Errorf("%s: flash %q, want %q", k, m.flash, want)
		}
		if !strings.Contains(screenText(m), m.flash) {
			t.Errorf("%s: flash not on screen", k)
		}
	}
	m = press(t, m, "j")
	if m.flash != "" {
		t.Error("flash not cleared by the next key")
	}
	ro := New(Options{Source: newFakeSource(fixtureSnapshot()), ReadOnly: "read-only mode (--read-only)", Now: clockFixed})
	ro = update(ro, tea.WindowSizeMsg{Width: 100, Height: 30})
	ro = press(t, ro, "r")
	if ro.flash != "revert to Git: read-only mode (--read-only)" {
		t.Errorf("read-only flash = %q", ro.flash)
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _ := newTestModel(t, 80, 24)
		_, cmd := m.Update(keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s: command does not quit", k)
		}
	}
	// q is text while filtering; ctrl+c still quits.
	m, _ := newTestModel(t, 80, 24)
	m = press(t, m, "/")
	nm, cmd := m.Update(keyMsg("q"))
	if cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Error("q quit while typing a filter")
		}
	}
	if nm.(Model).list.query != "q" {
		t.Errorf("q not typed into the filter: %q", nm.(Model).list.query)
	}
	_, cmd = nm.Update(keyMsg("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c while typing: no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("ctrl+c while typing does not quit")
	}
}

func TestResize(t *testing.T) {
	m, _ := newTestModel(t, 160, 48)
	for _, size := range [][2]int{{80, 24}, {200, 60}, {100, 30}, {79, 24}, {80, 23}, {80, 24}} {
		m = update(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		s := screenText(m)
		lines := strings.Split(s, "\n")
		if size[0] < minWidth || size[1] < minHeight {
			if !strings.Contains(s, "Terminal too small") {
				t.Errorf("%v: no too-small message:\n%s", size, s)
			}
			continue
		}
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines, want %d", size, len(lines), size[1])
		}
		for i, l := range lines {
			if w := visibleWidth(l); w > size[0] {
				t.Errorf("%v: line %d is %d cells wide: %q", size, i, w, l)
			}
		}
	}
}

func TestLongNamesTruncate(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	e := entryByKey(fixtureEntries(), "blog", "blog")
	e.Key = model.Key{Namespace: "a-very-long-namespace-name-for-testing", Name: "and-an-even-longer-ingress-name-that-cannot-fit"}
	e.Status, e.Severity, e.Version = model.StatusDrifted, diffengine.SeverityCritical, 500
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	s := screenText(m)
	if !strings.Contains(s, "a-very-long-namespace-name…") && !strings.Contains(s, "a-very-long-namespace…") {
		var row string
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "a-very-long") {
				row = l
			}
		}
		if !strings.Contains(row, "…") {
			t.Errorf("long name not truncated with an ellipsis: %q", row)
		}
	}
	for i, l := range strings.Split(s, "\n") {
		if visibleWidth(l) > 80 {
			t.Errorf("line %d wraps/overflows: %q", i, l)
		}
	}
}

func TestMouse(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.list.cursor != 3 {
		t.Errorf("wheel down: cursor %d, want 3", m.list.cursor)
	}
	m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.list.cursor != 0 {
		t.Errorf("wheel up: cursor %d, want 0", m.list.cursor)
	}
	// Rows start below the header (2), tabs (1) and headings (1).
	m = update(m, tea.MouseClickMsg{Button: tea.MouseLeft, Y: 4 + 2})
	if m.list.cursor != 2 || m.screen != screenList {
		t.Fatalf("click: cursor %d screen %v", m.list.cursor, m.screen)
	}
	m = update(m, tea.MouseClickMsg{Button: tea.MouseLeft, Y: 4 + 2})
	if m.screen != screenDetail {
		t.Fatal("second click on the selected row did not open it")
	}
	if v := m.View(); v.MouseMode != tea.MouseModeCellMotion || !v.AltScreen {
		t.Errorf("view settings: mouse %v alt %v", v.MouseMode, v.AltScreen)
	}
}

func TestBackgroundColourSwitchesTheme(t *testing.T) {
	m := New(Options{Source: newFakeSource(fixtureSnapshot()), Theme: "auto", Now: clockFixed})
	if !m.styles.Theme.Dark {
		t.Fatal("auto should start dark")
	}
	m = update(m, tea.BackgroundColorMsg{Color: whiteColour{}})
	if m.styles.Theme.Dark {
		t.Error("a light background did not switch to the light theme")
	}
	fixed := New(Options{Source: newFakeSource(fixtureSnapshot()), Theme: "dark", Now: clockFixed})
	fixed = update(fixed, tea.BackgroundColorMsg{Color: whiteColour{}})
	if !fixed.styles.Theme.Dark {
		t.Error("--theme dark changed with the background")
	}
	nc := New(Options{Source: newFakeSource(fixtureSnapshot()), NoColor: true})
	if !nc.styles.Theme.NoColor {
		t.Error("NoColor not applied")
	}
}

type whiteColour struct{}

func (whiteColour) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestConfirmDialog(t *testing.T) {
	m, _ := newTestModel(t, 100, 30)
	nm, _ := m.Update(openConfirmMsg{req: confirmRequest{ID: "p1", Title: "Revert shop/shop to Git?",
		Body: staticBody("update shop/shop in the cluster (context kind-prod): 2 fields")}})
	m = nm.(Model)
	if !strings.Contains(screenText(m), "Revert shop/shop to Git?") {
		t.Fatalf("dialog not drawn:\n%s", screenText(m))
	}
	// While open, list keys do nothing.
	m = press(t, m, "j")
	if m.list.cursor != 0 {
		t.Error("j moved the list under the dialog")
	}
	_, cmd := m.Update(keyMsg("y"))
	if res, ok := cmd().(confirmResultMsg); !ok || !res.OK || res.ID != "p1" {
		t.Fatalf("y: %#v", cmd())
	}
	m = update(m, confirmResultMsg{ID: "p1", OK: true})
	if m.confirm != nil {
		t.Fatal("dialog still open after the answer")
	}

	// Typed confirmation: y is text, enter checks the name.
	nm, _ = m.Update(openConfirmMsg{req: confirmRequest{ID: "p2", Title: "Delete shop/shop-debug from the cluster?", TypeToConfirm: "shop-debug"}})
	m = nm.(Model)
	// Nothing typed shows nothing after the prompt: a placeholder name,
	// without colour, would read as typed.
	if s := screenText(m); strings.Contains(s, "> shop-debug") || !strings.Contains(s, "Type shop-debug to confirm") {
		t.Errorf("before typing, the dialog shows the name as if typed, or no prompt:\n%s", s)
	}
	_, cmd = m.Update(keyMsg("enter"))
	if cmd != nil {
		t.Fatal("enter with nothing typed confirmed")
	}
	m = typeText(m, "shop-debug")
	_, cmd = m.Update(keyMsg("enter"))
	if res, ok := cmd().(confirmResultMsg); !ok || !res.OK || res.ID != "p2" {
		t.Fatalf("typed confirm: %#v", cmd())
	}
	_, cmd = m.Update(keyMsg("esc"))
	if res, ok := cmd().(confirmResultMsg); !ok || res.OK {
		t.Fatalf("esc: %#v", cmd())
	}
}

func TestTooSmall(t *testing.T) {
	m, _ := newTestModel(t, 60, 20)
	s := screenText(m)
	for _, want := range []string{"Terminal too small", "80×24", "60×20"} {
		if !strings.Contains(s, want) {
			t.Errorf("too-small screen lacks %q:\n%s", want, s)
		}
	}
}

// TestCursorStaysOnTopUntilMoved: at start-up entries stream in; until the
// user moves the cursor it stays on the first row (the worst object), not
// on whichever object arrived first.
func TestCursorStaysOnTopUntilMoved(t *testing.T) {
	m, _ := newTestModel(t, 120, 30)
	first := visibleKeys(m)[0]
	n := entryByKey(fixtureEntries(), "blog", "blog")
	n.Key.Name, n.Status, n.Severity, n.Version = "blog-canary", model.StatusDrifted, diffengine.SeverityCritical, 101
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{n}}})
	if m.list.cursor != 0 || selectedKey(t, m).String() != visibleKeys(m)[0] {
		t.Fatalf("before any move: cursor %d on %s, want row 0 (%s)", m.list.cursor, selectedKey(t, m), visibleKeys(m)[0])
	}
	if visibleKeys(m)[0] == first {
		t.Fatalf("the test entry did not sort first: %v", visibleKeys(m))
	}
	// Once the user has chosen a row, the selection follows that object.
	m = press(t, m, "j")
	chosen := selectedKey(t, m).String()
	n2 := n
	n2.Key.Name, n2.Version = "blog-canary-2", 102
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{n2}}})
	if got := selectedKey(t, m).String(); got != chosen {
		t.Fatalf("after the user moved: selected %s, want %s", got, chosen)
	}
}

// The YAML view shows the pair the inventory compared: an Ingress that is
// in sync because the API server filled in the cluster's default class
// (known to the inventory, not to the TUI's options) shows no difference.
func TestDetailYAMLIsTheComparedPair(t *testing.T) {
	mk := func(class string) *networkingv1.Ingress {
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}
		if class != "" {
			ing.Spec.IngressClassName = &class
		}
		return ing
	}
	inv := model.NewInventory(diffengine.Options{})
	inv.SetDefaultIngressClass("nginx")
	inv.UpsertLive(&model.LiveObject{Ingress: mk("nginx")})
	inv.SetSource("web.yaml", []model.Desired{{Ingress: mk(""), Namespace: "shop", Origin: model.Origin{File: "web.yaml", Line: 1, Item: -1}}}, nil)
	if e, _ := inv.Get(model.Key{Namespace: "shop", Name: "web"}); e.Status != model.StatusInSync {
		t.Fatalf("status %v, want in sync", e.Status)
	}
	src := newFakeSource(inv.Snapshot())
	m := New(Options{Source: src, Theme: "dark", Now: clockFixed})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	ch, cancel := src.Subscribe()
	m = update(m, sourceReadyMsg{snap: src.Snapshot(), ch: ch, cancel: cancel})
	m = selectKey(t, m, "shop/web")
	m = press(t, m, "enter")
	if len(m.detail.diff.hunks) != 0 || !strings.Contains(m.detail.diff.right, "ingressClassName: nginx") || !strings.Contains(m.detail.diff.left, "ingressClassName: nginx") {
		t.Errorf("YAML view differs from what was compared:\n--- git\n%s\n--- live\n%s", m.detail.diff.left, m.detail.diff.right)
	}
}
