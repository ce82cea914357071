package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/themes"
)

// Source is what the TUI reads: *model.Inventory implements it.
type Source interface {
	// Snapshot returns every entry and both sides' states.
	Snapshot() model.Snapshot
	// Subscribe returns coalesced batches and a function that ends the
	// subscription and closes the channel.
	Subscribe() (<-chan model.Batch, func())
}

var _ Source = (*model.Inventory)(nil)

// Options configure the TUI.
type Options struct {
	// Source is the live inventory.
	Source Source
	// Theme is "auto" (follows the terminal's background), "dark",
	// "light" or "high-contrast". Empty means auto.
	Theme string
	// NoColor turns every colour off; Run sets it when NO_COLOR is set.
	NoColor bool
	// ASCII draws with ASCII symbols only, for terminals without UTF-8.
	ASCII bool
	// Actions runs revert and accept; nil disables both with the reason
	// "no actions available" (or ReadOnly's).
	Actions Actions
	// ReadOnly, when not empty, says why actions are disabled.
	ReadOnly string
	// RevertDisabled and AcceptDisabled, when not empty, disable that
	// action for every object with this reason, e.g. "read-only: user x
	// cannot update ingresses" or "comparing against --rev main: accept
	// writes the work tree".
	RevertDisabled, AcceptDisabled string
	// Now is the clock for relative times; nil means time.Now.
	Now func() time.Time
}

// Run shows the TUI until the user quits (nil) or ctx is cancelled (nil:
// the caller asked for it). The inventory is read through one
// subscription, taken before the first snapshot so no update is lost.
func Run(ctx context.Context, o Options) error {
	return run(ctx, o)
}

// run is Run with extra program options, for tests that have no terminal.
func run(ctx context.Context, o Options, popts ...tea.ProgramOption) error {
	if o.Source == nil {
		return errors.New("tui: no source")
	}
	if _, err := themes.ByName(o.Theme, true); err != nil {
		return fmt.Errorf("--theme: %w", err)
	}
	if os.Getenv("NO_COLOR") != "" {
		o.NoColor = true
	}
	src := &trackedSource{Source: o.Source}
	o.Source = src
	defer src.cancelAll()
	p := tea.NewProgram(New(o), popts...)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			p.Quit()
		case <-done:
		}
	}()
	_, err := p.Run()
	if err != nil && !(errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil) {
		return fmt.Errorf("run terminal UI: %w", err)
	}
	return nil
}

// trackedSource remembers the subscriptions taken through it, so Run can
// end them when the program stops — even one whose subscribe command was
// still running when the user quit.
type trackedSource struct {
	Source
	mu      sync.Mutex
	cancels []func()
}

func (t *trackedSource) Subscribe() (<-chan model.Batch, func()) {
	ch, cancel := t.Source.Subscribe()
	t.mu.Lock()
	t.cancels = append(t.cancels, cancel)
	t.mu.Unlock()
	return ch, cancel
}

func (t *trackedSource) cancelAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.cancels {
		c()
	}
	t.cancels = nil
}
