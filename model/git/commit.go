package git

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// beforeRefUpdate, when set (by tests), runs after the commit object is
// stored and before the branch is moved.
var beforeRefUpdate func()

// WorkTree is the work tree as a commit reads it, through the repo side's
// path rules (rel is relative to the repo root, slash-separated).
type WorkTree interface {
	// Lstat is rel's file info without following a final symlink; it
	// refuses a path the repo side does not write (through a symlink).
	Lstat(rel string) (fs.FileInfo, error)
	// Open opens rel for reading.
	Open(rel string) (*os.File, error)
}

// CommitFile commits exactly the current work-tree state of rel (relative
// to the repo root, slash-separated, already checked to be a file below
// it, read from wt): its content, or its deletion. Nothing else
// enters the commit: other staged files stay staged, and the commit's tree
// is HEAD's with only rel's entry replaced. Author and committer come from
// the git config as git reads it (see gitSettings); the message is
// cleaned up as `git commit -m` does. The commit is never pushed, and no
// hooks run. It returns the full commit hash.
//
// It works as git does, so that a git running at the same time is never
// overwritten: it holds .git/index.lock throughout, moves the branch
// through <ref>.lock only if the branch still points where HEAD pointed
// when the commit was built (a concurrent commit is refused, not lost), and
// then replaces the index with one where only rel's entry (hash, mode and
// stat data) changed, so that `git status` shows rel clean. The index's
// cached-tree extension is dropped (git rebuilds it).
//
// Refused (*model.RefusedError): when HEAD is detached (a commit there is
// easily lost); during a merge, cherry-pick, revert or rebase; when rel's index entry differs from HEAD
// (someone staged it) or is in conflict; when user.name/user.email are not
// configured; when commit.gpgSign is set (ingress-drift cannot sign); when
// rel has a filter, working-tree-encoding or ident attribute (see
// checkinRules); when another git process holds the index or branch lock;
// when rel is the same as in HEAD; when the branch moved meanwhile. The
// first commit of a repository has no parent. CheckCommit makes the same
// checks before a write.
//
// The content is stored as `git add` would store it: CRLF line endings
// become LF where the text and eol attributes or core.autocrlf say so
// (see checkin.apply); the index entry keeps the work-tree file's stat
// data, so `git status` shows rel clean.
func (g *Repo) CommitFile(ctx context.Context, wt WorkTree, rel, message string) (hash string, err error) {
	msg := cleanMessage(message)
	c, done := g.newCommitJob(wt, rel)
	defer done()
	if msg == "" {
		return "", fmt.Errorf("committing %s: the commit message is empty", c.rel)
	}
	c.msg = msg
	return c.run(ctx)
}

// CheckCommit refuses, before rel is written, what would make CommitFile
// refuse once data is written there (nil: rel removed): everything
// CommitFile checks — a merge or rebase in progress, a detached HEAD,
// commit.gpgSign, no identity, a filter, working-tree-encoding or ident attribute, an index go-git cannot
// rewrite, rel staged or in conflict, the index or branch lock held by a
// running git, rel not a regular file — except what only the write can
// change. unchanged reports that data is what HEAD already holds (after
// the line-ending conversion git would apply), so there would be nothing
// to commit. Only a concurrent git can make CommitFile fail after this
// passed.
func (g *Repo) CheckCommit(wt WorkTree, rel string, data []byte) (unchanged bool, err error) {
	c, done := g.newCommitJob(wt, rel)
	defer done()
	cs, err := c.setup()
	if err != nil {
		return false, err
	}
	idxFile := filepath.Join(g.dir, "index")
	for _, f := range []string{idxFile, g.refFile(cs.branch)} {
		if _, err := os.Lstat(f + ".lock"); err == nil {
			return false, g.lockBusy(f)
		}
	}
	idx, err := readIndex(idxFile)
	if err != nil {
		return false, err
	}
	hs, err := c.head(idx, cs.branch)
	if err != nil {
		return false, err
	}
	fi, err := c.lstat()
	if err != nil {
		return false, err
	}
	perm := fs.FileMode(0o644) // a new file's, see repo.Repo.WriteManifest
	if fi != nil {
		perm = fi.Mode()
	}
	if data == nil {
		return hs.entry == nil, nil
	}
	mode, err := c.fileMode(cs.set, perm, hs.entry)
	if err != nil {
		return false, err
	}
	blob := plumbing.ComputeHash(plumbing.BlobObject, cs.rules.apply(data, hs.indexData))
	return hs.entry != nil && hs.entry.Hash == blob && hs.entry.Mode == mode, nil
}

// newCommitJob locks the object storage for a commit of rel; done
// unlocks.
func (g *Repo) newCommitJob(wt WorkTree, rel string) (*commitJob, func()) {
	g.mu.Lock()
	return &commitJob{g: g, wt: wt, rel: rel, path: g.gitPath(rel)}, g.mu.Unlock
}

// commitJob is one CommitFile.
type commitJob struct {
	g  *Repo
	wt WorkTree
	// rel is relative to the repo root, path to the git work tree.
	rel, path string
	msg       string
}

// wtFile is rel's content in the work tree.
type wtFile struct {
	data []byte
	fi   fs.FileInfo
	mode filemode.FileMode
}

// commitSetup is what a commit of rel needs that does not depend on the
// index or the file: the branch, the config, who commits, and what git
// would do to the content.
type commitSetup struct {
	branch            plumbing.ReferenceName
	set               gitSettings
	author, committer object.Signature
	rules             checkin
}

// setup refuses what makes any commit of rel impossible: a merge or
// rebase in progress, a detached HEAD, commit.gpgSign, no identity, and a
// filter (or encoding) attribute on rel.
func (c *commitJob) setup() (*commitSetup, error) {
	g := c.g
	if err := g.inProgress(); err != nil {
		return nil, err
	}
	branch, err := g.branch()
	if err != nil {
		return nil, err
	}
	set, err := g.settings()
	if err != nil {
		return nil, err
	}
	if set.bool("commit.gpgsign", false) {
		return nil, &model.RefusedError{Reason: fmt.Sprintf("commit.gpgSign is set and ingress-drift cannot sign commits: commit %s yourself (git commit -S -- %s)", c.rel, c.rel)}
	}
	author, committer, err := set.identity(time.Now(), g.root)
	if err != nil {
		return nil, err
	}
	rules, err := g.checkinRules(set, c.rel, c.path)
	if err != nil {
		return nil, err
	}
	return &commitSetup{branch: branch, set: set, author: author, committer: committer, rules: rules}, nil
}

// fileAtHead is rel in HEAD and in the index.
type fileAtHead struct {
	parent    plumbing.Hash
	tree      *object.Tree
	entry     *object.TreeEntry // rel in HEAD, nil when absent
	index     *index.Entry      // rel in the index, nil when untracked
	indexData []byte            // the index's content of rel, nil when untracked
}

// head reads rel in HEAD and in idx, refusing an index entry that
// differs from HEAD (see indexEntry).
func (c *commitJob) head(idx *index.Index, branch plumbing.ReferenceName) (*fileAtHead, error) {
	parent, tree, err := c.g.tip(branch)
	if err != nil {
		return nil, err
	}
	entry, err := findEntry(tree, c.path)
	if err != nil {
		return nil, err
	}
	ie, err := c.indexEntry(idx, entry)
	if err != nil {
		return nil, err
	}
	h := &fileAtHead{parent: parent, tree: tree, entry: entry, index: ie}
	if ie != nil {
		if h.indexData, err = c.g.readBlob(ie.Hash); err != nil {
			return nil, fmt.Errorf("committing %s: reading it from the git index: %w", c.rel, err)
		}
	}
	return h, nil
}

func (c *commitJob) run(ctx context.Context) (string, error) {
	g := c.g
	cs, err := c.setup()
	if err != nil {
		return "", err
	}
	branch, set, author, committer := cs.branch, cs.set, cs.author, cs.committer
	idxFile := filepath.Join(g.dir, "index")
	lock, err := g.lock(idxFile)
	if err != nil {
		return "", err
	}
	defer lock.rollback()
	idx, err := readIndex(idxFile)
	if err != nil {
		return "", err
	}
	hs, err := c.head(idx, branch)
	if err != nil {
		return "", err
	}
	parent, headTree, headEntry, ie := hs.parent, hs.tree, hs.entry, hs.index
	wt, err := c.workTree(set, headEntry)
	if err != nil {
		return "", err
	}
	var entry *object.TreeEntry
	if wt != nil {
		h, err := g.storeBlob(cs.rules.apply(wt.data, hs.indexData))
		if err != nil {
			return "", fmt.Errorf("committing %s: storing its content: %w", c.rel, err)
		}
		entry = &object.TreeEntry{Name: path.Base(c.path), Mode: wt.mode, Hash: h}
	}
	if (entry == nil && headEntry == nil) || (entry != nil && headEntry != nil && *entry == *headEntry) {
		return "", &model.RefusedError{Reason: fmt.Sprintf("%s has no changes to commit: it is the same as in HEAD", c.rel)}
	}
	tree, _, err := g.putPath(headTree, "", strings.Split(c.path, "/"), entry)
	if err != nil {
		return "", fmt.Errorf("committing %s: %w", c.rel, err)
	}
	var parents []plumbing.Hash
	if !parent.IsZero() {
		parents = []plumbing.Hash{parent}
	}
	commit, err := g.storeCommit(&object.Commit{Author: author, Committer: committer, Message: c.msg, TreeHash: tree, ParentHashes: parents})
	if err != nil {
		return "", fmt.Errorf("committing %s: storing the commit: %w", c.rel, err)
	}
	c.updateIndex(idx, ie, wt, entry)
	if err := writeIndex(lock.f, idx); err != nil {
		return "", fmt.Errorf("committing %s: writing the git index: %w", c.rel, err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("committing %s: %w", c.rel, err)
	}
	if beforeRefUpdate != nil {
		beforeRefUpdate()
	}
	if err := g.moveBranch(branch, parent, commit, c.rel); err != nil {
		return "", err
	}
	if err := lock.commit(); err != nil {
		return commit.String(), fmt.Errorf("committed %s as %s, but updating the git index failed (git status shows it staged backwards; `git reset -q -- %s` fixes that): %w",
			c.rel, ShortHash(commit), c.rel, err)
	}
	g.reflog(set, branch, parent, commit, committer, c.msg)
	return commit.String(), nil
}

// inProgress refuses to commit in the middle of a merge, cherry-pick,
// revert or rebase, as the commit would not be the one git expects next.
func (g *Repo) inProgress() error {
	for _, s := range []struct{ file, what, how string }{
		{"MERGE_HEAD", "a merge", "git commit, or git merge --abort"},
		{"CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue or --abort"},
		{"REVERT_HEAD", "a revert", "git revert --continue or --abort"},
		{"rebase-merge", "a rebase", "git rebase --continue or --abort"},
		{"rebase-apply", "a rebase or git am", "git rebase --continue or --abort, git am --continue or --abort"},
	} {
		if _, err := os.Lstat(filepath.Join(g.dir, s.file)); err == nil {
			return &model.RefusedError{Reason: fmt.Sprintf("%s is in progress in %s (%s exists): finish or abort it first (%s)", s.what, g.root, s.file, s.how)}
		}
	}
	return nil
}

// branch is the branch HEAD points to; a detached HEAD is refused.
func (g *Repo) branch() (plumbing.ReferenceName, error) {
	ref, err := g.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", fmt.Errorf("reading HEAD in %s: %w", g.root, err)
	}
	if ref.Type() != plumbing.SymbolicReference {
		return "", &model.RefusedError{Reason: fmt.Sprintf("HEAD is detached at %s in %s (not on a branch), where a commit is easily lost: switch to a branch first (git switch <branch>)", ShortHash(ref.Hash()), g.root)}
	}
	if !ref.Target().IsBranch() {
		return "", &model.RefusedError{Reason: fmt.Sprintf("HEAD points to %s in %s, which is not a branch: switch to a branch first (git switch <branch>)", ref.Target(), g.root)}
	}
	return ref.Target(), nil
}

// tip is the branch's commit and its tree (zero and nil before the first
// commit).
func (g *Repo) tip(branch plumbing.ReferenceName) (plumbing.Hash, *object.Tree, error) {
	ref, err := g.repo.Storer.Reference(branch)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil, nil
	}
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("reading branch %s: %w", branch.Short(), err)
	}
	c, err := g.repo.CommitObject(ref.Hash())
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("reading commit %s of branch %s: %w", ref.Hash(), branch.Short(), err)
	}
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("reading the tree of commit %s: %w", c.Hash, err)
	}
	return c.Hash, t, nil
}

// findEntry is p's entry in t, nil when there is none.
func findEntry(t *object.Tree, p string) (*object.TreeEntry, error) {
	if t == nil {
		return nil, nil
	}
	e, err := t.FindEntry(p)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s from HEAD: %w", p, err)
	}
	cp := *e
	return &cp, nil
}

// indexEntry is rel's entry in the index (nil when untracked). It refuses
// an entry in conflict, and one that differs from HEAD: those changes were
// staged by someone and would be committed, or lost, with ours.
func (c *commitJob) indexEntry(idx *index.Index, head *object.TreeEntry) (*index.Entry, error) {
	var found *index.Entry
	for _, e := range idx.Entries {
		if e.Name != c.path {
			continue
		}
		if e.Stage != 0 {
			return nil, &model.RefusedError{Reason: fmt.Sprintf("%s has unresolved merge conflicts in the git index: resolve them first", c.rel)}
		}
		found = e
	}
	staged := (found == nil) != (head == nil) ||
		(found != nil && (found.Hash != head.Hash || found.Mode != head.Mode || found.IntentToAdd))
	if staged {
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s has staged changes; commit or unstage them first (git restore --staged %s)", c.rel, c.rel)}
	}
	return found, nil
}

// lstat is the work-tree file to commit: nil when it does not exist, a
// refusal when it is reached through a symbolic link or is not a regular
// file. CheckCommit and the commit itself ask the same way.
func (c *commitJob) lstat() (fs.FileInfo, error) {
	fi, err := c.wt.Lstat(c.rel)
	var refused *model.RefusedError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.As(err, &refused):
		return nil, err // the work tree's own refusal (a symlink), as it says it
	case err != nil:
		return nil, fmt.Errorf("committing %s: %w", c.rel, pathx.UnwrapPathError(err))
	case !fi.Mode().IsRegular():
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s is not a regular file (%s)", c.rel, fi.Mode().Type())}
	}
	return fi, nil
}

// workTree reads rel from the work tree (nil when it was deleted). The
// mode follows the executable bit, unless core.fileMode is false.
func (c *commitJob) workTree(set gitSettings, head *object.TreeEntry) (*wtFile, error) {
	fi, err := c.lstat()
	if err != nil || fi == nil {
		return nil, err
	}
	f, err := c.wt.Open(c.rel)
	if err != nil {
		return nil, fmt.Errorf("committing %s: %w", c.rel, pathx.UnwrapPathError(err))
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("committing %s: %w", c.rel, pathx.UnwrapPathError(err))
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("committing %s: %w", c.rel, pathx.UnwrapPathError(err))
	}
	after, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("committing %s: %w", c.rel, pathx.UnwrapPathError(err))
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != int64(len(data)) {
		return nil, fmt.Errorf("committing %s: the file changed while it was read; try again", c.rel)
	}
	mode, err := c.fileMode(set, before.Mode(), head)
	if err != nil {
		return nil, err
	}
	return &wtFile{data: data, fi: before, mode: mode}, nil
}

// fileMode is the git mode of a file with mode m: it follows the
// executable bit, unless core.fileMode is false (HEAD's mode is kept).
func (c *commitJob) fileMode(set gitSettings, m fs.FileMode, head *object.TreeEntry) (filemode.FileMode, error) {
	if !set.bool("core.filemode", true) {
		if head != nil && head.Mode.IsFile() {
			return head.Mode, nil
		}
		return filemode.Regular, nil
	}
	mode, err := filemode.NewFromOSFileMode(m)
	if err != nil {
		return 0, fmt.Errorf("committing %s: %w", c.rel, err)
	}
	return mode, nil
}

// updateIndex sets rel's index entry to what was committed, with the stat
// data of the file read, or removes it for a deletion. Other entries are
// untouched.
func (c *commitJob) updateIndex(idx *index.Index, ie *index.Entry, wt *wtFile, entry *object.TreeEntry) {
	if wt == nil {
		idx.Entries = slices.DeleteFunc(idx.Entries, func(e *index.Entry) bool { return e == ie })
	} else {
		if ie == nil {
			ie = &index.Entry{Name: c.path}
			idx.Entries = append(idx.Entries, ie)
		}
		ie.Hash, ie.Mode = entry.Hash, entry.Mode
		fillStat(ie, wt.fi)
	}
	// go-git writes no extensions; git rebuilds the cached trees, which
	// would be stale along rel's path anyway.
	idx.Cache, idx.ResolveUndo, idx.EndOfIndexEntry = nil, nil, nil
}

// readIndex reads the index file (an empty index when there is none).
func readIndex(file string) (*index.Index, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return &index.Index{Version: 2}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the git index: %w", pathx.UnwrapPathError(err))
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(bufio.NewReader(f)).Decode(idx); err != nil {
		if errors.Is(err, index.ErrUnknownExtension) || errors.Is(err, index.ErrUnsupportedVersion) {
			return nil, &model.RefusedError{Reason: fmt.Sprintf("the git index %s uses a format go-git cannot rewrite (a split or sparse index?): commit with git instead", file)}
		}
		return nil, fmt.Errorf("reading the git index %s: %w", file, err)
	}
	return idx, nil
}

func writeIndex(f *os.File, idx *index.Index) error {
	bw := bufio.NewWriter(f)
	if err := index.NewEncoder(bw).Encode(idx); err != nil {
		return err
	}
	return bw.Flush()
}

func (g *Repo) storeBlob(data []byte) (plumbing.Hash, error) {
	obj := g.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Close()
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.repo.Storer.SetEncodedObject(obj)
}

func (g *Repo) storeCommit(c *object.Commit) (plumbing.Hash, error) {
	obj := g.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.repo.Storer.SetEncodedObject(obj)
}

// putPath stores tree t (nil: an empty one) with the entry at parts
// replaced by e (nil: removed), rebuilding the trees along the path, and
// returns its hash. empty reports a subtree left without entries, which
// its parent drops (git stores no empty directories); the top tree is
// stored even when empty. dir is t's path, for errors.
func (g *Repo) putPath(t *object.Tree, dir string, parts []string, e *object.TreeEntry) (h plumbing.Hash, empty bool, err error) {
	var entries []object.TreeEntry
	if t != nil {
		entries = slices.Clone(t.Entries)
	}
	name := parts[0]
	full := path.Join(dir, name)
	i := slices.IndexFunc(entries, func(x object.TreeEntry) bool { return x.Name == name })
	var next *object.TreeEntry
	if len(parts) == 1 {
		if i >= 0 && !entries[i].Mode.IsFile() {
			return plumbing.ZeroHash, false, fmt.Errorf("%s is a directory or submodule in HEAD, not a file", full)
		}
		next = e
	} else {
		var sub *object.Tree
		if i >= 0 {
			if entries[i].Mode != filemode.Dir {
				return plumbing.ZeroHash, false, fmt.Errorf("%s is a file in HEAD, not a directory", full)
			}
			if sub, err = g.repo.TreeObject(entries[i].Hash); err != nil {
				return plumbing.ZeroHash, false, fmt.Errorf("reading directory %s from HEAD: %w", full, err)
			}
		}
		h, empty, err := g.putPath(sub, full, parts[1:], e)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if !empty {
			next = &object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	switch {
	case i >= 0 && next == nil:
		entries = slices.Delete(entries, i, i+1)
	case i >= 0:
		entries[i] = *next
	case next != nil:
		entries = append(entries, *next)
	}
	if len(entries) == 0 && dir != "" {
		return plumbing.ZeroHash, true, nil
	}
	// git's order: names compared bytewise, a directory as if it ended
	// in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(a, b int) bool { return key(entries[a]) < key(entries[b]) })
	obj := g.repo.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, false, err
	}
	h, err = g.repo.Storer.SetEncodedObject(obj)
	return h, false, err
}

// moveBranch moves branch from old (zero: it must not exist yet) to new,
// as git does: under <ref>.lock, checking the value inside the lock, and
// only while HEAD still points to branch.
func (g *Repo) moveBranch(branch plumbing.ReferenceName, old, new plumbing.Hash, rel string) error {
	file := g.refFile(branch)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("committing %s: %w", rel, err)
	}
	lock, err := g.lock(file)
	if err != nil {
		return err
	}
	defer lock.rollback()
	var cur plumbing.Hash
	ref, err := g.repo.Storer.Reference(branch)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
	case err != nil:
		return fmt.Errorf("committing %s: reading branch %s: %w", rel, branch.Short(), err)
	default:
		cur = ref.Hash()
	}
	if cur != old {
		return &model.RefusedError{Reason: fmt.Sprintf("branch %s moved while %s was being committed (from %s to %s: someone else committed); nothing was committed — commit again",
			branch.Short(), rel, orNone(old), orNone(cur))}
	}
	if head, err := g.repo.Storer.Reference(plumbing.HEAD); err != nil || head.Type() != plumbing.SymbolicReference || head.Target() != branch {
		return &model.RefusedError{Reason: fmt.Sprintf("HEAD left branch %s while %s was being committed; nothing was committed", branch.Short(), rel)}
	}
	if _, err := lock.f.WriteString(new.String() + "\n"); err != nil {
		return fmt.Errorf("committing %s: updating branch %s: %w", rel, branch.Short(), err)
	}
	if err := lock.commit(); err != nil {
		return fmt.Errorf("committing %s: updating branch %s: %w", rel, branch.Short(), err)
	}
	return nil
}

func orNone(h plumbing.Hash) string {
	if h.IsZero() {
		return "no commit"
	}
	return ShortHash(h)
}

// reflog appends the commit to the reflogs of the branch and HEAD, as git
// does unless core.logAllRefUpdates is false. It is best effort: the
// commit is made.
func (g *Repo) reflog(set gitSettings, branch plumbing.ReferenceName, old, new plumbing.Hash, who object.Signature, msg string) {
	if !set.bool("core.logallrefupdates", true) {
		return
	}
	subject, _, _ := strings.Cut(msg, "\n")
	what := "commit: "
	if old.IsZero() {
		what = "commit (initial): "
	}
	line := fmt.Sprintf("%s %s %s <%s> %d %s\t%s%s\n", old, new, who.Name, who.Email, who.When.Unix(), who.When.Format("-0700"), what, subject)
	for _, f := range []string{filepath.Join(g.common, "logs", filepath.FromSlash(branch.String())), filepath.Join(g.dir, "logs", "HEAD")} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			continue
		}
		lf, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
		if err != nil {
			continue
		}
		_, _ = lf.WriteString(line)
		_ = lf.Close()
	}
}

// lockFile is git's lock protocol: <file>.lock is created exclusively,
// written, and renamed over file to commit, or removed to roll back.
type lockFile struct {
	target string
	f      *os.File
	done   bool
}

// lock takes <file>.lock; an existing one (another git process) is
// refused.
func (g *Repo) lock(file string) (*lockFile, error) {
	f, err := os.OpenFile(file+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return nil, g.lockBusy(file)
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", file, pathx.UnwrapPathError(err))
	}
	return &lockFile{target: file, f: f}, nil
}

// lockBusy is the refusal for file's lock held by another git process.
func (g *Repo) lockBusy(file string) error {
	name, err := filepath.Rel(g.root, file+".lock")
	if err != nil {
		name = file + ".lock"
	}
	return &model.RefusedError{Reason: fmt.Sprintf("another git process seems to be running in %s (%s exists): try again, or remove that file if no git process is running", g.root, name)}
}

func (l *lockFile) commit() error {
	l.done = true
	name := l.f.Name()
	err := l.f.Sync()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, l.target)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}

func (l *lockFile) rollback() {
	if l.done {
		return
	}
	l.done = true
	_ = l.f.Close()
	_ = os.Remove(l.f.Name())
}

// cleanMessage tidies a commit message as `git commit -m` does: trailing
// blanks on each line and leading and trailing blank lines removed, runs
// of blank lines collapsed, one final newline.
func cleanMessage(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}

// refFile is the loose file of a ref in the common git directory.
func (g *Repo) refFile(ref plumbing.ReferenceName) string {
	return filepath.Join(g.common, filepath.FromSlash(ref.String()))
}
