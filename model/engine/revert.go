package engine

import (
	"context"
	"encoding/json"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
)

// A revert makes the cluster match Git: one planner and one step per
// operation, picked by the entry's status.

// revertPlanner plans one revert operation from what every revert reads
// first (revertBase), filling in the plan's preview.
type revertPlanner struct {
	op   model.Operation
	plan func(e *Engine, ctx context.Context, b *revertBase, plan *model.Plan) (step, error)
}

// reverts are the revert operations, by the status they reconcile.
var reverts = map[model.Status]revertPlanner{
	model.StatusDrifted:     {model.OpUpdateLive, (*Engine).planUpdateLive},
	model.StatusMissingLive: {model.OpCreateLive, (*Engine).planCreateLive},
	model.StatusMissingGit:  {model.OpDeleteLive, (*Engine).planDeleteLive},
}

// revertBase is what every revert planner starts from.
type revertBase struct {
	entry *model.Entry
	// fresh is the live object as the server has it now (nil when missing
	// live), desired the manifest document (nil when missing in Git).
	fresh   *networkingv1.Ingress
	desired *model.Desired
	pins    pins
	// all are the options of the preview, which shows every field the
	// write changes, ignored or not.
	all diffengine.Options
}

func (e *Engine) planRevert(ctx context.Context, entry *model.Entry) (*model.Plan, error) {
	if e.writer == nil {
		return nil, &model.RefusedError{Reason: "the live side was read from --live-file " + e.opts.LiveFile + ": there is no cluster to revert"}
	}
	rp, ok := reverts[entry.Status]
	if !ok {
		return nil, noOperation(model.ActionRevert, entry)
	}
	access, err := e.writer.CheckAccess(ctx, entry.Key.Namespace)
	if err != nil {
		return nil, fmt.Errorf("check permissions for %s: %w", entry.Key, err)
	}
	if why := access.Denied(rp.op); why != "" {
		return nil, &model.RefusedError{Reason: "forbidden: " + why}
	}
	plan := &model.Plan{Key: entry.Key, Action: model.ActionRevert, Operation: rp.op}
	b := &revertBase{entry: entry, all: diffengine.Options{DefaultNamespace: entry.Key.Namespace, NoBuiltinIgnores: true}}
	if entry.Live != nil {
		if b.fresh, err = e.writer.Get(ctx, entry.Key); err != nil {
			return nil, err
		}
		if b.fresh.ResourceVersion != entry.Live.Ingress.ResourceVersion {
			return nil, &model.StaleError{What: fmt.Sprintf("%s (resourceVersion %s → %s)", entry.Key, entry.Live.Ingress.ResourceVersion, b.fresh.ResourceVersion)}
		}
		plan.ResourceVersion, plan.UID, b.pins.live = b.fresh.ResourceVersion, string(b.fresh.UID), b.fresh.ResourceVersion
	}
	if len(entry.Desired) == 1 {
		d := &entry.Desired[0]
		b.desired, b.pins.desired, plan.File = d, fingerprint(d.Ingress), d.Origin.File
		if !d.Origin.Rendered() && d.Origin.Item < 0 {
			// Pin the file: the inventory's document must be what is on
			// disk now, and Execute refuses if the file changes after.
			data, hash, doc, err := e.document(d)
			if err != nil {
				return nil, err
			}
			if cur, err := yamledit.Decode(data[doc.Offset:doc.End]); err != nil || fingerprint(inNamespace(cur, d)) != b.pins.desired {
				return nil, &model.StaleError{What: d.Origin.File + " (changed on disk; the list catches up in a moment)"}
			}
			plan.FileHash = hash
			b.pins.disk.file, b.pins.disk.hash = d.Origin.File, hash
		}
	}
	s, err := rp.plan(e, ctx, b, plan)
	if err != nil {
		return nil, err
	}
	plan.Payload = s
	return plan, nil
}

// previewDryRun fills in a plan from the server's dry run of an update or
// a create: what changes live (b.fresh is nil for a create: every field),
// and what would still differ from the manifest afterwards.
func (e *Engine) previewDryRun(plan *model.Plan, b *revertBase, dry *networkingv1.Ingress) {
	plan.Changes = diffengine.Diff(dry, b.fresh, b.all).Changes
	plan.Remaining = diffengine.Diff(b.desired.Ingress, dry, e.diffOptions(b.desired, dry)).Changes
}

// updateLive is the revert of a drifted object: a full update with the
// manifest's labels, annotations and spec.
type updateLive struct {
	pins
	obj *networkingv1.Ingress
}

func (*updateLive) Operation() model.Operation { return model.OpUpdateLive }

func (e *Engine) planUpdateLive(ctx context.Context, b *revertBase, plan *model.Plan) (step, error) {
	s := &updateLive{pins: b.pins, obj: revertedObject(b.fresh, b.desired, b.entry.Ignored)}
	dry, err := e.writer.Update(ctx, s.obj, true)
	if err != nil {
		return nil, err
	}
	e.previewDryRun(plan, b, dry)
	plan.Summary = fmt.Sprintf("update %s in %s: %d field(s) back to %s", plan.Key, e.where(), len(plan.Changes), b.desired.Origin)
	return s, nil
}

func (s *updateLive) execute(ctx context.Context, e *Engine, plan *model.Plan, _ model.ExecOptions) (record, error) {
	rec := record{before: fingerprint(s.obj)}
	stored, err := e.writer.Update(ctx, s.obj, false)
	if err != nil {
		return rec, err
	}
	rec.after = fingerprint(stored)
	rec.message = fmt.Sprintf("reverted %s to %s (resourceVersion %s)", plan.Key, plan.File, stored.ResourceVersion)
	return rec, nil
}

// createLive is the revert of a missing-live object: the manifest created.
type createLive struct {
	pins
	obj *networkingv1.Ingress
}

func (*createLive) Operation() model.Operation { return model.OpCreateLive }

func (e *Engine) planCreateLive(ctx context.Context, b *revertBase, plan *model.Plan) (step, error) {
	s := &createLive{pins: b.pins, obj: b.desired.Ingress.DeepCopy()}
	s.obj.Namespace = plan.Key.Namespace
	dry, err := e.writer.Create(ctx, s.obj, true)
	if err != nil {
		return nil, err
	}
	e.previewDryRun(plan, b, dry)
	plan.Summary = fmt.Sprintf("create %s in %s from %s", plan.Key, e.where(), b.desired.Origin)
	return s, nil
}

func (s *createLive) execute(ctx context.Context, e *Engine, plan *model.Plan, _ model.ExecOptions) (record, error) {
	stored, err := e.writer.Create(ctx, s.obj, false)
	if err != nil {
		return record{}, err
	}
	return record{after: fingerprint(stored), message: fmt.Sprintf("created %s from %s", plan.Key, plan.File)}, nil
}

// deleteLive is the revert of a missing-git object: a delete carrying the
// uid and resourceVersion the user saw (typed confirmation).
type deleteLive struct {
	pins
	uid, resourceVersion string
}

func (*deleteLive) Operation() model.Operation { return model.OpDeleteLive }

func (e *Engine) planDeleteLive(ctx context.Context, b *revertBase, plan *model.Plan) (step, error) {
	s := &deleteLive{pins: b.pins, uid: plan.UID, resourceVersion: plan.ResourceVersion}
	if err := e.writer.Delete(ctx, plan.Key, s.uid, s.resourceVersion, true); err != nil {
		return nil, err
	}
	plan.Changes = diffengine.Diff(nil, b.fresh, b.all).Changes
	plan.ConfirmName = plan.Key.Name
	plan.Summary = fmt.Sprintf("delete %s from %s: it is in no manifest under %s", plan.Key, e.where(), e.store.Root())
	return s, nil
}

func (s *deleteLive) execute(ctx context.Context, e *Engine, plan *model.Plan, _ model.ExecOptions) (record, error) {
	rec := record{before: s.resourceVersion}
	if err := e.writer.Delete(ctx, plan.Key, s.uid, s.resourceVersion, false); err != nil {
		return rec, err
	}
	rec.message = "deleted " + plan.Key.String() + " from the cluster"
	return rec, nil
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

// inNamespace is the document cur as d's GitOps object applies it: a Flux
// Kustomization's targetNamespace replaces the namespace the document
// sets, and the inventory's object carries the one applied (see
// render's directory sources). Without a GitOps object cur is returned
// as it is.
func inNamespace(cur *networkingv1.Ingress, d *model.Desired) *networkingv1.Ingress {
	if d.Origin.GitOps == nil || cur.Namespace == d.Ingress.Namespace {
		return cur
	}
	c := cur.DeepCopy()
	c.Namespace = d.Ingress.Namespace
	return c
}
