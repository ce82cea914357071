//go:build unix

package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"syscall"
	"time"
)

// flockDir takes an exclusive flock(2) on the open directory d, polling
// until lockWait has passed. waiting is called once if another process
// holds the lock; its error ends the wait.
func flockDir(d *os.File, waiting func() error) error {
	fd := int(d.Fd())
	deadline := time.Now().Add(lockWait)
	pause := time.Millisecond
	for called := false; ; {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return err
		}
		if !called {
			if err := waiting(); err != nil {
				return err
			}
		}
		called = true
		if time.Now().After(deadline) {
			return errLockBusy
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// classReadOnly says why fi must not be replaced by this process ("" =
// it may): no write bit for its class (owner, group or other). Root's
// class is never refused.
func classReadOnly(fi fs.FileInfo) string {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	euid := os.Geteuid()
	if !ok || euid == 0 {
		return ""
	}
	bit, class := fs.FileMode(0o002), "others"
	switch {
	case int(st.Uid) == euid:
		bit, class = 0o200, "its owner (you)"
	case inGroup(int(st.Gid)):
		bit, class = 0o020, fmt.Sprintf("its group (gid %d)", st.Gid)
	}
	if perm&bit == 0 {
		return fmt.Sprintf("mode %04o, owner uid %d: %s may not write it", perm, st.Uid, class)
	}
	return ""
}

func inGroup(gid int) bool {
	if os.Getegid() == gid {
		return true
	}
	groups, err := os.Getgroups()
	return err == nil && slices.Contains(groups, gid)
}
