package repo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
)

func commitOf(t *testing.T, repo *gogit.Repository, h plumbing.Hash) *model.Commit {
	t.Helper()
	c, err := repo.CommitObject(h)
	must(t, err)
	return git.Summary(c)
}

func TestGitStatusAndLastCommits(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "apps/a.yaml", ingressYAML("", "a", "a.example.com"))
	write(t, dir, "apps/b.yaml", ingressYAML("", "b", "b.example.com"))
	write(t, dir, "apps/c.yaml", ingressYAML("", "c", "c.example.com"))
	write(t, dir, "notes.txt", "not a manifest\n")
	c1 := commit(t, repo, "Add apps\n\nThe first three.", "Alice", 0, "apps/a.yaml", "apps/b.yaml", "apps/c.yaml", "notes.txt")
	write(t, dir, "apps/b.yaml", ingressYAML("", "b", "b2.example.com"))
	c2 := commit(t, repo, "Move b to b2", "Bob", 10, "apps/b.yaml")
	write(t, dir, "apps/d.yaml", ingressYAML("", "d", "d.example.com"))
	write(t, dir, ".gitignore", "generated/\n")
	c3 := commit(t, repo, "Add d", "Carol", 20, "apps/d.yaml", ".gitignore")
	write(t, dir, "notes.txt", "changed, but not a manifest\n")

	// A clean work tree first.
	_, s := scan(t, Options{Root: dir})
	st := s.state()
	if st.Dirty || st.Head != c3.String()[:7] || st.Branch != "master" || st.GitRoot != dirOf(t, dir) || st.Root != dirOf(t, dir) || st.Scanning {
		t.Errorf("clean repo state = %+v", st)
	}

	// Then: b modified, c staged, e untracked, an ignored file.
	write(t, dir, "apps/b.yaml", ingressYAML("", "b", "b3.example.com"))
	write(t, dir, "apps/c.yaml", ingressYAML("", "c", "c2.example.com"))
	wt, err := repo.Worktree()
	must(t, err)
	_, err = wt.Add("apps/c.yaml")
	must(t, err)
	write(t, dir, "apps/e.yaml", ingressYAML("", "e", "e.example.com"))
	write(t, dir, "generated/g.yaml", ingressYAML("", "g", "g.example.com"))

	_, s = scan(t, Options{Root: dir})
	want := map[string]model.FileInfo{
		"apps/a.yaml":      {Status: model.FileClean, LastCommit: commitOf(t, repo, c1)},
		"apps/b.yaml":      {Status: model.FileModified, LastCommit: commitOf(t, repo, c2)},
		"apps/c.yaml":      {Status: model.FileStaged, LastCommit: commitOf(t, repo, c1)},
		"apps/d.yaml":      {Status: model.FileClean, LastCommit: commitOf(t, repo, c3)},
		"apps/e.yaml":      {Status: model.FileUntracked},
		"generated/g.yaml": {Status: model.FileIgnored},
	}
	for file, w := range want {
		if got := s.info(file); !infoEqual(got, w) {
			t.Errorf("%s: got %+v %+v, want %+v %+v", file, got.Status, got.LastCommit, w.Status, w.LastCommit)
		}
	}
	if len(s.infos) != len(want) {
		t.Errorf("FileInfo for %d files, want %d", len(s.infos), len(want))
	}
	a := s.info("apps/a.yaml").LastCommit
	if a.Author != "Alice <alice@example.com>" || a.Subject != "Add apps" || !a.Time.Equal(baseTime) || len(a.Hash) != 40 {
		t.Errorf("last commit of a = %+v", a)
	}
	if st := s.state(); !st.Dirty || st.Head != c3.String()[:7] {
		t.Errorf("dirty repo state = %+v", st)
	}

	// The repo root may be a subdirectory of the work tree.
	_, s = scan(t, Options{Root: filepath.Join(dir, "apps")})
	if got := s.info("b.yaml"); got.Status != model.FileModified || got.LastCommit == nil || got.LastCommit.Hash != c2.String() {
		t.Errorf("b.yaml from apps/: %+v", got)
	}
	if got := s.find(t, "a").Origin.File; got != "a.yaml" {
		t.Errorf("origin file from apps/ = %q", got)
	}
	if st := s.state(); st.GitRoot != dirOf(t, dir) || st.Root != filepath.Join(dirOf(t, dir), "apps") {
		t.Errorf("state from apps/ = %+v", st)
	}
}

// TestLastCommitThroughMerge: a file the merge itself changed belongs to
// the merge; a file the merge took unchanged from one side belongs to that
// side's commit.
func TestLastCommitThroughMerge(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "a.yaml", ingressYAML("", "a", "a.example.com"))
	write(t, dir, "d.yaml", ingressYAML("", "d", "d.example.com"))
	c1 := commit(t, repo, "Base", "Alice", 0, "a.yaml", "d.yaml")
	write(t, dir, "d.yaml", ingressYAML("", "d", "d-side.example.com"))
	side := commit(t, repo, "Side: d", "Bob", 10, "d.yaml")
	// Move master back to c1 and merge side with an edit of a.
	must(t, repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/side", side)))
	must(t, repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", c1)))
	write(t, dir, "a.yaml", ingressYAML("", "a", "a-merged.example.com"))
	wt, err := repo.Worktree()
	must(t, err)
	_, err = wt.Add("a.yaml")
	must(t, err)
	_, err = wt.Add("d.yaml") // the side's version, already on disk
	must(t, err)
	sig := signature("Carol", 20)
	merge, err := wt.Commit("Merge side", &gogit.CommitOptions{Author: sig, Committer: sig, Parents: []plumbing.Hash{c1, side}})
	must(t, err)

	_, s := scan(t, Options{Root: dir})
	if got := s.info("a.yaml").LastCommit; got == nil || got.Hash != merge.String() {
		t.Errorf("a.yaml last commit = %+v, want the merge", got)
	}
	if got := s.info("d.yaml").LastCommit; got == nil || got.Hash != side.String() {
		t.Errorf("d.yaml last commit = %+v, want the side commit", got)
	}
}

func TestRepoWithoutCommitsAndWithoutGit(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "a.yaml", ingressYAML("", "a", "a.example.com"))
	write(t, dir, "b.yaml", ingressYAML("", "b", "b.example.com"))
	wt, err := repo.Worktree()
	must(t, err)
	_, err = wt.Add("b.yaml")
	must(t, err)
	_, s := scan(t, Options{Root: dir})
	if st := s.state(); st.Head != "" || st.Branch != "master" || !st.Dirty || st.GitRoot == "" {
		t.Errorf("state of a repo without commits = %+v", st)
	}
	if a, b := s.info("a.yaml"), s.info("b.yaml"); a.Status != model.FileUntracked || b.Status != model.FileStaged || a.LastCommit != nil {
		t.Errorf("a %+v, b %+v", a, b)
	}

	plain := t.TempDir()
	write(t, plain, "a.yaml", ingressYAML("", "a", "a.example.com"))
	_, s = scan(t, Options{Root: plain})
	if len(s.infos) != 0 || s.state().GitRoot != "" || s.state().Dirty {
		t.Errorf("plain directory: infos %v, state %+v", s.infos, s.state())
	}
	if _, err := Open(Options{Root: plain, Rev: "HEAD"}); err == nil || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Errorf("--rev outside git: %v", err)
	}
}

func TestRev(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "apps/shop.yaml", ingressYAML("", "shop", "v1.example.com"))
	write(t, dir, "apps/old.yaml", ingressYAML("", "old", "old.example.com"))
	c1 := commit(t, repo, "v1", "Alice", 0, "apps/shop.yaml", "apps/old.yaml")
	write(t, dir, "apps/shop.yaml", ingressYAML("", "shop", "v2.example.com"))
	must(t, os.Remove(filepath.Join(dir, "apps/old.yaml")))
	wt, err := repo.Worktree()
	must(t, err)
	_, err = wt.Remove("apps/old.yaml")
	must(t, err)
	c2 := commit(t, repo, "v2", "Bob", 10, "apps/shop.yaml")
	// Uncommitted: an edit and a new file.
	write(t, dir, "apps/shop.yaml", ingressYAML("", "shop", "v3-uncommitted.example.com"))
	write(t, dir, "apps/new.yaml", ingressYAML("", "new", "new.example.com"))
	write(t, dir, "base/kustomization.yaml", "namespace: k\nresources: [ingress.yaml]\n")
	write(t, dir, "base/ingress.yaml", ingressYAML("", "kust", "k1.example.com"))
	_, err = wt.Add("base")
	must(t, err)
	c3 := commit(t, repo, "kustomize", "Carol", 20)
	write(t, dir, "base/ingress.yaml", ingressYAML("", "kust", "k2-uncommitted.example.com"))

	host := func(s *recSink, name string) string { return s.find(t, name).Ingress.Spec.Rules[0].Host }

	// HEAD: the committed content, not the edit; all clean.
	_, s := scan(t, Options{Root: dir, Rev: "HEAD"})
	if h := host(s, "shop"); h != "v2.example.com" {
		t.Errorf("shop at HEAD = %s", h)
	}
	if h := host(s, "kust"); h != "k1.example.com" || s.find(t, "kust").Namespace != "k" {
		t.Errorf("kustomize at HEAD = %s", h)
	}
	if n := names(s.docs()); len(n) != 2 {
		t.Errorf("documents at HEAD = %v (new.yaml is not committed)", n)
	}
	if got := s.info("apps/shop.yaml"); got.Status != model.FileClean || got.LastCommit == nil || got.LastCommit.Hash != c2.String() {
		t.Errorf("shop info at HEAD = %+v", got)
	}
	if st := s.state(); st.Dirty || st.Rev != "HEAD" || st.Head != c3.String()[:7] || st.Branch != "master" {
		t.Errorf("state at HEAD = %+v", st)
	}

	// An older commit: the old file is back, the last commit is relative
	// to it.
	_, s = scan(t, Options{Root: dir, Rev: c1.String()[:8]})
	if h := host(s, "shop"); h != "v1.example.com" {
		t.Errorf("shop at c1 = %s", h)
	}
	if n := names(s.docs()); strings.Join(n, ",") != "old,shop" {
		t.Errorf("documents at c1 = %v", n)
	}
	if got := s.info("apps/shop.yaml"); got.LastCommit == nil || got.LastCommit.Hash != c1.String() {
		t.Errorf("shop info at c1 = %+v", got)
	}
	_, s = scan(t, Options{Root: dir, Rev: "HEAD~1"})
	if h := host(s, "shop"); h != "v2.example.com" {
		t.Errorf("shop at HEAD~1 = %s", h)
	}

	if _, err := Open(Options{Root: dir, Rev: "no-such-branch"}); err == nil || !strings.Contains(err.Error(), `unknown revision "no-such-branch"`) {
		t.Errorf("unknown rev: %v", err)
	}
	if _, err := Open(Options{Root: filepath.Join(dir, "base"), Rev: c1.String()}); err == nil || !strings.Contains(err.Error(), "directory base does not exist in commit") {
		t.Errorf("rev without the directory: %v", err)
	}
	_ = context.Background
}

// A broken git index costs the git facts, not the manifests.
func TestBrokenIndex(t *testing.T) {
	dir := t.TempDir()
	repo := gitRepoAt(t, dir)
	write(t, dir, "a.yaml", ingressYAML("", "a", "a.example.com"))
	commit(t, repo, "a", "Alice", 0, "a.yaml")
	must(t, os.WriteFile(filepath.Join(dir, ".git", "index"), []byte("DIRC garbage"), 0o644))
	_, s := scan(t, Options{Root: dir})
	if n := names(s.docs()); len(n) != 1 {
		t.Errorf("documents = %v", n)
	}
	if st := s.state(); !strings.HasPrefix(st.Err, "git: reading the git index:") || st.Head != "" || st.Scanning {
		t.Errorf("state = %+v", st)
	}
	if len(s.infos) != 0 {
		t.Errorf("file infos without git facts: %v", s.infos)
	}
}
