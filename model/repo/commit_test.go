package repo

import (
	"context"
	"testing"

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
}
