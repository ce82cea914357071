package model

import (
	"errors"
	"fmt"
)

// Action is the direction of a reconcile: which side is made to match the
// other.
type Action string

// The two directions.
const (
	// ActionRevert makes the cluster match Git (cluster ← manifest).
	ActionRevert Action = "revert"
	// ActionAccept makes Git match the cluster (manifest ← cluster).
	ActionAccept Action = "accept"
)

// Operation is what an action does to one object, decided by its status.
type Operation string

// Operations, by action and status.
const (
	// OpUpdateLive: revert of a drifted object (a full update that also
	// removes fields someone added live).
	OpUpdateLive Operation = "update-live"
	// OpCreateLive: revert of a missing-live object.
	OpCreateLive Operation = "create-live"
	// OpDeleteLive: revert of a missing-git object (typed confirmation).
	OpDeleteLive Operation = "delete-live"
	// OpEditManifest: accept of a drifted object (edit its document in place).
	OpEditManifest Operation = "edit-manifest"
	// OpNewManifest: accept of a missing-git object (write a new file).
	OpNewManifest Operation = "new-manifest"
	// OpRemoveManifest: accept of a missing-live object (remove its document,
	// or its file if it was the only one; typed confirmation).
	OpRemoveManifest Operation = "remove-manifest"
)

// Writes says which side an operation writes to.
func (o Operation) Writes() string {
	switch o {
	case OpUpdateLive, OpCreateLive, OpDeleteLive:
		return "cluster"
	default:
		return "repo"
	}
}

// Plan is the preview of one action, computed before anything is written:
// what will change, and the preconditions the write will carry. A Plan is
// shown to the user, confirmed, and then executed exactly as previewed — or
// refused if either precondition no longer holds.
type Plan struct {
	Key       Key       `json:"key"`
	Action    Action    `json:"action"`
	Operation Operation `json:"operation"`
	// Summary is one line saying what will happen, e.g. "update
	// shop/shop in the cluster (context kind-prod): 2 fields".
	Summary string `json:"summary"`
	// Changes are the field-level changes the write makes, seen from the
	// side that is written: Git is the value after, Live the value before
	// for a revert; for an accept Git is the value before and Live the value
	// after. For a revert they come from a server-side dry run.
	Changes []Change `json:"changes"`
	// GitOps says what the action means for the GitOps controller that
	// manages the object (Entry.PlanNote); "" when none is known.
	GitOps string `json:"gitops,omitempty"`
	// Remaining are differences that would still exist afterwards (for
	// example a mutating webhook changing the object back). Normally empty.
	Remaining []Change `json:"remaining,omitempty"`
	// File is the manifest file written by an accept (relative to the repo
	// root), FileDiff its unified diff.
	File     string `json:"file,omitempty"`
	FileDiff string `json:"fileDiff,omitempty"`
	// ConfirmName, when set, must be typed by the user to confirm (deletes,
	// removals, and accepts that write critical changes into Git).
	ConfirmName string `json:"confirmName,omitempty"`
	// Critical names the critical changes an accept writes into Git, as
	// "path (severity rule)": each makes a security regression the desired
	// state, so the plan needs ConfirmName typed.
	Critical []string `json:"critical,omitempty"`
	// ResourceVersion and UID are what the user saw of the live object; the
	// write carries them as preconditions.
	ResourceVersion string `json:"resourceVersion,omitempty"`
	UID             string `json:"uid,omitempty"`
	// FileHash is the SHA-256 of the manifest file as it was read; the
	// write is refused if the file on disk no longer has it.
	FileHash string `json:"fileHash,omitempty"`
	// Payload is what the executor writes (the object or bytes), fixed
	// when the plan was made. Only the engine that made the plan reads
	// it; front ends carry it from the preview to the confirmation.
	Payload PlanPayload `json:"-"`
}

// PlanPayload is the write a Plan's executor makes. model cannot name the
// engine's types (the engine imports model), so this is the one method
// model knows of them: model/engine implements it with one type per
// Operation, and Execute refuses a plan whose payload is not one of them.
type PlanPayload interface {
	// Operation is the operation the payload performs.
	Operation() Operation
}

// ExecOptions are the user's answers at confirmation time.
type ExecOptions struct {
	// Confirm is what the user typed when Plan.ConfirmName is set.
	Confirm string
	// Commit commits the written manifest file with go-git (accept only).
	Commit bool
}

// Outcome is the result of an executed Plan.
type Outcome struct {
	Plan Plan `json:"plan"`
	// Message says what was done, in words.
	Message string `json:"message"`
	// Commit is the hash of the commit made (accept with Commit).
	Commit string `json:"commit,omitempty"`
}

// ErrStale means the object or the file changed since the preview: the
// action was refused and nothing was written. The caller should refresh and
// show the new diff.
var ErrStale = errors.New("changed since the preview")

// StaleError says what changed since the preview.
type StaleError struct {
	// What names the object or file and how it changed.
	What string
}

// Error says what changed and that nothing was written.
func (e *StaleError) Error() string {
	return fmt.Sprintf("refused: %s changed since the preview; nothing was written — review the new diff", e.What)
}

// Is makes errors.Is(err, ErrStale) true.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// RefusedError is an action that cannot be done on this object, with the
// reason and what a person can do instead (e.g. "rendered by kustomize:
// edit apps/base/ingress.yaml").
type RefusedError struct {
	Reason string
}

// Error gives the reason, prefixed "refused: ".
func (e *RefusedError) Error() string { return "refused: " + e.Reason }

// NotCommittedError is an accept whose file was written as previewed but
// whose commit, asked for, was not made: something a concurrent git did
// after the commit's preconditions were checked (it took the index lock,
// moved the branch). Unlike every other error of an action, the write
// happened; the file is left written, uncommitted.
type NotCommittedError struct {
	// File is the manifest written.
	File string
	// Err is why the commit failed.
	Err error
}

// Error says what was written and why it was not committed.
func (e *NotCommittedError) Error() string {
	why := e.Err.Error()
	var refused *RefusedError
	if errors.As(e.Err, &refused) {
		why = refused.Reason
	}
	return fmt.Sprintf("written, not committed: %s was written as previewed, but the commit failed: %s", e.File, why)
}
