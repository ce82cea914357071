package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

var (
	keyCanary = model.Key{Namespace: "shop", Name: "shop-canary"}
	keyBlog   = model.Key{Namespace: "blog", Name: "blog"}
)

// findingsSnapshot is the fixture with findings, made by hand as the
// inventory computes them: shop/shop-canary, created by hand, claims
// shop.example.com/api beside shop/shop (both flagged, the canary as the
// suspect), shop/shop's drifted port is used nowhere else, and blog/blog
// (in sync) has a TLS host no rule serves.
func findingsSnapshot() model.Snapshot {
	s := fixtureSnapshot()
	claim := func(others model.Key, suspect bool) model.Finding {
		return model.Finding{Kind: model.FindingRouteClaimed, Severity: diffengine.SeverityHigh,
			Message: "shop.example.com/api (Prefix) is claimed by 2 live Ingresses of class nginx; which one serves it depends on the controller",
			Host:    "shop.example.com", Path: "/api", PathType: "Prefix", Class: "nginx", Others: []model.Key{others}, Suspect: suspect}
	}
	for i := range s.Entries {
		e := &s.Entries[i]
		switch e.Key {
		case keyShop:
			e.Findings = []model.Finding{claim(keyCanary, false), {Kind: model.FindingBackendUnused, Severity: diffengine.SeverityLow,
				Message: "backend shop-api:8081 is used by no other live Ingress and no manifest: a likely typo",
				Host:    "shop.example.com", Path: "/api", PathType: "Prefix"}}
		case keyBlog:
			e.Findings = []model.Finding{{Kind: model.FindingTLSHostUnserved, Severity: diffengine.SeverityLow,
				Message: "TLS entry blog-tls names www.blog.example.com, which no rule serves", Host: "www.blog.example.com"}}
		}
	}
	canary := ingress("shop", "shop-canary", nil, "shop.example.com", "", pathSpec{"/api", "shop-api-canary", 8080})
	s.Entries = append(s.Entries, model.Entry{
		Key: keyCanary, Status: model.StatusMissingGit, Version: 201, Live: live(canary, mgrCreate),
		Findings: []model.Finding{claim(keyShop, true)},
	})
	return s
}

// newSnapshotModel is newTestModel on another snapshot.
func newSnapshotModel(t testing.TB, s model.Snapshot, w, h int, ascii bool) Model {
	t.Helper()
	m, _ := newModelOn(t, s, w, h, Options{ASCII: ascii})
	return m
}

// goldenSnapshot renders snap() at each golden size after selecting row
// (if any) and pressing keys.
func goldenSnapshot(t *testing.T, snap func() model.Snapshot, name, row string, keys ...string) {
	t.Helper()
	for _, sz := range goldenSizes {
		m := newSnapshotModel(t, snap(), sz[0], sz[1], false)
		if row != "" {
			m = selectKey(t, m, row)
		}
		m = press(t, m, keys...)
		requireGolden(t, fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), screenText(m))
	}
}

// goldenFindings is goldenSnapshot on findingsSnapshot.
func goldenFindings(t *testing.T, name, row string, keys ...string) {
	t.Helper()
	goldenSnapshot(t, findingsSnapshot, name, row, keys...)
}

// The list marks the rows with findings in their own gutter, and the
// status line says what the marker means.
func TestGoldenListFindings(t *testing.T) { goldenFindings(t, "list_findings", "") }

// The detail lists each finding: severity, kind, place, message, the
// other Ingresses and whether this object is the suspect.
func TestGoldenDetailFindings(t *testing.T) {
	goldenFindings(t, "detail_findings", "shop/shop", "enter")
}

func TestGoldenDetailFindingsSuspect(t *testing.T) {
	goldenFindings(t, "detail_findings_suspect", "shop/shop-canary", "enter")
}

// rowWithKey is the screen line of the row showing key (its name cell
// followed by a space, so shop/shop is not shop/shop-admin).
func rowWithKey(t *testing.T, screen, key string) string {
	t.Helper()
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, " "+key+" ") {
			return l
		}
	}
	t.Fatalf("no row %s on screen:\n%s", key, screen)
	return ""
}

// TestFindingsMarker: exactly the rows with findings carry the marker, in
// the gutter before the status (so it is read as neither status nor
// severity), in Unicode and ASCII, selected or not; the severity column
// stays the drift's; without findings there is no gutter.
func TestFindingsMarker(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		mark := "◆"
		if ascii {
			mark = "#"
		}
		m := newSnapshotModel(t, findingsSnapshot(), 160, 40, ascii)
		screen := screenText(m)
		with := []string{"shop/shop", "shop/shop-canary", "blog/blog"}
		for _, r := range m.list.set.order {
			k := r.e.Key.String()
			line := rowWithKey(t, screen, k)
			has := strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(line, m.sym.cursor), " "), mark+" ")
			if want := slices.Contains(with, k); has != want {
				t.Errorf("ascii=%v row %s: marker %v, want %v: %q", ascii, k, has, want, line)
			}
		}
		// The selected row (checkout, no findings) and a selected row
		// with findings keep their cells in the same columns as the rest.
		status := cellOf(rowWithKey(t, screen, "tools/docs"), "conflict")
		m = selectKey(t, m, "shop/shop")
		line := rowWithKey(t, screenText(m), "shop/shop")
		if !strings.HasPrefix(line, m.sym.cursor+mark+" ") || cellOf(line, "drifted") != status {
			t.Errorf("ascii=%v selected shop/shop: %q, want cursor, marker, then the status at cell %d", ascii, line, status)
		}
		if r := rowWithKey(t, screenText(m), "shop/shop-canary"); !strings.Contains(r, "shop/shop-canary    –  ") {
			t.Errorf("a finding must not give the row a severity: %q", r)
		}
		if s := screenText(m); !strings.Contains(s, mark+" 3 with findings (not drift; ? explains)") {
			t.Errorf("ascii=%v: no legend in the status line:\n%s", ascii, s)
		}
	}
	plain := screenText(newSnapshotModel(t, fixtureSnapshot(), 160, 40, false))
	if strings.Contains(plain, "◆") || !strings.Contains(plain, "\n  STATUS ") {
		t.Errorf("without findings: no marker, the two-cell gutter:\n%s", plain)
	}
}

// TestFindingsFollowBatches: a batch that gives the first object findings
// draws the gutter, one that takes the last away removes it; the count
// follows incremental and rebuilding batches alike.
func TestFindingsFollowBatches(t *testing.T) {
	m := newSnapshotModel(t, fixtureSnapshot(), 160, 40, false)
	e := entryByKey(fixtureEntries(), "tools", "grafana")
	e.Version = 500
	e.Findings = []model.Finding{{Kind: model.FindingHostWithoutTLS, Severity: diffengine.SeverityMedium, Host: "grafana.internal.example.com",
		Message: "grafana.internal.example.com is served without TLS while the object's other hosts are covered"}}
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	if !m.list.marked || m.list.set.findings != 1 || !strings.HasPrefix(rowWithKey(t, screenText(m), "tools/grafana"), " ◆ ") {
		t.Errorf("after a finding arrived: marked %v, count %d\n%s", m.list.marked, m.list.set.findings, screenText(m))
	}
	if !strings.Contains(screenText(m), "\n   STATUS ") {
		t.Errorf("headings not moved with the gutter:\n%s", screenText(m))
	}
	e.Version, e.Findings = 501, nil
	m = update(m, batchMsg{model.Batch{Changed: []model.Entry{e}}})
	if m.list.marked || m.list.set.findings != 0 || strings.Contains(screenText(m), "◆") {
		t.Errorf("after the finding went: marked %v, count %d\n%s", m.list.marked, m.list.set.findings, screenText(m))
	}
	// A rebuild (a batch larger than rebuildThreshold) counts the same.
	s := findingsSnapshot()
	var big []model.Entry
	for i := range 70 {
		x := entryByKey(s.Entries, "shop", "shop")
		x.Key.Name = fmt.Sprintf("bulk-%02d", i)
		x.Version = uint64(600 + i)
		big = append(big, x)
	}
	m = update(m, batchMsg{model.Batch{Changed: big, Removed: []model.Key{{Namespace: "nowhere", Name: "x"}}}})
	if m.list.set.findings != 70 || !m.list.marked {
		t.Errorf("after a rebuilding batch: count %d, want 70", m.list.set.findings)
	}
	m = update(m, batchMsg{model.Batch{Removed: []model.Key{big[0].Key}}})
	if m.list.set.findings != 69 {
		t.Errorf("after removing one: count %d, want 69", m.list.set.findings)
	}
}

// TestFindingsFilter: "/finding" shows the objects with findings, and a
// kind or a finding's host finds its object.
func TestFindingsFilter(t *testing.T) {
	for q, want := range map[string][]string{
		"finding":              {"shop/shop", "shop/shop-canary", "blog/blog"},
		"route-claimed-twice":  {"shop/shop", "shop/shop-canary"},
		"www.blog.example.com": {"blog/blog"},
	} {
		m := typeText(press(t, newSnapshotModel(t, findingsSnapshot(), 160, 40, false), "/"), q)
		got := visibleKeys(m)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("filter %q = %v, want %v", q, got, want)
		}
	}
}

// TestFindingsOpenOther: o in the detail opens the other Ingress of the
// conflict and back again, selecting its row (esc lands on it); it does
// nothing where no finding names another object, and says so when the
// other object is gone.
func TestFindingsOpenOther(t *testing.T) {
	m := newSnapshotModel(t, findingsSnapshot(), 160, 40, false)
	m = press(t, selectKey(t, m, "shop/shop"), "enter")
	if !strings.Contains(screenText(m), "o open shop/shop-canary") {
		t.Errorf("the footer does not offer o:\n%s", screenText(m))
	}
	m = pressCmd(t, m, "o")
	if m.detail.entry.Key != keyCanary || !strings.Contains(screenText(m), "suspect    this object") {
		t.Fatalf("o opened %s, want shop/shop-canary:\n%s", m.detail.entry.Key, screenText(m))
	}
	m = pressCmd(t, m, "o")
	if m.detail.entry.Key != keyShop {
		t.Fatalf("o again opened %s, want shop/shop", m.detail.entry.Key)
	}
	m = pressCmd(t, m, "o", "esc")
	if m.screen != screenList || selectedKey(t, m) != keyCanary {
		t.Errorf("esc: screen %v, selected %s, want the list on shop/shop-canary", m.screen, selectedKey(t, m))
	}
	// o's message arriving after esc left the detail changes nothing.
	if m = update(m, openEntryMsg{keyShop}); m.screen != screenList || selectedKey(t, m) != keyCanary {
		t.Errorf("a late open: screen %v, selected %s, want the list on shop/shop-canary", m.screen, selectedKey(t, m))
	}

	// No other object: o is off and does nothing.
	m = pressCmd(t, selectKey(t, m, "blog/blog"), "enter", "o")
	if m.detail.entry.Key != keyBlog || strings.Contains(screenText(m), "o open") {
		t.Errorf("o on blog/blog: opened %s\n%s", m.detail.entry.Key, screenText(m))
	}

	// The other object is gone from both sides.
	m = pressCmd(t, selectKey(t, press(t, m, "esc", "g"), "shop/shop"), "enter")
	m = update(m, batchMsg{model.Batch{Removed: []model.Key{keyCanary}}})
	m = pressCmd(t, m, "o")
	if m.detail.entry.Key != keyShop || !strings.Contains(screenText(m), "shop/shop-canary: no longer in the cluster or the repo") {
		t.Errorf("o to a gone object: opened %s\n%s", m.detail.entry.Key, screenText(m))
	}
}

// cellOf is the screen column where sub starts in line.
func cellOf(line, sub string) int { return textWidth(line[:strings.Index(line, sub)]) }

// pressCmd is press, running the command each key returns and handing
// its message back (o answers with a message for the root).
func pressCmd(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	return pressWith(t, m, func(m Model, msg tea.Msg) Model {
		nm, cmd := m.Update(msg)
		m = nm.(Model)
		if cmd != nil {
			if msg, ok := cmd().(openEntryMsg); ok {
				m = update(m, msg)
			}
		}
		return m
	}, keys...)
}

func TestNextOther(t *testing.T) {
	a, b, c := model.Key{Namespace: "x", Name: "a"}, model.Key{Namespace: "x", Name: "b"}, model.Key{Namespace: "x", Name: "c"}
	claim := func(others ...model.Key) model.Finding {
		return model.Finding{Kind: model.FindingRouteClaimed, Others: others}
	}
	for _, tc := range []struct {
		e    model.Entry
		want model.Key
		ok   bool
	}{
		{model.Entry{Key: a}, model.Key{}, false},
		{model.Entry{Key: a, Findings: []model.Finding{{Kind: model.FindingHostWithoutTLS}}}, model.Key{}, false},
		{model.Entry{Key: a, Findings: []model.Finding{claim(b)}}, b, true},
		{model.Entry{Key: b, Findings: []model.Finding{claim(a)}}, a, true},
		{model.Entry{Key: b, Findings: []model.Finding{claim(a, c)}}, c, true},
		{model.Entry{Key: c, Findings: []model.Finding{claim(a, b)}}, a, true},
		// Two findings naming the same object: one group, no repeats.
		{model.Entry{Key: a, Findings: []model.Finding{claim(c), claim(b, c)}}, b, true},
	} {
		got, ok := nextOther(tc.e)
		if got != tc.want || ok != tc.ok {
			t.Errorf("nextOther(%s, %v) = %s, %v; want %s, %v", tc.e.Key, tc.e.Findings, got, ok, tc.want, tc.ok)
		}
	}
}

// TestHelpExplainsFindings: the help names the marker and every kind.
func TestHelpExplainsFindings(t *testing.T) {
	m := press(t, newSnapshotModel(t, findingsSnapshot(), 120, 200, false), "?")
	s := screenText(m)
	for _, want := range []string{"FINDINGS", "◆ marks an object with findings", "never drift", "--fail-on-findings", "o         other Ingress of a finding"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	for _, k := range []model.FindingKind{model.FindingRouteClaimed, model.FindingHostWithoutTLS, model.FindingTLSHostUnserved, model.FindingBackendUnused} {
		if !strings.Contains(s, "\n"+string(k)+"\n") {
			t.Errorf("help does not explain %s:\n%s", k, s)
		}
	}
}

// TestFlowFindings drives the program: the marker's legend shows, the
// detail of shop/shop lists its findings, and o opens the suspect through
// the program's own message loop.
func TestFlowFindings(t *testing.T) {
	src := newFakeSource(findingsSnapshot())
	tm := teatest.NewTestModel(t, New(Options{Source: src, Theme: "dark", Now: clockFixed}),
		teatest.WithInitialTermSize(120, 40))
	waitText(t, tm, "3 with findings")
	send(tm, "j", "enter")
	waitText(t, tm, "FINDINGS (2)")
	send(tm, "o")
	waitText(t, tm, "this object: it is not in Git")
	send(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	if k := tm.FinalModel(t).(Model).detail.entry.Key; k != keyCanary {
		t.Errorf("o opened %s, want shop/shop-canary", k)
	}
}
