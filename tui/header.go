package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// headerView draws the two header lines: the cluster side (context,
// namespace scope, connection state) and the repo side (root, branch@HEAD,
// dirty mark, --rev, scan state).
func headerView(st *themes.Styles, sym *symbols, c model.ConnState, r model.RepoState, loaded bool, now time.Time, width int) string {
	sep := st.Faint.Render(" " + sym.dot + " ")
	ctx := c.Context
	if ctx == "" {
		ctx = "(no context)"
	}
	scope := "all namespaces"
	if c.Namespace != "" {
		scope = "namespace " + c.Namespace
	}
	line1 := st.Title.Render("ingress-drift") + sep +
		st.Label.Render("context ") + st.Value.Render(ctx) + sep +
		st.Value.Render(scope) + sep +
		connView(st, sym, c, loaded, now)

	root := r.Root
	if root == "" {
		root = "(repo not read yet)"
	}
	parts := []string{st.Label.Render("repo ") + st.Value.Render(root)}
	switch {
	case r.GitRoot == "" && !r.Scanning && r.Root != "":
		parts = append(parts, st.Muted.Render("not a git repository"))
	case r.Head != "" || r.Branch != "":
		ref := r.Branch
		if ref == "" {
			ref = "(detached)"
		}
		if r.Head != "" {
			ref += "@" + r.Head
		}
		s := st.Value.Render(ref)
		if r.Dirty {
			s += " " + st.Dirty.Render(sym.dirty+" dirty")
		}
		parts = append(parts, s)
	}
	if r.Rev != "" {
		parts = append(parts, st.Label.Render("comparing against ")+st.Value.Render(r.Rev))
	}
	if r.Scanning {
		parts = append(parts, st.ConnWarn.Render(sym.syncing+" scanning"))
	}
	if r.Err != "" {
		parts = append(parts, st.ErrorText.Render(r.Err))
	}
	line2 := strings.Join(parts, sep)
	return clip(line1, width, sym.ellipsis) + "\n" + clip(line2, width, sym.ellipsis)
}

// connView is the connection state in words with a symbol, e.g.
// "▲ stale since 14:02:11Z (3m ago): connection refused".
func connView(st *themes.Styles, sym *symbols, c model.ConnState, loaded bool, now time.Time) string {
	if !loaded {
		return st.ConnWarn.Render(sym.syncing + " loading")
	}
	var style lipgloss.Style
	var text string
	switch c.Phase {
	case model.ConnLive:
		style, text = st.ConnOK, sym.live+" live"
	case model.ConnStale:
		style, text = st.ConnWarn, sym.stale+" stale"
		if !c.Since.IsZero() {
			text += " since " + stamp(now, c.Since)
		}
		if c.Err != "" {
			text += ": " + c.Err
		}
	case model.ConnOffline:
		style, text = st.ConnOff, sym.offline+" offline"
	default:
		style, text = st.ConnWarn, sym.syncing+" syncing"
	}
	return style.Render(text)
}

// tooSmallView asks politely for a bigger terminal.
func tooSmallView(st *themes.Styles, w, h int) string {
	msg := []string{
		"Terminal too small",
		"",
		"ingress-drift needs at least " + strconv.Itoa(minWidth) + "×" + strconv.Itoa(minHeight) + ";",
		"this one is " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + ".",
		"Enlarge the window, or press q to quit.",
	}
	for i, s := range msg {
		msg[i] = ansi.Truncate(s, w, "…")
	}
	msg[0] = st.Title.Render(msg[0])
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, strings.Join(msg, "\n"))
}
