package themes

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestByName(t *testing.T) {
	for _, name := range Names() {
		for _, dark := range []bool{true, false} {
			th, err := ByName(name, dark)
			if err != nil {
				t.Fatalf("ByName(%q, %v): %v", name, dark, err)
			}
			if th.Text == nil || th.Drifted == nil || th.SevCritical == nil {
				t.Errorf("ByName(%q, %v): palette has unset colours: %+v", name, dark, th)
			}
			wantDark := dark
			switch name {
			case NameDark:
				wantDark = true
			case NameLight:
				wantDark = false
			}
			if th.Dark != wantDark {
				t.Errorf("ByName(%q, isDark=%v).Dark = %v, want %v", name, dark, th.Dark, wantDark)
			}
		}
	}
	if _, err := ByName("solarized", true); err == nil || !strings.Contains(err.Error(), "solarized") {
		t.Errorf("unknown theme: err = %v, want one naming it", err)
	}
}

func TestFollowsBackground(t *testing.T) {
	for name, want := range map[string]bool{NameAuto: true, NameHighContrast: true, NameDark: false, NameLight: false} {
		if got := FollowsBackground(name); got != want {
			t.Errorf("FollowsBackground(%q) = %v, want %v", name, got, want)
		}
	}
}

// hasColour reports whether a rendered string sets a foreground or
// background colour (SGR 30–49 or 90–107, or extended 38/48).
func hasColour(s string) bool {
	for _, seq := range strings.Split(s, "\x1b[")[1:] {
		params, _, _ := strings.Cut(seq, "m")
		for _, p := range strings.Split(params, ";") {
			switch {
			case len(p) == 2 && (p[0] == '3' || p[0] == '4') && p[1] != '9':
				return true
			case len(p) == 2 && p[0] == '9', len(p) == 3 && p[:2] == "10":
				return true
			}
		}
	}
	return false
}

func TestNoColorStylesSetNoColour(t *testing.T) {
	st := NewStyles(Dark().WithoutColor())
	all := []lipgloss.Style{st.Text, st.Muted, st.Faint, st.Title, st.Selected, st.Drifted, st.Conflict,
		st.Error, st.DiffAdd, st.DiffDel, st.TabActive, st.Dialog, st.Severity[4], st.ConnWarn, st.Success, st.Finding}
	for i, s := range all {
		if out := s.Render("x"); hasColour(out) {
			t.Errorf("style %d renders colour under NoColor: %q", i, out)
		}
	}
	// The selected row must still stand out without colour.
	if !st.Selected.GetReverse() {
		t.Error("NoColor Selected is not reverse video")
	}
}

func TestColourThemesDifferPerStatus(t *testing.T) {
	for _, th := range []Theme{Dark(), Light(), HighContrast(true), HighContrast(false)} {
		if th.Drifted == th.InSync || th.MissingGit == th.InSync {
			t.Errorf("%s (dark=%v): status colours collide", th.Name, th.Dark)
		}
		st := NewStyles(th)
		if st.Selected.GetBackground() == nil {
			t.Errorf("%s: selected row has no background", th.Name)
		}
	}
}

func TestColourStylesSetColour(t *testing.T) {
	// Guards TestNoColorStylesSetNoColour against a Render that never
	// emits colour at all.
	if out := NewStyles(Dark()).Drifted.Render("x"); !hasColour(out) {
		t.Errorf("dark Drifted renders no colour: %q", out)
	}
}
