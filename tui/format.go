package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// symbols are the glyphs the UI draws with; ASCII terminals get a plain set.
// Every glyph is paired with a word wherever it carries meaning.
type symbols struct {
	ascii    bool
	status   map[model.Status]string
	op       map[model.Op]string
	cursor   string // selected row marker
	finding  string // marks a row whose object has findings
	ellipsis string
	vsep     string // vertical separator between panes
	dot      string // separator inside a line
	arrow    string // "becomes"
	live     string
	syncing  string
	stale    string
	offline  string
	dirty    string
}

func newSymbols(ascii bool) *symbols {
	if ascii {
		return &symbols{
			ascii: true,
			status: map[model.Status]string{
				model.StatusInSync: "=", model.StatusDrifted: "~", model.StatusMissingLive: "-",
				model.StatusMissingGit: "+", model.StatusConflict: "!", model.StatusError: "x",
			},
			op:       map[model.Op]string{diffengine.OpAdded: "+", diffengine.OpRemoved: "-", diffengine.OpChanged: "~"},
			cursor:   ">",
			finding:  "#",
			ellipsis: "...",
			vsep:     "|",
			dot:      "-",
			arrow:    "->",
			live:     "*", syncing: "o", stale: "!", offline: "o", dirty: "*",
		}
	}
	return &symbols{
		status: map[model.Status]string{
			model.StatusInSync: "✓", model.StatusDrifted: "≠", model.StatusMissingLive: "−",
			model.StatusMissingGit: "+", model.StatusConflict: "⚠", model.StatusError: "✗",
		},
		op:       map[model.Op]string{diffengine.OpAdded: "+", diffengine.OpRemoved: "−", diffengine.OpChanged: "~"},
		cursor:   "▌",
		finding:  "◆",
		ellipsis: "…",
		vsep:     "│",
		dot:      "·",
		arrow:    "→",
		live:     "●", syncing: "◌", stale: "▲", offline: "○", dirty: "✱",
	}
}

// asciiQuotes replaces the quotes the origin cell puts around a GitOps
// object's or a chart's place, one cell each either way.
var asciiQuotes = strings.NewReplacer("‹", "<", "›", ">")

// plain returns s with ASCII quotes on an ASCII terminal.
func (s *symbols) plain(text string) string {
	if !s.ascii {
		return text
	}
	return asciiQuotes.Replace(text)
}

// statusStyle is the style of a status badge.
func statusStyle(st *themes.Styles, s model.Status) lipgloss.Style {
	switch s {
	case model.StatusInSync:
		return st.InSync
	case model.StatusDrifted:
		return st.Drifted
	case model.StatusMissingLive:
		return st.MissingLive
	case model.StatusMissingGit:
		return st.MissingGit
	case model.StatusConflict:
		return st.Conflict
	case model.StatusError:
		return st.Error
	}
	return st.Text
}

// styleHelp gives a help model the theme's styles and separators: the
// footer, the help screen and the dialogs show keys the same way.
func styleHelp(h *help.Model, st *themes.Styles, sym *symbols) {
	h.Styles = help.Styles{
		ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.HelpSep,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.HelpSep,
		Ellipsis: st.HelpSep,
	}
	h.ShortSeparator = " " + sym.dot + " "
	h.Ellipsis = sym.ellipsis
}

// badgeText is a status as symbol and word, e.g. "≠ drifted"; it reads the
// same with or without colour.
func (s *symbols) badgeText(st model.Status) string {
	sym := s.status[st]
	if sym == "" {
		sym = "?"
	}
	return sym + " " + string(st)
}

// entryBadge is badgeText for an entry: an entry that is missing live only
// because the cluster has never been listed, or missing from Git only
// because an input that could define it cannot be read, says so instead.
func (s *symbols) entryBadge(e *model.Entry) string {
	if e.LiveUnknown {
		return "? live unknown"
	}
	if e.GitUnknown {
		return "? git unknown"
	}
	return s.badgeText(e.Status)
}

// unknown reports whether an entry's status is a guess (LiveUnknown,
// GitUnknown): its badge is drawn faint.
func unknown(e *model.Entry) bool { return e.LiveUnknown || e.GitUnknown }

// entryStyle is the style of an entry's badge.
func entryStyle(st *themes.Styles, e *model.Entry) lipgloss.Style {
	if unknown(e) {
		return st.Faint
	}
	return statusStyle(st, e.Status)
}

// badgeWidth is the widest badge, so the status column never truncates one.
const badgeWidth = 14 // "− missing-live"

// severityText is the severity as a word; none is a dash so that the column
// reads as empty rather than as a value.
func severityText(s model.Severity) string {
	if s <= 0 {
		return "–"
	}
	return s.String()
}

func severityStyle(st *themes.Styles, s model.Severity) lipgloss.Style {
	i := int(s)
	if i < 0 || i >= len(st.Severity) {
		i = 0
	}
	return st.Severity[i]
}

// relTime renders how long ago t was: "just now", "42s ago", "3m ago",
// "5h ago", "2d ago", "13mo ago", "3y ago"; a zero t is "".
func relTime(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	case d < 2*365*24*time.Hour:
		return fmt.Sprintf("%dmo ago", int(d/(30*24*time.Hour)))
	}
	return fmt.Sprintf("%dy ago", int(d/(365*24*time.Hour)))
}

// clock renders a time as "14:02:11Z" when it is on now's UTC day, else as
// "2006-01-02 14:02Z".
func clock(now, t time.Time) string {
	u, n := t.UTC(), now.UTC()
	if u.Year() == n.Year() && u.YearDay() == n.YearDay() {
		return u.Format("15:04:05Z")
	}
	return u.Format("2006-01-02 15:04Z")
}

// stamp renders a time as its clock and how long ago: "14:02:11Z (3m ago)".
func stamp(now, t time.Time) string { return clock(now, t) + " (" + relTime(now, t) + ")" }

// managerLine renders a managedFields writer in full:
// "kubectl-patch · Update · 14:02:11Z (3m ago)".
func (s *symbols) managerLine(m model.Manager, now time.Time) string {
	parts := []string{m.Manager, m.Operation}
	if m.Subresource != "" {
		parts[1] += " (" + m.Subresource + ")"
	}
	if !m.Time.IsZero() {
		parts = append(parts, stamp(now, m.Time))
	}
	return strings.Join(parts, " "+s.dot+" ")
}

// lastChangeShort renders a writer for the list: "kubectl-patch 3m ago".
func lastChangeShort(m model.Manager, now time.Time) string {
	if m.Manager == "" {
		return ""
	}
	if m.Time.IsZero() {
		return m.Manager
	}
	return m.Manager + " " + relTime(now, m.Time)
}

// commitLine renders a commit: "1a2b3c4 · Dana Ops · 2d ago · subject".
func (s *symbols) commitLine(c *model.Commit, now time.Time) string {
	if c == nil {
		return ""
	}
	h := c.Hash
	if len(h) > 7 {
		h = h[:7]
	}
	parts := []string{h, c.Author}
	if !c.Time.IsZero() {
		parts = append(parts, stamp(now, c.Time))
	}
	parts = append(parts, c.Subject)
	return strings.Join(parts, " "+s.dot+" ")
}

// gitStatusText explains a manifest file's git state in words.
func gitStatusText(fs model.FileStatus) string {
	switch fs {
	case model.FileClean:
		return "clean (committed)"
	case model.FileModified:
		return "modified (uncommitted changes)"
	case model.FileUntracked:
		return "untracked (never committed)"
	case model.FileStaged:
		return "staged (not committed)"
	}
	return "unknown (not a git repository, or not read yet)"
}

// painter wraps text in one style's escape sequences. They are taken
// from lipgloss once per theme, so the list's per-cell styling is a string
// concatenation instead of a full lipgloss layout for every cell of every
// frame (which was most of a frame's cost). Only for styles without
// width, padding, margins or borders.
type painter struct{ open, close string }

func newPainter(s lipgloss.Style) painter {
	out := s.Render("x")
	i := strings.IndexByte(out, 'x')
	if i < 0 {
		return painter{}
	}
	return painter{open: out[:i], close: out[i+1:]}
}

func (p painter) paint(s string) string {
	if p.open == "" && p.close == "" {
		return s
	}
	return p.open + s + p.close
}

// textWidth is the width of plain text in cells, fast for ASCII.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x7f || s[i] < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// fit truncates s (which may hold ANSI sequences) to w cells with an
// ellipsis, never wrapping, and pads it to exactly w cells.
func fit(s string, w int, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	sw := textWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, ellipsis)
		sw = ansi.StringWidth(s)
	}
	if pad := w - sw; pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// clip truncates s to w cells with an ellipsis, without padding.
func clip(s string, w int, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, ellipsis)
	}
	return s
}

// clipMiddle shortens plain text s to w cells by cutting out its middle,
// keeping the start and the (usually more telling) end: a semantic path's
// field, a YAML line's value.
func clipMiddle(s string, w int, ellipsis string) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	ew := ansi.StringWidth(ellipsis)
	if w <= ew+2 {
		return clip(s, w, ellipsis)
	}
	head := (w - ew) / 3
	tail := w - ew - head
	return ansi.Truncate(s, head, "") + ellipsis + ansi.TruncateLeft(s, sw-tail, "")
}
