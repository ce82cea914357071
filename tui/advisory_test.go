package tui

import (
	"strings"
	"testing"
)

// TestDetailAdvisory checks that a change whose severity row cites
// advisories shows them under its "why" line, one a line, and that a
// change without one shows no advisory line.
func TestDetailAdvisory(t *testing.T) {
	snap := fixtureSnapshot()
	const a1 = "CVE-2021-25742 https://github.com/kubernetes/kubernetes/issues/126811"
	const a2 = "CVE-2023-5043 https://github.com/kubernetes/kubernetes/issues/126816"
	for i := range snap.Entries {
		if e := &snap.Entries[i]; e.Key.String() == "shop/shop" {
			e.Changes[0].Rule, e.Changes[0].Advisory = "snippet-added-or-changed", a1+"; "+a2
		}
	}
	m, _ := newModelOn(t, snap, 120, 60, Options{})
	m = press(t, selectKey(t, m, "shop/shop"), "enter")
	screen := screenText(m)
	lines := strings.Split(screen, "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, "why") && strings.Contains(l, "snippet-added-or-changed") {
			at = i
		}
	}
	if at < 0 || at+2 >= len(lines) {
		t.Fatalf("no why line for the snippet change:\n%s", screen)
	}
	if l := lines[at+1]; !strings.Contains(l, "advisory") || !strings.Contains(l, a1) {
		t.Errorf("line after why is %q, want the advisory label and %s", l, a1)
	}
	if l := lines[at+2]; strings.Contains(l, "advisory") || !strings.Contains(l, a2) {
		t.Errorf("second advisory line is %q, want %s without a label", l, a2)
	}
	if n := strings.Count(screen, "advisory"); n != 1 {
		t.Errorf("%d advisory labels, want 1 (only the change that cites one):\n%s", n, screen)
	}
}
