//go:build !unix

package repo

import (
	"io/fs"
	"os"
)

// flockDir does nothing where there is no flock(2): only the hash
// precondition and the in-process lock guard writes there.
func flockDir(*os.File, func() error) error { return nil }

// classReadOnly says nothing where the process's class is not known:
// only a file nobody may write is refused (refuseReadOnly).
func classReadOnly(fs.FileInfo) string { return "" }
