package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// waitText waits until text shows in the program's output since the last
// wait. Escape sequences are stripped first; the renderer only rewrites
// cells that change, so the texts waited for are ones no earlier screen had
// at the same place.
func waitText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return strings.Contains(ansi.Strip(string(b)), text)
	}, teatest.WithDuration(waitLimit), teatest.WithCheckInterval(10*time.Millisecond))
}

func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// TestFlow drives the program: open on a fake source, navigate, open a
// detail, filter, receive a batch through the source's channel, quit.
func TestFlow(t *testing.T) {
	src := newFakeSource(fixtureSnapshot())
	tm := teatest.NewTestModel(t, New(Options{Source: src, Theme: "dark", Now: clockFixed}),
		teatest.WithInitialTermSize(120, 30))

	waitText(t, tm, "payments/checkout")

	// Open shop/shop (second row) and come back.
	send(tm, "j", "enter")
	waitText(t, tm, "OVERVIEW")
	send(tm, "G")
	waitText(t, tm, "100%")
	send(tm, "esc")
	waitText(t, tm, "STATUS")

	// Filter to shop-admin and keep the filter.
	send(tm, "/")
	tm.Type("admin")
	send(tm, "enter")
	waitText(t, tm, "/admin")

	// shop-admin is fixed live by a GitOps bot: the batch arrives through
	// the subscription and the row changes in place.
	e := entryByKey(fixtureEntries(), "shop", "shop-admin")
	e.Status, e.Severity, e.Changes, e.Categories, e.Version = model.StatusInSync, 0, nil, nil, 1000
	l := *e.Live
	l.Managers = []model.Manager{{Manager: "ZQXJV-gitops-bot", Operation: "Apply", Time: ago(20 * time.Second)}}
	e.Live = &l
	select {
	case src.ch <- model.Batch{Changed: []model.Entry{e}}:
	case <-time.After(waitLimit):
		t.Fatal("the program did not take the batch")
	}
	waitText(t, tm, "ZQXJV-g")

	send(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	final := tm.FinalModel(t).(Model)
	if got := selectedKey(t, final).String(); got != "shop/shop-admin" {
		t.Errorf("selection = %s, want shop/shop-admin", got)
	}
	screen := screenText(final)
	var row string
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "shop/shop-admin") {
			row = line
		}
	}
	if !strings.Contains(row, "✓ in-sync") || !strings.Contains(row, "ZQXJV-gi… 20s ago") {
		t.Errorf("row not updated: %q\n%s", row, screen)
	}
}

// TestRunQuitsOnContextCancel runs the real Run path without a terminal:
// cancelling the context quits with nil and ends the subscription.
func TestRunQuitsOnContextCancel(t *testing.T) {
	src := newFakeSource(fixtureSnapshot())
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, Options{Source: src, Theme: "dark", Now: clockFixed},
			tea.WithInput(bytes.NewReader(nil)), tea.WithOutput(out), tea.WithWindowSize(100, 30), tea.WithoutSignals())
	}()
	deadline := time.Now().Add(waitLimit)
	for !strings.Contains(ansi.Strip(out.String()), "payments/checkout") {
		if time.Now().After(deadline) {
			t.Fatalf("the list never showed:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after the context was cancelled")
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if !src.canceled {
		t.Error("subscription not ended")
	}
}

func TestRunRejectsUnknownTheme(t *testing.T) {
	err := Run(context.Background(), Options{Source: newFakeSource(model.Snapshot{}), Theme: "sepia"})
	if err == nil || !strings.Contains(err.Error(), "sepia") {
		t.Fatalf("Run with theme sepia = %v", err)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ io.Writer = (*syncBuffer)(nil)

// waitLimit bounds every wait for the program to do something: long enough
// that a loaded two-core CI machine never runs out of it, since a wait that
// succeeds returns at once and only a broken program ever waits it out.
const waitLimit = 30 * time.Second
