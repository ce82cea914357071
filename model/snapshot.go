package model

// Snapshot is the whole inventory at one moment: every entry sorted by key,
// both sides' states, and the repo's notices.
type Snapshot struct {
	Entries []Entry
	Cluster ConnState
	Repo    RepoState
	// Notices are the repo's notices sorted by place (Inventory.Notices):
	// not errors, so in no entry, no summary count and no exit code.
	Notices []RepoError
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
