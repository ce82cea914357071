package themes

import (
	"fmt"
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme names accepted by ByName (the --theme flag).
const (
	NameAuto         = "auto"
	NameDark         = "dark"
	NameLight        = "light"
	NameHighContrast = "high-contrast"
)

// Names lists the accepted theme names, "auto" first.
func Names() []string { return []string{NameAuto, NameDark, NameLight, NameHighContrast} }

// Theme is a palette. Every colour is already resolved for one background
// (use ByName or the constructors with the terminal's darkness).
type Theme struct {
	// Name is the theme's name as ByName accepts it.
	Name string
	// Dark reports whether the palette is meant for a dark background.
	Dark bool
	// NoColor turns every colour off (NO_COLOR); NewStyles then relies on
	// bold, faint, underline and reverse video only.
	NoColor bool

	// Text is ordinary text, Muted secondary text, Faint tertiary text
	// (separators, hints), Accent titles and the active tab.
	Text, Muted, Faint, Accent color.Color
	// SelectedFg and SelectedBg mark the selected row.
	SelectedFg, SelectedBg color.Color

	// Status colours, one per drift status.
	InSync, Drifted, MissingLive, MissingGit, Conflict, Error color.Color
	// Severity colours from low to critical.
	SevLow, SevMedium, SevHigh, SevCritical color.Color

	// Connection state colours: OK (live), Warn (syncing, stale).
	OK, Warn color.Color

	// DiffDel and DiffAdd colour the Git-only and live-only lines of a
	// diff; the Bg variants tint the whole line.
	DiffDel, DiffAdd, DiffDelBg, DiffAddBg color.Color
}

// Default is the standard palette for a dark (isDark) or light background.
func Default(isDark bool) Theme {
	ld := lipgloss.LightDark(isDark)
	c := lipgloss.Color
	name := NameLight
	if isDark {
		name = NameDark
	}
	return Theme{
		Name:        name,
		Dark:        isDark,
		Text:        ld(c("#1F2328"), c("#D8DEE9")),
		Muted:       ld(c("#57606A"), c("#9AA5B1")),
		Faint:       ld(c("#8C959F"), c("#5C6773")),
		Accent:      ld(c("#0550AE"), c("#7AA2F7")),
		SelectedFg:  ld(c("#0B1F33"), c("#F0F4FC")),
		SelectedBg:  ld(c("#CFE3FF"), c("#2E3C57")),
		InSync:      ld(c("#1A7F37"), c("#73C991")),
		Drifted:     ld(c("#9A6700"), c("#E5C07B")),
		MissingLive: ld(c("#BC4C00"), c("#F0A35E")),
		MissingGit:  ld(c("#8250DF"), c("#C49BFF")),
		Conflict:    ld(c("#CF222E"), c("#FF7B86")),
		Error:       ld(c("#A40E26"), c("#FF5C6C")),
		SevLow:      ld(c("#57606A"), c("#9AA5B1")),
		SevMedium:   ld(c("#9A6700"), c("#E5C07B")),
		SevHigh:     ld(c("#BC4C00"), c("#F0A35E")),
		SevCritical: ld(c("#CF222E"), c("#FF5C6C")),
		OK:          ld(c("#1A7F37"), c("#73C991")),
		Warn:        ld(c("#9A6700"), c("#E5C07B")),
		DiffDel:     ld(c("#A40E26"), c("#FF8A8A")),
		DiffAdd:     ld(c("#116329"), c("#8FE0A6")),
		DiffDelBg:   ld(c("#FFEBE9"), c("#3D1F22")),
		DiffAddBg:   ld(c("#DAFBE1"), c("#1B3324")),
	}
}

// Dark is the standard palette for a dark background.
func Dark() Theme { return Default(true) }

// Light is the standard palette for a light background.
func Light() Theme { return Default(false) }

// HighContrast uses the terminal's own 16 basic colours at full strength,
// with black or white text, for low-vision users and poor displays.
func HighContrast(isDark bool) Theme {
	ld := lipgloss.LightDark(isDark)
	fg := ld(lipgloss.Black, lipgloss.BrightWhite)
	return Theme{
		Name:        NameHighContrast,
		Dark:        isDark,
		Text:        fg,
		Muted:       fg,
		Faint:       ld(lipgloss.Black, lipgloss.White),
		Accent:      ld(lipgloss.Blue, lipgloss.BrightCyan),
		SelectedFg:  ld(lipgloss.BrightWhite, lipgloss.Black),
		SelectedBg:  ld(lipgloss.Black, lipgloss.BrightWhite),
		InSync:      ld(lipgloss.Green, lipgloss.BrightGreen),
		Drifted:     ld(lipgloss.Magenta, lipgloss.BrightYellow),
		MissingLive: ld(lipgloss.Red, lipgloss.BrightRed),
		MissingGit:  ld(lipgloss.Blue, lipgloss.BrightMagenta),
		Conflict:    ld(lipgloss.Red, lipgloss.BrightRed),
		Error:       ld(lipgloss.Red, lipgloss.BrightRed),
		SevLow:      fg,
		SevMedium:   ld(lipgloss.Magenta, lipgloss.BrightYellow),
		SevHigh:     ld(lipgloss.Red, lipgloss.BrightRed),
		SevCritical: ld(lipgloss.Red, lipgloss.BrightRed),
		OK:          ld(lipgloss.Green, lipgloss.BrightGreen),
		Warn:        ld(lipgloss.Magenta, lipgloss.BrightYellow),
		DiffDel:     ld(lipgloss.Red, lipgloss.BrightRed),
		DiffAdd:     ld(lipgloss.Green, lipgloss.BrightGreen),
		DiffDelBg:   nil,
		DiffAddBg:   nil,
	}
}

// ByName resolves a --theme value for a terminal whose background is dark
// (isDark). "auto" is Default(isDark); "dark" and "light" ignore isDark;
// "high-contrast" follows it.
func ByName(name string, isDark bool) (Theme, error) {
	switch name {
	case NameAuto, "":
		return Default(isDark), nil
	case NameDark:
		return Dark(), nil
	case NameLight:
		return Light(), nil
	case NameHighContrast:
		return HighContrast(isDark), nil
	}
	return Theme{}, fmt.Errorf("unknown theme %q: want one of %v", name, Names())
}

// FollowsBackground reports whether the named theme changes with the
// terminal's background colour (so the UI should ask for it).
func FollowsBackground(name string) bool {
	return name == NameAuto || name == "" || name == NameHighContrast
}

// WithoutColor returns the theme with every colour turned off (NO_COLOR).
func (t Theme) WithoutColor() Theme {
	t.NoColor = true
	return t
}
