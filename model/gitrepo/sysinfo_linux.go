//go:build linux

package gitrepo

import (
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
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

// fillStat copies the stat data git keeps in an index entry (as go-git's
// Worktree.Add does), so that git sees the file unchanged without hashing
// it again.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.CreatedAt = time.Unix(st.Ctim.Unix())
		e.Dev = uint32(st.Dev)
		e.Inode = uint32(st.Ino)
		e.UID = st.Uid
		e.GID = st.Gid
	}
}
