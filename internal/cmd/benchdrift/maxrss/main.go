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

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: maxrss RESULT-FILE COMMAND [ARG…]")
		os.Exit(125)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "maxrss:", err)
		os.Exit(125)
	}
	var kib int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		kib = ru.Maxrss
	}
	code := cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if err := os.WriteFile(os.Args[1], fmt.Appendf(nil, "%d %d %d\n", wall.Nanoseconds(), kib, code), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "maxrss:", err)
		os.Exit(125)
	}
	os.Exit(code)
}
