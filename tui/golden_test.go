package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aymanbagabas/go-udiff"
)

// updating reports whether -update was given. The flag is registered by
// github.com/charmbracelet/x/exp/golden (imported through teatest), which
// this test binary always links.
//
// -update is for creating a golden file for a new view, after reading the
// output line by line. Never regenerate goldens to make a failing test
// pass: a changed golden is a changed screen, and the diff is the review.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// requireGolden compares a rendered screen (ANSI stripped) with
// testdata/<name>.golden.
func requireGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (create it with -update after checking the output): %v", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendered screen:\n%s", path, udiff.Unified(path, "rendered", string(want), got))
	}
}

var goldenSizes = [][2]int{{80, 24}, {160, 48}}

// goldenScreen renders the fixture at each golden size after the keys,
// and compares it.
func goldenScreen(t *testing.T, name string, keys ...string) {
	t.Helper()
	for _, sz := range goldenSizes {
		m, _ := newTestModel(t, sz[0], sz[1])
		m = press(t, m, keys...)
		requireGolden(t, fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), screenText(m))
	}
}

func TestGoldenList(t *testing.T) { goldenScreen(t, "list") }

func TestGoldenListFiltered(t *testing.T) {
	for _, sz := range goldenSizes {
		m, _ := newTestModel(t, sz[0], sz[1])
		m = press(t, m, "2", "/")
		m = typeText(m, "shop")
		m = press(t, m, "enter", "j")
		requireGolden(t, fmt.Sprintf("list_filtered_%dx%d", sz[0], sz[1]), screenText(m))
	}
}

func TestGoldenHelp(t *testing.T) { goldenScreen(t, "help", "?") }

// Detail views: rows are selected by position in the fixture's order
// (see TestListOrder): 0 checkout, 1 shop, 3 old-wiki, 4 docs, 5 status,
// 6 shop-debug.
func TestGoldenDetailDrifted(t *testing.T) { goldenScreen(t, "detail_drifted", "j", "enter") }

func TestGoldenDetailDriftedChanges(t *testing.T) {
	goldenScreen(t, "detail_drifted_changes", "j", "enter", "tab", "tab")
}

func TestGoldenDetailSideBySide(t *testing.T) {
	goldenScreen(t, "detail_drifted_sidebyside", "j", "enter", "G", "shift+tab")
}

func TestGoldenDetailUnified(t *testing.T) {
	goldenScreen(t, "detail_drifted_unified", "j", "enter", "u", "G", "shift+tab")
}

func TestGoldenDetailError(t *testing.T) { goldenScreen(t, "detail_error", "6", "enter") }

func TestGoldenDetailConflict(t *testing.T) { goldenScreen(t, "detail_conflict", "5", "enter") }

func TestGoldenDetailMissingLive(t *testing.T) { goldenScreen(t, "detail_missing_live", "3", "enter") }

func TestGoldenDetailMissingGit(t *testing.T) { goldenScreen(t, "detail_missing_git", "4", "enter") }

func TestGoldenTooSmall(t *testing.T) {
	m, _ := newTestModel(t, 60, 20)
	requireGolden(t, "too_small_60x20", screenText(m))
}
