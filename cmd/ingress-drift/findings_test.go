package main

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

var (
	keyWeb    = model.Key{Namespace: "shop", Name: "web"}
	keyWebOld = model.Key{Namespace: "shop", Name: "web-old"}
)

// findingsSnapshot is a read inventory of shop/web and shop/web-old, both
// in sync, and what state adds (a drifted object, an unreadable file).
// With findings, the two claim web.example.com/ in class nginx, web-old
// the suspect, as the inventory reports it; the findings are made by hand.
func findingsSnapshot(t *testing.T, findings bool, state string) model.Snapshot {
	t.Helper()
	inv := model.NewInventory(diffengine.Options{})
	var desired []model.Desired
	for i, k := range []model.Key{keyWeb, keyWebOld} {
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: k.Namespace, Name: k.Name}}
		inv.UpsertLive(&model.LiveObject{Ingress: ing.DeepCopy()})
		desired = append(desired, model.Desired{Ingress: ing, Namespace: k.Namespace, Origin: model.Origin{File: "apps/web.yaml", Line: 1 + 20*i, Item: -1}})
	}
	switch state {
	case "drifted":
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api"}}
		live := ing.DeepCopy()
		live.Annotations = map[string]string{"example.com/touched": "yes"}
		inv.UpsertLive(&model.LiveObject{Ingress: live})
		desired = append(desired, model.Desired{Ingress: ing, Namespace: "shop", Origin: model.Origin{File: "apps/api.yaml", Line: 1, Item: -1}})
	case "error":
		k := model.Key{Namespace: "wiki", Name: "old"}
		inv.SetSource("apps/old.yaml", nil, []model.RepoError{{File: "apps/old.yaml", Line: 1, Message: "extensions/v1beta1 is gone", Key: &k}})
	}
	inv.SetSource("apps", desired, nil)
	inv.SetRepo(model.RepoState{Root: "/repo"})
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	snap := inv.Snapshot()
	if !findings {
		return snap
	}
	claim := func(other model.Key, suspect bool) model.Finding {
		return model.Finding{Kind: model.FindingRouteClaimed, Severity: diffengine.SeverityHigh,
			Message: "web.example.com/ (Prefix) is claimed by 2 live Ingresses of class nginx",
			Host:    "web.example.com", Path: "/", PathType: "Prefix", Class: "nginx", Others: []model.Key{other}, Suspect: suspect}
	}
	for i := range snap.Entries {
		switch e := &snap.Entries[i]; e.Key {
		case keyWeb:
			e.Findings = []model.Finding{claim(keyWebOld, false)}
		case keyWebOld:
			e.Findings = []model.Finding{claim(keyWeb, true), {Kind: model.FindingTLSHostUnserved, Severity: diffengine.SeverityLow,
				Message: "TLS entry web-tls names www.web.example.com, which no rule serves", Host: "www.web.example.com"}}
		}
	}
	return snap
}

// TestCheckFindingsTable: check's table keeps its columns, the findings
// follow it on "finding:" lines (other objects, the suspect), with a count
// that says they are not drift, and the summary counts none as drift.
func TestCheckFindingsTable(t *testing.T) {
	var out strings.Builder
	err := writeCheck(&out, findingsSnapshot(t, true, ""), "table")
	text := out.String()
	if code := exitCode(err); code != 0 {
		t.Errorf("in sync with findings, no --fail-on-findings: exit %d, want 0", code)
	}
	lines := strings.Split(text, "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "STATUS SEVERITY NAMESPACE/NAME CATEGORIES CHANGES ORIGIN" {
		t.Errorf("table heading = %q: the columns changed", lines[0])
	}
	for _, l := range lines[1:3] {
		if f := strings.Fields(l); len(f) != 6 || f[0] != "in-sync" || f[1] != "-" || f[4] != "0" {
			t.Errorf("table row %q: want in-sync, no severity, 0 changes, in the same 6 columns", l)
		}
	}
	web := strings.Index(text, "\nfinding: shop/web: high route-claimed-twice web.example.com/ (Prefix) class nginx: "+
		"web.example.com/ (Prefix) is claimed by 2 live Ingresses of class nginx [also shop/web-old]\n")
	old := strings.Index(text, "\nfinding: shop/web-old: high route-claimed-twice web.example.com/ (Prefix) class nginx: "+
		"web.example.com/ (Prefix) is claimed by 2 live Ingresses of class nginx [also shop/web; suspect: this object (not in Git, or its claim is drift)]\n")
	tls := strings.Index(text, "\nfinding: shop/web-old: low tls-host-unserved www.web.example.com: TLS entry web-tls names www.web.example.com, which no rule serves\n")
	count := strings.Index(text, "\n3 findings on 2 objects: not drift, they fail check only with --fail-on-findings\n")
	sum := strings.Index(text, "\n2 in-sync, 0 drifted, 0 missing-live, 0 missing-git, 0 conflict, 0 error\n")
	if web < 0 || old < web || tls < old || count < tls || sum < count || !strings.HasSuffix(text, "0 error\n") {
		t.Errorf("want the table, each finding, the count, then the summary last, counting no drift:\n%s", text)
	}

	out.Reset()
	if err := writeCheck(&out, findingsSnapshot(t, false, ""), "table"); err != nil || strings.Contains(out.String(), "finding") {
		t.Errorf("without findings: err %v, want no finding lines:\n%s", err, out.String())
	}
}

// TestCheckFindingsJSON: -o json lists each object's findings under
// "findings" (an empty list when it has none), and summary counts them
// nowhere.
func TestCheckFindingsJSON(t *testing.T) {
	snap := findingsSnapshot(t, true, "")
	snap.Entries = append(snap.Entries, model.Entry{Key: model.Key{Namespace: "shop", Name: "plain"}, Status: model.StatusInSync})
	var out strings.Builder
	if err := writeCheck(&out, snap, "json"); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Objects []struct {
			Name     string           `json:"name"`
			Findings *[]model.Finding `json:"findings"`
		} `json:"objects"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := map[string][]model.Finding{}
	for _, o := range rep.Objects {
		if o.Findings == nil {
			t.Errorf("%s: no findings key, want a list (empty when none)", o.Name)
			continue
		}
		got[o.Name] = *o.Findings
	}
	if w := got["web-old"]; len(w) != 2 || w[0].Kind != model.FindingRouteClaimed || !w[0].Suspect || w[0].Severity != diffengine.SeverityHigh ||
		len(w[0].Others) != 1 || w[0].Others[0] != keyWeb || w[0].Class != "nginx" || w[0].PathType != "Prefix" || w[1].Kind != model.FindingTLSHostUnserved {
		t.Errorf("web-old findings = %+v", w)
	}
	if w := got["web"]; len(w) != 1 || w[0].Suspect || w[0].Others[0] != keyWebOld {
		t.Errorf("web findings = %+v", w)
	}
	if w, ok := got["plain"]; !ok || len(w) != 0 {
		t.Errorf("plain findings = %+v, want []", w)
	}
	for k, n := range rep.Summary {
		if strings.Contains(k, "finding") || k == "drifted" && n != 0 {
			t.Errorf("summary %v counts findings", rep.Summary)
		}
	}
	if !strings.Contains(out.String(), `"kind": "route-claimed-twice"`) || !strings.Contains(out.String(), `"suspect": true`) {
		t.Errorf("JSON words:\n%s", out.String())
	}
}

// TestCheckFailOnFindings: --fail-on-findings makes a check that would
// exit 0 exit 1 when some object has a finding; 1, 2 and 3 stay, and
// without findings nothing changes.
func TestCheckFailOnFindings(t *testing.T) {
	for _, tc := range []struct {
		state    string
		findings bool
		fail     bool
		want     int
	}{
		{"", true, false, 0},
		{"", true, true, 1},
		{"", false, true, 0},
		{"drifted", true, true, 1},
		{"drifted", false, true, 1},
		{"error", true, true, 2},
		{"error", false, true, 2},
	} {
		for _, output := range []string{"table", "json"} {
			snap := findingsSnapshot(t, tc.findings, tc.state)
			var out strings.Builder
			if got := exitCode(findingsExit(writeCheck(&out, snap, output), snap, tc.fail)); got != tc.want {
				t.Errorf("%s, findings %v, --fail-on-findings %v, -o %s: exit %d, want %d", tc.state, tc.findings, tc.fail, output, got, tc.want)
			}
		}
	}
	// A fatal error stays fatal.
	fatal := errors.New("cannot list")
	if got := findingsExit(fatal, findingsSnapshot(t, true, ""), true); got != fatal {
		t.Errorf("fatal error became %v", got)
	}
	if got := exitCode(findingsExit(exitError{exitFatal}, findingsSnapshot(t, true, ""), true)); got != exitFatal {
		t.Errorf("exit 3 became %d", got)
	}
}

// TestDiffFindings: diff's text names the object's findings after its
// explanation; -o json has them too (the report object).
func TestDiffFindings(t *testing.T) {
	snap := findingsSnapshot(t, true, "")
	for i := range snap.Entries {
		e := &snap.Entries[i]
		if e.Key != keyWebOld {
			continue
		}
		var out strings.Builder
		printDiff(&out, e)
		want := "shop/web-old is in sync with apps/web.yaml:21\n" +
			"  finding  high route-claimed-twice web.example.com/ (Prefix) class nginx: web.example.com/ (Prefix) is claimed by 2 live Ingresses of class nginx [also shop/web; suspect: this object (not in Git, or its claim is drift)]\n" +
			"  finding  low tls-host-unserved www.web.example.com: TLS entry web-tls names www.web.example.com, which no rule serves\n"
		if out.String() != want {
			t.Errorf("diff text:\n%s\nwant:\n%s", out.String(), want)
		}
		b, err := json.Marshal(model.NewReportObject(e))
		if err != nil || !strings.Contains(string(b), `"findings":[{"kind":"route-claimed-twice"`) {
			t.Errorf("diff -o json: %s (%v)", b, err)
		}
	}
}

// TestCheckHelpFindings: check --help documents --fail-on-findings and
// what it does to the exit codes.
func TestCheckHelpFindings(t *testing.T) {
	help := run(t, "check", "--help").stdout
	for _, re := range []string{
		`--fail-on-findings +exit 1 instead of 0 when some object has a finding \(never lowers 1, 2 or 3\)`,
		`0  every object is in sync \(findings alone keep 0 unless --fail-on-findings\)`,
		`1  drift, a missing object or a conflict was found; with --fail-on-findings,\s+also when everything is in sync but some object has a finding`,
		`never drift`,
	} {
		if !regexp.MustCompile(re).MatchString(help) {
			t.Errorf("check --help lacks %q:\n%s", re, help)
		}
	}
}
