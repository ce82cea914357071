package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// WriteTimeout bounds one write to the cluster or the repo. The TUI never
// cancels a write once confirmed, so the engine bounds it itself.
const WriteTimeout = 30 * time.Second

// step is the executor of one operation, made by that operation's planner
// with everything the write needs: one type per operation (revert.go:
// updateLive, createLive, deleteLive; accept.go: editManifest,
// newManifest, removeManifest). A step is the plan's typed payload
// (model.PlanPayload), so Plan and Execute hold no switch over
// operations: Plan picks a planner by action and status, Execute runs the
// step the plan carries.
type step interface {
	model.PlanPayload
	// pinned returns what the plan saw of both sides: Execute refuses if
	// either moved since.
	pinned() *pins
	// execute makes the write. The record is kept on error too: the audit
	// log names the state before a failed write.
	execute(ctx context.Context, e *Engine, plan *model.Plan, opts model.ExecOptions) (record, error)
}

// pins are the preconditions a plan carries from the preview to the
// write (see unchanged).
type pins struct {
	// desired fingerprints the manifest document the plan was made from
	// ("" when none), live is the live object's resourceVersion ("" when
	// absent).
	desired, live string
	// disk pins a revert's plain manifest file as it was read (zero when
	// none: an accept checks its file when it writes it).
	disk struct{ file, hash string }
}

func (p *pins) pinned() *pins { return p }

// record is what a step did: its message, the hashes of the object or file
// before and after the write (for the audit log), and the commit made.
type record struct {
	message, before, after, commit string
}

// Plan previews one action on one object without writing anything: for a
// revert, the result of a server-side dry run; for an accept, the edited
// file. The plan carries the preconditions Execute enforces. A
// *model.RefusedError says why the action cannot be done on this object.
func (e *Engine) Plan(ctx context.Context, key model.Key, action model.Action) (*model.Plan, error) {
	if e.opts.ReadOnly {
		return nil, &model.RefusedError{Reason: "read-only mode (--read-only): nothing is written"}
	}
	entry, ok := e.Inv.Get(key)
	if !ok {
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s is neither in the cluster nor in a manifest under %s", key, e.store.Root())}
	}
	if err := reconcilable(&entry); err != nil {
		return nil, err
	}
	if entry.LiveUnknown {
		return nil, &model.RefusedError{Reason: "the cluster has not been listed yet (see the connection state): whether " +
			key.String() + " exists live is not known"}
	}
	if entry.GitUnknown {
		// Revert would delete the object, accept write a second manifest
		// for it: both act on an absence nobody could verify.
		return nil, gitUnknownRefusal(&entry)
	}
	var plan *model.Plan
	var err error
	switch action {
	case model.ActionRevert:
		plan, err = e.planRevert(ctx, &entry)
	case model.ActionAccept:
		plan, err = e.planAccept(&entry)
	default:
		return nil, fmt.Errorf("unknown action %q (want revert or accept)", action)
	}
	if err == nil {
		plan.GitOps = entry.PlanNote(action, plan.Operation)
	}
	return plan, err
}

// gitUnknownRefusal refuses an action on an entry whose absence from Git
// is not verified, naming what blocks the verdict.
func gitUnknownRefusal(e *model.Entry) error {
	return &model.RefusedError{Reason: "nothing deleted or written: " + e.GitUnknownReason()}
}

// reconcilable refuses the statuses no action applies to.
func reconcilable(e *model.Entry) error {
	switch e.Status {
	case model.StatusInSync:
		return &model.RefusedError{Reason: e.Key.String() + " is in sync: nothing to reconcile"}
	case model.StatusError:
		var where []string
		for _, re := range e.Errors {
			where = append(where, re.Error())
		}
		return &model.RefusedError{Reason: "the manifest cannot be read; fix it first: " + strings.Join(where, "; ")}
	case model.StatusConflict:
		return &model.RefusedError{Reason: fmt.Sprintf("%s is defined %d times in Git (%s): remove one first", e.Key, len(e.Desired), strings.Join(e.OriginNames(), ", "))}
	}
	return nil
}

// noOperation is the error for a status no planner of an action takes
// (reconcilable refuses every status but the three each action has a
// planner for, so this is a bug).
func noOperation(action model.Action, entry *model.Entry) error {
	return fmt.Errorf("%s of %s: no operation for status %s", action, entry.Key, entry.Status)
}

// Disabled says why revert or accept cannot be done on any object of this
// session ("" = possible, subject to each object's own checks): revert
// needs a cluster and, when the session is limited to one namespace, the
// right to update, create and delete Ingresses there; accept needs the work
// tree (not --rev). Per-namespace permissions of an all-namespaces session
// are checked by Plan.
func (e *Engine) Disabled(ctx context.Context) (revert, accept string) {
	if e.opts.Rev != "" {
		accept = "comparing against --rev " + e.opts.Rev + ": accept writes the work tree"
	}
	if e.writer == nil {
		return "live side read from --live-file: no cluster to revert", accept
	}
	if e.Target.Namespace != "" {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if a, err := e.writer.CheckAccess(ctx, e.Target.Namespace); err == nil {
			revert = a.ReadOnlyReason()
		}
	}
	return revert, accept
}

// where names the cluster for people.
func (e *Engine) where() string {
	if e.Target.Context != "" {
		return fmt.Sprintf("the cluster (context %s, %s)", e.Target.Context, e.Target.Server)
	}
	return "the cluster at " + e.Target.Server
}

// diffOptions are the options the inventory compares desired with
// against live: the repo's rules, then those that apply because of how d
// was rendered (model.Desired.AgentIgnores).
func (e *Engine) diffOptions(d *model.Desired, live *networkingv1.Ingress) diffengine.Options {
	o := e.DiffOptions()
	o.DefaultNamespace = d.Namespace
	o.Ignore = slices.Concat(o.Ignore, e.store.Config().Ignore, d.AgentIgnores(live))
	return o
}

// document re-reads the manifest of d and finds its document again.
func (e *Engine) document(d *model.Desired) (data []byte, hash string, doc manifest.Document, err error) {
	o := d.Origin
	if o.Helm != nil {
		return nil, "", doc, &model.RefusedError{Reason: o.Helm.EditHint()}
	}
	if o.Rendered() {
		return nil, "", doc, &model.RefusedError{Reason: fmt.Sprintf("%s is rendered by kustomize from %s: edit the resources or patches that kustomization uses", d.Key(), o.File)}
	}
	if o.Item >= 0 {
		return nil, "", doc, &model.RefusedError{Reason: fmt.Sprintf("%s is item %d of a List in %s:%d: edit it by hand", d.Key(), o.Item, o.File, o.Line)}
	}
	data, hash, err = e.store.ReadManifest(o.File)
	if err != nil {
		return nil, "", doc, err
	}
	docs := manifest.SplitDocuments(data)
	if o.Doc >= len(docs) || docs[o.Doc].Offset != o.Offset || docs[o.Doc].End != o.End {
		return nil, "", doc, &model.StaleError{What: o.File + " (the document moved since it was read)"}
	}
	return data, hash, docs[o.Doc], nil
}

// Execute performs a confirmed plan. It refuses, writing nothing, when the
// confirmation is missing or wrong, or when either side changed since the
// plan (errors.Is(err, model.ErrStale)). An accept with opts.Commit checks
// every precondition of the commit before writing and refuses, writing
// nothing, if one fails; if the commit still fails after the write (a git
// running meanwhile), the error is a *model.NotCommittedError and the
// outcome says what was written. Every attempt is appended to the audit
// log.
func (e *Engine) Execute(ctx context.Context, plan *model.Plan, opts model.ExecOptions) (*model.Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, WriteTimeout)
	defer cancel()
	out, before, after, err := e.execute(ctx, plan, opts)
	e.audit(plan, opts, out, before, after, err)
	return out, err
}

func (e *Engine) execute(ctx context.Context, plan *model.Plan, opts model.ExecOptions) (out *model.Outcome, before, after string, err error) {
	s, ok := plan.Payload.(step)
	if !ok {
		return nil, "", "", errors.New("this plan was not made by this engine")
	}
	if s.Operation() != plan.Operation {
		// The preview said one thing and the payload would do another:
		// refuse rather than guess which the user confirmed.
		return nil, "", "", fmt.Errorf("this plan says %s but would %s: it was changed after it was made", plan.Operation, s.Operation())
	}
	if e.opts.ReadOnly {
		return nil, "", "", &model.RefusedError{Reason: "read-only mode (--read-only)"}
	}
	if plan.ConfirmName != "" && opts.Confirm != plan.ConfirmName {
		what := string(plan.Operation)
		if len(plan.Critical) > 0 {
			what = fmt.Sprintf("%s (it writes %d critical change(s) into Git)", plan.Operation, len(plan.Critical))
		}
		return nil, "", "", &model.RefusedError{Reason: fmt.Sprintf("not confirmed: type the name %q to %s", plan.ConfirmName, what)}
	}
	if err := e.unchanged(plan, s.pinned()); err != nil {
		return nil, "", "", err
	}
	rec, err := s.execute(ctx, e, plan, opts)
	// Only a commit that failed after the write has an outcome: the
	// write happened.
	var notCommitted *model.NotCommittedError
	if err != nil && !errors.As(err, &notCommitted) {
		return nil, rec.before, rec.after, err
	}
	return &model.Outcome{Plan: *plan, Message: rec.message, Commit: rec.commit}, rec.before, rec.after, err
}

// unchanged refuses when either side moved since the plan: the live
// object's version, the manifest the inventory holds, and — for a revert
// from a plain file — the file on disk (accepts check their file when they
// write it).
func (e *Engine) unchanged(plan *model.Plan, p *pins) error {
	entry, ok := e.Inv.Get(plan.Key)
	if ok && entry.GitUnknown {
		return gitUnknownRefusal(&entry) // an input became unreadable since the preview
	}
	liveRV, desired := "", ""
	if ok {
		if entry.Live != nil {
			liveRV = entry.Live.Ingress.ResourceVersion
		}
		if len(entry.Desired) == 1 {
			desired = fingerprint(entry.Desired[0].Ingress)
		}
	}
	if liveRV != p.live {
		return &model.StaleError{What: fmt.Sprintf("%s in the cluster (resourceVersion %q → %q)", plan.Key, p.live, liveRV)}
	}
	if desired != p.desired {
		return &model.StaleError{What: "the manifest of " + plan.Key.String()}
	}
	if p.disk.file != "" {
		if _, hash, err := e.store.ReadManifest(p.disk.file); err != nil || hash != p.disk.hash {
			return &model.StaleError{What: p.disk.file + " (changed on disk since the preview)"}
		}
	}
	return nil
}

// fileDiff is the unified diff of a file write (nil = absent).
func fileDiff(file string, before, after []byte) string {
	from, to := "a/"+file, "b/"+file
	if before == nil {
		from = "/dev/null"
	}
	if after == nil {
		to = "/dev/null"
	}
	return udiff.Unified(from, to, string(before), string(after))
}

// fingerprint hashes an object's content (nil → "").
func fingerprint(ing *networkingv1.Ingress) string {
	if ing == nil {
		return ""
	}
	b, err := json.Marshal(ing)
	if err != nil {
		return ""
	}
	return manifest.Hash(b)
}
