package engine

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
	"github.com/ingress-drift/ingress-drift/model/repo"
)

// ClusterWriter is what a revert asks of the cluster: the engine's edge
// towards model/cluster, small so that the reconcile rules can be tested
// against an in-memory cluster (rules_test.go) and the adapter against a
// real API server (actions_test.go). The methods are model/cluster's
// functions of the same names over one Target; see them for the
// preconditions and the errors (*model.StaleError when the object moved).
type ClusterWriter interface {
	// CheckAccess says what the current user may do to Ingresses in
	// namespace.
	CheckAccess(ctx context.Context, namespace string) (cluster.Access, error)
	// Get returns the live object as the server has it now.
	Get(ctx context.Context, key model.Key) (*networkingv1.Ingress, error)
	// Update replaces the live object (a PUT carrying obj's
	// resourceVersion and UID as preconditions).
	Update(ctx context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error)
	// Create creates obj.
	Create(ctx context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error)
	// Delete deletes key if its uid and resourceVersion are still these.
	Delete(ctx context.Context, key model.Key, uid, resourceVersion string, dryRun bool) error
}

// ManifestStore is what an accept (and a revert's pin of its manifest)
// asks of the repo: the engine's edge towards the repo side, implemented
// by *repo.Repo as is, and in memory by the unit tests. See repo's
// methods of the same names for the preconditions and the errors.
type ManifestStore interface {
	// Root is the repo root, for people and the audit log.
	Root() string
	// Config is the repo's .ingress-drift.yaml (ignore rules, where new
	// manifests go).
	Config() repo.Config
	// ReadManifest returns a file's bytes and their hash.
	ReadManifest(rel string) (data []byte, hash string, err error)
	// CheckWritable refuses a write that would be refused whatever
	// happens before it (a read-only file, --rev, a path outside the root).
	CheckWritable(rel string) error
	// WriteManifest writes data if the file still has expectedHash ("" =
	// the file must not exist).
	WriteManifest(rel, expectedHash string, data []byte) error
	// RemoveManifest removes the file if it still has expectedHash.
	RemoveManifest(rel, expectedHash string) error
	// CheckCommit refuses, before the write, what would stop CommitFile
	// once data is written (nil: the file removed); unchanged says the
	// file would then be as in HEAD.
	CheckCommit(rel string, data []byte) (unchanged bool, err error)
	// CommitFile commits rel alone.
	CommitFile(ctx context.Context, rel, message string) (hash string, err error)
	// Refresh re-reads paths into sink, as the watch would.
	Refresh(ctx context.Context, sink model.RepoSink, paths ...string) error
}

// The real repo side is a ManifestStore as it is.
var _ ManifestStore = (*repo.Repo)(nil)

// targetWriter is the real ClusterWriter: model/cluster's functions over
// one Target.
type targetWriter struct{ t *cluster.Target }

func (w targetWriter) CheckAccess(ctx context.Context, namespace string) (cluster.Access, error) {
	return cluster.CheckAccess(ctx, w.t, namespace)
}

func (w targetWriter) Get(ctx context.Context, key model.Key) (*networkingv1.Ingress, error) {
	return cluster.Get(ctx, w.t, key)
}

func (w targetWriter) Update(ctx context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	return cluster.Update(ctx, w.t, obj, dryRun)
}

func (w targetWriter) Create(ctx context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	return cluster.Create(ctx, w.t, obj, dryRun)
}

func (w targetWriter) Delete(ctx context.Context, key model.Key, uid, resourceVersion string, dryRun bool) error {
	return cluster.Delete(ctx, w.t, key, uid, resourceVersion, dryRun)
}
