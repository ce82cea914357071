package git

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// Every state in which CommitFile refuses is found by CheckCommit before
// anything is written, with the same reason — so that accept --commit can
// refuse with the file unchanged.
func TestCheckCommitRefusesBeforeTheWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"detached HEAD", func(t *testing.T, dir string) { gitCmd(t, dir, "checkout", "-q", "--detach") }, "(not on a branch), where a commit is easily lost"},
		{"merge in progress", func(t *testing.T, dir string) {
			write(t, dir, ".git/MERGE_HEAD", gitCmd(t, dir, "rev-parse", "HEAD")+"\n")
		}, "a merge is in progress in"},
		{"rebase in progress", func(t *testing.T, dir string) {
			must(t, os.MkdirAll(filepath.Join(dir, ".git", "rebase-merge"), 0o755))
		}, "a rebase is in progress"},
		{"gpg signing required", func(t *testing.T, dir string) { gitCmd(t, dir, "config", "commit.gpgSign", "true") }, "commit.gpgSign is set and ingress-drift cannot sign commits"},
		{"no identity", func(t *testing.T, dir string) {
			gitCmd(t, dir, "config", "--unset", "user.name")
			gitCmd(t, dir, "config", "--unset", "user.email")
		}, "git does not know who commits: user.name and user.email are not set"},
		{"split index", func(t *testing.T, dir string) { gitCmd(t, dir, "update-index", "--split-index") }, "uses a format go-git cannot rewrite"},
		{"the file staged", func(t *testing.T, dir string) {
			write(t, dir, "shop.yaml", shopV1+"# staged\n")
			gitCmd(t, dir, "add", "shop.yaml")
			write(t, dir, "shop.yaml", shopV1)
		}, "shop.yaml has staged changes; commit or unstage them first"},
		{"index locked", func(t *testing.T, dir string) { write(t, dir, ".git/index.lock", "") }, "(.git/index.lock exists)"},
		{"branch locked", func(t *testing.T, dir string) { write(t, dir, ".git/refs/heads/main.lock", "") }, "(.git/refs/heads/main.lock exists)"},
		{"filter attribute", func(t *testing.T, dir string) { write(t, dir, ".git/info/attributes", "shop.yaml filter=git-crypt\n") }, "shop.yaml has the git attribute filter=git-crypt (from .git/info/attributes): ingress-drift cannot run git's clean filters"},
		{"working-tree-encoding", func(t *testing.T, dir string) {
			write(t, dir, ".git/info/attributes", "*.yaml working-tree-encoding=UTF-16\n")
		}, "working-tree-encoding=UTF-16"},
		{"ident", func(t *testing.T, dir string) { write(t, dir, ".git/info/attributes", "*.yaml ident\n") }, "has the git attribute ident (from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateGit(t)
			dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
			setLocalIdentity(t, dir)
			tc.setup(t, dir)
			r := openRepo(t, dir)
			_, err := r.CheckCommit("shop.yaml", []byte(shopV2))
			wantRefused(t, err, tc.want)
			// CommitFile refuses the same way once the file is written.
			must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
			_, cerr := r.CommitFile(context.Background(), "shop.yaml", "x")
			wantRefused(t, cerr, tc.want)
		})
	}
}

// CheckCommit passes what CommitFile commits, and says when the content
// about to be written is what HEAD holds (nothing to commit).
func TestCheckCommitUnchanged(t *testing.T) {
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1, "crlf.yaml": "a: 1\n"}, true)
	setLocalIdentity(t, dir)
	gitCmd(t, dir, "config", "core.autocrlf", "true")
	write(t, dir, "shop.yaml", shopV2) // a change not committed yet
	r := openRepo(t, dir)
	for _, tc := range []struct {
		rel  string
		data []byte
		want bool
	}{
		{"shop.yaml", []byte(shopV2), false},
		{"shop.yaml", []byte(shopV1), true},
		{"crlf.yaml", []byte("a: 1\r\n"), true}, // stored as a: 1\n
		{"crlf.yaml", nil, false},               // removed
		{"new.yaml", []byte(shopV1), false},
		{"never.yaml", nil, true},
	} {
		got, err := r.CheckCommit(tc.rel, tc.data)
		if err != nil || got != tc.want {
			t.Errorf("CheckCommit(%s, %q) = %v, %v; want %v", tc.rel, tc.data, got, err, tc.want)
		}
	}
	// A path outside the root is repo.Repo's refusal, tested there
	// (TestCommitFileRepoRefusals).
}
