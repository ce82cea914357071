package main

import "testing"

// TestMemoryBudget: never below the floor, and proportional to the objects
// beyond it, so a large cluster's live heap always fits.
func TestMemoryBudget(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want int64
	}{
		{0, memoryFloor},
		{10_000, memoryFloor}, // 10,000 × 9 KiB is just under the floor
		{50_000, 50_000 * 9 << 10},
	} {
		if got := memoryBudget(tc.n); got != tc.want {
			t.Errorf("memoryBudget(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
