package repo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// The refusals of Repo.CommitFile and Repo.CheckCommit that are the repo
// side's, before model/git is asked (its own are tested there, in
// model/git/commit_test.go and precommit_test.go; --rev in
// TestManifestWithRev).
func TestCommitFileRepoRefusals(t *testing.T) {
	t.Run("not a git repository", func(t *testing.T) {
		dir := dirOf(t, t.TempDir())
		write(t, dir, "shop.yaml", shopV1)
		r := openRepo(t, dir, "")
		_, err := r.CommitFile(context.Background(), "shop.yaml", "x")
		wantRefused(t, err, dir+" is not inside a git repository: there is nothing to commit shop.yaml to")
	})
	t.Run("path outside", func(t *testing.T) {
		isolateGit(t)
		dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1, "web.yaml": shopV1}, true)
		r := openRepo(t, dir, "")
		must(t, r.WriteManifest("shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
		_, err := r.CommitFile(context.Background(), "../shop.yaml", "x")
		wantRefused(t, err, "is outside the repo root")
		if _, err := r.CheckCommit("../x.yaml", nil); err == nil {
			t.Error("a path outside the root passed")
		}
	})
	t.Run("symlink", func(t *testing.T) {
		isolateGit(t)
		dir := newGitRepo(t, map[string]string{"shop.yaml": shopV1}, true)
		gittest.Cmd(t, dir, "config", "user.name", "T")
		gittest.Cmd(t, dir, "config", "user.email", "t@example.com")
		must(t, os.Symlink("shop.yaml", filepath.Join(dir, "link.yaml")))
		r := openRepo(t, dir, "")
		// The refusal is the work tree's own, word for word (a commit of a
		// link is only reached by a race: ReadManifest refuses it first).
		want := "refused: link.yaml: it is a symbolic link; ingress-drift writes only regular files inside the repo, " +
			"never through links — edit the file it points to"
		_, err := r.CheckCommit("link.yaml", []byte(shopV1))
		wantRefused(t, err)
		if err.Error() != want {
			t.Errorf("CheckCommit: %q, want %q", err, want)
		}
		_, err = r.CommitFile(context.Background(), "link.yaml", "x")
		if err == nil || err.Error() != want {
			t.Errorf("CommitFile: %v, want %q", err, want)
		}
	})
}
