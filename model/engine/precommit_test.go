package engine_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/engine"
)

func (f *fixture) git(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", f.repo}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// annotatedShop is a fixture whose shop object got an annotation live.
func annotatedShop(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "team-note=hotfix")
	f.status(t, "shop", model.StatusDrifted)
	return f
}

// TestAcceptCommitRefusedBeforeWriting: with --commit, whatever would
// stop the commit stops the accept before the file is written — the file
// and HEAD stay as they were — and the accept then succeeds once the cause
// is gone.
func TestAcceptCommitRefusedBeforeWriting(t *testing.T) {
	t.Parallel()
	f := annotatedShop(t)
	p := f.plan(t, "shop", model.ActionAccept)
	original, head := f.read(t, "apps/shop.yaml"), f.git(t, "rev-parse", "HEAD")
	branch := f.git(t, "symbolic-ref", "--short", "HEAD")
	for _, tc := range []struct {
		name        string
		cause, undo func()
		want        string
	}{
		{"detached HEAD", func() { f.git(t, "checkout", "-q", "--detach") }, func() { f.git(t, "checkout", "-q", branch) }, "HEAD is detached"},
		{"index locked", func() { f.write(t, ".git/index.lock", "") }, func() { os.Remove(filepath.Join(f.repo, ".git/index.lock")) }, ".git/index.lock exists"},
		{"filter attribute", func() { f.write(t, ".git/info/attributes", "*.yaml filter=git-crypt\n") }, func() { os.Remove(filepath.Join(f.repo, ".git/info/attributes")) }, "filter=git-crypt"},
		{"the file staged", func() {
			// Staged without touching the work tree: the engine watches the
			// file, and a rewrite of it could reach the inventory half
			// written (then the refusal would be "changed since the preview").
			staged := filepath.Join(t.TempDir(), "shop.yaml")
			if err := os.WriteFile(staged, []byte(original+"# staged\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			blob := f.git(t, "hash-object", "-w", staged)
			f.git(t, "update-index", "--cacheinfo", "100644,"+blob+",apps/shop.yaml")
		}, func() { f.git(t, "reset", "-q") }, "apps/shop.yaml has staged changes"},
	} {
		tc.cause()
		_, err := f.eng.Execute(context.Background(), p, model.ExecOptions{Commit: true})
		var refused *model.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: execute = %v, want refused: %q", tc.name, err, tc.want)
		}
		if got := f.read(t, "apps/shop.yaml"); got != original {
			t.Errorf("%s: the file was written although the commit was refused", tc.name)
		}
		tc.undo()
		if got := f.git(t, "rev-parse", "HEAD"); got != head {
			t.Errorf("%s: HEAD moved", tc.name)
		}
	}
	out := f.execute(t, p, model.ExecOptions{Commit: true})
	if out.Commit == "" || f.git(t, "rev-parse", "HEAD") == head || f.git(t, "status", "--porcelain") != "" {
		t.Errorf("accept after the causes were removed: %+v, status %q", out, f.git(t, "status", "--porcelain"))
	}
}

// TestAcceptWrittenNotCommitted: a git that takes the index lock between
// the write and the commit makes the commit fail after the file changed;
// the error says "written, not committed", the outcome says what was
// written, and the audit log records it as such.
func TestAcceptWrittenNotCommitted(t *testing.T) {
	t.Parallel()
	f := annotatedShop(t)
	p := f.plan(t, "shop", model.ActionAccept)
	original, head := f.read(t, "apps/shop.yaml"), f.git(t, "rev-parse", "HEAD")
	engine.SetAfterWrite(f.eng, func() { f.write(t, ".git/index.lock", "") })
	out, err := f.eng.Execute(context.Background(), p, model.ExecOptions{Commit: true})
	var nc *model.NotCommittedError
	if !errors.As(err, &nc) || !strings.HasPrefix(err.Error(), "written, not committed: apps/shop.yaml was written as previewed, but the commit failed: another git process") {
		t.Fatalf("execute = %v, want written, not committed", err)
	}
	if out == nil || !strings.Contains(out.Message, "wrote the live state of "+f.ns+"/shop into apps/shop.yaml") {
		t.Errorf("outcome = %+v, want what was written", out)
	}
	if got := f.read(t, "apps/shop.yaml"); got == original || !strings.Contains(got, "team-note: hotfix") {
		t.Errorf("file after the accept:\n%s", got)
	}
	if f.git(t, "rev-parse", "HEAD") != head {
		t.Error("HEAD moved")
	}
	recs := f.auditRecords(t)
	if len(recs) != 1 || recs[0].Result != "not-committed" {
		t.Errorf("audit = %+v, want one not-committed record", recs)
	}
}

// TestAcceptReadOnlyManifest: a 0444 manifest is refused at the preview,
// saying it is read-only.
func TestAcceptReadOnlyManifest(t *testing.T) {
	t.Parallel()
	f := annotatedShop(t)
	if err := os.Chmod(filepath.Join(f.repo, "apps/shop.yaml"), 0o444); err != nil {
		t.Fatal(err)
	}
	_, err := f.eng.Plan(context.Background(), f.key("shop"), model.ActionAccept)
	var refused *model.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "apps/shop.yaml is read-only") {
		t.Errorf("plan = %v, want refused: apps/shop.yaml is read-only", err)
	}
}
