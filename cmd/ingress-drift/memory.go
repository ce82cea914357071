package main

import (
	"os"
	"runtime/debug"
)

// Memory budget of the one-shot commands (check, diff, revert, accept).
//
// Loading 10,000 objects keeps about 55 MiB live but allocates about 700 MiB
// of short-lived garbage (YAML and protobuf decoding), and with Go's default
// GC the heap grows to twice the live size between collections. A soft
// memory limit makes the GC collect earlier instead, trading CPU, which a
// check has plenty of (it runs in about a third of a bare `kubectl get`),
// for a peak RSS that stays well under 150 MB at 10,000 objects (see
// bench/RESULTS.md). The limit scales with the objects loaded, so that a
// much larger cluster never pins the GC against a limit its live heap
// exceeds. GOMEMLIMIT, when set, wins. The TUI keeps Go's defaults: it is
// a long-running process whose heap settles after start-up.
const (
	memoryFloor     = 88 << 20 // bytes
	memoryPerObject = 9 << 10  // bytes per live object, ~1.7× what stays live
)

// limitMemory sets the floor of the budget; call it before loading.
func limitMemory(g *globalFlags) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryFloor)
	g.liveCount = func(n int) { debug.SetMemoryLimit(memoryBudget(n)) }
}

// memoryBudget is the soft memory limit for n live objects.
func memoryBudget(n int) int64 {
	return max(int64(memoryFloor), int64(n)*memoryPerObject)
}
