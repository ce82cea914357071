package manifest

import (
	"crypto/sha256"
	"encoding/hex"
)

// Hash is the SHA-256 (hex) of a manifest's bytes, the precondition
// repo's ReadManifest returns and WriteManifest and RemoveManifest
// check.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
