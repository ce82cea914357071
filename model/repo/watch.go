package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// Debounce timing: a batch is applied once no event arrived for Quiet, or
// MaxDelay after its first event, whichever comes first. Editors write a
// file in several steps (truncate, write, rename, chmod) within a
// millisecond or two; waiting for quiet turns them into one re-parse, and
// the cap keeps a steady stream of edits from starving the updates. Both
// are short because they add directly to the file-edit → screen latency
// (the inventory then batches per frame, 16 ms); a save spread wider than
// Quiet costs one extra re-parse, never a wrong result, because every
// batch re-reads the file as it is then.
const (
	Quiet    = 25 * time.Millisecond
	MaxDelay = 50 * time.Millisecond
)

// RootPoll is how often a root directory that vanished is looked for: once
// it is gone nothing under it can be watched, so only polling sees it
// come back.
const RootPoll = time.Second

// Watch keeps the sink current until ctx is done; call it after Scan (it
// scans first if Scan was not called).
//
// Work tree: every directory under the root is watched (directories, not
// files: editors save by renaming a new file over the old one, which drops
// a watch on the file), new directories as they appear. Events are
// debounced (see Quiet) and applied as Refresh does: one changed file
// re-parses only that file, or re-renders only the kustomize roots that
// read it; a kustomization file created, changed or deleted, or the
// config's roots/exclude changed, rescans the repo.
//
// Git: the .git directory (HEAD, index, packed-refs) and refs/heads are
// watched; a change re-reads HEAD and the index and recomputes every
// file's status, and when HEAD moved, the last commits (walking only the
// new commits when possible).
//
// With --rev there are no files to watch, but the revision may name a
// branch or HEAD~1 that moves: refs are watched, the revision re-resolved,
// and the repo rescanned from the new commit when it changed. The config
// file in the work tree is watched in both modes.
//
// Watch returns nil when ctx is done, or an error when no watch could be
// set up at all. Directories that cannot be watched (the inotify limit)
// are reported in RepoState.Err.
func (r *Repo) Watch(ctx context.Context, sink model.RepoSink) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching %s: %w", r.root, err)
	}
	defer w.Close()
	wt := &watcher{r: r, w: w, watched: map[string]bool{}}
	if err := wt.start(ctx, sink); err != nil {
		return err
	}
	b := newBatcher()
	defer b.timer.Stop()
	var poll rootPoller
	defer poll.stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-poll.c():
			wt.rootBack(ctx, sink, &poll)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if wt.classify(ev, &b.pending) {
				b.event(time.Now())
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				b.pending.rescan = true
				b.start(time.Now())
				continue
			}
			wt.problem(sink, err)
		case <-b.timer.C:
			if batch, ok := b.due(time.Now()); ok {
				wt.apply(ctx, sink, batch, &poll)
				if ctx.Err() != nil {
					return nil
				}
			}
		}
	}
}

// start scans the repo unless Scan already did, and watches what the scan
// found before the event loop begins.
func (wt *watcher) start(ctx context.Context, sink model.RepoSink) error {
	r := wt.r
	r.mu.Lock()
	if r.st == nil {
		if err := r.scan(ctx, sink); err != nil {
			r.mu.Unlock()
			return err
		}
	}
	wt.sync(sink)
	ready := r.watching
	r.mu.Unlock()
	if ready != nil {
		ready()
	}
	return nil
}

// apply applies one batch and watches what it found, then polls for the
// root while it is lost.
func (wt *watcher) apply(ctx context.Context, sink model.RepoSink, batch changeSet, poll *rootPoller) {
	wt.r.mu.Lock()
	defer wt.r.mu.Unlock()
	wt.applyLocked(ctx, sink, batch, poll)
}

// applyLocked is apply for a caller that holds r.mu.
func (wt *watcher) applyLocked(ctx context.Context, sink model.RepoSink, batch changeSet, poll *rootPoller) {
	if err := wt.r.apply(ctx, sink, batch); err == nil {
		wt.sync(sink)
	}
	poll.follow(wt.r.lostRoot)
}

// rootBack runs on each poll while the root is lost: once the root
// exists again, it is watched and read.
func (wt *watcher) rootBack(ctx context.Context, sink model.RepoSink, poll *rootPoller) {
	r := wt.r
	if _, err := os.Stat(r.root); err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !wt.watched[r.root] {
		wt.forgetRoot()
		// Watch before reading: a file created between the read and the
		// watch would never be seen (the read reports the root back, so
		// a writer may be waiting for that).
		wt.addNew(r.root)
	}
	wt.applyLocked(ctx, sink, changeSet{paths: map[string]bool{}}, poll)
}

// batcher collects events into one changeSet and says when to apply it:
// after Quiet without events, or MaxDelay after the first one.
type batcher struct {
	pending     changeSet
	first, last time.Time
	timer       *time.Timer
	running     bool
}

func newBatcher() *batcher {
	b := &batcher{pending: changeSet{paths: map[string]bool{}}, timer: time.NewTimer(time.Hour)}
	b.timer.Stop()
	return b
}

// start begins a batch at now unless one is under way.
func (b *batcher) start(now time.Time) {
	if !b.running {
		b.first, b.last = now, now
		b.reset(Quiet)
	}
}

// event notes an event that joined the batch at now.
func (b *batcher) event(now time.Time) {
	b.start(now)
	b.last = now
}

func (b *batcher) reset(d time.Duration) {
	b.timer.Reset(d)
	b.running = true
}

// due runs when the timer fires: it hands back the batch, or false while
// the batch must wait for more quiet or is empty.
func (b *batcher) due(now time.Time) (changeSet, bool) {
	b.running = false
	if quiet := now.Sub(b.last); quiet < Quiet && now.Sub(b.first) < MaxDelay {
		b.reset(min(Quiet-quiet, MaxDelay-now.Sub(b.first)))
		return changeSet{}, false
	}
	p := b.pending
	if len(p.paths) == 0 && !p.git && !p.rescan {
		return changeSet{}, false
	}
	b.pending = changeSet{paths: map[string]bool{}}
	return p, true
}

// rootPoller ticks every RootPoll while the root is lost, and not at all
// otherwise.
type rootPoller struct{ t *time.Ticker }

// c is the ticker's channel, or nil (never ready) while not polling.
func (p *rootPoller) c() <-chan time.Time {
	if p.t == nil {
		return nil
	}
	return p.t.C
}

// follow starts or stops polling as the root is lost or found.
func (p *rootPoller) follow(lost bool) {
	switch {
	case lost && p.t == nil:
		p.t = time.NewTicker(RootPoll)
	case !lost && p.t != nil:
		p.stop()
	}
}

func (p *rootPoller) stop() {
	if p.t != nil {
		p.t.Stop()
		p.t = nil
	}
}

// watcher holds the fsnotify watches.
type watcher struct {
	r       *Repo
	w       *fsnotify.Watcher
	watched map[string]bool // absolute directories
	failed  []string
	// x is the excluder of the last scan (copied under r.mu, read by the
	// event loop without it).
	x *excluder
}

// forgetRoot drops the watches under a root that vanished: the kernel
// dropped them with the directories, and a directory of the same name
// that comes back must be watched anew.
func (wt *watcher) forgetRoot() {
	for d := range wt.watched {
		if pathx.Inside(wt.r.root, d) {
			_ = wt.w.Remove(d)
			delete(wt.watched, d)
		}
	}
}

// sync adds watches for every directory the state knows and the git
// directories. Callers hold r.mu.
func (wt *watcher) sync(sink model.RepoSink) {
	r := wt.r
	wt.x = r.st.x
	if r.rev == nil {
		for d := range r.st.dirs {
			wt.add(filepath.Join(r.root, filepath.FromSlash(d)))
		}
	} else {
		wt.add(r.root) // the config file
	}
	if g := r.git; g != nil {
		wt.add(g.Dir())
		wt.add(g.Common())
		wt.addTree(filepath.Join(g.Common(), "refs", "heads"))
	}
	if len(wt.failed) > 0 {
		rs := r.st.repo
		rs.Err = fmt.Sprintf("cannot watch %d directories (%s, …): changes there are not seen; raise fs.inotify.max_user_watches or exclude them",
			len(wt.failed), wt.failed[0])
		wt.failed = nil
		r.setRepo(sink, rs)
	}
}

func (wt *watcher) add(dir string) {
	if wt.watched[dir] {
		return
	}
	if err := wt.w.Add(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			wt.failed = append(wt.failed, fmt.Sprintf("%s: %v", dir, err))
		}
		return
	}
	wt.watched[dir] = true
}

// addTree watches a directory and every directory below it (refs).
func (wt *watcher) addTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			wt.add(p)
		}
		return nil
	})
}

// problem reports a watch error in the repo state.
func (wt *watcher) problem(sink model.RepoSink, err error) {
	r := wt.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return
	}
	rs := r.st.repo
	rs.Err = "watching files: " + err.Error()
	r.setRepo(sink, rs)
}

// classify adds an event to the batch; false when it is of no interest.
func (wt *watcher) classify(ev fsnotify.Event, ch *changeSet) bool {
	r := wt.r
	name := filepath.Clean(ev.Name)
	if ev.Op == fsnotify.Chmod {
		return false // mode changes do not change content
	}
	if wt.watched[name] && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
		// The kernel dropped the watch (deleted), or fsnotify did (moved
		// away: it cannot follow the new name). A directory that comes
		// back under this name must be watched anew.
		delete(wt.watched, name)
	}
	if g := r.git; g != nil && (pathx.Inside(g.Dir(), name) || pathx.Inside(g.Common(), name)) {
		if strings.HasSuffix(name, ".lock") {
			return false
		}
		base := filepath.Base(name)
		refs := pathx.Inside(filepath.Join(g.Common(), "refs"), name)
		if !refs && base != "HEAD" && base != "index" && base != "packed-refs" {
			return false
		}
		if refs && ev.Has(fsnotify.Create) {
			if fi, err := os.Stat(name); err == nil && fi.IsDir() {
				wt.addTree(name) // a new branch namespace (feature/…)
			}
		}
		ch.git = true
		return true
	}
	if !pathx.Inside(r.root, name) {
		return false
	}
	rel, err := filepath.Rel(r.root, name)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	if r.rev != nil && rel != ConfigFile {
		return false
	}
	if rel == ".git" || strings.HasPrefix(rel, ".git/") {
		return false
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(name); err == nil && fi.IsDir() {
			wt.addNew(name)
		}
	}
	ch.paths[rel] = true
	return true
}

// addNew watches a new directory and its subdirectories at once, so that
// files created in them right after are seen; the batch reads them anyway.
func (wt *watcher) addNew(dir string) {
	r := wt.r
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(r.root, p)
		if wt.x != nil && wt.x.excluded(filepath.ToSlash(rel), true) {
			return filepath.SkipDir
		}
		wt.add(p)
		return nil
	})
}
