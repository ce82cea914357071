package git

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

const acceptMsg = "ingress-drift: accept live state of shop/shop\n\nChanged paths:\n- metadata.annotations.a\n"

// setLocalIdentity configures the repository's own user.
func setLocalIdentity(t *testing.T, dir string) {
	t.Helper()
	gitCmd(t, dir, "config", "user.name", "Ada Lovelace")
	gitCmd(t, dir, "config", "user.email", "ada@example.com")
}

// checkClean asserts what a real git says after a commit of rel (a path
// relative to the git root): fsck passes, and rel is neither staged nor
// modified — also without git refreshing the index, so the stat data
// written are what git expects.
func checkClean(t *testing.T, gitRoot, rel string) {
	t.Helper()
	if out, err := gitRun(gitRoot, "fsck", "--strict", "--no-dangling"); err != nil {
		t.Errorf("git fsck: %v\n%s", err, out)
	}
	if out := gitCmd(t, gitRoot, "diff-files", "--name-only", "--", rel); out != "" {
		t.Errorf("git diff-files (stat data in the index) lists %s: %q", rel, out)
	}
	if out := gitCmd(t, gitRoot, "status", "--porcelain", "--", rel); out != "" {
		t.Errorf("git status --porcelain -- %s = %q, want clean", rel, out)
	}
}

// The commit holds exactly the file, with the message and the configured
// author; what else was staged stays staged and out of the commit.
func TestCommitFileCommitsOnlyThatFile(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{
		"apps/shop.yaml": shopV1, "apps/web.yaml": shopV1, "other.yaml": shopV1, "tool.sh": "#!/bin/sh\n",
	}, true)
	setLocalIdentity(t, dir)
	before := gitCmd(t, dir, "rev-parse", "HEAD")
	// Someone else's work in progress: a staged change, a staged new file,
	// an unstaged change, an untracked file.
	write(t, dir, "other.yaml", shopV2)
	write(t, dir, "staged-new.yaml", shopV1)
	gitCmd(t, dir, "add", "other.yaml", "staged-new.yaml")
	write(t, dir, "apps/web.yaml", shopV2)
	write(t, dir, "untracked.yaml", shopV1)
	statusBefore := gitCmd(t, dir, "status", "--porcelain")

	r := openRepo(t, dir)
	must(t, r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	hash, err := r.CommitFile(context.Background(), "apps/shop.yaml", acceptMsg)
	must(t, err)
	checkClean(t, dir, "apps/shop.yaml") // first: git status refreshes the index

	if head := gitCmd(t, dir, "rev-parse", "HEAD"); head != hash || len(hash) != 40 {
		t.Fatalf("CommitFile = %s, HEAD = %s", hash, head)
	}
	if got := gitCmd(t, dir, "show", "--name-status", "--format=", "HEAD"); got != "M\tapps/shop.yaml" {
		t.Errorf("git show --name-status HEAD = %q, want only apps/shop.yaml", got)
	}
	if got := gitCmd(t, dir, "rev-parse", "HEAD^"); got != before {
		t.Errorf("parent = %s, want %s", got, before)
	}
	if got := gitCmd(t, dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B"); got != "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|"+strings.TrimSuffix(acceptMsg, "\n") {
		t.Errorf("git log = %q", got)
	}
	if got := gitCmd(t, dir, "show", "HEAD:apps/shop.yaml"); got+"\n" != shopV2 {
		t.Errorf("committed content = %q", got)
	}
	if got := gitCmd(t, dir, "diff", "--cached", "--name-only"); got != "other.yaml\nstaged-new.yaml" {
		t.Errorf("git diff --cached --name-only = %q, want the other staged files still staged", got)
	}
	want := strings.ReplaceAll(statusBefore, " M apps/shop.yaml\n", "")
	if got := gitCmd(t, dir, "status", "--porcelain"); got != want {
		t.Errorf("git status --porcelain =\n%s\nwant\n%s", got, want)
	}
	if got := gitCmd(t, dir, "reflog", "-1", "--format=%gs"); got != "commit: ingress-drift: accept live state of shop/shop" {
		t.Errorf("reflog = %q", got)
	}

	// go-git agrees: the commit, its one change, and the file's status.
	repo, err := gogit.PlainOpen(dir)
	must(t, err)
	c, err := repo.CommitObject(plumbing.NewHash(hash))
	must(t, err)
	stats, err := c.Stats()
	must(t, err)
	if len(stats) != 1 || stats[0].Name != "apps/shop.yaml" || c.Message != acceptMsg || c.Author.Email != "ada@example.com" {
		t.Errorf("go-git: stats %v, message %q, author %v", stats, c.Message, c.Author)
	}
	wt, err := repo.Worktree()
	must(t, err)
	st, err := wt.Status()
	must(t, err)
	// Status lists only files that are not clean.
	if fs, listed := st["apps/shop.yaml"]; listed && (fs.Staging != gogit.Unmodified || fs.Worktree != gogit.Unmodified) {
		t.Errorf("go-git status of apps/shop.yaml = %c%c", fs.Staging, fs.Worktree)
	}
	if fs, listed := st["other.yaml"]; !listed || fs.Staging != gogit.Modified {
		t.Errorf("go-git status of other.yaml = %c%c, want staged", fs.Staging, fs.Worktree)
	}
	// And so do the facts the scan reads (moved here from repo, where
	// this was a scan).
	info := func(rel string) model.FileInfo {
		f, err := r.g.Facts(func(rel string) ([]byte, error) { return []byte(readFile(t, dir, rel)), nil }, nil, nil)
		must(t, err)
		last, _, err := r.g.LastCommits(f.Head.Hash, map[string]bool{rel: true}, Hash{})
		must(t, err)
		return model.FileInfo{Status: r.g.Status(f, rel, HashBlob([]byte(readFile(t, dir, rel))), true), LastCommit: last[rel]}
	}
	if info := info("apps/shop.yaml"); info.Status != model.FileClean || info.LastCommit == nil || info.LastCommit.Hash != hash {
		t.Errorf("scan FileInfo = %+v", info)
	}
	if info := info("other.yaml"); info.Status != model.FileStaged {
		t.Errorf("scan FileInfo of other.yaml = %+v", info)
	}
}

// The executable bit is committed as git would (100755), and a second
// commit on top works.
func TestCommitFileModeAndSecondCommit(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"a.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	must(t, r.WriteManifest("a.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	must(t, os.Chmod(filepath.Join(dir, "a.yaml"), 0o755))
	first, err := r.CommitFile(context.Background(), "a.yaml", "first")
	must(t, err)
	checkClean(t, dir, "a.yaml")
	if got := gitCmd(t, dir, "ls-tree", "HEAD", "a.yaml"); !strings.HasPrefix(got, "100755 blob ") {
		t.Errorf("git ls-tree = %q, want mode 100755", got)
	}
	must(t, r.WriteManifest("a.yaml", manifest.Hash([]byte(shopV2)), []byte(shopV1)))
	second, err := r.CommitFile(context.Background(), "a.yaml", "  second  \n\n\n\nbody line   \n\n")
	must(t, err)
	if got := gitCmd(t, dir, "rev-parse", second+"^"); got != first {
		t.Errorf("parent of the second commit = %s, want %s", got, first)
	}
	if got := gitCmd(t, dir, "cat-file", "commit", second); !strings.HasSuffix(got, "\n\n  second\n\nbody line") {
		t.Errorf("message not cleaned up as git does: %q", got)
	}
	checkClean(t, dir, "a.yaml")
}

// A deletion (RemoveManifest) is committed as a deletion; directories left
// empty disappear from the tree.
func TestCommitFileDeletion(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"apps/shop/shop.yaml": shopV1, "apps/web.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	must(t, r.RemoveManifest("apps/shop/shop.yaml", manifest.Hash([]byte(shopV1))))
	hash, err := r.CommitFile(context.Background(), "apps/shop/shop.yaml", "remove shop")
	must(t, err)
	checkClean(t, dir, "apps/shop/shop.yaml")
	if got := gitCmd(t, dir, "show", "--name-status", "--format=", hash); got != "D\tapps/shop/shop.yaml" {
		t.Errorf("git show --name-status = %q", got)
	}
	if got := gitCmd(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "apps/web.yaml" {
		t.Errorf("tree after the deletion = %q", got)
	}
	if got := gitCmd(t, dir, "ls-files"); got != "apps/web.yaml" {
		t.Errorf("index after the deletion = %q", got)
	}
	if got := gitCmd(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("git status = %q", got)
	}
}

// The repo root is a subdirectory of the git work tree: paths in the tree
// and index are relative to the git root. A new (untracked) file is added.
func TestCommitFileRootInSubdirectory(t *testing.T) {
	isolateGit(t)
	gitRoot := newGitRepo(t, map[string]string{"README": "hi\n", "deploy/apps/shop.yaml": shopV1}, true)
	setLocalIdentity(t, gitRoot)
	r := openRepo(t, filepath.Join(gitRoot, "deploy"))
	must(t, r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	must(t, r.WriteManifest("new/web.yaml", "", []byte(shopV1)))
	h1, err := r.CommitFile(context.Background(), "apps/shop.yaml", "edit")
	must(t, err)
	h2, err := r.CommitFile(context.Background(), "new/web.yaml", "add")
	must(t, err)
	if got := gitCmd(t, gitRoot, "show", "--name-status", "--format=", h1); got != "M\tdeploy/apps/shop.yaml" {
		t.Errorf("first commit: %q", got)
	}
	if got := gitCmd(t, gitRoot, "show", "--name-status", "--format=", h2); got != "A\tdeploy/new/web.yaml" {
		t.Errorf("second commit: %q", got)
	}
	checkClean(t, gitRoot, "deploy/apps/shop.yaml")
	checkClean(t, gitRoot, "deploy/new/web.yaml")
	if got := gitCmd(t, gitRoot, "status", "--porcelain"); got != "" {
		t.Errorf("git status = %q", got)
	}
}

// The first commit of a repository without commits has no parent; the
// other untracked files stay untracked.
func TestCommitFileFirstCommit(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"other.yaml": shopV1}, false)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	must(t, r.WriteManifest("shop/deep/shop.yaml", "", []byte(shopV1)))
	hash, err := r.CommitFile(context.Background(), "shop/deep/shop.yaml", "first")
	must(t, err)
	checkClean(t, dir, "shop/deep/shop.yaml")
	if got := gitCmd(t, dir, "rev-list", "--parents", "HEAD"); got != hash {
		t.Errorf("git rev-list --parents HEAD = %q, want one commit without parents", got)
	}
	if got := gitCmd(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); got != "main" {
		t.Errorf("branch = %q", got)
	}
	if got := gitCmd(t, dir, "status", "--porcelain"); got != "?? other.yaml" {
		t.Errorf("git status = %q", got)
	}
	if got := gitCmd(t, dir, "reflog", "-1", "--format=%gs"); got != "commit (initial): first" {
		t.Errorf("reflog = %q", got)
	}
}

// Trees are rebuilt in git's order (a directory sorts as if it ended in
// "/"), which git fsck --strict checks.
func TestCommitFileTreeOrder(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{
		"a.yaml": "1\n", "a-b.yaml": "1\n", "a/x.yaml": "1\n", "a0/y.yaml": "1\n", "a.b/z.yaml": "1\n", "A/q.yaml": "1\n",
	}, true)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	for _, f := range []string{"a/x.yaml", "a/new.yaml", "a-/n.yaml", "a.b/z.yaml"} {
		old := ""
		if _, h, err := r.ReadManifest(f); err == nil {
			old = h
		}
		must(t, r.WriteManifest(f, old, []byte("2\n")))
		_, err := r.CommitFile(context.Background(), f, "change "+f)
		must(t, err)
		checkClean(t, dir, f)
	}
	want := "A/q.yaml\na-/n.yaml\na-b.yaml\na.b/z.yaml\na.yaml\na/new.yaml\na/x.yaml\na0/y.yaml"
	if got := gitCmd(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != want {
		t.Errorf("tree = %q, want %q", got, want)
	}
}

// Someone else moves the branch between the commit being built and the
// branch being moved: the commit is refused, not lost, and nothing changes.
func TestCommitFileConcurrentCommitRefused(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1, "web.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	indexBefore, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	must(t, err)
	var theirs string
	beforeRefUpdate = func() {
		// The index is locked by CommitFile, so the other committer uses
		// plumbing that needs only the branch lock, as a tool might.
		tree := gitCmd(t, dir, "rev-parse", "HEAD^{tree}")
		theirs = gitCmd(t, dir, append(setupIdentity, "commit-tree", tree, "-p", "HEAD", "-m", "theirs")...)
		gitCmd(t, dir, "update-ref", "refs/heads/main", theirs)
	}
	defer func() { beforeRefUpdate = nil }()
	_, err = r.CommitFile(context.Background(), "shop.yaml", acceptMsg)
	beforeRefUpdate = nil
	wantRefused(t, err, "branch main moved while shop.yaml was being committed (from ", " to "+theirs[:7]+": someone else committed); nothing was committed — commit again")
	if head := gitCmd(t, dir, "rev-parse", "HEAD"); head != theirs {
		t.Errorf("HEAD = %s, want their commit %s kept", head, theirs)
	}
	indexAfter, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	must(t, err)
	if string(indexAfter) != string(indexBefore) {
		t.Error("the index changed although nothing was committed")
	}
	for _, lock := range []string{"index.lock", "refs/heads/main.lock"} {
		if _, err := os.Stat(filepath.Join(dir, ".git", lock)); err == nil {
			t.Errorf("%s left behind", lock)
		}
	}
	if got := gitCmd(t, dir, "status", "--porcelain"); got != " M shop.yaml" {
		t.Errorf("git status = %q", got)
	}
	// Committing again works on top of theirs.
	hash, err := r.CommitFile(context.Background(), "shop.yaml", acceptMsg)
	must(t, err)
	if got := gitCmd(t, dir, "rev-parse", hash+"^"); got != theirs {
		t.Errorf("parent = %s, want %s", got, theirs)
	}
	checkClean(t, dir, "shop.yaml")
}

// A file someone staged is not committed with (or over) their change.
func TestCommitFileStagedFileRefused(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"apps/shop.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	write(t, dir, "apps/shop.yaml", shopV1+"# staged by hand\n")
	gitCmd(t, dir, "add", "apps/shop.yaml")
	r := openRepo(t, dir)
	must(t, r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1+"# staged by hand\n")), []byte(shopV2)))
	head := gitCmd(t, dir, "rev-parse", "HEAD")
	_, err := r.CommitFile(context.Background(), "apps/shop.yaml", acceptMsg)
	wantRefused(t, err)
	if want := "refused: apps/shop.yaml has staged changes; commit or unstage them first (git restore --staged apps/shop.yaml)"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if got := gitCmd(t, dir, "rev-parse", "HEAD"); got != head {
		t.Error("a commit was made")
	}
	if got := gitCmd(t, dir, "status", "--porcelain"); got != "MM apps/shop.yaml" {
		t.Errorf("git status = %q", got)
	}
	// A staged deletion (git rm --cached) is a staged change too.
	gitCmd(t, dir, "reset", "-q")
	gitCmd(t, dir, "rm", "-q", "--cached", "apps/shop.yaml")
	_, err = r.CommitFile(context.Background(), "apps/shop.yaml", acceptMsg)
	wantRefused(t, err, "apps/shop.yaml has staged changes")
}

// Who commits comes from the git config as git reads it; the real git
// (git var GIT_AUTHOR_IDENT) must agree for every layout.
func TestCommitFileIdentity(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, home, dir string)
		want  string
	}{
		{"repository config", func(t *testing.T, home, dir string) {
			setLocalIdentity(t, dir)
		}, "Ada Lovelace <ada@example.com>"},
		{"~/.gitconfig", func(t *testing.T, home, dir string) {
			write(t, home, ".gitconfig", "[user]\n\tname = Home User\n\temail = home@example.com\n")
		}, "Home User <home@example.com>"},
		{"XDG_CONFIG_HOME", func(t *testing.T, home, dir string) {
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
			write(t, home, "xdg/git/config", "[user]\n\tname = Xdg User\n\temail = xdg@example.com\n")
		}, "Xdg User <xdg@example.com>"},
		{"~/.gitconfig wins over XDG", func(t *testing.T, home, dir string) {
			write(t, home, ".config/git/config", "[user]\n\tname = Xdg User\n\temail = xdg@example.com\n")
			write(t, home, ".gitconfig", "[user]\n\temail = home@example.com\n")
		}, "Xdg User <home@example.com>"},
		{"repository wins over global", func(t *testing.T, home, dir string) {
			write(t, home, ".gitconfig", "[user]\n\tname = Home User\n\temail = home@example.com\n")
			gitCmd(t, dir, "config", "user.email", "repo@example.com")
		}, "Home User <repo@example.com>"},
		{"author.name over user.name", func(t *testing.T, home, dir string) {
			write(t, home, ".gitconfig", "[user]\n\tname = Home User\n\temail = home@example.com\n[author]\n\tname = The Author\n")
		}, "The Author <home@example.com>"},
		{"GIT_CONFIG_GLOBAL", func(t *testing.T, home, dir string) {
			write(t, home, ".gitconfig", "[user]\n\tname = Ignored\n\temail = ignored@example.com\n")
			write(t, home, "elsewhere.cfg", "[user]\n\tname = Env File\n\temail = envfile@example.com\n")
			t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "elsewhere.cfg"))
		}, "Env File <envfile@example.com>"},
		{"include.path", func(t *testing.T, home, dir string) {
			write(t, home, ".gitconfig", "[include]\n\tpath = ~/.gitconfig-identity\n")
			write(t, home, ".gitconfig-identity", "[user]\n\tname = Included\n\temail = included@example.com\n")
		}, "Included <included@example.com>"},
		{"GIT_AUTHOR_NAME", func(t *testing.T, home, dir string) {
			setLocalIdentity(t, dir)
			t.Setenv("GIT_AUTHOR_NAME", "From Env")
		}, "From Env <ada@example.com>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := isolateGit(t)
			dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
			tc.setup(t, home, dir)
			r := openRepo(t, dir)
			must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
			hash, err := r.CommitFile(context.Background(), "shop.yaml", "x")
			must(t, err)
			if got := gitCmd(t, dir, "log", "-1", "--format=%an <%ae>", hash); got != tc.want {
				t.Errorf("author = %q, want %q", got, tc.want)
			}
			ident := gitCmd(t, dir, "var", "GIT_AUTHOR_IDENT")
			if !strings.HasPrefix(ident, tc.want+" ") {
				t.Errorf("git var GIT_AUTHOR_IDENT = %q, but ingress-drift committed as %q", ident, tc.want)
			}
		})
	}
}

func TestCommitFileWithoutIdentityRefused(t *testing.T) {
	home := isolateGit(t)
	dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
	r := openRepo(t, dir)
	must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	head := gitCmd(t, dir, "rev-parse", "HEAD")
	_, err := r.CommitFile(context.Background(), "shop.yaml", "x")
	want := "refused: git does not know who commits: user.name and user.email are not set; set it with " +
		"`git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com` " +
		"(or without --global, inside " + dir + ", for this repository only)"
	wantRefused(t, err)
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
	write(t, home, ".gitconfig", "[user]\n\tname = Home User\n")
	_, err = r.CommitFile(context.Background(), "shop.yaml", "x")
	wantRefused(t, err, "git does not know who commits: user.email is not set;")
	if got := gitCmd(t, dir, "rev-parse", "HEAD"); got != head {
		t.Error("a commit was made")
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "index.lock")); err == nil {
		t.Error("index.lock left behind")
	}
}

// The states in which committing is refused, each with its reason.
func TestCommitFileRefusals(t *testing.T) {
	setup := func(t *testing.T) (string, *testRepo) {
		isolateGit(t)
		dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1, "web.yaml": shopV1}, true)
		setLocalIdentity(t, dir)
		r := openRepo(t, dir)
		must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
		return dir, r
	}
	commit := func(r *testRepo) error {
		_, err := r.CommitFile(context.Background(), "shop.yaml", acceptMsg)
		return err
	}
	t.Run("detached HEAD", func(t *testing.T) {
		dir, r := setup(t)
		gitCmd(t, dir, "checkout", "-q", "--detach")
		head := gitCmd(t, dir, "rev-parse", "HEAD")
		wantRefused(t, commit(r), "HEAD is detached at "+head[:7]+" in "+dir+" (not on a branch), where a commit is easily lost: switch to a branch first (git switch <branch>)")
	})
	t.Run("merge in progress", func(t *testing.T) {
		dir, r := setup(t)
		gitCmd(t, dir, "checkout", "-q", "-b", "side")
		write(t, dir, "web.yaml", "side\n")
		gitCommitAll(t, dir, "side")
		gitCmd(t, dir, "checkout", "-q", "main")
		write(t, dir, "web.yaml", "main\n")
		gitCmd(t, dir, "add", "web.yaml")
		gitCmd(t, dir, append(setupIdentity, "commit", "-q", "-m", "main")...)
		if _, err := gitRun(dir, append(setupIdentity, "merge", "side")...); err == nil {
			t.Fatal("the merge did not conflict")
		}
		wantRefused(t, commit(r), "a merge is in progress in "+dir+" (MERGE_HEAD exists): finish or abort it first (git commit, or git merge --abort)")
	})
	t.Run("rebase in progress", func(t *testing.T) {
		dir, r := setup(t)
		must(t, os.MkdirAll(filepath.Join(dir, ".git", "rebase-merge"), 0o755))
		wantRefused(t, commit(r), "a rebase is in progress in "+dir+" (rebase-merge exists)")
	})
	t.Run("another git running", func(t *testing.T) {
		dir, r := setup(t)
		write(t, dir, ".git/index.lock", "")
		wantRefused(t, commit(r), "another git process seems to be running in "+dir+" (.git/index.lock exists): try again, or remove that file if no git process is running")
		if _, err := os.Stat(filepath.Join(dir, ".git", "index.lock")); err != nil {
			t.Error("someone else's index.lock was removed")
		}
	})
	t.Run("branch locked", func(t *testing.T) {
		dir, r := setup(t)
		write(t, dir, ".git/refs/heads/main.lock", "")
		wantRefused(t, commit(r), "(.git/refs/heads/main.lock exists)")
		if got := gitCmd(t, dir, "diff", "--cached", "--name-only"); got != "" {
			t.Errorf("index changed: %q staged", got)
		}
	})
	t.Run("no changes", func(t *testing.T) {
		_, r := setup(t)
		_, err := r.CommitFile(context.Background(), "web.yaml", acceptMsg)
		wantRefused(t, err, "web.yaml has no changes to commit: it is the same as in HEAD")
		_, err = r.CommitFile(context.Background(), "never.yaml", acceptMsg)
		wantRefused(t, err, "never.yaml has no changes to commit")
	})
	t.Run("gpg signing required", func(t *testing.T) {
		dir, r := setup(t)
		gitCmd(t, dir, "config", "commit.gpgSign", "true")
		wantRefused(t, commit(r), "commit.gpgSign is set and ingress-drift cannot sign commits: commit shop.yaml yourself (git commit -S -- shop.yaml)")
	})
	// "not a git repository" and "path outside" are repo.Repo's
	// refusals, tested there (TestCommitFileRepoRefusals).
	t.Run("empty message", func(t *testing.T) {
		_, r := setup(t)
		_, err := r.CommitFile(context.Background(), "shop.yaml", " \n\n")
		if err == nil || err.Error() != "committing shop.yaml: the commit message is empty" {
			t.Errorf("error = %v", err)
		}
	})
}

// A linked work tree (git worktree add) has its own HEAD and index but
// shares the refs and objects.
func TestCommitFileLinkedWorktree(t *testing.T) {
	isolateGit(t)
	main := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
	setLocalIdentity(t, main)
	linked := filepath.Join(dirOf(t, t.TempDir()), "wt")
	gitCmd(t, main, "worktree", "add", "-q", "-b", "feature", linked)
	r := openRepo(t, linked)
	must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	hash, err := r.CommitFile(context.Background(), "shop.yaml", "in the linked work tree")
	must(t, err)
	if got := gitCmd(t, main, "rev-parse", "feature"); got != hash {
		t.Errorf("branch feature = %s, want %s", got, hash)
	}
	if got := gitCmd(t, main, "rev-parse", "main"); got == hash {
		t.Error("the main work tree's branch moved")
	}
	checkClean(t, linked, "shop.yaml")
	if got := gitCmd(t, main, "status", "--porcelain"); got != "" {
		t.Errorf("main work tree status = %q", got)
	}
}

// Index versions 3 and 4 (path compression) are read and written back;
// a split index, which go-git cannot write, is refused before anything
// changes.
func TestCommitFileIndexFormats(t *testing.T) {
	for _, args := range [][]string{{"update-index", "--index-version", "3"}, {"update-index", "--index-version", "4"}, {"update-index", "--split-index"}} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			isolateGit(t)
			dir := newGitRepo(t, map[string]string{"apps/shop.yaml": shopV1, "b.yaml": "1\n"}, true)
			setLocalIdentity(t, dir)
			gitCmd(t, dir, args...)
			write(t, dir, "b.yaml", "2\n")
			gitCmd(t, dir, "add", "b.yaml")
			r := openRepo(t, dir)
			must(t, r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
			head := gitCmd(t, dir, "rev-parse", "HEAD")
			_, err := r.CommitFile(context.Background(), "apps/shop.yaml", "x")
			if args[1] == "--split-index" {
				wantRefused(t, err, "uses a format go-git cannot rewrite")
				if got := gitCmd(t, dir, "rev-parse", "HEAD"); got != head {
					t.Error("a commit was made")
				}
				if got := gitCmd(t, dir, "status", "--porcelain"); got != " M apps/shop.yaml\nM  b.yaml" {
					t.Errorf("git status = %q", got)
				}
				return
			}
			must(t, err)
			checkClean(t, dir, "apps/shop.yaml")
			if got := gitCmd(t, dir, "status", "--porcelain"); got != "M  b.yaml" {
				t.Errorf("git status = %q", got)
			}
		})
	}
}

// With core.fileMode false, as git, the mode in HEAD is kept whatever the
// executable bit on disk says.
func TestCommitFileCoreFileModeFalse(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"run.yaml": shopV1}, false)
	must(t, os.Chmod(filepath.Join(dir, "run.yaml"), 0o755))
	gitCommitAll(t, dir, "executable")
	setLocalIdentity(t, dir)
	gitCmd(t, dir, "config", "core.fileMode", "false")
	must(t, os.Chmod(filepath.Join(dir, "run.yaml"), 0o644))
	r := openRepo(t, dir)
	must(t, r.WriteManifest("run.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	_, err := r.CommitFile(context.Background(), "run.yaml", "x")
	must(t, err)
	if got := gitCmd(t, dir, "ls-tree", "HEAD", "run.yaml"); !strings.HasPrefix(got, "100755 ") {
		t.Errorf("git ls-tree = %q, want the mode kept (100755)", got)
	}
	checkClean(t, dir, "run.yaml")
}

// A branch that exists only in packed-refs (after git gc or pack-refs) is
// moved by writing its loose ref, as git does.
func TestCommitFilePackedBranch(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	before := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, dir, "pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(dir, ".git", "refs", "heads", "main")); err == nil {
		t.Fatal("the branch is still a loose ref")
	}
	r := openRepo(t, dir)
	must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
	hash, err := r.CommitFile(context.Background(), "shop.yaml", "x")
	must(t, err)
	checkClean(t, dir, "shop.yaml")
	if got := gitCmd(t, dir, "rev-parse", "main", "main^"); got != hash+"\n"+before {
		t.Errorf("main, main^ = %q", got)
	}
}
