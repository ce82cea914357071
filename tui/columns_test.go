package tui

import "testing"

// TestNameColumnClaimsItsWidth: a long namespace/name is shown in full on a
// 120-column terminal, at the expense of the lowest-priority column, and
// never pushes status, severity or categories off an 80-column one.
func TestNameColumnClaimsItsWidth(t *testing.T) {
	widthOf := func(cols []column, id columnID) int {
		for _, c := range cols {
			if c.id == id {
				return c.width
			}
		}
		return 0
	}
	var want [numColumns]int
	want[colName] = len("testendtoendtui-2/web")
	want[colHosts] = len("web.example.com")
	want[colLast] = len("kubectl-client-side-apply 59m ago")
	want[colOrigin] = len("web.yaml:1")
	cols := layoutColumns(120, want, 0)
	if got := widthOf(cols, colName); got < want[colName] {
		t.Errorf("name column = %d cells at 120 columns, want at least %d", got, want[colName])
	}
	total := 0
	for i, c := range cols {
		total += c.width
		if i > 0 {
			total += gapFor(120)
		}
	}
	if total > 118 {
		t.Errorf("columns take %d cells, more than the 118 available", total)
	}
	want[colName] = 200
	narrow := layoutColumns(80, want, 0)
	for _, id := range []columnID{colStatus, colSeverity, colCategories} {
		if widthOf(narrow, id) == 0 {
			t.Errorf("a very long name pushed %s off an 80-column screen", columnSpecs[id].title)
		}
	}
}

// TestSpareSpaceShared: at 120 columns, who changed an object and its
// manifest both get a readable width before either takes the rest.
func TestSpareSpaceShared(t *testing.T) {
	var want [numColumns]int
	want[colName] = len("monitoring/prometheus")
	want[colHosts] = len("prometheus.internal.example.com")
	want[colLast] = len("kubectl-client-side-apply 59m ago")
	want[colOrigin] = len("platform/monitoring/overlays/prod/kustomization.yaml:0")
	got := map[columnID]int{}
	for _, c := range layoutColumns(120, want, 0) {
		got[c.id] = c.width
	}
	// Before the two passes, one of them took all 16 spare cells and left
	// the other at its 16-cell minimum.
	if who := len("kubectl-annotate 12m ago"); got[colLast] < who || got[colOrigin] < 22 {
		t.Errorf("at 120 columns: last change %d, manifest %d cells; want at least %d and 22", got[colLast], got[colOrigin], who)
	}
}
