package cluster

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// SetReflectorBackoff makes every reflector that Watch starts from now
// until t ends wait d before each retry, without jitter: with d longer
// than the test, a reflector comes back from a failure only by being
// replaced.
func SetReflectorBackoff(t *testing.T, d time.Duration) {
	old := reflectorBackoff
	reflectorBackoff = &wait.Backoff{Duration: d, Cap: d, Steps: 1, Factor: 1}
	t.Cleanup(func() { reflectorBackoff = old })
}
