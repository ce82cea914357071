//go:build !linux

package gitrepo

import (
	"io/fs"
	"os"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// keepOwner is a no-op where the owner is not read (see sysinfo_linux.go).
func keepOwner(*os.File, fs.FileInfo) {}

// fillStat keeps the portable stat data; git re-hashes the file once to
// confirm it is unchanged.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
}
