package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/manifest"
)

const (
	shopV1 = "# shop\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n"
	shopV2 = "# shop\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  annotations:\n    a: \"1\"\n"
)

func TestReadManifest(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	r := openRepo(t, dir, "")
	data, hash, err := r.ReadManifest("apps/shop.yaml")
	must(t, err)
	if string(data) != shopV1 || hash != manifest.Hash([]byte(shopV1)) || len(hash) != 64 {
		t.Errorf("ReadManifest = %q, %s", data, hash)
	}
	// A path written the long way reads the same file.
	if _, h2, err := r.ReadManifest("./apps/../apps/shop.yaml"); err != nil || h2 != hash {
		t.Errorf("ReadManifest(./apps/../apps/shop.yaml) = %s, %v", h2, err)
	}
	_, _, err = r.ReadManifest("apps/none.yaml")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "apps/none.yaml") {
		t.Errorf("missing file: %v, want fs.ErrNotExist naming the file", err)
	}
}

func TestWriteManifestReplacesAndKeepsMode(t *testing.T) {
	for _, mode := range []fs.FileMode{0o600, 0o644, 0o755} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := dirOf(t, t.TempDir())
			write(t, dir, "apps/shop.yaml", shopV1)
			p := filepath.Join(dir, "apps", "shop.yaml")
			must(t, os.Chmod(p, mode))
			r := openRepo(t, dir, "")
			_, hash, err := r.ReadManifest("apps/shop.yaml")
			must(t, err)
			must(t, r.WriteManifest("apps/shop.yaml", hash, []byte(shopV2)))
			if got := readFile(t, dir, "apps/shop.yaml"); got != shopV2 {
				t.Errorf("content = %q", got)
			}
			fi, err := os.Stat(p)
			must(t, err)
			if fi.Mode() != mode {
				t.Errorf("mode = %v, want %v", fi.Mode(), mode)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
			// The new hash is the precondition of the next write.
			_, h2, _ := r.ReadManifest("apps/shop.yaml")
			if h2 != manifest.Hash([]byte(shopV2)) {
				t.Errorf("hash after write = %s", h2)
			}
			must(t, r.WriteManifest("apps/shop.yaml", h2, []byte(shopV1)))
		})
	}
}

func TestWriteManifestKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Log("not root: only the group could change; checking the owner is kept")
	}
	dir := dirOf(t, t.TempDir())
	write(t, dir, "shop.yaml", shopV1)
	p := filepath.Join(dir, "shop.yaml")
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = 4242, 4343
		must(t, os.Chown(p, uid, gid))
	}
	r := openRepo(t, dir, "")
	must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	fi, err := os.Stat(p)
	must(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("owner = %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
}

func TestWriteManifestStale(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	r := openRepo(t, dir, "")
	_, hash, err := r.ReadManifest("apps/shop.yaml")
	must(t, err)

	// Someone edits the file after it was read.
	edited := shopV1 + "# edited by hand\n"
	write(t, dir, "apps/shop.yaml", edited)
	err = r.WriteManifest("apps/shop.yaml", hash, []byte(shopV2))
	wantStale(t, err, "refused: apps/shop.yaml on disk changed since the preview; nothing was written — review the new diff")
	if got := readFile(t, dir, "apps/shop.yaml"); got != edited {
		t.Errorf("the edited file was overwritten: %q", got)
	}
	err = r.RemoveManifest("apps/shop.yaml", hash)
	wantStale(t, err, "refused: apps/shop.yaml on disk changed since the preview; nothing was written — review the new diff")

	// Someone deletes it.
	must(t, os.Remove(filepath.Join(dir, "apps", "shop.yaml")))
	err = r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(edited)), []byte(shopV2))
	wantStale(t, err, "refused: apps/shop.yaml on disk (it was deleted) changed since the preview; nothing was written — review the new diff")
	if _, err := os.Stat(filepath.Join(dir, "apps", "shop.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a deleted file was written again: %v", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// The precondition is checked again right before the rename: a change made
// while the temporary file is written is not overwritten.
func TestWriteManifestStaleDuringWrite(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "shop.yaml", shopV1)
	r := openRepo(t, dir, "")
	writeFault = func(step string) error {
		if step == "check" {
			write(t, dir, "shop.yaml", "changed meanwhile\n")
		}
		return nil
	}
	defer func() { writeFault = nil }()
	err := r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2))
	wantStale(t, err, "refused: shop.yaml on disk changed since the preview; nothing was written — review the new diff")
	wantUntouched(t, dir, "shop.yaml", "changed meanwhile\n")
}

func TestWriteManifestCreate(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "existing.yaml", shopV1)
	r := openRepo(t, dir, "")
	must(t, r.WriteManifest("shop/deep/shop.yaml", "", []byte(shopV2)))
	if got := readFile(t, dir, "shop/deep/shop.yaml"); got != shopV2 {
		t.Errorf("content = %q", got)
	}
	fi, err := os.Stat(filepath.Join(dir, "shop", "deep", "shop.yaml"))
	must(t, err)
	if fi.Mode() != 0o644 {
		t.Errorf("mode = %v, want -rw-r--r--", fi.Mode())
	}
	if di, err := os.Stat(filepath.Join(dir, "shop", "deep")); err != nil || !di.IsDir() || di.Mode().Perm()&^0o755 != 0 {
		t.Errorf("directory: %v, %v", di, err)
	}

	// Creating a file that exists is refused, and leaves it alone.
	err = r.WriteManifest("existing.yaml", "", []byte(shopV2))
	wantStale(t, err, "refused: existing.yaml, which did not exist, changed since the preview; nothing was written — review the new diff")
	if got := readFile(t, dir, "existing.yaml"); got != shopV1 {
		t.Errorf("existing file overwritten: %q", got)
	}

	// Created after the last check, before the link: the hard link
	// refuses it where a rename would have replaced it.
	writeFault = func(step string) error {
		if step == "rename" {
			write(t, dir, "race.yaml", "someone else's\n")
		}
		return nil
	}
	defer func() { writeFault = nil }()
	wt := r.WriteManifest("race.yaml", "", []byte(shopV2))
	writeFault = nil
	wantStale(t, wt, "refused: race.yaml, which did not exist, changed since the preview; nothing was written — review the new diff")
	wantUntouched(t, dir, "race.yaml", "someone else's\n")
}

// Every failure after the temporary file exists removes it and leaves the
// old file as it was.
func TestWriteManifestFailureLeavesOriginal(t *testing.T) {
	for _, step := range []string{"create", "write", "sync", "check", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir := dirOf(t, t.TempDir())
			write(t, dir, "apps/shop.yaml", shopV1)
			r := openRepo(t, dir, "")
			writeFault = func(s string) error {
				if s == step {
					return syscall.ENOSPC
				}
				return nil
			}
			defer func() { writeFault = nil }()
			err := r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2))
			if !errors.Is(err, syscall.ENOSPC) || err.Error() != "writing apps/shop.yaml: no space left on device" {
				t.Errorf("error = %v", err)
			}
			wantUntouched(t, dir, "apps/shop.yaml", shopV1)
		})
	}
}

// A real write failure from the kernel: the file size limit makes the write
// of the temporary file fail with EFBIG (Go ignores SIGXFSZ), as a full
// disk would with ENOSPC.
func TestWriteManifestFileTooLarge(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	r := openRepo(t, dir, "")
	var old syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old))
	lim := old
	lim.Cur = uint64(len(shopV2) - 1)
	must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim))
	err := r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2))
	must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old))
	if !errors.Is(err, syscall.EFBIG) || err.Error() != "writing apps/shop.yaml: file too large" {
		t.Errorf("error = %v", err)
	}
	wantUntouched(t, dir, "apps/shop.yaml", shopV1)
}

// wantUntouched checks that rel still holds content and that no temporary
// file is left under dir.
func wantUntouched(t *testing.T, dir, rel, content string) {
	t.Helper()
	if got := readFile(t, dir, rel); got != content {
		t.Errorf("%s changed: %q", rel, got)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// A directory that cannot be written: read-only for a normal user; root
// ignores permissions, so a path whose parent is a file fails instead.
func TestWriteManifestUnwritableDirectory(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	write(t, dir, "notadir", "plain file\n")
	r := openRepo(t, dir, "")
	if os.Geteuid() != 0 {
		must(t, os.Chmod(filepath.Join(dir, "apps"), 0o555))
		defer os.Chmod(filepath.Join(dir, "apps"), 0o755)
		err := r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2))
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "apps/shop.yaml") {
			t.Errorf("read-only directory: %v", err)
		}
		if got := readFile(t, dir, "apps/shop.yaml"); got != shopV1 {
			t.Errorf("original changed: %q", got)
		}
	}
	err := r.WriteManifest("notadir/shop.yaml", "", []byte(shopV2))
	if !errors.Is(err, syscall.ENOTDIR) || err.Error() != "writing notadir/shop.yaml: creating directory notadir: not a directory" {
		t.Errorf("parent is a file: %v", err)
	}
	wantUntouched(t, dir, "notadir", "plain file\n")
}

func TestRemoveManifest(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	write(t, dir, "apps/web.yaml", shopV1)
	r := openRepo(t, dir, "")
	must(t, r.RemoveManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1))))
	if _, err := os.Stat(filepath.Join(dir, "apps", "shop.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("not removed: %v", err)
	}
	err := r.RemoveManifest("apps/web.yaml", manifest.Hash([]byte(shopV2)))
	wantStale(t, err, "refused: apps/web.yaml on disk changed since the preview; nothing was written — review the new diff")
	if got := readFile(t, dir, "apps/web.yaml"); got != shopV1 {
		t.Errorf("web.yaml changed: %q", got)
	}
	if err := r.RemoveManifest("apps/web.yaml", ""); err == nil || !strings.Contains(err.Error(), "apps/web.yaml") {
		t.Errorf("remove without a hash: %v", err)
	}
	err = r.RemoveManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)))
	wantStale(t, err, "refused: apps/shop.yaml on disk (it was deleted) changed since the preview; nothing was written — review the new diff")
}

// Paths that leave the root, go through a symbolic link or into .git are
// refused by every operation, and nothing outside changes.
func TestManifestPathsLeavingTheRoot(t *testing.T) {
	outside := dirOf(t, t.TempDir())
	write(t, outside, "secret.yaml", "outside\n")
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	write(t, dir, "inner/real.yaml", shopV1)
	must(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "link.yaml")))
	must(t, os.Symlink(outside, filepath.Join(dir, "linkdir")))
	must(t, os.Symlink("inner", filepath.Join(dir, "innerlink")))
	must(t, os.Symlink("real.yaml", filepath.Join(dir, "inner", "alias.yaml")))
	must(t, os.MkdirAll(filepath.Join(dir, ".git"), 0o755))
	write(t, dir, ".git/config", "[core]\n")
	r := openRepo(t, dir, "")
	outsideHash := manifest.Hash([]byte("outside\n"))
	cases := map[string]string{
		"../secret.yaml":            "is outside the repo root",
		"apps/../../secret.yaml":    "is outside the repo root",
		"/etc/hostname":             "is outside the repo root",
		filepath.Join(outside, "x"): "is outside the repo root",
		"":                          "is not a file path",
		".":                         "is not a file path",
		".git/config":               "is inside a .git directory",
		"apps/.GIT/config":          "is inside a .git directory",
		"link.yaml":                 "link.yaml: it is a symbolic link",
		"linkdir/secret.yaml":       "linkdir/secret.yaml: linkdir is a symbolic link",
		"innerlink/real.yaml":       "innerlink/real.yaml: innerlink is a symbolic link",
		"inner/alias.yaml":          "inner/alias.yaml: it is a symbolic link",
		"linkdir/new/created.yaml":  "linkdir is a symbolic link",
		"../" + filepath.Base(dir) + "/apps/shop.yaml": "is outside the repo root",
	}
	for rel, want := range cases {
		t.Run(rel, func(t *testing.T) {
			_, _, err := r.ReadManifest(rel)
			wantRefused(t, err, want)
			wantRefused(t, r.WriteManifest(rel, outsideHash, []byte("pwned\n")), want)
			wantRefused(t, r.WriteManifest(rel, "", []byte("pwned\n")), want)
			wantRefused(t, r.RemoveManifest(rel, outsideHash), want)
		})
	}
	if got := readFile(t, outside, "secret.yaml"); got != "outside\n" {
		t.Errorf("a file outside the root changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory was created outside the root: %v", err)
	}
	if got := readFile(t, dir, "inner/real.yaml"); got != shopV1 {
		t.Errorf("a file behind a link changed: %q", got)
	}
}

// With --rev, reads come from the commit and writes are refused.
func TestManifestWithRev(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"apps/shop.yaml": shopV1}, true)
	write(t, dir, "apps/shop.yaml", shopV2) // the work tree differs from HEAD
	r := openRepo(t, dir, "HEAD")
	data, hash, err := r.ReadManifest("apps/shop.yaml")
	must(t, err)
	if string(data) != shopV1 || hash != manifest.Hash([]byte(shopV1)) {
		t.Errorf("ReadManifest with --rev = %q, want the committed content", data)
	}
	if _, _, err := r.ReadManifest("apps/none.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file with --rev: %v", err)
	}
	want := "refused: comparing against --rev HEAD: apps/shop.yaml is not written, because the work tree is not what is being compared; run without --rev to write manifests"
	for name, err := range map[string]error{
		"write":  r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV2)), []byte("x\n")),
		"create": r.WriteManifest("apps/new.yaml", "", []byte("x\n")),
		"remove": r.RemoveManifest("apps/shop.yaml", manifest.Hash([]byte(shopV2))),
	} {
		wantRefused(t, err)
		if name != "create" && err.Error() != want {
			t.Errorf("%s: %q, want %q", name, err, want)
		}
	}
	if got := readFile(t, dir, "apps/shop.yaml"); got != shopV2 {
		t.Errorf("work tree changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "apps", "new.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file created with --rev")
	}
	_, err = r.CommitFile(t.Context(), "apps/shop.yaml", "x")
	wantRefused(t, err, "comparing against --rev HEAD: apps/shop.yaml is not committed")
}

// Many writes in a row from several goroutines: each either wins with the
// hash it read or is refused as stale; none is lost.
func TestWriteManifestConcurrent(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "n.yaml", "0\n")
	r := openRepo(t, dir, "")
	const workers = 8
	results := make(chan error, workers)
	_, hash, err := r.ReadManifest("n.yaml")
	must(t, err)
	for i := range workers {
		go func() { results <- r.WriteManifest("n.yaml", hash, []byte(fmt.Sprintf("%d\n", i+1))) }()
	}
	var won []error
	for range workers {
		if err := <-results; err == nil {
			won = append(won, err)
		} else {
			wantStale(t, err, "refused: n.yaml on disk changed since the preview; nothing was written — review the new diff")
		}
	}
	if len(won) != 1 {
		t.Errorf("%d writes succeeded from the same read, want 1", len(won))
	}
	if got := readFile(t, dir, "n.yaml"); !slices.Contains([]string{"1\n", "2\n", "3\n", "4\n", "5\n", "6\n", "7\n", "8\n"}, got) {
		t.Errorf("content = %q", got)
	}
}

// A read-only (0444) manifest in a writable directory is not replaced
// through a rename, nor removed — by root too, whom permissions do not
// stop.
func TestWriteManifestReadOnlyFile(t *testing.T) {
	dir := dirOf(t, t.TempDir())
	write(t, dir, "apps/shop.yaml", shopV1)
	must(t, os.Chmod(filepath.Join(dir, "apps/shop.yaml"), 0o444))
	r := openRepo(t, dir, "")
	hash := manifest.Hash([]byte(shopV1))
	const why = "apps/shop.yaml is read-only (mode 0444: nobody may write it); nothing was written"
	wantRefused(t, r.CheckWritable("apps/shop.yaml"), why)
	wantRefused(t, r.WriteManifest("apps/shop.yaml", hash, []byte(shopV2)), why)
	wantRefused(t, r.RemoveManifest("apps/shop.yaml", hash), why)
	wantUntouched(t, dir, "apps/shop.yaml", shopV1)
	if fi, err := os.Stat(filepath.Join(dir, "apps/shop.yaml")); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("mode after the refusals = %v (%v), want 0444", fi.Mode(), err)
	}
	// Any write bit makes it writable again; the mode is kept.
	must(t, os.Chmod(filepath.Join(dir, "apps/shop.yaml"), 0o644))
	must(t, r.CheckWritable("apps/shop.yaml"))
	must(t, r.WriteManifest("apps/shop.yaml", hash, []byte(shopV2)))
	if got := readFile(t, dir, "apps/shop.yaml"); got != shopV2 {
		t.Errorf("content = %q", got)
	}
}
