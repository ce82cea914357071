// Command demoseed seeds a local cluster and a temporary Git repo with the
// demo's drift story (see internal/demo). Used by `make demo`.
package main
