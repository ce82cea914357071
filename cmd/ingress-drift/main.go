package main

import (
	"errors"
	"fmt"
	"os"
)

// Exit codes of every command (check documents 0–2 in detail).
const (
	exitOK      = 0
	exitDrift   = 1
	exitPartial = 2
	exitFatal   = 3
)

// exitError carries a non-zero exit code without an extra message.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	err := newRootCommand().Execute()
	var ee exitError
	switch {
	case err == nil:
		os.Exit(exitOK)
	case errors.As(err, &ee):
		os.Exit(ee.code)
	default:
		fmt.Fprintln(os.Stderr, "ingress-drift:", err)
		os.Exit(exitFatal)
	}
}
