package repo

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ingress-drift/ingress-drift/model"
)

// CommitFile commits exactly the current work-tree state of rel (relative
// to Root, slash-separated): its content, or its deletion, and nothing
// else; see git.Repo.CommitFile for how, and for what it refuses. It also
// refuses (*model.RefusedError) a path outside the root or in .git, a root
// outside a git work tree, and --rev. It returns the full commit hash.
func (r *Repo) CommitFile(ctx context.Context, rel, message string) (hash string, err error) {
	wt, rel, done, err := r.commitTree(rel)
	if err != nil {
		return "", err
	}
	defer done()
	return r.git.CommitFile(ctx, wt, rel, message)
}

// CheckCommit refuses, before rel is written, what would make CommitFile
// refuse once data is written there (nil: rel removed); unchanged reports
// that data is what HEAD already holds. See git.Repo.CheckCommit.
func (r *Repo) CheckCommit(rel string, data []byte) (unchanged bool, err error) {
	wt, rel, done, err := r.commitTree(rel)
	if err != nil {
		return false, err
	}
	defer done()
	return r.git.CheckCommit(wt, rel, data)
}

// commitTree checks that rel can be committed at all and opens the work
// tree a commit reads; done closes it.
func (r *Repo) commitTree(rel string) (commitFiles, string, func(), error) {
	rel, err := r.checkRel(rel)
	if err != nil {
		return commitFiles{}, "", nil, err
	}
	switch {
	case r.git == nil:
		return commitFiles{}, "", nil, &model.RefusedError{Reason: fmt.Sprintf("%s is not inside a git repository: there is nothing to commit %s to", r.root, rel)}
	case r.rev != nil:
		return commitFiles{}, "", nil, &model.RefusedError{Reason: fmt.Sprintf("comparing against --rev %s: %s is not committed, because the work tree is not what is being compared; run without --rev", r.opts.Rev, rel)}
	}
	root, err := r.openRoot()
	if err != nil {
		return commitFiles{}, "", nil, err
	}
	return commitFiles{root}, rel, func() { root.Close() }, nil
}

// commitFiles is the work tree as a commit reads it (git.WorkTree): through
// the root, never through a symbolic link (see noSymlinks), as the writes
// go.
type commitFiles struct {
	root *os.Root
}

func (f commitFiles) Lstat(rel string) (fs.FileInfo, error) {
	if err := noSymlinks(f.root, rel); err != nil {
		return nil, err
	}
	return f.root.Lstat(filepath.FromSlash(rel))
}

func (f commitFiles) Open(rel string) (*os.File, error) {
	return f.root.Open(filepath.FromSlash(rel))
}
