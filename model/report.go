package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Report is the machine-readable result of `ingress-drift check -o json`.
// Field names and status words are a public interface: scripts parse them.
type Report struct {
	Objects []ReportObject `json:"objects"`
	Errors  []RepoError    `json:"errors"`
	// Notices are things worth saying that are not errors (Snapshot.Notices):
	// they count in no summary and no exit code.
	Notices []RepoError    `json:"notices"`
	Summary map[Status]int `json:"summary"`
	Cluster ConnState      `json:"cluster"`
	Repo    RepoState      `json:"repo"`
}

// ReportObject is one entry of a Report. Every object is listed, in-sync ones
// included.
type ReportObject struct {
	Namespace  string             `json:"namespace"`
	Name       string             `json:"name"`
	Status     Status             `json:"status"`
	Severity   Severity           `json:"severity"`
	Categories []Category         `json:"categories"`
	Origin     *Origin            `json:"origin,omitempty"`
	Origins    []Origin           `json:"origins,omitempty"`
	Git        *FileInfo          `json:"git,omitempty"`
	LastChange *Manager           `json:"lastLiveChange,omitempty"`
	Changes    []AttributedChange `json:"changes"`
	Ignored    []IgnoredChange    `json:"ignored"`
	// Findings are the object's findings (Entry.Findings): never drift,
	// and in check's exit code only with --fail-on-findings.
	Findings []Finding   `json:"findings"`
	Errors   []RepoError `json:"errors,omitempty"`
	// BlockedBy names, for status unknown, the inputs that could not be
	// read and could define the object ("file:line", or "." for the repo
	// root).
	BlockedBy []string `json:"blockedBy,omitempty"`
	// LiveUnknown qualifies a missing-live object: the live side was not
	// (or not wholly) read, so it is missing only as far as anyone knows
	// (see Entry.LiveUnknown; cluster.partial says why).
	LiveUnknown bool `json:"liveUnknown,omitempty"`
	// ManagedBy is the GitOps controller that manages the object
	// (Entry.ManagedBy), when the repo or the live object says.
	ManagedBy *GitOpsManager `json:"managedBy,omitempty"`
}

// NewReport builds the report of a snapshot.
func NewReport(s Snapshot) Report {
	r := Report{Objects: []ReportObject{}, Errors: []RepoError{}, Notices: nonNil(s.Notices), Summary: s.Summary(), Cluster: s.Cluster, Repo: s.Repo}
	for i := range s.Entries {
		r.Errors = append(r.Errors, s.Entries[i].Errors...)
		r.Objects = append(r.Objects, NewReportObject(&s.Entries[i]))
	}
	return r
}

// NewReportObject is the report of one entry.
func NewReportObject(e *Entry) ReportObject {
	o := ReportObject{
		Namespace: e.Key.Namespace, Name: e.Key.Name, Status: e.ReportStatus(),
		Severity: e.Severity, Categories: nonNil(e.Categories),
		Origin: e.Origin(), Changes: nonNil(e.Changes), Ignored: nonNil(e.Ignored), Findings: nonNil(e.Findings),
		Errors: e.Errors, LiveUnknown: e.LiveUnknown, ManagedBy: e.ManagedBy(),
	}
	for _, b := range e.BlockedBy {
		o.BlockedBy = append(o.BlockedBy, b.Place())
	}
	if len(e.Desired) > 1 {
		for _, d := range e.Desired {
			o.Origins = append(o.Origins, d.Origin)
		}
	}
	if e.Git != (FileInfo{}) {
		g := e.Git
		o.Git = &g
	}
	if m := e.Live.LastChange(); !m.Time.IsZero() || m.Manager != "" {
		o.LastChange = &m
	}
	return o
}

// WriteReportJSON writes the report of s as indented JSON, the same
// document json.MarshalIndent(NewReport(s), "", "  ") makes, one object at
// a time: at 10,000 objects the report is megabytes, and building it whole
// (and then an indented copy) would double a check's peak memory.
func WriteReportJSON(w io.Writer, s Snapshot) error {
	bw := bufio.NewWriter(w)
	write := func(prefix string, v any) error {
		b, err := json.MarshalIndent(v, prefix, "  ")
		if err != nil {
			return err
		}
		_, err = bw.Write(b)
		return err
	}
	bw.WriteString("{\n  \"objects\": [")
	errs := []RepoError{}
	for i := range s.Entries {
		e := &s.Entries[i]
		errs = append(errs, e.Errors...)
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		if err := write("    ", NewReportObject(e)); err != nil {
			return err
		}
	}
	if len(s.Entries) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"errors", errs}, {"notices", nonNil(s.Notices)}, {"summary", s.Summary()}, {"cluster", s.Cluster}, {"repo", s.Repo}} {
		fmt.Fprintf(bw, "  %q: ", f.name)
		if err := write("  ", f.v); err != nil {
			return err
		}
		if f.name != "repo" {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ExitCode is the `check` exit code for a snapshot: 0 when everything is in
// sync, 1 when drift, a missing object or a conflict was found, 2 when some
// input could not be read (everything else is still reported; an object
// whose absence from Git is not verified is such a case, not a missing
// one). Fatal errors (3) are the caller's.
func (s Snapshot) ExitCode() int {
	code := 0
	for i := range s.Entries {
		switch s.Entries[i].ReportStatus() {
		case StatusError, StatusUnknown:
			return 2
		case StatusInSync:
		default:
			code = 1
		}
	}
	if s.Repo.Err != "" {
		return 2
	}
	return code
}
