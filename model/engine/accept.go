package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
	"github.com/ingress-drift/ingress-drift/model/repo"
)

// An accept makes Git match the cluster: one planner and one step per
// operation, picked by the entry's status. Every step writes one file
// (fileWrite) and differs in what it writes and how it says so.

// acceptPlanner plans one accept operation, filling in the plan's preview.
type acceptPlanner struct {
	op   model.Operation
	plan func(e *Engine, entry *model.Entry, plan *model.Plan, p pins) (acceptStep, error)
}

// accepts are the accept operations, by the status they reconcile.
var accepts = map[model.Status]acceptPlanner{
	model.StatusDrifted:     {model.OpEditManifest, (*Engine).planEdit},
	model.StatusMissingGit:  {model.OpNewManifest, (*Engine).planNewFile},
	model.StatusMissingLive: {model.OpRemoveManifest, (*Engine).planRemove},
}

// acceptStep is an accept's step: it writes one file.
type acceptStep interface {
	step
	written() *fileWrite
}

func (e *Engine) planAccept(entry *model.Entry) (*model.Plan, error) {
	if e.opts.Rev != "" {
		return nil, &model.RefusedError{Reason: "comparing against --rev " + e.opts.Rev + ": accept writes the work tree, which is not what is being compared"}
	}
	ap, ok := accepts[entry.Status]
	if !ok {
		return nil, noOperation(model.ActionAccept, entry)
	}
	plan := &model.Plan{Key: entry.Key, Action: model.ActionAccept, Operation: ap.op}
	var p pins
	if entry.Live != nil {
		plan.ResourceVersion, plan.UID, p.live = entry.Live.Ingress.ResourceVersion, string(entry.Live.Ingress.UID), entry.Live.Ingress.ResourceVersion
	}
	s, err := ap.plan(e, entry, plan, p)
	if err != nil {
		return nil, err
	}
	file := s.written().file
	// A read-only file is refused now rather than after the confirmation.
	if err := e.store.CheckWritable(file); err != nil {
		return nil, err
	}
	plan.File = file
	plan.Payload = s
	return plan, nil
}

// fileWrite is what an accept writes: data into file, if the file still
// has hash ("" = it must not exist); nil data removes the file.
type fileWrite struct {
	pins
	file, hash string
	data       []byte
}

func (w *fileWrite) written() *fileWrite { return w }

// write writes the file — after checking, with opts.Commit, every
// precondition of the commit — refreshes the inventory, and commits.
// done says what was written, message is the commit message.
func (w *fileWrite) write(ctx context.Context, e *Engine, opts model.ExecOptions, done, message string) (record, error) {
	rec := record{before: w.hash}
	nothingToCommit := false
	if opts.Commit {
		// Whatever would stop the commit stops the write too: the file is
		// not changed for a commit that cannot be made.
		var err error
		if nothingToCommit, err = e.store.CheckCommit(w.file, w.data); err != nil {
			return rec, err
		}
	}
	if w.data == nil {
		if err := e.store.RemoveManifest(w.file, w.hash); err != nil {
			return rec, err
		}
	} else {
		if err := e.store.WriteManifest(w.file, w.hash, w.data); err != nil {
			return rec, err
		}
		rec.after = manifest.Hash(w.data)
	}
	rec.message = done
	// The watcher would see the write too; refreshing now makes the
	// inventory current before this call returns (and for the CLI).
	if err := e.store.Refresh(ctx, e.Inv, w.file); err != nil {
		rec.message += " (refresh: " + err.Error() + ")"
	}
	if e.afterWrite != nil {
		e.afterWrite()
	}
	switch {
	case opts.Commit && nothingToCommit:
		rec.message += "; nothing to commit: " + w.file + " is now as in HEAD"
	case opts.Commit:
		hash, err := e.store.CommitFile(ctx, w.file, message)
		if err != nil {
			return rec, &model.NotCommittedError{File: w.file, Err: err}
		}
		rec.commit = hash
	}
	return rec, nil
}

// commitMessage is an accept's commit message: a subject naming the
// object, then body.
func commitMessage(key model.Key, body string) string {
	return fmt.Sprintf("ingress-drift: accept live state of %s\n\n", key) + body
}

// editManifest is the accept of a drifted object: its document edited in
// place.
type editManifest struct {
	fileWrite
	// paths are the semantic paths of the fields written.
	paths []string
}

func (*editManifest) Operation() model.Operation { return model.OpEditManifest }

func (e *Engine) planEdit(entry *model.Entry, plan *model.Plan, p pins) (acceptStep, error) {
	d := &entry.Desired[0]
	data, hash, doc, err := e.document(d)
	if err != nil {
		return nil, err
	}
	if d.Origin.GitOps != nil {
		if cur, err := yamledit.Decode(data[doc.Offset:doc.End]); err == nil && cur.Namespace != d.Ingress.Namespace {
			return nil, &model.RefusedError{Reason: fmt.Sprintf("%s:%d sets namespace %q, but %s applies it in %q (its target namespace): edit the document by hand, or remove its namespace",
				d.Origin.File, d.Origin.Line, cur.Namespace, d.Origin.GitOps, d.Ingress.Namespace)}
		}
	}
	want := diffengine.CleanForManifest(entry.Live.Ingress)
	opts := e.diffOptions(d, entry.Live.Ingress)
	edited, paths, err := yamledit.Edit(data[doc.Offset:doc.End], want, opts)
	if err != nil {
		return nil, &model.RefusedError{Reason: editRefusal(d.Origin, err)}
	}
	out := slices.Concat(data[:doc.Offset], edited, data[doc.End:])
	after, err := yamledit.Decode(edited)
	if err != nil {
		return nil, fmt.Errorf("%s: the edited document does not read back: %w", d.Origin.File, err)
	}
	plan.Changes = diffengine.Diff(d.Ingress, after, opts).Changes
	plan.FileHash, plan.FileDiff = hash, fileDiff(d.Origin.File, data, out)
	plan.Summary = fmt.Sprintf("write %d live field(s) of %s into %s (document %d)", len(paths), entry.Key, d.Origin, d.Origin.Doc+1)
	criticalAccept(plan)
	p.desired = fingerprint(d.Ingress)
	return &editManifest{fileWrite: fileWrite{pins: p, file: d.Origin.File, hash: hash, data: out}, paths: paths}, nil
}

func (s *editManifest) execute(ctx context.Context, e *Engine, plan *model.Plan, opts model.ExecOptions) (record, error) {
	var body strings.Builder
	body.WriteString("Changed paths:\n")
	for _, path := range s.paths {
		fmt.Fprintf(&body, "- %s\n", path)
	}
	return s.write(ctx, e, opts, "wrote the live state of "+plan.Key.String()+" into "+s.file, commitMessage(plan.Key, body.String()))
}

// criticalAccept makes an accept that writes a critical change into Git (a
// security regression made the desired state: ssl-redirect turned off, a
// snippet added), into an existing manifest or a new one, need the
// object's name typed, as a delete does, and names those changes in the
// plan.
func criticalAccept(plan *model.Plan) {
	for _, c := range plan.Changes {
		if c.Severity == diffengine.SeverityCritical {
			plan.Critical = append(plan.Critical, c.Path+" ("+c.Rule+")")
		}
	}
	if n := len(plan.Critical); n > 0 {
		plan.ConfirmName = plan.Key.Name
		plan.Summary += fmt.Sprintf("; %d critical change(s) become the desired state: type the name to confirm", n)
	}
}

// editRefusal names the file and line of an edit that cannot be written
// in place (yamledit counts lines from the document's start).
func editRefusal(o model.Origin, err error) string {
	var ee *yamledit.EditError
	if errors.As(err, &ee) {
		line := o.Line
		if ee.Line > 0 {
			line = o.Line + ee.Line - 1
		}
		what := ee.Reason
		if ee.Path != "" {
			what = ee.Path + ": " + what
		}
		return fmt.Sprintf("%s:%d: %s — nothing was written; edit the file by hand", o.File, line, what)
	}
	return fmt.Sprintf("%s:%d: %v", o.File, o.Line, err)
}

// newManifest is the accept of a missing-git object: a new file with its
// live state.
type newManifest struct{ fileWrite }

func (*newManifest) Operation() model.Operation { return model.OpNewManifest }

func (e *Engine) planNewFile(entry *model.Entry, plan *model.Plan, p pins) (acceptStep, error) {
	file := e.store.Config().NewManifestFile(entry.Key)
	if _, _, err := e.store.ReadManifest(file); err == nil {
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s already exists (set newManifestPath in %s to write new manifests elsewhere)", file, repo.ConfigFile)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	clean := diffengine.CleanForManifest(entry.Live.Ingress)
	b, err := manifest.Marshal(clean)
	if err != nil {
		return nil, err
	}
	plan.Changes = diffengine.Diff(nil, clean, diffengine.Options{DefaultNamespace: entry.Key.Namespace}).Changes
	plan.FileDiff = fileDiff(file, nil, b)
	plan.Summary = fmt.Sprintf("write the live state of %s to a new manifest %s", entry.Key, file)
	criticalAccept(plan)
	return &newManifest{fileWrite{pins: p, file: file, data: b}}, nil
}

func (s *newManifest) execute(ctx context.Context, e *Engine, plan *model.Plan, opts model.ExecOptions) (record, error) {
	return s.write(ctx, e, opts, "wrote "+s.file+" from the live state of "+plan.Key.String(),
		commitMessage(plan.Key, fmt.Sprintf("New manifest %s, written from the cluster.\n", s.file)))
}

// removeManifest is the accept of a missing-live object: its document
// removed, or its file when it was the only one (typed confirmation).
type removeManifest struct{ fileWrite }

func (*removeManifest) Operation() model.Operation { return model.OpRemoveManifest }

func (e *Engine) planRemove(entry *model.Entry, plan *model.Plan, p pins) (acceptStep, error) {
	d := &entry.Desired[0]
	data, hash, doc, err := e.document(d)
	if err != nil {
		return nil, err
	}
	out, empty, err := manifest.RemoveDocument(data, doc.Offset, doc.End)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Origin.File, err)
	}
	plan.Changes = diffengine.Diff(d.Ingress, nil, diffengine.Options{DefaultNamespace: d.Namespace}).Changes
	plan.FileHash, plan.ConfirmName = hash, entry.Key.Name
	if empty {
		plan.FileDiff = fileDiff(d.Origin.File, data, nil)
		plan.Summary = fmt.Sprintf("delete %s: its only Ingress, %s, is not in the cluster", d.Origin.File, entry.Key)
		out = nil
	} else {
		plan.FileDiff = fileDiff(d.Origin.File, data, out)
		plan.Summary = fmt.Sprintf("remove %s (document %d) from %s: it is not in the cluster", entry.Key, d.Origin.Doc+1, d.Origin.File)
	}
	p.desired = fingerprint(d.Ingress)
	return &removeManifest{fileWrite{pins: p, file: d.Origin.File, hash: hash, data: out}}, nil
}

func (s *removeManifest) execute(ctx context.Context, e *Engine, plan *model.Plan, opts model.ExecOptions) (record, error) {
	done := "removed " + plan.Key.String() + " from " + s.file
	if s.data == nil {
		done = "deleted " + s.file + " (" + plan.Key.String() + " was its only Ingress)"
	}
	return s.write(ctx, e, opts, done,
		commitMessage(plan.Key, fmt.Sprintf("Removed from %s: the object is not in the cluster.\n", s.file)))
}
