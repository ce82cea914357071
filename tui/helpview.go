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

	m.actionsHelp(section, &b)

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
	b.WriteByte('\n')
	b.WriteString(st.Muted.Render(fmt.Sprintf("%-14s", "i notice")) + "  " +
		st.Text.Render("worth knowing, not an error: blocks nothing") + " " +
		st.Muted.Render(fmt.Sprintf("(tab %d, after the errors)", errorsTab+1)))
	section("ORDER")
	b.WriteString(st.Text.Render("Severity first (critical, high, medium, low), then drifted, errors, conflicts,\n" +
		"missing, unmanaged, in sync; then namespace/name. Severity: critical weakens\n" +
		"security, high changes routing or TLS, medium controller settings, low metadata."))
	m.findingsHelp(section, &b)
	return b.String()
}

// findingKinds are the finding rules in the order help explains them,
// with what each means.
var findingKinds = []struct {
	kind    model.FindingKind
	meaning string
}{
	{model.FindingRouteClaimed, "the same host, path and pathType claimed by two or more live Ingresses of one class " +
		"(Prefix and ImplementationSpecific may collide; two default backends too): " +
		"which one serves it depends on the controller. The suspect is the object not in Git, or whose claim is drift."},
	{model.FindingHostWithoutTLS, "a host of the rules that no TLS entry covers while other hosts of the object are covered: " +
		"unless another Ingress of the host gives it TLS, it is served in clear text."},
	{model.FindingTLSHostUnserved, "a TLS entry names a host that no rule serves."},
	{model.FindingBackendUnused, "a backend drifted to a service name or port that no other live Ingress and no manifest uses: " +
		"a likely typo (a hint, low)."},
}

// findingsHelp explains the findings marker and each kind.
func (m Model) findingsHelp(section func(string), b *strings.Builder) {
	st := m.styles
	w := max(20, m.width-2)
	section("FINDINGS")
	intro := " marks an object with findings: what its live object does to other live Ingresses or to itself, " +
		"from the live inventory. A finding is never drift: it changes neither the status, the severity nor the order, " +
		"and check counts it only with --fail-on-findings. The detail lists them (o opens the other Ingress); / finding " +
		"shows only those objects."
	plain := func(s ...string) string { return strings.Join(s, " ") }
	for i, l := range wrapText(m.sym.finding+intro, w, plain) {
		if i == 0 {
			// The marker as the list draws it.
			b.WriteString(st.Finding.Render(m.sym.finding))
			l = strings.TrimPrefix(l, m.sym.finding)
		}
		b.WriteString(st.Text.Render(l) + "\n")
	}
	for i, k := range findingKinds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(st.Bold.Render(string(k.kind)) + "\n")
		b.WriteString(strings.Join(wrapText(k.meaning, w-2, func(s ...string) string { return "  " + st.Text.Render(s...) }), "\n"))
	}
}

// actionsHelp lists the action keys for the selected entry, each with why
// it is not available (bubbles/help would hide a disabled key), and the
// recent action results.
func (m Model) actionsHelp(section func(string), b *strings.Builder) {
	st, f := m.styles, m.flow
	e := m.current()
	row := func(k key.Binding) string {
		return st.HelpKey.Render(fmt.Sprintf("%-6s", k.Help().Key)) + " " + st.HelpDesc.Render(k.Help().Desc)
	}
	ak := f.keysFor(e)
	why := map[model.Action]string{model.ActionRevert: f.reason(e, model.ActionRevert), model.ActionAccept: f.reason(e, model.ActionAccept)}
	var lines []string
	if all := f.off[model.ActionRevert]; all != "" && all == f.off[model.ActionAccept] {
		section("ACTIONS " + m.sym.dot + " not available: " + all)
		lines = []string{row(ak.Revert), row(ak.Accept)}
	} else {
		title := "ACTIONS"
		if e != nil {
			title += " " + m.sym.dot + " for " + e.Key.String()
		}
		section(title)
		for _, a := range []model.Action{model.ActionRevert, model.ActionAccept} {
			lines = append(lines, row(ak.binding(a)))
			if why[a] != "" {
				for _, l := range wrapText("not available: "+why[a], max(20, m.width-7), st.Muted.Render) {
					lines = append(lines, "       "+l)
				}
			}
		}
	}
	lines = append(lines, row(ak.Commit))
	b.WriteString(strings.Join(lines, "\n"))
	if len(f.recent) > 0 {
		section("RECENT ACTIONS")
		b.WriteString(strings.Join(f.recentView(st, m.now()), "\n"))
	}
}

var statusMeaning = map[model.Status]string{
	model.StatusInSync:      "Git and the cluster agree",
	model.StatusDrifted:     "live differs from Git",
	model.StatusMissingLive: "in Git, not in the cluster",
	model.StatusMissingGit:  "in the cluster, not in Git",
	model.StatusConflict:    "defined more than once in Git",
	model.StatusError:       "a manifest could not be read",
}
