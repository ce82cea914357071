package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles are the lipgloss styles the UI renders with, built from one Theme
// by NewStyles. A value is immutable in use: the UI builds a new one when the
// theme changes (for example when the terminal reports its background).
type Styles struct {
	// Theme is the palette the styles were built from.
	Theme Theme

	// Text is ordinary text; Muted secondary; Faint separators and hints;
	// Bold emphasis; Title the app and screen titles.
	Text, Muted, Faint, Bold, Title lipgloss.Style
	// Label names a field in the header or the detail view ("repo",
	// "live"); Value is its value.
	Label, Value lipgloss.Style

	// ConnOK, ConnWarn and ConnOff style the connection state (live;
	// syncing or stale; offline). Dirty marks a dirty work tree.
	ConnOK, ConnWarn, ConnOff, Dirty lipgloss.Style
	// Flash is a one-line message after a key press (for example why an
	// action is unavailable).
	Flash lipgloss.Style
	// Success is a one-line message saying an action was done.
	Success lipgloss.Style
	// ErrorText is an error message in prose.
	ErrorText lipgloss.Style

	// TabActive and TabInactive style the status filter tabs.
	TabActive, TabInactive lipgloss.Style
	// ColumnHeader styles the list's column headings.
	ColumnHeader lipgloss.Style
	// Selected styles the whole selected row (its cells are rendered
	// unstyled inside it, so the highlight is continuous).
	Selected lipgloss.Style

	// Status styles, one per drift status.
	InSync, Drifted, MissingLive, MissingGit, Conflict, Error lipgloss.Style
	// Severity is indexed by severity level: 0 none, 1 low, 2 medium,
	// 3 high, 4 critical.
	Severity [5]lipgloss.Style
	// Finding marks an object with findings (what its live object does to
	// others, never drift): a colour no status or severity uses, so the
	// marker is not read as either; bold where there is no colour.
	Finding lipgloss.Style

	// Section is a heading inside the detail view (a category, "YAML").
	Section lipgloss.Style
	// DiffDel and DiffAdd style the Git-only and live-only lines of a
	// diff, DiffHunk a hunk header, DiffGutter line numbers and markers.
	DiffDel, DiffAdd, DiffHunk, DiffGutter lipgloss.Style

	// Dialog frames a confirmation dialog.
	Dialog lipgloss.Style

	// HelpKey, HelpDesc and HelpSep style the key help (footer and ?).
	HelpKey, HelpDesc, HelpSep lipgloss.Style
	// FilterPrompt styles the "/" prompt of the text filter.
	FilterPrompt lipgloss.Style
}

// NewStyles builds the styles for a theme. With t.NoColor no style sets a
// colour; emphasis falls back to bold, faint, underline and reverse video.
func NewStyles(t Theme) Styles {
	fg := func(c color.Color) lipgloss.Style {
		s := lipgloss.NewStyle()
		if !t.NoColor && c != nil {
			s = s.Foreground(c)
		}
		return s
	}
	line := func(text, bg color.Color) lipgloss.Style {
		s := fg(text)
		if !t.NoColor && bg != nil {
			s = s.Background(bg)
		}
		return s
	}
	s := Styles{
		Theme:        t,
		Text:         fg(t.Text),
		Muted:        fg(t.Muted),
		Faint:        fg(t.Faint),
		Bold:         fg(t.Text).Bold(true),
		Title:        fg(t.Accent).Bold(true),
		Label:        fg(t.Muted),
		Value:        fg(t.Text),
		ConnOK:       fg(t.OK).Bold(true),
		ConnWarn:     fg(t.Warn).Bold(true),
		ConnOff:      fg(t.Muted).Bold(true),
		Dirty:        fg(t.Warn).Bold(true),
		Flash:        fg(t.Warn).Bold(true),
		Success:      fg(t.OK).Bold(true),
		ErrorText:    fg(t.Error),
		TabActive:    fg(t.Accent).Bold(true).Underline(true),
		TabInactive:  fg(t.Muted),
		ColumnHeader: fg(t.Muted).Bold(true),
		Selected:     line(t.SelectedFg, t.SelectedBg).Bold(true),
		InSync:       fg(t.InSync),
		Drifted:      fg(t.Drifted).Bold(true),
		MissingLive:  fg(t.MissingLive).Bold(true),
		MissingGit:   fg(t.MissingGit).Bold(true),
		Conflict:     fg(t.Conflict).Bold(true),
		Error:        fg(t.Error).Bold(true),
		Severity: [5]lipgloss.Style{
			fg(t.Faint),
			fg(t.SevLow),
			fg(t.SevMedium),
			fg(t.SevHigh).Bold(true),
			fg(t.SevCritical).Bold(true),
		},
		Finding:      fg(t.Accent).Bold(true),
		Section:      fg(t.Accent).Bold(true),
		DiffDel:      line(t.DiffDel, t.DiffDelBg),
		DiffAdd:      line(t.DiffAdd, t.DiffAddBg),
		DiffHunk:     fg(t.Accent).Faint(true),
		DiffGutter:   fg(t.Faint),
		HelpKey:      fg(t.Muted).Bold(true),
		HelpDesc:     fg(t.Faint),
		HelpSep:      fg(t.Faint),
		FilterPrompt: fg(t.Accent).Bold(true),
	}
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !t.NoColor {
		s.Dialog = s.Dialog.BorderForeground(t.Accent)
	}
	if t.NoColor {
		// Without colour, reverse video is the only highlight that
		// survives every terminal; faint keeps hints apart from text.
		s.Selected = lipgloss.NewStyle().Reverse(true)
		s.TabActive = lipgloss.NewStyle().Bold(true).Reverse(true)
		s.Faint = s.Faint.Faint(true)
		s.HelpDesc = s.HelpDesc.Faint(true)
		s.DiffDel = lipgloss.NewStyle()
		s.DiffAdd = lipgloss.NewStyle().Bold(true)
		s.Severity[4] = s.Severity[4].Underline(true)
	}
	return s
}
