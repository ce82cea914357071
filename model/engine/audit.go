package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/ingress-drift/ingress-drift/model"
)

// AuditRecord is one line of the audit log: who did what to which object,
// when, and how it ended. It holds hashes and field paths, never values, so
// nothing secret can end up in it.
type AuditRecord struct {
	Time time.Time `json:"time"`
	// User is the local user; KubeUser the kubeconfig user.
	User     string `json:"user"`
	KubeUser string `json:"kubeUser,omitempty"`
	Context  string `json:"context,omitempty"`
	Server   string `json:"server,omitempty"`
	Repo     string `json:"repo"`
	Object   string `json:"object"`
	Action   string `json:"action"`
	// Operation is what the action did (update-live, edit-manifest, …).
	Operation string `json:"operation"`
	File      string `json:"file,omitempty"`
	// Before and After are SHA-256 hashes of the object or file before and
	// after the write (empty when absent or unknown).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Paths are the semantic paths of the fields the action changed.
	Paths []string `json:"changedPaths"`
	// Result is ok, refused, stale, not-committed (written, the commit failed) or error; Error the message.
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	Commit string `json:"commit,omitempty"`
}

// DefaultAuditLog is $XDG_STATE_HOME/ingress-drift/audit.log, or
// ~/.local/state/ingress-drift/audit.log.
func DefaultAuditLog() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "ingress-drift", "audit.log")
}

// audit appends one record for an executed (or refused) plan. A failure
// to write the log is reported in the outcome's message: the write itself
// already happened and is not undone.
func (e *Engine) audit(plan *model.Plan, opts model.ExecOptions, out *model.Outcome, before, after string, err error) {
	r := AuditRecord{
		Time: time.Now().UTC(), Repo: e.store.Root(), Object: plan.Key.String(),
		Action: string(plan.Action), Operation: string(plan.Operation), File: plan.File,
		Before: before, After: after, Paths: []string{}, Result: "ok",
	}
	if u, uerr := user.Current(); uerr == nil {
		r.User = u.Username
	}
	if e.Target != nil {
		r.KubeUser, r.Context, r.Server = e.Target.User, e.Target.Context, e.Target.Server
	}
	for _, c := range plan.Changes {
		r.Paths = append(r.Paths, c.Path)
	}
	var refused *model.RefusedError
	var notCommitted *model.NotCommittedError
	switch {
	case errors.As(err, &notCommitted):
		r.Result, r.Error = "not-committed", err.Error()
	case errors.Is(err, model.ErrStale):
		r.Result, r.Error = "stale", err.Error()
	case errors.As(err, &refused):
		r.Result, r.Error = "refused", err.Error()
	case err != nil:
		r.Result, r.Error = "error", err.Error()
	}
	if out != nil {
		r.Commit = out.Commit
	}
	if werr := appendAudit(e.auditLog(), r); werr != nil && out != nil {
		out.Message += fmt.Sprintf(" (not recorded in the audit log: %v)", werr)
	}
}

func (e *Engine) auditLog() string {
	if e.opts.AuditLog != "" {
		return e.opts.AuditLog
	}
	return DefaultAuditLog()
}

func appendAudit(path string, r AuditRecord) error {
	if path == "" {
		return errors.New("no home directory for the audit log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	// One write of one line: O_APPEND keeps concurrent writers' lines whole.
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
