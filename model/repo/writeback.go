package repo

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// writeMu serializes the manifest writes of this process; lockDir does the
// same between processes.
var writeMu sync.Mutex

// lockWait bounds the wait for another process's write of the same
// directory (a write holds the lock for milliseconds).
const lockWait = 10 * time.Second

// errLockBusy is returned by flockDir when lockWait has passed.
var errLockBusy = errors.New("another process has been writing there for too long")

// writeFault, when set (by tests), is called before each step of a write
// ("wait" — only when another process holds the directory lock —,
// "create", "write", "sync", "check" — the second precondition check —,
// "rename") and fails it with its error.
var writeFault func(step string) error

func fault(step string) error {
	if writeFault == nil {
		return nil
	}
	return writeFault(step)
}

// ReadManifest returns a manifest file's bytes and their SHA-256 (hex), the
// precondition for a later WriteManifest or RemoveManifest. rel is relative
// to Root, slash-separated, as model.Origin.File. A path that leaves the
// root (absolute, "..", through a symbolic link) or goes into .git is
// refused with a *model.RefusedError; a missing file is an error matching
// fs.ErrNotExist. With --rev the file is read from that commit, which is
// what is being compared (the work tree may differ).
func (r *Repo) ReadManifest(rel string) (data []byte, hash string, err error) {
	rel, err = r.checkRel(rel)
	if err != nil {
		return nil, "", err
	}
	if r.rev != nil {
		data, err = r.readRev(rel)
	} else {
		data, err = r.readDisk(rel)
	}
	if err != nil {
		return nil, "", err
	}
	return data, manifest.Hash(data), nil
}

func (r *Repo) readDisk(rel string) ([]byte, error) {
	root, err := r.openRoot()
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if err := noSymlinks(root, rel); err != nil {
		return nil, err
	}
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, pathx.UnwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, pathx.UnwrapPathError(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("reading %s: %w", rel, &tooBigError{int64(len(data))})
	}
	return data, nil
}

// readRev reads rel from the --rev commit.
func (r *Repo) readRev(rel string) ([]byte, error) {
	e, err := r.rev.Find(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s from %s: %w", rel, r.opts.Rev, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", rel, r.opts.Rev, err)
	}
	if e.Kind != git.KindFile {
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s is not a regular file in %s", rel, r.opts.Rev)}
	}
	data, err := r.rev.Read(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", rel, r.opts.Rev, err)
	}
	return data, nil
}

// WriteManifest replaces rel (relative to Root, slash-separated) with data,
// atomically: a temporary file in the same directory is written, synced and
// renamed over rel, then the directory is synced. The file keeps its mode,
// and its owner where the process may set it; a hard link to the old file
// keeps the old content (rename replaces the directory entry).
//
// Before writing and again right before the rename the file on disk is
// hashed: unless its SHA-256 is expectedHash (from ReadManifest), nothing
// is written and a *model.StaleError is returned. Both checks and the
// rename happen under an exclusive lock on the file's directory (see
// lockDir), so that two processes that read the same content cannot both
// pass the check and the second one's rename lose the first one's change:
// the second sees the first one's content and is refused. A file without
// write permission (see refuseReadOnly) is refused with a *model.RefusedError:
// a rename would replace it although it says "do not edit". expectedHash "" creates a new file
// instead: refused with a *model.StaleError when rel exists (checked
// atomically where the file system has hard links), parent directories are
// created (0755), the file gets mode 0644.
//
// An I/O error (disk full, permission) comes back wrapped with the file
// name, with the old file untouched and the temporary file removed. Paths
// leaving the root, symbolic links and .git are refused as by
// ReadManifest, and so is every write with --rev (the work tree is not what
// is being compared).
func (r *Repo) WriteManifest(rel, expectedHash string, data []byte) error {
	rel, root, done, err := r.beginWrite(rel)
	if err != nil {
		return err
	}
	defer done()
	name := filepath.FromSlash(rel)
	dir := filepath.Dir(name)
	old, err := precondition(root, rel, expectedHash)
	if err != nil {
		return err
	}
	if old == nil && dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			if errors.Is(err, fs.ErrExist) {
				err = syscall.ENOTDIR // a file where a directory should be
			}
			return fmt.Errorf("writing %s: creating directory %s: %w", rel, filepath.ToSlash(dir), pathx.UnwrapPathError(err))
		}
	}
	tmp, err := writeTemp(root, name, data, old)
	if err != nil {
		return fmt.Errorf("writing %s: %w", rel, pathx.UnwrapPathError(err))
	}
	if err := replace(root, rel, name, tmp, expectedHash); err != nil {
		_ = root.Remove(tmp)
		return err
	}
	syncDir(root, dir)
	return nil
}

// replace moves the written temporary file to name once the precondition
// still holds.
func replace(root *os.Root, rel, name, tmp, expectedHash string) error {
	if err := fault("check"); err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if _, err := precondition(root, rel, expectedHash); err != nil {
		return err
	}
	if err := fault("rename"); err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if expectedHash == "" {
		// A hard link fails if the name exists, where a rename would
		// replace a file created since the check.
		err := root.Link(tmp, name)
		if err == nil {
			_ = root.Remove(tmp)
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return &model.StaleError{What: rel + ", which did not exist,"}
		}
		// No hard links on this file system: rename after the check.
	}
	if err := root.Rename(tmp, name); err != nil {
		return fmt.Errorf("writing %s: %w", rel, pathx.UnwrapPathError(err))
	}
	return nil
}

// RemoveManifest deletes rel if its SHA-256 is still expectedHash (else
// *model.StaleError, nothing removed), then syncs the directory. Empty
// directories left behind are kept (git does not track them). Refused as
// WriteManifest is.
func (r *Repo) RemoveManifest(rel, expectedHash string) error {
	if expectedHash == "" {
		return fmt.Errorf("removing %s: no hash of the content that was read", rel)
	}
	rel, root, done, err := r.beginWrite(rel)
	if err != nil {
		return err
	}
	defer done()
	if _, err := precondition(root, rel, expectedHash); err != nil {
		return err
	}
	name := filepath.FromSlash(rel)
	if err := root.Remove(name); err != nil {
		return fmt.Errorf("removing %s: %w", rel, pathx.UnwrapPathError(err))
	}
	syncDir(root, filepath.Dir(name))
	return nil
}

// beginWrite checks rel for a write, opens the root and takes the write
// locks (this process's and the directory's); done undoes all.
func (r *Repo) beginWrite(rel string) (clean string, root *os.Root, done func(), err error) {
	if clean, err = r.checkWritable(rel); err != nil {
		return "", nil, nil, err
	}
	if root, err = r.openRoot(); err != nil {
		return "", nil, nil, err
	}
	if err := noSymlinks(root, clean); err != nil {
		root.Close()
		return "", nil, nil, err
	}
	writeMu.Lock()
	unlock, err := lockDir(root, clean)
	if err != nil {
		writeMu.Unlock()
		root.Close()
		return "", nil, nil, err
	}
	return clean, root, func() { unlock(); writeMu.Unlock(); root.Close() }, nil
}

// lockDir takes an exclusive flock(2) on the directory holding rel (its
// nearest existing ancestor for a file in a directory yet to be made),
// held from the first hash check to the rename and released by closing
// it. The directory, not the file: a rename replaces the file's inode, so
// a process waiting on the old one would then hold a lock nobody else
// takes; and not a lock file beside it, which would be left in the work
// tree (removing it races with the next process opening it). Every
// process that writes rel locks the same directory whatever its --repo,
// and the lock vanishes with the process. Writes of other files in the
// same directory wait for each other too, for the milliseconds a write
// takes.
func lockDir(root *os.Root, rel string) (unlock func(), err error) {
	dir := filepath.Dir(filepath.FromSlash(rel))
	var d *os.File
	for {
		if d, err = root.Open(dir); err == nil || dir == "." {
			break
		}
		dir = filepath.Dir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: opening its directory to lock it: %w", rel, pathx.UnwrapPathError(err))
	}
	if err := flockDir(d, func() error { return fault("wait") }); err != nil {
		d.Close()
		return nil, fmt.Errorf("writing %s: locking directory %s against other ingress-drift processes: %w", rel, filepath.ToSlash(dir), err)
	}
	return func() { d.Close() }, nil
}

// precondition checks that rel on disk is what the caller read: content
// hashing to expectedHash, or no file when expectedHash is "". It returns
// the file's info (nil when there is none).
func precondition(root *os.Root, rel, expectedHash string) (fs.FileInfo, error) {
	name := filepath.FromSlash(rel)
	fi, err := root.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if expectedHash == "" {
			return nil, nil
		}
		return nil, &model.StaleError{What: rel + " on disk (it was deleted)"}
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", rel, pathx.UnwrapPathError(err))
	case expectedHash == "":
		return nil, &model.StaleError{What: rel + ", which did not exist,"}
	case !fi.Mode().IsRegular():
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s is not a regular file (%s)", rel, fi.Mode().Type())}
	}
	if err := refuseReadOnly(rel, fi); err != nil {
		return nil, err
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, pathx.UnwrapPathError(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, pathx.UnwrapPathError(err))
	}
	if hex.EncodeToString(h.Sum(nil)) != expectedHash {
		return nil, &model.StaleError{What: rel + " on disk"}
	}
	return fi, nil
}

// refuseReadOnly refuses to replace rel when fi says it is read-only: no
// write bit for anyone (checked for root too, whom permissions do not stop
// — a 0444 file says "do not edit"), or, where the platform tells, none for
// this process's class (classReadOnly), which rename(2) in a writable
// directory would bypass.
func refuseReadOnly(rel string, fi fs.FileInfo) error {
	why := ""
	if perm := fi.Mode().Perm(); perm&0o222 == 0 {
		why = fmt.Sprintf("mode %04o: nobody may write it", perm)
	} else {
		why = classReadOnly(fi)
	}
	if why == "" {
		return nil
	}
	return &model.RefusedError{Reason: fmt.Sprintf("%s is read-only (%s); nothing was written — make it writable first (chmod u+w %s) if it is meant to change", rel, why, rel)}
}

// CheckWritable refuses, before any preview is confirmed, a write that
// WriteManifest or RemoveManifest would refuse whatever happens
// meanwhile: a path outside the root or through a symbolic link, --rev,
// and an existing file that is read-only (see refuseReadOnly). A missing file
// passes.
func (r *Repo) CheckWritable(rel string) error {
	clean, err := r.checkWritable(rel)
	if err != nil {
		return err
	}
	root, err := r.openRoot()
	if err != nil {
		return err
	}
	defer root.Close()
	if err := noSymlinks(root, clean); err != nil {
		return err
	}
	fi, err := root.Lstat(filepath.FromSlash(clean))
	if err != nil || !fi.Mode().IsRegular() {
		return nil // WriteManifest reports these with the precondition
	}
	return refuseReadOnly(clean, fi)
}

// writeTemp writes data to a new temporary file beside name, with old's
// mode and owner (0644 without old), synced and closed. On error nothing
// is left behind.
func writeTemp(root *os.Root, name string, data []byte, old fs.FileInfo) (_ string, err error) {
	if err := fault("create"); err != nil {
		return "", err
	}
	var f *os.File
	var tmp string
	for range 10 {
		tmp = tempName(name)
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = f.Close()
			}
			_ = root.Remove(tmp)
		}
	}()
	if err = fault("write"); err != nil {
		return "", err
	}
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	mode := fs.FileMode(0o644)
	if old != nil {
		mode = old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		keepOwner(f, old)
	}
	if err = f.Chmod(mode); err != nil {
		return "", err
	}
	if err = fault("sync"); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	// Close reports late write errors (NFS).
	closed = true
	if err = f.Close(); err != nil {
		return "", err
	}
	return tmp, nil
}

// tempName is a hidden name beside name that no manifest walk reads (it
// does not end in .yaml/.yml/.json).
func tempName(name string) string {
	base := filepath.Base(name)
	if len(base) > 100 {
		base = base[:100]
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return filepath.Join(filepath.Dir(name), "."+base+"."+hex.EncodeToString(b[:])+".ingress-drift-tmp")
}

// syncDir makes a rename or removal in dir durable. Its error is not
// reported: the change is already visible, and some file systems cannot
// sync a directory.
func syncDir(root *os.Root, dir string) {
	d, err := root.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// openRoot opens the repo root; every file operation goes through it, so
// that no path (nor a symbolic link swapped in meanwhile) reaches outside.
func (r *Repo) openRoot() (*os.Root, error) {
	root, err := os.OpenRoot(r.root)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", r.root, pathx.UnwrapPathError(err))
	}
	return root, nil
}

// checkRel cleans a manifest path and refuses one that is not a file below
// the root or that is in a .git directory.
func (r *Repo) checkRel(rel string) (string, error) {
	clean := path.Clean(filepath.ToSlash(rel))
	switch {
	case rel == "" || clean == ".":
		return "", &model.RefusedError{Reason: fmt.Sprintf("%q is not a file path", rel)}
	case path.IsAbs(clean) || filepath.IsAbs(rel) || !filepath.IsLocal(filepath.FromSlash(clean)):
		return "", &model.RefusedError{Reason: fmt.Sprintf("%s is outside the repo root %s; manifest paths are relative to it", rel, r.root)}
	}
	for _, seg := range strings.Split(clean, "/") {
		if strings.EqualFold(seg, ".git") {
			return "", &model.RefusedError{Reason: fmt.Sprintf("%s is inside a .git directory", rel)}
		}
	}
	return clean, nil
}

// checkWritable is checkRel for a write, which --rev refuses.
func (r *Repo) checkWritable(rel string) (string, error) {
	clean, err := r.checkRel(rel)
	if err != nil {
		return "", err
	}
	if r.rev != nil {
		return "", &model.RefusedError{Reason: fmt.Sprintf("comparing against --rev %s: %s is not written, because the work tree is not what is being compared; run without --rev to write manifests", r.opts.Rev, clean)}
	}
	return clean, nil
}

// noSymlinks refuses a path whose file or any directory above it (below
// the root) is a symbolic link: writing through one would change a file
// elsewhere, and git tracks the link, not the file behind it. Components
// that do not exist yet end the check.
func noSymlinks(root *os.Root, rel string) error {
	segs := strings.Split(rel, "/")
	for i := range segs {
		p := strings.Join(segs[:i+1], "/")
		fi, err := root.Lstat(filepath.FromSlash(p))
		if err != nil {
			return nil
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			what := "it is a symbolic link"
			if i < len(segs)-1 {
				what = p + " is a symbolic link"
			}
			return &model.RefusedError{Reason: fmt.Sprintf("%s: %s; ingress-drift writes only regular files inside the repo, never through links — edit the file it points to", rel, what)}
		}
	}
	return nil
}
