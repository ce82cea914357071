// Package pathx holds the path checks that the repo side (model/repo),
// rendering (model/render) and git (model/git) share: whether a
// repo-relative path leaves the repo by name (Outside) or lies under a
// directory (Under), whether an absolute path is under another (Inside:
// the root, a git directory), and EvalExisting, which resolves the
// symlinks of a path that may not exist yet. It is its own package because
// neither owner may import the other for them (repo imports render).
// pathx_test.go holds the cases.
package pathx
