// Package git owns what git says and does for ingress-drift, through
// go-git (imported as gogit; the repo side, model/repo, does not import
// it): the work tree around the repo root, HEAD, the index, each file's
// status, the ignore rules, the last commit of every file from one history walk
// (bounded by MaxLogCommits), --rev resolution and the files of that
// commit (Rev), and the one-file commit (CommitFile, CheckCommit) with
// git's attribute, line-ending, identity and config rules, lock files and
// reflog.
//
// Status never calls go-git's Worktree.Status, which walks and hashes the
// whole work tree: a file's status is computed from its blob hash, its
// index entry and HEAD's tree (Repo.Status), for the files of interest
// only.
//
// The commit is written by hand, as git does it, so that a git running at
// the same time is never overwritten; see CommitFile. The rules are tested
// against the real git in commit_test.go, attributes_test.go and
// precommit_test.go; status and last commits through model/repo's
// scan (repo/git_test.go).
package git
