package cluster

import (
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// SetReflectorBackoff makes every reflector that a Watch on tg starts
// wait d before each retry, without jitter: with d longer than the test, a
// reflector comes back from a failure only by being replaced. Only tg's
// Watches see it, so tests that set it may run in parallel.
func SetReflectorBackoff(tg *Target, d time.Duration) {
	tg.tuning.backoff = &wait.Backoff{Duration: d, Cap: d, Steps: 1, Factor: 1}
}

// SetProbeInterval makes Watches on tg probe every d while live instead
// of every ProbeInterval, so that a test waiting for the probe to notice
// an outage does not wait out production's interval.
func SetProbeInterval(tg *Target, d time.Duration) {
	tg.tuning.probeInterval = d
}

// SetClassRefusedRetry makes WatchDefaultIngressClass on tg ask again d
// after a refusal instead of ClassRefusedRetry.
func SetClassRefusedRetry(tg *Target, d time.Duration) {
	tg.tuning.classRetry = d
}
