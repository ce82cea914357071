package repo

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ingress-drift/ingress-drift/model"
)

// startWatch scans and watches r into a new sink until the test ends.
func startWatch(t *testing.T, r *Repo) *recSink {
	t.Helper()
	s := newSink()
	watchInto(t, r, s)
	return s
}

// watchInto scans and watches r into sink until the test ends.
func watchInto(t *testing.T, r *Repo, sink model.RepoSink) {
	t.Helper()
	must(t, r.Scan(context.Background(), sink))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	r.watching = func() { close(ready) }
	done := make(chan error, 1)
	go func() { done <- r.Watch(ctx, sink) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Watch returned early: %v", err)
	}
}

func hostOf(s *recSink, source string) string {
	src, ok := s.source(source)
	if !ok || len(src.docs) == 0 || len(src.docs[0].Ingress.Spec.Rules) == 0 {
		return ""
	}
	return src.docs[0].Ingress.Spec.Rules[0].Host
}

func (s *recSink) count(source string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setCount[source]
}

func (s *recSink) lastSet(source string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setAt[source]
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "apps/shop.yaml", ingressYAML("web", "shop", "v1.example.com"))
	write(t, dir, "apps/cart.yaml", ingressYAML("web", "cart", "cart.example.com"))
	write(t, dir, "base/kustomization.yaml", "resources: [ingress.yaml]\n")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "kust", "k1.example.com"))
	write(t, dir, "overlays/prod/kustomization.yaml", "namespace: prod\nresources: [../../base]\n")
	commit(t, repo, "initial", "Alice", 0, "apps", "base", "overlays")
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	var latencies []time.Duration

	// 1. An edit in place.
	start := time.Now()
	write(t, dir, "apps/shop.yaml", ingressYAML("web", "shop", "v2.example.com"))
	waitFor(t, "the edit", func() bool { return hostOf(s, "apps/shop.yaml") == "v2.example.com" })
	latencies = append(latencies, s.lastSet("apps/shop.yaml").Sub(start))
	waitFor(t, "the modified status", func() bool {
		return s.info("apps/shop.yaml").Status == model.FileModified && s.state().Dirty
	})

	// 2. An editor's save: write a temporary file, rename it over.
	start = time.Now()
	write(t, dir, "apps/.shop.yaml.swp", ingressYAML("web", "shop", "v3.example.com"))
	must(t, os.Rename(filepath.Join(dir, "apps/.shop.yaml.swp"), filepath.Join(dir, "apps/shop.yaml")))
	waitFor(t, "the rename-save", func() bool { return hostOf(s, "apps/shop.yaml") == "v3.example.com" })
	latencies = append(latencies, s.lastSet("apps/shop.yaml").Sub(start))
	// 3. A new file in a new directory.
	start = time.Now()
	write(t, dir, "teams/red/red.yaml", ingressYAML("red", "red", "red.example.com"))
	waitFor(t, "the new file", func() bool { return hostOf(s, "teams/red/red.yaml") == "red.example.com" })
	latencies = append(latencies, s.lastSet("teams/red/red.yaml").Sub(start))
	waitFor(t, "the untracked status", func() bool { return s.info("teams/red/red.yaml").Status == model.FileUntracked })
	// ... and a later edit there (the new directory is watched).
	write(t, dir, "teams/red/red.yaml", ingressYAML("red", "red", "red2.example.com"))
	waitFor(t, "an edit in the new directory", func() bool { return hostOf(s, "teams/red/red.yaml") == "red2.example.com" })

	// 4. A base of a kustomize root: only that root is rendered again.
	cart := s.count("apps/cart.yaml")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "kust", "k2.example.com"))
	waitFor(t, "the re-render", func() bool { return hostOf(s, "kustomize:overlays/prod") == "k2.example.com" })
	waitFor(t, "the root's modified status", func() bool {
		return s.info("overlays/prod/kustomization.yaml").Status == model.FileModified
	})
	if s.count("apps/cart.yaml") != cart {
		t.Errorf("an unrelated file was parsed again")
	}

	// 5. A commit: statuses and last commits follow, and HEAD.
	h := commit(t, repo, "Ship red", "Bob", 30, "teams/red/red.yaml", "apps/shop.yaml")
	waitFor(t, "the commit", func() bool {
		red, shop := s.info("teams/red/red.yaml"), s.info("apps/shop.yaml")
		return red.Status == model.FileClean && red.LastCommit != nil && red.LastCommit.Hash == h.String() &&
			shop.Status == model.FileClean && shop.LastCommit != nil && shop.LastCommit.Subject == "Ship red" &&
			s.state().Head == h.String()[:7]
	})
	if c := s.info("apps/cart.yaml").LastCommit; c == nil || c.Subject != "initial" {
		t.Errorf("cart's last commit after an unrelated commit = %+v", c)
	}
	if !s.state().Dirty {
		t.Errorf("still dirty (base/ingress.yaml) but state says clean")
	}

	// 6. The config: ignore rules reload.
	write(t, dir, ConfigFile, "ignore:\n  - labels: [team]\n")
	waitFor(t, "the ignore rules", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.rules) == 1 && s.rules[0].Source == ".ingress-drift.yaml:2"
	})

	// 7. Deletions: a file, then a whole directory.
	must(t, os.Remove(filepath.Join(dir, "apps/shop.yaml")))
	waitFor(t, "the deletion", func() bool { _, ok := s.source("apps/shop.yaml"); return !ok })
	must(t, os.RemoveAll(filepath.Join(dir, "teams")))
	waitFor(t, "the directory deletion", func() bool { _, ok := s.source("teams/red/red.yaml"); return !ok })
	if !hasCall(s, "RemoveSource teams/red/red.yaml") {
		t.Errorf("no RemoveSource for the deleted directory's file")
	}

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	t.Logf("file change → SetSource latency (edit, rename-save, new dir): %v", latencies)
}

func TestWatchRev(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "shop.yaml", ingressYAML("web", "shop", "v1.example.com"))
	commit(t, repo, "v1", "Alice", 0, "shop.yaml")
	r, err := Open(Options{Root: dir, Rev: "master"})
	must(t, err)
	s := startWatch(t, r)
	// An uncommitted edit is not what --rev compares against.
	write(t, dir, "shop.yaml", ingressYAML("web", "shop", "v2.example.com"))
	h := commit(t, repo, "v2", "Bob", 10, "shop.yaml")
	waitFor(t, "the branch to move", func() bool {
		return hostOf(s, "shop.yaml") == "v2.example.com" && s.state().Head == h.String()[:7]
	})
	if st := s.state(); st.Dirty || st.Rev != "master" {
		t.Errorf("state = %+v", st)
	}
}

func TestRefresh(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", ingressYAML("", "a", "a1.example.com"))
	r, s := scan(t, Options{Root: dir})
	write(t, dir, "a.yaml", ingressYAML("", "a", "a2.example.com"))
	write(t, dir, "sub/b.yaml", ingressYAML("", "b", "b.example.com"))
	must(t, r.Refresh(context.Background(), s, "a.yaml", filepath.Join(r.Root(), "sub")))
	if hostOf(s, "a.yaml") != "a2.example.com" || hostOf(s, "sub/b.yaml") != "b.example.com" {
		t.Errorf("after Refresh: a %q, b %q", hostOf(s, "a.yaml"), hostOf(s, "sub/b.yaml"))
	}
	// A kustomization appearing changes the layout: a rescan.
	write(t, dir, "sub/kustomization.yaml", "namespace: k\nresources: [b.yaml]\n")
	must(t, r.Refresh(context.Background(), s, "sub/kustomization.yaml"))
	if _, ok := s.source("sub/b.yaml"); ok {
		t.Errorf("sub/b.yaml is still a plain source under a kustomization")
	}
	if src, ok := s.source("kustomize:sub"); !ok || len(src.docs) != 1 || src.docs[0].Namespace != "k" {
		t.Errorf("kustomize:sub = %+v", src)
	}
	// New excludes in the config: a rescan drops what is now excluded.
	write(t, dir, ConfigFile, "exclude: [sub/]\n")
	must(t, r.Refresh(context.Background(), s, ConfigFile))
	if got := sourceNames(s); len(got) != 1 || got[0] != "a.yaml" {
		t.Errorf("sources after excluding sub/ = %v", got)
	}
	if !hasCall(s, "RemoveSource kustomize:sub") {
		t.Errorf("kustomize:sub was not removed")
	}
}

// A --rev branch that moves to a commit without the repo directory makes
// the repo unreadable, as Open refuses such a commit: it is not read as
// "nothing is in Git" (every live object missing-git, a revert deleting
// it). What was read stays; the directory coming back is read again.
func TestWatchRevLosesRoot(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "deploy/shop.yaml", ingressYAML("web", "shop", "v1.example.com"))
	commit(t, repo, "v1", "Alice", 0, "deploy/shop.yaml")
	r, err := Open(Options{Root: filepath.Join(dir, "deploy"), Rev: "master"})
	must(t, err)
	s := startWatch(t, r)
	wt, err := repo.Worktree()
	must(t, err)
	if _, err := wt.Remove("deploy/shop.yaml"); err != nil {
		t.Fatal(err)
	}
	h := commit(t, repo, "drop deploy", "Bob", 10)
	waitFor(t, "the branch to move", func() bool { return s.state().Unreadable })
	st := s.state()
	if want := "directory deploy does not exist in commit " + h.String()[:7]; !strings.Contains(st.Err, want) {
		t.Errorf("Err = %q, want it to say %q", st.Err, want)
	}
	if hasCall(s, "RemoveSource shop.yaml") || hostOf(s, "shop.yaml") != "v1.example.com" {
		t.Errorf("the manifest read before was dropped: %v", sourceNames(s))
	}
	write(t, dir, "deploy/shop.yaml", ingressYAML("web", "shop", "v3.example.com"))
	commit(t, repo, "v3", "Carol", 20, "deploy/shop.yaml")
	waitFor(t, "the directory to come back", func() bool {
		return !s.state().Unreadable && hostOf(s, "shop.yaml") == "v3.example.com"
	})
}
