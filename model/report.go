package model

// Report is the machine-readable result of `ingress-drift check -o json`.
// Field names and status words are a public interface: scripts parse them.
type Report struct {
	Objects []ReportObject `json:"objects"`
	Errors  []RepoError    `json:"errors"`
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
	Errors     []RepoError        `json:"errors,omitempty"`
}

// NewReport builds the report of a snapshot.
func NewReport(s Snapshot) Report {
	r := Report{Objects: []ReportObject{}, Errors: []RepoError{}, Summary: s.Summary(), Cluster: s.Cluster, Repo: s.Repo}
	for i := range s.Entries {
		e := &s.Entries[i]
		r.Errors = append(r.Errors, e.Errors...)
		o := ReportObject{
			Namespace: e.Key.Namespace, Name: e.Key.Name, Status: e.Status,
			Severity: e.Severity, Categories: nonNil(e.Categories),
			Origin: e.Origin(), Changes: nonNil(e.Changes), Ignored: nonNil(e.Ignored),
			Errors: e.Errors,
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
		r.Objects = append(r.Objects, o)
	}
	return r
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ExitCode is the `check` exit code for a snapshot: 0 when everything is in
// sync, 1 when drift, a missing object or a conflict was found, 2 when some
// input could not be read (everything else is still reported). Fatal errors
// (3) are the caller's.
func (s Snapshot) ExitCode() int {
	code := 0
	for i := range s.Entries {
		switch s.Entries[i].Status {
		case StatusError:
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
