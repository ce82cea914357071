package git

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// crlfFile is an 81-line manifest; edit changes 3 of its lines.
func crlfFile(eol string, edited bool) string {
	var b strings.Builder
	b.WriteString("apiVersion: networking.k8s.io/v1" + eol + "kind: Ingress" + eol + "metadata:" + eol + "  name: shop" + eol + "  annotations:" + eol)
	for i := range 76 {
		v := i
		if edited && i%30 == 0 {
			v += 1000
		}
		fmt.Fprintf(&b, "    a%02d: \"%d\"%s", i, v, eol)
	}
	return b.String()
}

// Line endings are stored as `git add` stores them: for each combination
// of core.autocrlf and attributes, the blob committed is the one the real
// git stores for the same work-tree file (see gitAddBlob), a 3-line change is a 3-line diff, and git status
// is clean afterwards.
func TestCommitFileLineEndings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config [][]string
		files  map[string]string
		// crlfInBlob: whether HEAD keeps the CRLF endings
		crlfInBlob bool
		// binary: git diff shows no lines (-diff)
		binary bool
	}{
		{name: "core.autocrlf true", config: [][]string{{"core.autocrlf", "true"}}},
		{name: "core.autocrlf input", config: [][]string{{"core.autocrlf", "input"}}},
		{name: "text eol=crlf", files: map[string]string{".gitattributes": "*.yaml text eol=crlf\n"}},
		{name: "eol=lf alone", files: map[string]string{".gitattributes": "*.yaml eol=lf\n"}},
		{name: "text=auto", files: map[string]string{".gitattributes": "* text=auto\n"}},
		{name: "legacy crlf attribute", files: map[string]string{".gitattributes": "*.yaml crlf\n"}},
		{name: "no setting keeps CRLF", crlfInBlob: true},
		{name: "-text wins over core.autocrlf", config: [][]string{{"core.autocrlf", "true"}}, files: map[string]string{".gitattributes": "*.yaml -text\n"}, crlfInBlob: true},
		{name: "binary macro", config: [][]string{{"core.autocrlf", "true"}}, files: map[string]string{".gitattributes": "apps/*.yaml binary\n"}, crlfInBlob: true, binary: true},
		{name: "a deeper .gitattributes wins", files: map[string]string{".gitattributes": "*.yaml -text\n", "apps/.gitattributes": "shop.yaml text\n"}},
		{name: "info/attributes wins", files: map[string]string{".gitattributes": "*.yaml text\n", ".git/info/attributes": "apps/shop.yaml -text\n"}, crlfInBlob: true},
		{name: "the last line wins", files: map[string]string{".gitattributes": "*.yaml text\napps/** -text\n"}, crlfInBlob: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateGit(t)
			dir := newGitRepo(t, nil, false)
			setLocalIdentity(t, dir)
			for _, kv := range tc.config {
				gitCmd(t, dir, "config", kv[0], kv[1])
			}
			for rel, content := range tc.files {
				write(t, dir, rel, content)
			}
			// The file as git would have it: committed by git, checked out
			// (with CRLF where git converts), then edited with CRLF.
			write(t, dir, "apps/shop.yaml", crlfFile("\r\n", false))
			gitCommitAll(t, dir, "initial")
			r := openRepo(t, dir)
			old := readFile(t, dir, "apps/shop.yaml")
			edited := strings.ReplaceAll(crlfFile("\n", true), "\n", "\r\n")
			must(t, r.WriteManifest("apps/shop.yaml", manifest.Hash([]byte(old)), []byte(edited)))
			want := gitAddBlob(t, dir, "apps/shop.yaml")
			if _, err := r.CheckCommit("apps/shop.yaml", []byte(edited)); err != nil {
				t.Fatalf("CheckCommit: %v", err)
			}
			_, err := r.CommitFile(context.Background(), "apps/shop.yaml", "x")
			must(t, err)
			if got := gitCmd(t, dir, "rev-parse", "HEAD:apps/shop.yaml"); got != want {
				t.Errorf("committed blob %s, git add would store %s", got, want)
			}
			blob := gitCmd(t, dir, "cat-file", "blob", "HEAD:apps/shop.yaml")
			if got := strings.Contains(blob, "\r"); got != tc.crlfInBlob {
				t.Errorf("CRLF in the blob = %v, want %v", got, tc.crlfInBlob)
			}
			if got := gitCmd(t, dir, "diff", "--shortstat", "HEAD~1", "HEAD"); !tc.binary && got != " 1 file changed, 3 insertions(+), 3 deletions(-)" {
				t.Errorf("git diff --shortstat HEAD~1 HEAD = %q, want the 3 changed lines only", got)
			}
			checkClean(t, dir, "apps/shop.yaml")
		})
	}
}

// With text=auto or core.autocrlf, git leaves CRLF alone in a file whose
// index copy already has them, and in content that looks binary.
func TestCommitFileAutoKeepsCRLF(t *testing.T) {
	for _, tc := range []struct{ name, before, after string }{
		{"already committed with CRLF", "a: 1\r\nb: 2\r\n", "a: 1\r\nb: 3\r\n"},
		{"binary-looking content", "a: 1\n", "a: 1\r\nb: \x00\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateGit(t)
			dir := newGitRepo(t, map[string]string{"m.yaml": tc.before}, true)
			setLocalIdentity(t, dir)
			gitCmd(t, dir, "config", "core.autocrlf", "true")
			r := openRepo(t, dir)
			must(t, r.WriteManifest("m.yaml", manifest.Hash([]byte(tc.before)), []byte(tc.after)))
			want := gitAddBlob(t, dir, "m.yaml")
			_, err := r.CommitFile(context.Background(), "m.yaml", "x")
			must(t, err)
			if got := gitCmd(t, dir, "rev-parse", "HEAD:m.yaml"); got != want {
				t.Errorf("committed blob %s, git add would store %s", got, want)
			}
			if blob := gitCmd(t, dir, "cat-file", "blob", "HEAD:m.yaml"); !strings.Contains(blob, "\r\n") {
				t.Errorf("blob %q lost its CRLF", blob)
			}
			checkClean(t, dir, "m.yaml")
		})
	}
}

// A path under a clean filter (git-crypt, Git LFS) is never committed:
// ingress-drift cannot run the filter and would store the plain text.
// The refusal comes from CheckCommit, before anything is written.
func TestCommitFileFilterRefused(t *testing.T) {
	for _, attrs := range []string{"secret/*.yaml filter=git-crypt diff=git-crypt\n", "*.yaml filter=lfs -text\n"} {
		t.Run(attrs, func(t *testing.T) {
			isolateGit(t)
			dir := newGitRepo(t, map[string]string{".gitattributes": attrs, "secret/shop.yaml": shopV1}, true)
			setLocalIdentity(t, dir)
			head := gitCmd(t, dir, "rev-parse", "HEAD")
			r := openRepo(t, dir)
			filter := strings.Fields(attrs)[1]
			want := "secret/shop.yaml has the git attribute " + filter + " (from .gitattributes): ingress-drift cannot run git's clean filters"
			_, err := r.CheckCommit("secret/shop.yaml", []byte(shopV2))
			wantRefused(t, err, want, "commit it with git instead")
			must(t, r.WriteManifest("secret/shop.yaml", manifest.Hash([]byte(shopV1)), []byte(shopV2)))
			_, err = r.CommitFile(context.Background(), "secret/shop.yaml", "x")
			wantRefused(t, err, want)
			if got := gitCmd(t, dir, "rev-parse", "HEAD"); got != head {
				t.Error("a commit was made")
			}
		})
	}
	// A filter switched off (-filter, !filter) below is no filter.
	isolateGit(t)
	dir := newGitRepo(t, map[string]string{".gitattributes": "*.yaml filter=git-crypt\n", "apps/.gitattributes": "shop.yaml -filter\n", "apps/shop.yaml": shopV1}, true)
	setLocalIdentity(t, dir)
	r := openRepo(t, dir)
	if _, err := r.CheckCommit("apps/shop.yaml", []byte(shopV2)); err != nil {
		t.Errorf("CheckCommit with -filter: %v", err)
	}
	write(t, dir, "apps/.gitattributes", "shop.yaml !filter\n")
	if _, err := r.CheckCommit("apps/shop.yaml", []byte(shopV2)); err != nil {
		t.Errorf("CheckCommit with !filter: %v", err)
	}
}

// gitAddBlob is the blob the real git add stores for rel as it is now,
// found with a copy of the index so that the repository is untouched.
func gitAddBlob(t *testing.T, dir, rel string) string {
	t.Helper()
	idx := filepath.Join(t.TempDir(), "index")
	write(t, filepath.Dir(idx), "index", readFile(t, dir, ".git/index"))
	t.Setenv("GIT_INDEX_FILE", idx)
	defer os.Unsetenv("GIT_INDEX_FILE")
	gitCmd(t, dir, "add", "--", rel)
	return gitCmd(t, dir, "rev-parse", ":"+rel)
}
