//go:build !unix

package gitrepo

import (
	"fmt"
	"io/fs"
	"os"
)

// flockDir does nothing where there is no flock(2): only the hash
// precondition and the in-process lock guard writes there.
func flockDir(*os.File, func() error) error { return nil }

// readOnly says why fi must not be replaced: no write bit at all.
func readOnly(fi fs.FileInfo) string {
	if perm := fi.Mode().Perm(); perm&0o222 == 0 {
		return fmt.Sprintf("mode %04o: nobody may write it", perm)
	}
	return ""
}
