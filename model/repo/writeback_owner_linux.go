//go:build linux

package repo

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives f the owner and group of old where the process may
// (root may; others can at most change the group to one of theirs).
func keepOwner(f *os.File, old fs.FileInfo) {
	ost, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && (st.Uid != ost.Uid || st.Gid != ost.Gid) {
		_ = f.Chown(int(ost.Uid), int(ost.Gid))
	}
}
