package model

// Snapshot is the whole inventory at one moment: every entry sorted by key,
// and both sides' states.
type Snapshot struct {
	Entries []Entry
	Cluster ConnState
	Repo    RepoState
}

// Summary counts entries per report status (Entry.ReportStatus): every
// status of Statuses, and StatusUnknown.
func (s Snapshot) Summary() map[Status]int {
	out := make(map[Status]int, len(Statuses)+1)
	for _, st := range Statuses {
		out[st] = 0
	}
	out[StatusUnknown] = 0
	for i := range s.Entries {
		out[s.Entries[i].ReportStatus()]++
	}
	return out
}
