package tui

import (
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// cpuTime is the CPU time this process has used. Benchmarks report it per
// op as "cpu-ns/op" next to the wall time, because on a shared machine
// wall time also counts the time other processes held the CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports CPU time per op.
func loop(b *testing.B, f func(i int)) {
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	i := 0
	for b.Loop() {
		f(i)
		i++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(i), "cpu-ns/op")
}

// benchModel is a root model at 160×48 holding n synthetic entries, with
// the cursor in the middle of the list.
func benchModel(b *testing.B, n int) Model {
	b.Helper()
	m, _ := newTestModel(b, 160, 48)
	m.list.load(syntheticEntries(n))
	m.list.setCursor(n / 2)
	return m
}

func benchView(b *testing.B, n int) {
	m := benchModel(b, n)
	loop(b, func(int) { _ = m.View() })
}

// BenchmarkListView100 and BenchmarkListView10000 render one full frame
// of the list screen; only the visible window is drawn, so both cost the
// same.
func BenchmarkListView100(b *testing.B)   { benchView(b, 100) }
func BenchmarkListView10000(b *testing.B) { benchView(b, 10000) }

// BenchmarkListViewFindings10000 is BenchmarkListView10000 with every
// seventh entry carrying a finding: the marker is decided and painted
// when the row is made and the theme set, so a frame costs the same.
func BenchmarkListViewFindings10000(b *testing.B) {
	m, _ := newTestModel(b, 160, 48)
	entries := syntheticEntries(10000)
	for i := 0; i < len(entries); i += 7 {
		entries[i].Findings = []model.Finding{{Kind: model.FindingBackendUnused, Severity: 1, Message: "used nowhere else"}}
	}
	m.list.load(entries)
	m.list.setCursor(5000)
	loop(b, func(int) { _ = m.View() })
}

// BenchmarkFilter10000 is one keystroke in the text filter over 10,000
// entries. It alternates typing a character (the match set can only
// shrink: only visible rows are tested) and deleting it (a full scan), so
// the figure is the mean of both.
func BenchmarkFilter10000(b *testing.B) {
	m := benchModel(b, 10000)
	m = press(b, m, "/")
	m = typeText(m, "team-0")
	keys := []tea.KeyPressMsg{{Code: '4', Text: "4"}, {Code: tea.KeyBackspace}}
	loop(b, func(i int) { m = update(m, keys[i%2]) })
	if len(m.list.set.visible) == 0 {
		b.Fatal("filter matched nothing")
	}
}

// BenchmarkFilterFullScan10000 is the worst keystroke: a query that is not
// an extension of the previous one, so all 10,000 rows are tested.
func BenchmarkFilterFullScan10000(b *testing.B) {
	m := benchModel(b, 10000)
	queries := []string{"team-01", "app-00"}
	loop(b, func(i int) { m.list.setQuery(queries[i%2]) })
}

// BenchmarkApplyBatch50Into10000 merges a batch of 50 changed entries
// (status and severity changes that move rows) into a 10,000-entry list.
func BenchmarkApplyBatch50Into10000(b *testing.B) {
	m := benchModel(b, 10000)
	base := syntheticEntries(10000)
	batches := make([]model.Batch, 16)
	for j := range batches {
		for k := 0; k < 50; k++ {
			e := base[(j*613+k*197)%len(base)]
			e.Status = model.StatusDrifted
			e.Severity = model.Severity(1 + (j+k)%4)
			e.Version = uint64(20000 + j*50 + k)
			batches[j].Changed = append(batches[j].Changed, e)
		}
	}
	loop(b, func(i int) { m = update(m, batchMsg{batches[i%len(batches)]}) })
}

// BenchmarkLoad10000 is the first snapshot: build and sort 10,000 rows.
func BenchmarkLoad10000(b *testing.B) {
	m := benchModel(b, 10)
	entries := syntheticEntries(10000)
	loop(b, func(int) { m.list.load(entries) })
}

func TestViewCostIndependentOfSize(t *testing.T) {
	// Not a timing test: the number of rows drawn must not depend on the
	// number of entries.
	for _, n := range []int{100, 10000} {
		m, _ := newTestModel(t, 160, 48)
		m.list.load(syntheticEntries(n))
		got := strings.Count(m.list.View(), "\n") + 1
		if got != 48-headerHeight-footerHeight {
			t.Errorf("n=%d: list view has %d lines, want %d", n, got, 48-headerHeight-footerHeight)
		}
	}
}
