package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/engine"
	"github.com/ingress-drift/ingress-drift/tui"
)

// loadEngine opens an engine for a one-shot command and reads both sides
// once. Errors that stop the comparison (bad flags, no cluster, unreadable
// repo root) come back as exit code 3 with their message on stderr.
func loadEngine(ctx context.Context, g *globalFlags) (*engine.Engine, error) {
	limitMemory(g)
	eng, err := engine.Open(g.engineOptions())
	if err != nil {
		return nil, err
	}
	if err := eng.Load(ctx); err != nil {
		return nil, err
	}
	return eng, nil
}

// loadSnapshot reads both sides once and returns the joined inventory.
// Warnings about the live side (a --live-file object read without its
// attribution, a dump that is not a List) go to stderr: the report on
// stdout may be a machine's input, and -o json carries them in
// cluster.warnings.
func loadSnapshot(cmd *cobra.Command, g *globalFlags) (model.Snapshot, error) {
	eng, err := loadEngine(cmd.Context(), g)
	if err != nil {
		return model.Snapshot{}, err
	}
	snap := eng.Inv.Snapshot()
	for _, w := range snap.Cluster.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
	}
	return snap, nil
}

// runTUI opens the terminal UI on a live engine. The engine keeps watching
// both sides while the UI runs; quitting the UI stops it.
func runTUI(parent context.Context, g *globalFlags, theme string) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	eng, err := engine.Open(g.engineOptions())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	runErr := make(chan error, 1)
	go func() {
		err := eng.Run(ctx)
		if err != nil {
			cancel(err)
		}
		runErr <- err
	}()
	o := tui.Options{Source: eng.Inv, Theme: theme, Actions: eng, ASCII: asciiLocale(os.Getenv)}
	if g.readOnly {
		o.ReadOnly = "read-only mode (--read-only)"
	} else {
		o.RevertDisabled, o.AcceptDisabled = eng.Disabled(ctx)
	}
	restore := divertStderr()
	uiErr := tui.Run(ctx, o)
	cancel(nil)
	restore()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if uiErr != nil {
		return fmt.Errorf("terminal UI: %w", uiErr)
	}
	return nil
}

// divertStderr points os.Stderr at a temporary file while the TUI owns the
// terminal: libraries that print warnings there (kustomize's deprecation
// notices, say) would otherwise draw over the screen. The returned function
// restores stderr and prints what was captured, once per distinct line.
func divertStderr() (restore func()) {
	orig := os.Stderr
	f, err := os.CreateTemp("", "ingress-drift-stderr-")
	if err != nil {
		return func() {}
	}
	_ = os.Remove(f.Name())
	os.Stderr = f
	// The standard logger (and slog's default, which writes through it)
	// holds the stderr it was made with: Helm's value merging warns
	// through log.Printf.
	log.SetOutput(f)
	return func() {
		os.Stderr = orig
		log.SetOutput(orig)
		defer f.Close()
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return
		}
		b, _ := io.ReadAll(f)
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line != "" && !seen[line] {
				seen[line] = true
				fmt.Fprintln(orig, line)
			}
		}
	}
}

// asciiLocale reports whether the locale says the terminal cannot show
// UTF-8: the first of LC_ALL, LC_CTYPE and LANG that is set (as the C
// library reads them) names no UTF-8 charset, e.g. LANG=C or
// en_US.ISO-8859-1. With none set the UI keeps its Unicode symbols.
func asciiLocale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return !strings.Contains(v, "utf-8") && !strings.Contains(v, "utf8")
		}
	}
	return false
}
