package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
	"github.com/ingress-drift/ingress-drift/model/repo"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
)

// WriteTimeout bounds one write to the cluster or the repo. The TUI never
// cancels a write once confirmed, so the engine bounds it itself.
const WriteTimeout = 30 * time.Second

// payload is what Execute writes, fixed when the plan is made.
type payload struct {
	// obj is the object to update or create (revert).
	obj *networkingv1.Ingress
	// data is the new content of file (accept); nil removes the file.
	data []byte
	file string
	// desired fingerprints the manifest the plan was made from, live the
	// live object's resourceVersion ("" when absent): Execute refuses if
	// either side moved since.
	desired string
	live    string
	paths   []string
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
		return nil, &model.RefusedError{Reason: fmt.Sprintf("%s is neither in the cluster nor in a manifest under %s", key, e.Repo.Root())}
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
	switch action {
	case model.ActionRevert:
		return e.planRevert(ctx, &entry)
	case model.ActionAccept:
		return e.planAccept(&entry)
	default:
		return nil, fmt.Errorf("unknown action %q (want revert or accept)", action)
	}
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

func (e *Engine) planRevert(ctx context.Context, entry *model.Entry) (*model.Plan, error) {
	if e.Target == nil {
		return nil, &model.RefusedError{Reason: "the live side was read from --live-file " + e.opts.LiveFile + ": there is no cluster to revert"}
	}
	op := map[model.Status]model.Operation{
		model.StatusDrifted: model.OpUpdateLive, model.StatusMissingLive: model.OpCreateLive, model.StatusMissingGit: model.OpDeleteLive,
	}[entry.Status]
	access, err := cluster.CheckAccess(ctx, e.Target, entry.Key.Namespace)
	if err != nil {
		return nil, fmt.Errorf("check permissions for %s: %w", entry.Key, err)
	}
	if why := access.Denied(op); why != "" {
		return nil, &model.RefusedError{Reason: "forbidden: " + why}
	}
	plan := &model.Plan{Key: entry.Key, Action: model.ActionRevert, Operation: op}
	p := &payload{}
	var fresh *networkingv1.Ingress
	if entry.Live != nil {
		if fresh, err = cluster.Get(ctx, e.Target, entry.Key); err != nil {
			return nil, err
		}
		if fresh.ResourceVersion != entry.Live.Ingress.ResourceVersion {
			return nil, &model.StaleError{What: fmt.Sprintf("%s (resourceVersion %s → %s)", entry.Key, entry.Live.Ingress.ResourceVersion, fresh.ResourceVersion)}
		}
		plan.ResourceVersion, plan.UID, p.live = fresh.ResourceVersion, string(fresh.UID), fresh.ResourceVersion
	}
	var desired *model.Desired
	if len(entry.Desired) == 1 {
		desired = &entry.Desired[0]
		p.desired = fingerprint(desired.Ingress)
		plan.File = desired.Origin.File
		if desired.Origin.Kustomization == "" && desired.Origin.Item < 0 {
			// Pin the file: the inventory's document must be what is on
			// disk now, and Execute refuses if the file changes after.
			data, hash, doc, err := e.document(desired)
			if err != nil {
				return nil, err
			}
			if cur, err := yamledit.Decode(data[doc.Offset:doc.End]); err != nil || fingerprint(cur) != p.desired {
				return nil, &model.StaleError{What: desired.Origin.File + " (changed on disk; the list catches up in a moment)"}
			}
			plan.FileHash = hash
		}
	}
	where := e.where()
	// The preview shows every field the write changes, ignored or not.
	all := diffengine.Options{DefaultNamespace: entry.Key.Namespace, NoBuiltinIgnores: true}
	switch op {
	case model.OpUpdateLive:
		p.obj = revertedObject(fresh, desired, entry.Ignored)
		dry, err := cluster.Update(ctx, e.Target, p.obj, true)
		if err != nil {
			return nil, err
		}
		plan.Changes = diffengine.Diff(dry, fresh, all).Changes
		plan.Remaining = diffengine.Diff(desired.Ingress, dry, e.diffOptions(desired)).Changes
		plan.Summary = fmt.Sprintf("update %s in %s: %d field(s) back to %s", entry.Key, where, len(plan.Changes), desired.Origin)
	case model.OpCreateLive:
		p.obj = desired.Ingress.DeepCopy()
		p.obj.Namespace = entry.Key.Namespace
		dry, err := cluster.Create(ctx, e.Target, p.obj, true)
		if err != nil {
			return nil, err
		}
		plan.Changes = diffengine.Diff(dry, nil, all).Changes
		plan.Remaining = diffengine.Diff(desired.Ingress, dry, e.diffOptions(desired)).Changes
		plan.Summary = fmt.Sprintf("create %s in %s from %s", entry.Key, where, desired.Origin)
	case model.OpDeleteLive:
		if err := cluster.Delete(ctx, e.Target, entry.Key, plan.UID, plan.ResourceVersion, true); err != nil {
			return nil, err
		}
		plan.Changes = diffengine.Diff(nil, fresh, all).Changes
		plan.ConfirmName = entry.Key.Name
		plan.Summary = fmt.Sprintf("delete %s from %s: it is in no manifest under %s", entry.Key, where, e.Repo.Root())
	}
	plan.Payload = p
	return plan, nil
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
	if e.Target == nil {
		return "live side read from --live-file: no cluster to revert", accept
	}
	if e.Target.Namespace != "" {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if a, err := cluster.CheckAccess(ctx, e.Target, e.Target.Namespace); err == nil {
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

// diffOptions are the options the inventory compared desired with.
func (e *Engine) diffOptions(d *model.Desired) diffengine.Options {
	o := e.DiffOptions()
	o.DefaultNamespace = d.Namespace
	o.Ignore = append(slices.Clone(o.Ignore), e.Repo.Config().Ignore...)
	return o
}

// revertedObject is fresh with its labels, annotations and spec replaced by
// the manifest's — a full object, so that a PUT removes whatever was added
// live. Differences an ignore rule hides (annotations and labels that
// controllers write) keep their live values. If the object carries
// kubectl's last-applied annotation, it is set to the manifest, as `kubectl
// apply` would, so that the pipeline's next apply agrees with the revert.
func revertedObject(fresh *networkingv1.Ingress, desired *model.Desired, ignored []model.IgnoredChange) *networkingv1.Ingress {
	obj := fresh.DeepCopy()
	obj.ManagedFields = nil
	want := desired.Ingress
	obj.Labels = keepIgnored(want.Labels, fresh.Labels, ignored, "labels")
	obj.Annotations = keepIgnored(want.Annotations, fresh.Annotations, ignored, "annotations")
	if _, ok := fresh.Annotations[diffengine.LastAppliedAnnotation]; ok {
		applied := want.DeepCopy()
		applied.Namespace = fresh.Namespace
		if applied.APIVersion == "" {
			applied.APIVersion, applied.Kind = diffengine.APIVersion, diffengine.Kind
		}
		delete(applied.Annotations, diffengine.LastAppliedAnnotation)
		if b, err := json.Marshal(applied); err == nil {
			if obj.Annotations == nil {
				obj.Annotations = map[string]string{}
			}
			obj.Annotations[diffengine.LastAppliedAnnotation] = string(b) + "\n"
		}
	}
	obj.Spec = *want.Spec.DeepCopy()
	return obj
}

// keepIgnored returns want's map plus the live values of the keys whose
// differences were ignored.
func keepIgnored(want, live map[string]string, ignored []model.IgnoredChange, field string) map[string]string {
	out := make(map[string]string, len(want))
	for k, v := range want {
		out[k] = v
	}
	for _, c := range ignored {
		if len(c.Field) != 3 || c.Field[0] != "metadata" || c.Field[1] != field {
			continue
		}
		k := c.Field[2]
		if v, ok := live[k]; ok {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (e *Engine) planAccept(entry *model.Entry) (*model.Plan, error) {
	if e.opts.Rev != "" {
		return nil, &model.RefusedError{Reason: "comparing against --rev " + e.opts.Rev + ": accept writes the work tree, which is not what is being compared"}
	}
	plan := &model.Plan{Key: entry.Key, Action: model.ActionAccept}
	p := &payload{}
	if entry.Live != nil {
		plan.ResourceVersion, plan.UID, p.live = entry.Live.Ingress.ResourceVersion, string(entry.Live.Ingress.UID), entry.Live.Ingress.ResourceVersion
	}
	var err error
	switch entry.Status {
	case model.StatusDrifted:
		err = e.planEdit(entry, plan, p)
	case model.StatusMissingGit:
		err = e.planNewFile(entry, plan, p)
	case model.StatusMissingLive:
		err = e.planRemove(entry, plan, p)
	}
	if err != nil {
		return nil, err
	}
	// A read-only file is refused now rather than after the confirmation.
	if err := e.Repo.CheckWritable(p.file); err != nil {
		return nil, err
	}
	plan.File = p.file
	plan.Payload = p
	return plan, nil
}

// document re-reads the manifest of d and finds its document again.
func (e *Engine) document(d *model.Desired) (data []byte, hash string, doc manifest.Document, err error) {
	o := d.Origin
	if o.Kustomization != "" {
		return nil, "", doc, &model.RefusedError{Reason: fmt.Sprintf("%s is rendered by kustomize from %s: edit the resources or patches that kustomization uses", d.Key(), o.File)}
	}
	if o.Item >= 0 {
		return nil, "", doc, &model.RefusedError{Reason: fmt.Sprintf("%s is item %d of a List in %s:%d: edit it by hand", d.Key(), o.Item, o.File, o.Line)}
	}
	data, hash, err = e.Repo.ReadManifest(o.File)
	if err != nil {
		return nil, "", doc, err
	}
	docs := manifest.SplitDocuments(data)
	if o.Doc >= len(docs) || docs[o.Doc].Offset != o.Offset || docs[o.Doc].End != o.End {
		return nil, "", doc, &model.StaleError{What: o.File + " (the document moved since it was read)"}
	}
	return data, hash, docs[o.Doc], nil
}

func (e *Engine) planEdit(entry *model.Entry, plan *model.Plan, p *payload) error {
	plan.Operation = model.OpEditManifest
	d := &entry.Desired[0]
	data, hash, doc, err := e.document(d)
	if err != nil {
		return err
	}
	want := diffengine.CleanForManifest(entry.Live.Ingress)
	edited, paths, err := yamledit.Edit(data[doc.Offset:doc.End], want, e.diffOptions(d))
	if err != nil {
		return &model.RefusedError{Reason: editRefusal(d.Origin, err)}
	}
	out := slices.Concat(data[:doc.Offset], edited, data[doc.End:])
	after, err := yamledit.Decode(edited)
	if err != nil {
		return fmt.Errorf("%s: the edited document does not read back: %w", d.Origin.File, err)
	}
	plan.Changes = diffengine.Diff(d.Ingress, after, e.diffOptions(d)).Changes
	plan.FileHash, plan.FileDiff = hash, fileDiff(d.Origin.File, data, out)
	plan.Summary = fmt.Sprintf("write %d live field(s) of %s into %s (document %d)", len(paths), entry.Key, d.Origin, d.Origin.Doc+1)
	p.data, p.file, p.paths, p.desired = out, d.Origin.File, paths, fingerprint(d.Ingress)
	return nil
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

func (e *Engine) planNewFile(entry *model.Entry, plan *model.Plan, p *payload) error {
	plan.Operation = model.OpNewManifest
	file := e.Repo.Config().NewManifestFile(entry.Key)
	if _, _, err := e.Repo.ReadManifest(file); err == nil {
		return &model.RefusedError{Reason: fmt.Sprintf("%s already exists (set newManifestPath in %s to write new manifests elsewhere)", file, repo.ConfigFile)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	clean := diffengine.CleanForManifest(entry.Live.Ingress)
	b, err := manifest.Marshal(clean)
	if err != nil {
		return err
	}
	plan.Changes = diffengine.Diff(nil, clean, diffengine.Options{DefaultNamespace: entry.Key.Namespace}).Changes
	plan.FileDiff = fileDiff(file, nil, b)
	plan.Summary = fmt.Sprintf("write the live state of %s to a new manifest %s", entry.Key, file)
	p.data, p.file = b, file
	return nil
}

func (e *Engine) planRemove(entry *model.Entry, plan *model.Plan, p *payload) error {
	plan.Operation = model.OpRemoveManifest
	d := &entry.Desired[0]
	data, hash, doc, err := e.document(d)
	if err != nil {
		return err
	}
	out, empty, err := manifest.RemoveDocument(data, doc.Offset, doc.End)
	if err != nil {
		return fmt.Errorf("%s: %w", d.Origin.File, err)
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
	p.data, p.file, p.desired = out, d.Origin.File, fingerprint(d.Ingress)
	return nil
}

// afterWrite, when set (by tests), runs between an accept's write and its
// commit.
var afterWrite func()

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
	p, ok := plan.Payload.(*payload)
	if !ok {
		return nil, "", "", errors.New("this plan was not made by this engine")
	}
	if e.opts.ReadOnly {
		return nil, "", "", &model.RefusedError{Reason: "read-only mode (--read-only)"}
	}
	if plan.ConfirmName != "" && opts.Confirm != plan.ConfirmName {
		return nil, "", "", &model.RefusedError{Reason: fmt.Sprintf("not confirmed: type the name %q to %s", plan.ConfirmName, plan.Operation)}
	}
	if err := e.unchanged(plan, p); err != nil {
		return nil, "", "", err
	}
	out = &model.Outcome{Plan: *plan}
	switch plan.Operation {
	case model.OpUpdateLive:
		before = fingerprint(p.obj)
		stored, err := cluster.Update(ctx, e.Target, p.obj, false)
		if err != nil {
			return nil, before, "", err
		}
		after = fingerprint(stored)
		out.Message = fmt.Sprintf("reverted %s to %s (resourceVersion %s)", plan.Key, plan.File, stored.ResourceVersion)
	case model.OpCreateLive:
		stored, err := cluster.Create(ctx, e.Target, p.obj, false)
		if err != nil {
			return nil, "", "", err
		}
		after = fingerprint(stored)
		out.Message = fmt.Sprintf("created %s from %s", plan.Key, plan.File)
	case model.OpDeleteLive:
		before = plan.ResourceVersion
		if err := cluster.Delete(ctx, e.Target, plan.Key, plan.UID, plan.ResourceVersion, false); err != nil {
			return nil, before, "", err
		}
		out.Message = "deleted " + plan.Key.String() + " from the cluster"
	case model.OpEditManifest, model.OpNewManifest, model.OpRemoveManifest:
		before = plan.FileHash
		nothingToCommit := false
		if opts.Commit {
			// Whatever would stop the commit stops the write too: the
			// file is not changed for a commit that cannot be made.
			if nothingToCommit, err = e.Repo.CheckCommit(p.file, p.data); err != nil {
				return nil, before, "", err
			}
		}
		if p.data == nil {
			err = e.Repo.RemoveManifest(p.file, plan.FileHash)
		} else {
			err = e.Repo.WriteManifest(p.file, plan.FileHash, p.data)
			after = manifest.Hash(p.data)
		}
		if err != nil {
			return nil, before, "", err
		}
		out.Message = map[model.Operation]string{
			model.OpEditManifest: "wrote the live state of " + plan.Key.String() + " into " + p.file,
			model.OpNewManifest:  "wrote " + p.file + " from the live state of " + plan.Key.String(),
		}[plan.Operation]
		if plan.Operation == model.OpRemoveManifest {
			out.Message = "removed " + plan.Key.String() + " from " + p.file
			if p.data == nil {
				out.Message = "deleted " + p.file + " (" + plan.Key.String() + " was its only Ingress)"
			}
		}
		// The watcher would see the write too; refreshing now makes the
		// inventory current before this call returns (and for the CLI).
		if err := e.Repo.Refresh(ctx, e.Inv, p.file); err != nil {
			out.Message += " (refresh: " + err.Error() + ")"
		}
		if afterWrite != nil {
			afterWrite()
		}
		switch {
		case opts.Commit && nothingToCommit:
			out.Message += "; nothing to commit: " + p.file + " is now as in HEAD"
		case opts.Commit:
			hash, err := e.Repo.CommitFile(ctx, p.file, commitMessage(plan, p))
			if err != nil {
				return out, before, after, &model.NotCommittedError{File: p.file, Err: err}
			}
			out.Commit = hash
		}
	default:
		return nil, "", "", fmt.Errorf("unknown operation %q", plan.Operation)
	}
	return out, before, after, nil
}

// unchanged refuses when either side moved since the plan: the live
// object's version, the manifest the inventory holds, and — for a revert
// from a plain file — the file on disk (accepts check their file when they
// write it).
func (e *Engine) unchanged(plan *model.Plan, p *payload) error {
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
	if plan.Action == model.ActionRevert && plan.FileHash != "" {
		if _, hash, err := e.Repo.ReadManifest(plan.File); err != nil || hash != plan.FileHash {
			return &model.StaleError{What: plan.File + " (changed on disk since the preview)"}
		}
	}
	return nil
}

func commitMessage(plan *model.Plan, p *payload) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingress-drift: accept live state of %s\n\n", plan.Key)
	switch plan.Operation {
	case model.OpNewManifest:
		fmt.Fprintf(&b, "New manifest %s, written from the cluster.\n", p.file)
	case model.OpRemoveManifest:
		fmt.Fprintf(&b, "Removed from %s: the object is not in the cluster.\n", p.file)
	default:
		b.WriteString("Changed paths:\n")
		for _, path := range p.paths {
			fmt.Fprintf(&b, "- %s\n", path)
		}
	}
	return b.String()
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

func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
