// Package repo is the repo side of ingress-drift: it finds the Ingress
// manifests under --repo, reads them once, keeps them current and writes
// them back, and feeds a model.RepoSink (the Inventory). Parsing a
// manifest is model/manifest's, rendering kustomize roots model/render's,
// and what git says and does model/git's (repo does not import go-git;
// its tests do).
//
// By file:
//   - repo.go: Open (the root, the git work tree, --rev) and the state kept
//     between updates: paths, hashes and git facts, never parsed trees.
//   - discovery.go: the walk: which files are read (extension, MaxFileSize,
//     .git and the config's excludes, symlinks), from the work tree
//     (diskFiles) or the --rev commit (revFiles).
//   - scan.go: Scan, the full read: plain files parsed and roots rendered
//     in parallel, beside the history walk for the last commits.
//   - refresh.go: Refresh, a batch of changed paths applied incrementally.
//   - watch.go: Watch: fsnotify, the debounce, a lost root polled.
//   - report.go: what the sink is told: sources, FileInfo, the repo state.
//   - render_input.go: the walk as render.Files, a root's render decoded.
//   - config.go: .ingress-drift.yaml.
//   - writeback.go, writeback_lock_*.go, writeback_owner_*.go:
//     ReadManifest, WriteManifest and RemoveManifest, atomic writes under a
//     hash precondition and a directory flock.
//   - commit.go: CommitFile and CheckCommit check the path, then call
//     model/git.
//
// A plain manifest file is a source named by its path, a rendered root
// one named by render.Root.Source ("kustomize:overlays/prod"); the config
// file, and a path the walk does not read (a symlink leaving the repo, an
// unreadable directory), are sources for their errors.
//
// The rules are in the tests: discovery_test.go and errors_test.go (what is
// read, origins, errors), kustomize_test.go (roots through a scan),
// git_test.go (status, last commits, --rev), watch_test.go and
// unknown_test.go (the watch, Refresh, a lost root), config_test.go,
// writeback_test.go and writeback_proc_test.go, commit_test.go.
package repo
