package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

var (
	keyWeb     = model.Key{Namespace: "shop", Name: "web"}
	helmWeb    = &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Namespace: "shop", Template: "charts/web/templates/ingress.yaml", ValueFiles: []string{"envs/prod/values.yaml", "envs/prod/replicas.yaml"}}
	argoAPI    = &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Namespace: "argocd", Name: "api", File: "apps/api.yaml", Line: 3, SelfHeal: true}
	fluxTools  = &model.GitOpsOrigin{Controller: "flux", Kind: "Kustomization", Namespace: "flux-system", Name: "tools", File: "clusters/prod/tools.yaml", Line: 12}
	fixNotices = []model.RepoError{
		{File: "apps/api.yaml", Line: 3, Message: "values not all known: valuesFrom Secret api-values is never read", Notice: true},
		{File: "charts/legacy", Message: "no release renders this chart", Notice: true},
	}
)

// renderedSnapshot is the fixture with rendered objects and notices:
// shop/web rendered from a chart (drifted), shop/api rendered by an Argo CD
// Application from a chart, tools/metrics a plain file a Flux
// Kustomization applies, and two notices.
func renderedSnapshot() model.Snapshot {
	s := fixtureSnapshot()
	web := ingress("shop", "web", nil, "web.example.com", "web-tls", pathSpec{"/", "web", 80})
	webLive := web.DeepCopy()
	webLive.Spec.TLS = nil
	webOrigin := model.Origin{File: helmWeb.Template, Line: 1, Item: -1, Helm: helmWeb}
	s.Entries = append(s.Entries, model.Entry{
		Key: keyWeb, Status: model.StatusDrifted, Version: 101,
		Live: live(webLive, mgrPatch), Desired: []model.Desired{{Ingress: web, Namespace: "shop", Origin: webOrigin}},
		Changes: []model.AttributedChange{{Change: model.Change{Path: "spec.tls[secretName=web-tls]", Op: diffengine.OpRemoved,
			Category: diffengine.CategoryTLS, Severity: diffengine.SeverityCritical, Git: map[string]any{"secretName": "web-tls"},
			Rule: "TLS removed: traffic served in clear text"}}},
		Severity: diffengine.SeverityCritical, Categories: []model.Category{diffengine.CategoryTLS},
	})
	api := ingress("shop", "api", nil, "api.example.com", "", pathSpec{"/", "api", 8080})
	apiHelm := &model.HelmOrigin{Chart: "charts/api", Release: "api", Template: "charts/api/templates/ingress.yaml",
		ValuesIncomplete: "valuesFrom Secret api-values is never read"}
	s.Entries = append(s.Entries, model.Entry{
		Key: model.Key{Namespace: "shop", Name: "api"}, Status: model.StatusInSync, Version: 102, Live: live(api, mgrApply),
		Desired: []model.Desired{{Ingress: api, Namespace: "shop", Origin: model.Origin{File: apiHelm.Template, Line: 1, Item: -1, Helm: apiHelm, GitOps: argoAPI}}},
	})
	metrics := ingress("tools", "metrics", nil, "metrics.internal.example.com", "", pathSpec{"/", "prometheus", 9090})
	s.Entries = append(s.Entries, model.Entry{
		Key: model.Key{Namespace: "tools", Name: "metrics"}, Status: model.StatusInSync, Version: 103, Live: live(metrics, mgrApply),
		Desired: []model.Desired{{Ingress: metrics, Namespace: "tools", Origin: model.Origin{File: "platform/metrics.yaml", Line: 1, Item: -1, GitOps: fluxTools}}},
	})
	s.Notices = fixNotices
	return s
}

// newRenderedModel is newTestModel on renderedSnapshot.
func newRenderedModel(t testing.TB, w, h int, acts Actions) Model {
	t.Helper()
	m, _ := newModelOn(t, renderedSnapshot(), w, h, Options{Actions: acts})
	return m
}

// goldenRendered renders renderedSnapshot at each golden size after
// selecting row (if any) and pressing keys.
func goldenRendered(t *testing.T, name, row string, keys ...string) {
	t.Helper()
	goldenSnapshot(t, renderedSnapshot, name, row, keys...)
}

// The list names a rendered object's chart and release, or the GitOps
// object that renders it, with its file and line.
func TestGoldenListRendered(t *testing.T) { goldenRendered(t, "list_rendered", "") }

// The errors tab: errors, then the notices, marked and counted apart.
func TestGoldenErrorsNotices(t *testing.T) { goldenRendered(t, "errors_notices", "", "6") }

// The detail of a chart-rendered object names its template, chart,
// release and every value file.
func TestGoldenDetailHelm(t *testing.T) { goldenRendered(t, "detail_helm", "shop/web", "enter") }

// The detail of an object an Argo CD Application renders says who
// manages it and whether it self-heals, and that its values are not all
// known.
func TestGoldenDetailGitOps(t *testing.T) { goldenRendered(t, "detail_gitops", "shop/api", "enter") }

// TestListOrigins: the origin cell of each kind of origin, in full when
// there is room, in Unicode and ASCII, and the filter finds an object by its template, value file,
// chart and GitOps file although the cell does not show them.
func TestListOrigins(t *testing.T) {
	m := newRenderedModel(t, 200, 40, nil)
	screen := screenText(m)
	for row, want := range map[string]string{
		"shop/web":      "helm web-prod · charts/web",
		"shop/api":      "argocd api · charts/api ‹apps/api.yaml:3›",
		"tools/metrics": "flux ks tools · platform/metrics.yaml:1",
		"blog/blog":     "apps/blog/ingress.yaml:1",
	} {
		if r := rowWith(screen, row); !strings.Contains(r, want) {
			t.Errorf("row %s = %q, want %q in it", row, r, want)
		}
	}
	ascii := New(Options{Source: newFakeSource(renderedSnapshot()), Theme: "dark", Now: clockFixed, ASCII: true})
	ascii = update(ascii, tea.WindowSizeMsg{Width: 200, Height: 40})
	ascii = update(ascii, sourceReadyMsg{snap: renderedSnapshot()})
	if r := rowWith(screenText(ascii), "shop/api"); !strings.Contains(r, "argocd api - charts/api <apps/api.yaml:3>") {
		t.Errorf("ASCII row = %q", r)
	}
	// A fresh model per filter: copies of a model share its rows.
	for q, want := range map[string]string{"replicas.yaml": "shop/web", "charts/api/templates": "shop/api",
		"clusters/prod/tools.yaml": "tools/metrics", "argocd": "shop/api"} {
		f := typeText(press(t, newRenderedModel(t, 200, 40, nil), "/"), q)
		if got := visibleKeys(f); len(got) != 1 || got[0] != want {
			t.Errorf("filter %q = %v, want %s", q, got, want)
		}
	}
}

// TestNoticesTab: notices show only on the errors tab, after the error
// rows, are counted apart in its title (short form on a narrow terminal),
// are not rows (the cursor and actions never reach them), follow the
// filter, and change with a batch.
func TestNoticesTab(t *testing.T) {
	m := newRenderedModel(t, 160, 40, nil)
	if s := screenText(m); !strings.Contains(s, " 6 errors 1 + 2 notices ") || strings.Contains(s, "NOTICES") {
		t.Errorf("all tab: want the count in the errors tab title and no notices:\n%s", s)
	}
	m = press(t, m, "6")
	s := screenText(m)
	errRow, notes := strings.Index(s, "wiki/old-wiki"), strings.Index(s, "NOTICES (2)")
	if errRow < 0 || notes < errRow || !strings.Contains(s, "  i notice        apps/api.yaml:3  values not all known") ||
		!strings.Contains(s, "  i notice        charts/legacy    no release renders this chart") {
		t.Errorf("errors tab: want the error row, then the notices:\n%s", s)
	}
	m = press(t, m, "j", "j", "G")
	if got := visibleKeys(m); len(got) != 1 || selectedKey(t, m).String() != "wiki/old-wiki" {
		t.Errorf("rows %v, selected %s: notices must not be rows", got, selectedKey(t, m))
	}
	f := typeText(press(t, newRenderedModel(t, 160, 40, nil), "6", "/"), "legacy")
	for _, l := range []listModel{m.list, f.list} {
		if l.afterCount() != len(l.afterRows()) {
			t.Errorf("afterCount %d, afterRows %d lines", l.afterCount(), len(l.afterRows()))
		}
	}
	if s := screenText(f); !strings.Contains(s, "NOTICES (1)") || strings.Contains(s, "apps/api.yaml:3") || !strings.Contains(s, "Nothing matches") {
		t.Errorf("filter legacy: want only that notice, after the empty-list line:\n%s", s)
	}

	// Narrow: the short count.
	n := press(t, newRenderedModel(t, 80, 24, nil), "6")
	if s := screenText(n); !strings.Contains(s, "[6 err 1 +2 notes]") {
		t.Errorf("80 columns: want the short count:\n%s", s)
	}

	// A batch changes the notices.
	m = update(m, batchMsg{model.Batch{NoticesChanged: true, Notices: fixNotices[1:]}})
	if s := screenText(m); !strings.Contains(s, "6 errors 1 + 1 notice]") || !strings.Contains(s, "NOTICES (1)") {
		t.Errorf("after a batch with one notice:\n%s", s)
	}
	m = update(m, batchMsg{model.Batch{NoticesChanged: true}})
	if s := screenText(m); strings.Contains(s, "notice") {
		t.Errorf("after a batch without notices:\n%s", s)
	}
}

// TestNoticesScrollIntoView: with more errors than fit, the notices show
// once the cursor is on the last row.
func TestNoticesScrollIntoView(t *testing.T) {
	s := renderedSnapshot()
	for i := range 30 {
		s.Entries = append(s.Entries, model.Entry{Key: model.Key{Namespace: "bulk", Name: fmt.Sprintf("e%02d", i)}, Status: model.StatusError, Version: uint64(200 + i),
			Errors: []model.RepoError{{File: fmt.Sprintf("bulk/%02d.yaml", i), Line: 1, Message: "bad"}}})
	}
	src := newFakeSource(s)
	m := New(Options{Source: src, Theme: "dark", Now: clockFixed})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	m = update(m, sourceReadyMsg{snap: s})
	m = press(t, m, "6")
	if strings.Contains(screenText(m), "NOTICES") {
		t.Fatal("notices shown before the errors that come first")
	}
	m = press(t, m, "G")
	sc := screenText(m)
	if !strings.Contains(sc, "charts/legacy") || !strings.Contains(sc, "▌") {
		t.Errorf("at the last row: want the notices and the cursor in view:\n%s", sc)
	}
	m = press(t, m, "g")
	if strings.Contains(screenText(m), "NOTICES") || selectedKey(t, m).String() != "bulk/e00" {
		t.Errorf("back at the top: selected %s", selectedKey(t, m))
	}
}

// TestActionRendered: accept of a chart-rendered object is refused with the
// files to edit, in the engine's words; its revert is offered. A plan's
// GitOps note is in the dialog.
func TestActionRendered(t *testing.T) {
	fa := newFakeActions()
	note := "Argo CD Application argocd/api self-heals: this revert is what it will do anyway on its next sync."
	fa.plans[actionID(keyWeb, model.ActionRevert)] = &model.Plan{Key: keyWeb, Action: model.ActionRevert, Operation: model.OpUpdateLive,
		Summary: "update shop/web in the cluster (context kind-prod): 1 field(s) back to helm charts/web/templates/ingress.yaml (release web-prod)",
		GitOps:  note}
	// At every width the refusal is a dialog with the whole reason wrapped:
	// the files to edit come last and must not be cut off.
	for _, w := range []int{80, 120, 160} {
		m := selectKey(t, newRenderedModel(t, w, 24, fa), "shop/web")
		m = act(t, m, "a")
		wantIn(t, fmt.Sprintf("refusal at %d columns", w), dialogText(t, m), "Cannot accept shop/web", helmWeb.EditHint())
		if m = act(t, m, "enter"); m.confirm != nil || m.flow.busy() {
			t.Fatalf("%d columns: the refusal did not close", w)
		}
	}
	m := selectKey(t, newRenderedModel(t, 120, 30, fa), "shop/web")
	if want := "rendered by Helm chart charts/web (release web-prod): edit charts/web/templates/ingress.yaml or the values (each later one wins): charts/web/values.yaml (defaults), envs/prod/values.yaml, envs/prod/replicas.yaml"; helmWeb.EditHint() != want {
		t.Errorf("hint %q", helmWeb.EditHint())
	}
	if p, _ := fa.calls(); len(p) != 0 {
		t.Errorf("a refused accept asked for a plan: %v", p)
	}
	m = act(t, m, "r")
	wantIn(t, "dialog", collapse(dialogText(t, m)), "Revert shop/web to Git?", note)
}

// TestFlowNotices drives the program: a batch with notices reaches the
// errors tab through the subscription.
func TestFlowNotices(t *testing.T) {
	snap := renderedSnapshot()
	snap.Notices = nil
	src := newFakeSource(snap)
	tm := teatest.NewTestModel(t, New(Options{Source: src, Theme: "dark", Now: clockFixed}), teatest.WithInitialTermSize(120, 30))
	waitText(t, tm, "payments/checkout")
	send(tm, "6")
	waitText(t, tm, "[6 errors 1]")
	select {
	case src.ch <- model.Batch{NoticesChanged: true, Notices: fixNotices}:
	case <-time.After(waitLimit):
		t.Fatal("the program did not take the batch")
	}
	waitText(t, tm, "no release renders this chart")
	send(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
}

// TestOriginCellCut: the origin cell says what renders the object and,
// when cut, drops the GitOps object's file first, then shortens the
// chart or file, and keeps the controller, kind and name to the last;
// two objects one Flux Kustomization applies stay apart by their files.
func TestOriginCellCut(t *testing.T) {
	sym := newSymbols(false)
	store := &model.HelmOrigin{Chart: "charts/storefront", Release: "prod-storefront", Template: "charts/storefront/templates/ingress.yaml"}
	hr := &model.GitOpsOrigin{Controller: "flux", Kind: "HelmRelease", Namespace: "flux-system", Name: "storefront", File: "clusters/prod/storefront.yaml", Line: 14}
	apps := &model.GitOpsOrigin{Controller: "flux", Kind: "Kustomization", Name: "apps", File: "clusters/prod/apps.yaml", Line: 1}
	web := &model.GitOpsOrigin{Controller: "argocd", Kind: "Application", Name: "web-prod", File: "argocd/web-prod.yaml", Line: 3}
	webHelm := &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Template: "charts/web/templates/ingress.yaml"}
	for _, c := range []struct {
		o     model.Origin
		width int
		want  string
	}{
		{model.Origin{Helm: store, GitOps: hr}, 80, "flux hr storefront · charts/storefront ‹clusters/prod/storefront.yaml:14›"},
		{model.Origin{Helm: store, GitOps: hr}, 60, "flux hr storefront · charts/storefront"},
		{model.Origin{Helm: store, GitOps: hr}, 38, "flux hr storefront · charts/storefront"},
		{model.Origin{Helm: store, GitOps: hr}, 30, "flux hr storefront · …orefront"},
		{model.Origin{Helm: store, GitOps: hr}, 24, "flux hr storefront"},
		{model.Origin{Helm: store, GitOps: hr}, 16, "flux hr storefr…"},
		{model.Origin{Helm: webHelm, GitOps: web}, 28, "argocd web-prod · charts/web"},
		{model.Origin{Helm: webHelm, GitOps: web}, 26, "argocd web-prod · …rts/web"},
		{model.Origin{File: "apps/shop/ingress.yaml", Line: 4, GitOps: apps}, 40, "flux ks apps · apps/shop/ingress.yaml:4"},
		{model.Origin{File: "apps/blog/ingress.yaml", Line: 4, GitOps: apps}, 40, "flux ks apps · apps/blog/ingress.yaml:4"},
		{model.Origin{File: "apps/shop/ingress.yaml", Line: 4, GitOps: apps}, 26, "flux ks apps · …ess.yaml:4"},
		{model.Origin{File: "apps/shop/ingress.yaml", Line: 4, GitOps: apps}, 16, "flux ks apps"},
		{model.Origin{Kustomization: "apps/overlays/prod", GitOps: apps}, 80, "flux ks apps · kustomize apps/overlays/prod ‹clusters/prod/apps.yaml:1›"},
		{model.Origin{Helm: webHelm}, 26, "helm web-prod · charts/web"},
		{model.Origin{File: "apps/shop/ingress.yaml", Line: 4}, 16, "apps/…ess.yaml:4"},
	} {
		if got := newOriginCell(&c.o).fit(c.width, sym); got != c.want || textWidth(got) > c.width {
			t.Errorf("%s at %d cells = %q, want %q", c.o.String(), c.width, got, c.want)
		}
	}
}

// TestNoticesAllReachable: with more notices than fit, G, pgdn and ctrl+d
// scroll on to the last one, each notice is wrapped in full (its how-to
// included), and up brings the cursor back into view.
func TestNoticesAllReachable(t *testing.T) {
	s := renderedSnapshot()
	hint := "add a helm: entry with releases[].chart charts/legacy and its value files to .ingress-drift.yaml to render it"
	s.Notices = nil
	for i := range 28 {
		s.Notices = append(s.Notices, model.RepoError{File: fmt.Sprintf("charts/c%02d", i), Message: "no release renders this chart: " + hint, Notice: true})
	}
	for _, keys := range [][]string{{"G", "G"}, slices.Repeat([]string{"j"}, 60), {"pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown"},
		{"ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d"}} {
		m := New(Options{Source: newFakeSource(s), Theme: "dark", Now: clockFixed})
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 24})
		m = update(m, sourceReadyMsg{snap: s})
		m = press(t, m, "6")
		seen := map[string]bool{}
		for i, k := range append([]string{""}, keys...) {
			if i > 0 {
				m = press(t, m, k)
			}
			sc := screenText(m)
			for _, n := range s.Notices {
				if strings.Contains(sc, n.File+" ") {
					seen[n.File] = true
				}
			}
		}
		if len(seen) != len(s.Notices) && keys[0] != "G" { // G jumps to the end
			t.Errorf("%s: %d of %d notices reachable:\n%s", keys[0], len(seen), len(s.Notices), screenText(m))
		}
		if sc := collapse(screenText(m)); !strings.Contains(sc, "charts/c27 no release renders this chart: "+hint) {
			t.Errorf("%s: the last notice is not shown in full:\n%s", keys[0], screenText(m))
		}
		if m = press(t, m, "k"); !strings.Contains(screenText(m), "▌") {
			t.Errorf("%s then k: the cursor is not back in view:\n%s", keys[0], screenText(m))
		}
	}
	// The tab says notices in words at 80 columns.
	n := press(t, newRenderedModel(t, 80, 24, nil), "6")
	if sc := screenText(n); strings.Contains(sc, "1+2n") || !strings.Contains(strings.Split(sc, "\n")[2], "+2 note") {
		t.Errorf("80 columns: want notices named in the tab line:\n%s", sc)
	}
}

// TestDetailRenderedWrapped: at 80 columns the managed-by line is wrapped,
// not cut; the explanation of a rendered object never offers the accept
// that is refused, and says what to edit instead.
func TestDetailRenderedWrapped(t *testing.T) {
	s := renderedSnapshot()
	long := *argoAPI
	long.Name, long.File = "storefront-production-eu-west-1", "clusters/production/eu-west-1/argocd/applications/storefront.yaml"
	api := entryByKey(s.Entries, "shop", "api")
	api.Desired[0].Origin.GitOps = &long
	src := newFakeSource(s)
	m := New(Options{Source: src, Theme: "dark", Now: clockFixed})
	m = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = update(m, sourceReadyMsg{snap: s})
	m = press(t, selectKey(t, m, "shop/api"), "enter")
	g := api.ManagedBy()
	if g == nil {
		t.Fatal("fixture: shop/api has no manager")
	}
	// The long path wraps inside itself: compare without the spaces.
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if sc := screenText(m); !strings.Contains(squeeze(sc), squeeze(g.String())) || strings.Contains(sc, "storefront.yaml…") {
		t.Errorf("detail at 80 columns lacks %q:\n%s", g.String(), sc)
	}

	for _, sz := range [][2]int{{80, 40}, {160, 48}} {
		for _, c := range []struct {
			status model.Status
			hint   string
		}{{model.StatusDrifted, helmWeb.EditHint()}, {model.StatusMissingLive, helmWeb.EditHint()}} {
			s := renderedSnapshot()
			web := &s.Entries[slices.IndexFunc(s.Entries, func(e model.Entry) bool { return e.Key == keyWeb })]
			web.Status = c.status
			if c.status == model.StatusMissingLive {
				web.Live, web.Changes = nil, nil
			}
			m := New(Options{Source: newFakeSource(s), Theme: "dark", Now: clockFixed})
			m = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			m = update(m, sourceReadyMsg{snap: s})
			sc := screenText(press(t, selectKey(t, m, "shop/web"), "enter"))
			if strings.Contains(collapse(sc), "accept the live state into the manifest") || strings.Contains(collapse(sc), "accept would remove the manifest") {
				t.Errorf("%s at %d: the explanation offers accept:\n%s", c.status, sz[0], sc)
			}
			wantIn(t, fmt.Sprintf("%s at %d", c.status, sz[0]), sc, c.hint)
		}
	}
}
