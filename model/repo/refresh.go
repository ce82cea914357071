package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// Refresh re-reads the given paths (relative to the repo root, or
// absolute) and reports what changed, as the watch does for a file event:
// a changed manifest file is re-parsed alone, a file a kustomize root
// renders from re-renders only the roots that read it, a deleted file
// removes its source, a new directory is read, the config file reloads
// the config. A writer (accept) calls it right after writing so that the
// inventory does not wait for the file-system event. With --rev the files
// come from a commit, so only the config file is refreshed.
func (r *Repo) Refresh(ctx context.Context, sink model.RepoSink, paths ...string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := changeSet{paths: map[string]bool{}}
	for _, p := range paths {
		if filepath.IsAbs(p) {
			rel, err := filepath.Rel(r.root, p)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			p = rel
		}
		ch.paths[filepath.ToSlash(filepath.Clean(p))] = true
	}
	return r.apply(ctx, sink, ch)
}

// changeSet is one debounced batch of events.
type changeSet struct {
	// paths changed (relative to the repo root).
	paths map[string]bool
	// git is set when HEAD, the index or refs changed.
	git bool
	// rescan is set when events were lost (watch queue overflow).
	rescan bool
}

// apply brings the state up to date with a batch of changes. Callers hold
// mu.
func (r *Repo) apply(ctx context.Context, sink model.RepoSink, ch changeSet) error {
	if r.st == nil || ch.rescan {
		return r.scan(ctx, sink)
	}
	if r.rev == nil {
		// Events under a root that is gone (rm -rf, a directory moved
		// away) say nothing about the manifests: keep what was read and
		// report the root, instead of removing every source.
		if fi, err := os.Stat(r.root); err != nil || !fi.IsDir() {
			return r.rootLost(sink, err)
		}
		if r.lostRoot {
			return r.scan(ctx, sink) // back: read it all again
		}
	}
	if ch.paths[ConfigFile] && !r.applyConfig(sink) {
		return r.scan(ctx, sink) // other roots or excludes: read it all again
	}
	if r.rev != nil {
		if ch.git {
			return r.refreshRev(ctx, sink)
		}
		return nil
	}
	u := &update{r: r, disk: diskFiles{root: r.root}, roots: map[render.Root]bool{}}
	for _, p := range r.changedPaths(ch) {
		u.path(ctx, sink, p)
		if u.rescan {
			return r.scan(ctx, sink)
		}
	}
	r.rerender(sink, u.roots)
	gitChanged := ch.git || u.ignoreChanged
	if err := r.applyGit(u, gitChanged); err != nil {
		rs := r.st.repo
		rs.Err = err.Error()
		r.setRepo(sink, rs)
		return nil
	}
	r.finishApply(sink, u, gitChanged)
	return nil
}

// applyConfig reloads the config file and reports its ignore rules and
// errors again; false means it changed the layout (other roots or
// excludes), and nothing is reported: the repo is read again.
func (r *Repo) applyConfig(sink model.RepoSink) bool {
	old := r.cfg
	r.loadConfig()
	if !old.equalLayout(r.cfg) {
		return false
	}
	sink.SetIgnoreRules(r.cfg.Ignore)
	r.emitSource(sink, ConfigFile, manifest.Result{Errs: r.configErrs()})
	return true
}

// changedPaths are the batch's paths that update.path handles, sorted:
// neither the config file (applyConfig) nor the root, nothing excluded.
func (r *Repo) changedPaths(ch changeSet) []string {
	paths := make([]string, 0, len(ch.paths))
	for p := range ch.paths {
		if p != ConfigFile && p != "." && !r.st.x.excludedPath(p, false) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

// rerender renders again, in the layout's order, the roots that read a
// changed file.
func (r *Repo) rerender(sink model.RepoSink, roots map[render.Root]bool) {
	st := r.st
	for _, root := range st.layout.Roots() {
		if roots[root] {
			r.emitSource(sink, root.Source(), r.render(st.layout, root))
		}
	}
}

// applyGit brings the git facts up to date: all of them after a git event
// or a changed .gitignore (refreshGit), else the last commits of the files
// newly tracked.
func (r *Repo) applyGit(u *update, gitChanged bool) error {
	st := r.st
	if r.git != nil && gitChanged {
		var oldHead git.Hash
		if st.facts != nil {
			oldHead = st.facts.Head.Hash
		}
		return r.refreshGit(u.disk, oldHead)
	}
	if st.facts != nil && len(u.added) > 0 {
		r.lookupCommits(u.added)
	}
	return nil
}

// finishApply reports the FileInfo that may have changed (every file's
// after a git change, else the touched files') and the repo state when it
// changed.
func (r *Repo) finishApply(sink model.RepoSink, u *update, gitChanged bool) {
	st := r.st
	if gitChanged {
		r.emitInfo(sink)
	} else {
		r.emitInfoFor(sink, u.touched)
	}
	rs := r.gitState(st.repo)
	if rs != st.repo {
		r.setRepo(sink, rs)
	}
}

// rootLost reports that the root directory is gone. Callers hold mu.
func (r *Repo) rootLost(sink model.RepoSink, err error) error {
	r.lostRoot = true
	why := "is not a directory any more"
	if err != nil {
		why = "is gone (" + pathx.UnwrapPathError(err).Error() + ")"
	}
	rs := r.st.repo
	rs.Err = fmt.Sprintf("repo root %s %s: what was read before is kept, but nothing is known to be missing from Git until it is back", r.root, why)
	rs.Unreadable = true
	r.setRepo(sink, rs)
	return nil
}

// update is the work of one apply on the work tree.
type update struct {
	r    *Repo
	disk diskFiles
	// roots to re-render, files whose FileInfo may have changed, files
	// newly tracked (their last commit is looked up).
	roots   map[render.Root]bool
	touched []string
	added   []string
	// rescan: the kustomize layout changed; ignoreChanged: a .gitignore.
	rescan, ignoreChanged bool
}

// path handles one changed path.
func (u *update) path(ctx context.Context, sink model.RepoSink, rel string) {
	r, st := u.r, u.r.st
	fi, err := os.Lstat(u.disk.abs(rel))
	switch {
	case err != nil:
		u.gone(sink, rel)
	case fi.IsDir():
		if st.x.excludedPath(rel, true) {
			return
		}
		u.dir(ctx, sink, rel)
	case fi.Mode()&fs.ModeSymlink != 0:
		var l listing
		u.disk.symlink(&l, st.x, rel, u.disk.abs(rel))
		r.emitSource(sink, rel, manifest.Result{Errs: l.errs[rel]})
	case fi.Mode().IsRegular():
		u.file(sink, entry{rel: rel, size: fi.Size()})
	}
}

// file handles a created or changed regular file.
func (u *update) file(sink model.RepoSink, e entry) {
	r, st := u.r, u.r.st
	if path.Base(e.rel) == ".gitignore" {
		st.gitignores[e.rel] = true
		u.ignoreChanged = true
	}
	if st.layout.Replans(e.rel, false) {
		u.rescan = true
		return
	}
	var owners []render.Root
	if st.layout.Owns(e.rel) {
		owners = st.layout.RootsOf(e.rel)
		if len(owners) == 0 {
			return // under a kustomization no root renders
		}
		for _, root := range owners {
			u.roots[root] = true
		}
	} else if !manifestExt(e.rel) {
		return
	}
	res := r.run(u.disk, st.layout, job{e: e, parse: len(owners) == 0})
	fs := st.files[e.rel]
	if fs == nil {
		fs = &fileState{}
		st.files[e.rel] = fs
		u.added = append(u.added, e.rel)
	}
	fs.hash, fs.known = res.hash, res.known
	r.updateStatus(e.rel)
	if len(owners) > 0 {
		for _, root := range owners {
			if root.File != "" {
				u.touched = append(u.touched, root.File)
			}
		}
		u.touched = append(u.touched, e.rel) // its own info (see emitInfo)
		return
	}
	st.plain[e.rel] = true
	r.emitSource(sink, e.rel, res.p)
	u.touched = append(u.touched, e.rel)
}

// dir handles a directory that appeared (created, or renamed into place):
// everything in it is read.
func (u *update) dir(ctx context.Context, sink model.RepoSink, rel string) {
	st := u.r.st
	if st.dirs[rel] {
		return // an event on a directory already known (chmod, …)
	}
	lst, err := u.disk.walkFrom(ctx, st.x, rel)
	if err != nil {
		// It could hold manifests: an error source says so (and blocks
		// missing-git verdicts) until it can be read. One already gone
		// again is not an error: its removal event follows.
		if ctx.Err() == nil && !errors.Is(err, fs.ErrNotExist) {
			u.r.emitSource(sink, rel, manifest.Result{Errs: []model.RepoError{{File: rel, Message: fmt.Sprintf("cannot read: %v", pathx.UnwrapPathError(errors.Unwrap(err)))}}})
		}
		return
	}
	for _, d := range lst.dirs {
		st.dirs[d] = true
	}
	for p, errs := range lst.errs {
		u.r.emitSource(sink, p, manifest.Result{Errs: errs})
	}
	for _, e := range lst.files {
		if st.layout.Replans(e.rel, false) {
			u.rescan = true
			return
		}
	}
	for _, e := range lst.files {
		u.file(sink, e)
	}
}

// gone handles a path that no longer exists: a file or a whole directory.
func (u *update) gone(sink model.RepoSink, rel string) {
	r, st := u.r, u.r.st
	if st.dirs[rel] {
		for d := range st.dirs {
			if pathx.Under(d, rel) {
				if st.layout.Replans(d, true) {
					u.rescan = true
					return
				}
				delete(st.dirs, d)
			}
		}
		var inside []string
		for f := range st.files {
			if pathx.Under(f, rel) {
				inside = append(inside, f)
			}
		}
		for s := range st.sources {
			if pathx.Under(s, rel) && !slices.Contains(inside, s) {
				inside = append(inside, s)
			}
		}
		sort.Strings(inside)
		for _, f := range inside {
			u.gone(sink, f)
		}
		return
	}
	if st.layout.Replans(rel, true) {
		u.rescan = true
		return
	}
	if st.gitignores[rel] {
		delete(st.gitignores, rel)
		u.ignoreChanged = true
	}
	if st.layout.Owns(rel) {
		for _, root := range st.layout.RootsOf(rel) {
			u.roots[root] = true
			if root.File != "" {
				u.touched = append(u.touched, root.File)
			}
		}
	}
	r.forgetFile(rel)
	if st.sources[rel] {
		delete(st.sources, rel)
		sink.RemoveSource(rel)
	}
}

// refreshGit re-reads HEAD, the index and the ignore rules after a git
// event, and the last commits when HEAD moved: only the new commits are
// walked when the old HEAD is among their ancestors (a commit, a pull),
// else the whole history (a checkout of another branch, a reset).
// Callers hold mu.
func (r *Repo) refreshGit(rf repoFiles, oldHead git.Hash) error {
	st := r.st
	gitignores := make([]string, 0, len(st.gitignores))
	for g := range st.gitignores {
		gitignores = append(gitignores, g)
	}
	facts, err := r.facts(rf, &listing{gitignores: gitignores}, st.facts)
	if err != nil {
		return err
	}
	st.facts = facts
	if facts.Head.Hash != oldHead {
		want := make(map[string]bool, len(st.files))
		for rel := range st.files {
			want[rel] = true
		}
		found, reached, err := map[string]*model.Commit{}, false, error(nil)
		if !facts.Head.Hash.IsZero() {
			found, reached, err = r.git.LastCommits(facts.Head.Hash, want, oldHead)
		}
		if err != nil {
			return err
		}
		if !reached {
			st.commits = map[string]*model.Commit{}
		}
		for rel, c := range found {
			st.commits[rel] = c
		}
	}
	for rel := range st.files {
		r.updateStatus(rel)
	}
	return nil
}

// lookupCommits finds the last commits of files that appeared since the
// scan and are in HEAD (a file restored, or moved in from elsewhere).
// Callers hold mu.
func (r *Repo) lookupCommits(rels []string) {
	st := r.st
	want := map[string]bool{}
	for _, rel := range rels {
		if st.facts.InHead(rel) && st.commits[rel] == nil {
			want[rel] = true
		}
	}
	if len(want) == 0 {
		return
	}
	found, err := r.walkHistory(nil, st.facts.Head.Hash, want)
	if err != nil {
		return
	}
	for rel, c := range found {
		st.commits[rel] = c
	}
}

// refreshRev re-resolves --rev after refs moved; a new commit is read
// anew. Callers hold mu.
func (r *Repo) refreshRev(ctx context.Context, sink model.RepoSink) error {
	c, err := r.git.Resolve(r.opts.Rev)
	head, herr := r.git.Head()
	if err != nil {
		rs := r.st.repo
		rs.Err = "--rev " + r.opts.Rev + ": " + err.Error()
		r.setRepo(sink, rs)
		return nil
	}
	if c.Hash() != r.rev.Hash() {
		r.rev = c
		if !c.HasRoot() {
			// As Open refuses it: an empty listing would say "nothing is
			// in Git". What was read stays; the next commit is read anew.
			rs := r.st.repo
			rs.Err, rs.Unreadable = revWithoutRoot(r.opts.Rev, r.git.Prefix(), c.Hash()).Error(), true
			r.setRepo(sink, rs)
			return nil
		}
		return r.scan(ctx, sink)
	}
	if herr == nil {
		r.st.facts.Head = head
	}
	if rs := r.gitState(r.st.repo); rs != r.st.repo {
		r.setRepo(sink, rs)
	}
	return nil
}
