package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ingress-drift/ingress-drift/model"
)

// findingsCount is the number of findings in snap and of the objects that
// have them.
func findingsCount(snap model.Snapshot) (findings, objects int) {
	for i := range snap.Entries {
		if n := len(snap.Entries[i].Findings); n > 0 {
			findings += n
			objects++
		}
	}
	return findings, objects
}

// findingsExit is check's exit error with --fail-on-findings (fail): a
// check that would exit 0 exits 1 when some object has a finding. Any
// other outcome (1, 2, a fatal error) is kept: findings never lower it.
func findingsExit(err error, snap model.Snapshot, fail bool) error {
	if err != nil || !fail {
		return err
	}
	if n, _ := findingsCount(snap); n > 0 {
		return exitError{exitDrift}
	}
	return nil
}

// printCheckFindings prints, after check's table and explanations, one
// "finding:" line per finding (grep-able in a CI log, apart from the
// table's columns) and a count that says they are not drift.
func printCheckFindings(out io.Writer, snap model.Snapshot) {
	n, objects := findingsCount(snap)
	if n == 0 {
		return
	}
	fmt.Fprintln(out)
	for i := range snap.Entries {
		e := &snap.Entries[i]
		for _, f := range e.Findings {
			fmt.Fprintf(out, "finding: %s: %s\n", e.Key.Display(), findingText(f))
		}
	}
	fmt.Fprintf(out, "%d finding%s on %d object%s: not drift, they fail check only with --fail-on-findings\n",
		n, plural(n), objects, plural(objects))
}

// printEntryFindings prints an object's findings under its explanation
// (diff), one line each like its ignored differences.
func printEntryFindings(out io.Writer, e *model.Entry) {
	for _, f := range e.Findings {
		fmt.Fprintf(out, "  finding  %s\n", findingText(f))
	}
}

// findingText is one finding on one line: severity, kind, where, the
// message, the other Ingresses and whether this object is the suspect.
func findingText(f model.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Severity, f.Kind)
	if f.Host != "" || f.Path != "" {
		b.WriteString(" " + f.Host + f.Path)
		if f.PathType != "" {
			b.WriteString(" (" + f.PathType + ")")
		}
	}
	if f.Class != "" {
		b.WriteString(" class " + f.Class)
	}
	b.WriteString(": " + f.Message)
	var also []string
	if len(f.Others) > 0 {
		others := make([]string, len(f.Others))
		for i, k := range f.Others {
			others[i] = k.Display()
		}
		also = append(also, "also "+strings.Join(others, ", "))
	}
	if f.Suspect {
		also = append(also, "suspect: this object (not in Git, or its claim is drift)")
	}
	if len(also) > 0 {
		b.WriteString(" [" + strings.Join(also, "; ") + "]")
	}
	return b.String()
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
