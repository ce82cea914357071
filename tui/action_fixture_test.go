package tui

import (
	"context"
	"fmt"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// planCall and execCall record what the TUI asked of the fake Actions.
type planCall struct {
	key    model.Key
	action model.Action
	// ctxErr is the context's error when Plan returned.
	ctxErr error
}

type execCall struct {
	plan *model.Plan
	opts model.ExecOptions
}

// fakeActions returns canned plans, outcomes and errors and records every
// call. Commands run on the program's goroutines, hence the lock.
type fakeActions struct {
	mu       sync.Mutex
	plans    map[string]*model.Plan
	planErrs map[string]error
	outcomes map[string]*model.Outcome
	execErr  error
	// block makes Plan wait until its context is cancelled.
	block bool

	planCalls []planCall
	execCalls []execCall
}

func actionID(k model.Key, a model.Action) string { return string(a) + " " + k.String() }

func newFakeActions() *fakeActions {
	f := &fakeActions{plans: map[string]*model.Plan{}, planErrs: map[string]error{}, outcomes: map[string]*model.Outcome{}}
	for _, p := range fixturePlans() {
		f.plans[actionID(p.Key, p.Action)] = p
	}
	return f
}

func (f *fakeActions) Plan(ctx context.Context, k model.Key, a model.Action) (*model.Plan, error) {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.planCalls = append(f.planCalls, planCall{key: k, action: a, ctxErr: ctx.Err()})
	if block {
		return nil, ctx.Err()
	}
	id := actionID(k, a)
	if err := f.planErrs[id]; err != nil {
		return nil, err
	}
	p, ok := f.plans[id]
	if !ok {
		return nil, fmt.Errorf("fake: no plan for %s", id)
	}
	cp := *p
	return &cp, nil
}

func (f *fakeActions) Execute(_ context.Context, p *model.Plan, opts model.ExecOptions) (*model.Outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.execCalls = append(f.execCalls, execCall{plan: p, opts: opts})
	if f.execErr != nil {
		return nil, f.execErr
	}
	if o, ok := f.outcomes[actionID(p.Key, p.Action)]; ok {
		return o, nil
	}
	return &model.Outcome{Plan: *p, Message: fmt.Sprintf("%s of %s done", p.Action, p.Key)}, nil
}

func (f *fakeActions) calls() ([]planCall, []execCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]planCall(nil), f.planCalls...), append([]execCall(nil), f.execCalls...)
}

var (
	keyShop      = model.Key{Namespace: "shop", Name: "shop"}
	keyShopAdmin = model.Key{Namespace: "shop", Name: "shop-admin"}
	keyShopDebug = model.Key{Namespace: "shop", Name: "shop-debug"}
	keyStatus    = model.Key{Namespace: "tools", Name: "status"}
)

// fixturePlans are what the engine would preview for the fixture.
func fixturePlans() []*model.Plan {
	shop := entryByKey(fixtureEntries(), "shop", "shop")
	changes := make([]model.Change, len(shop.Changes))
	for i, c := range shop.Changes {
		changes[i] = c.Change
	}
	admin := entryByKey(fixtureEntries(), "shop", "shop-admin")
	return []*model.Plan{
		{
			Key: keyShop, Action: model.ActionRevert, Operation: model.OpUpdateLive,
			Summary: "update shop/shop in the cluster (context kind-prod): 3 fields, checked by a server-side dry run",
			Changes: changes, ResourceVersion: "4711", UID: "0b0e5f8e-1111-4e0b-9a1c-000000000001",
		},
		{
			Key: keyShop, Action: model.ActionAccept, Operation: model.OpEditManifest,
			Summary: "edit document 1 of apps/shop/ingress.yaml (line 3): 3 fields",
			Changes: changes, File: "apps/shop/ingress.yaml", FileHash: "c0ffee",
			FileDiff: "--- a/apps/shop/ingress.yaml\n+++ b/apps/shop/ingress.yaml\n@@ -6,2 +6,2 @@\n" +
				"-    nginx.ingress.kubernetes.io/ssl-redirect: \"true\"\n+    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\n",
		},
		{
			Key: keyShopAdmin, Action: model.ActionAccept, Operation: model.OpEditManifest,
			Summary: "edit document 2 of apps/shop/ingress.yaml (line 39): 1 field; comments and formatting kept",
			Changes: []model.Change{admin.Changes[0].Change}, File: "apps/shop/ingress.yaml", FileHash: "c0ffee",
			ResourceVersion: "4711",
			FileDiff: "--- a/apps/shop/ingress.yaml\n+++ b/apps/shop/ingress.yaml\n@@ -40,9 +40,9 @@\n" +
				" metadata:\n   name: shop-admin\n   namespace: shop\n   annotations:\n" +
				"     # office network only (SEC-112)\n" +
				"-    nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8\"\n" +
				"+    nginx.ingress.kubernetes.io/whitelist-source-range: \"0.0.0.0/0\"\n" +
				" spec:\n   ingressClassName: nginx\n   tls:\n",
		},
		{
			Key: keyShopDebug, Action: model.ActionRevert, Operation: model.OpDeleteLive,
			Summary:     "delete shop/shop-debug from the cluster (context kind-prod): it is in no manifest of the repo",
			ConfirmName: "shop-debug", ResourceVersion: "4711", UID: "0b0e5f8e-1111-4e0b-9a1c-000000000001",
		},
		{
			Key: keyStatus, Action: model.ActionRevert, Operation: model.OpCreateLive,
			Summary: "create tools/status in the cluster (context kind-prod) from platform/status-page.yaml:1",
		},
	}
}

// newActionModel is newTestModel with actions and options.
func newActionModel(t testing.TB, w, h int, acts Actions, opts ...func(*Options)) (Model, *fakeSource) {
	t.Helper()
	o := Options{Actions: acts}
	for _, f := range opts {
		f(&o)
	}
	return newModelOn(t, fixtureSnapshot(), w, h, o)
}

// collect runs a command and the commands of any batch it returns, and
// returns their messages. It must only be given commands that do not wait
// (the action flow's): a spinner tick returns at once, and is dropped by
// drive, so nothing sleeps.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collect(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// feed runs cmd and hands the action flow's and the dialog's messages back
// to the model until none are left, as the program would.
func feed(m Model, cmd tea.Cmd) Model {
	queue := collect(cmd)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		switch msg.(type) {
		case planResultMsg, execResultMsg, openConfirmMsg, confirmResultMsg:
		default:
			continue
		}
		nm, c := m.Update(msg)
		m = nm.(Model)
		queue = append(queue, collect(c)...)
	}
	return m
}

// act presses keys one by one, running the commands they start.
func act(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	return pressWith(t, m, updateFeed, keys...)
}

// updateFeed is update that also runs the action flow's commands.
func updateFeed(m Model, msg tea.Msg) Model {
	nm, cmd := m.Update(msg)
	return feed(nm.(Model), cmd)
}

// actText types text into the dialog, running its commands.
func actText(m Model, text string) Model {
	for _, r := range text {
		m = updateFeed(m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}
