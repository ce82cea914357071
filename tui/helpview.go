package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/ingress-drift/ingress-drift/model"
)

// helpContent is the full help: every key map through bubbles/help, the
// actions that are not available and why, and what the statuses mean.
func (m Model) helpContent() string {
	st, g := m.styles, m.global
	var b strings.Builder
	section := func(title string) {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(st.Section.Render(title))
		b.WriteByte('\n')
	}
	section("LIST")
	b.WriteString(m.help.FullHelpView(append(m.list.FullKeys(), []key.Binding{g.Help, g.Quit})))
	section("DETAIL")
	// The detail keys as they read for any object (the detail screen
	// itself hides toggles that do not apply and names their next state).
	dk := detailModel{keys: defaultDetailKeyMap()}
	dk.keys.Unified.SetHelp("u", "unified diff ⇄ side by side")
	dk.keys.Ignored.SetHelp("i", "show/hide ignored differences")
	b.WriteString(m.help.FullHelpView(append(dk.FullKeys(), []key.Binding{g.Back})))

	var off []key.Binding
	for _, a := range m.actions.all() {
		if !a.Enabled() {
			off = append(off, a)
		}
	}
	if len(off) > 0 {
		section("ACTIONS " + m.sym.dot + " not available: " + m.actionsWhy)
		lines := make([]string, len(off))
		for i, a := range off {
			lines[i] = st.HelpKey.Render(fmt.Sprintf("%-6s", a.Help().Key)) + " " + st.HelpDesc.Render(a.Help().Desc)
		}
		b.WriteString(strings.Join(lines, "\n"))
	}

	section("STATUSES")
	for i, s := range model.Statuses {
		tab := ""
		for j, t := range statusTabs {
			if t.status == s {
				tab = fmt.Sprintf("(tab %d %q)", j+1, t.name)
			}
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(statusStyle(st, s).Render(fmt.Sprintf("%-14s", m.sym.badgeText(s))) + "  " +
			st.Text.Render(statusMeaning[s]) + " " + st.Muted.Render(tab))
	}
	section("ORDER")
	b.WriteString(st.Text.Render("Severity first (critical, high, medium, low), then drifted, errors, conflicts,\n" +
		"missing, unmanaged, in sync; then namespace/name. Severity: critical weakens\n" +
		"security, high changes routing or TLS, medium controller settings, low metadata."))
	return b.String()
}

var statusMeaning = map[model.Status]string{
	model.StatusInSync:      "Git and the cluster agree",
	model.StatusDrifted:     "live differs from Git",
	model.StatusMissingLive: "in Git, not in the cluster",
	model.StatusMissingGit:  "in the cluster, not in Git",
	model.StatusConflict:    "defined more than once in Git",
	model.StatusError:       "a manifest could not be read",
}
