// Command maxrss runs a command and writes its wall time, peak RSS and exit
// code to a file: benchdrift measures the tools through it.
//
//	maxrss RESULT-FILE COMMAND [ARG…]
//
// RESULT-FILE receives one line, "wall-ns maxrss-KiB exit-code". maxrss
// exits with the command's exit code.
//
// Why a separate, tiny process: Go starts children with vfork semantics
// (clone with CLONE_VM), so the child shares the parent's memory until it
// execs, and Linux carries the old address space's high-water mark into
// the new program's ru_maxrss. A child of benchdrift would report at least
// benchdrift's own RSS (tens of MB); a child of this program reports at
// least this program's (a few MB, printed by benchdrift as the floor).
package main
