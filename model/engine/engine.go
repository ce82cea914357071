package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
	"github.com/ingress-drift/ingress-drift/model/repo"
)

// Options are the CLI's global flags, as the engine needs them.
type Options struct {
	// Kube holds the kubectl-style flags (--kubeconfig, --context, -n, …).
	Kube *genericclioptions.ConfigFlags
	// AllNamespaces is -A.
	AllNamespaces bool
	// Repo is --repo.
	Repo string
	// Rev is --rev ("" compares against the work tree).
	Rev string
	// DefaultNamespace is --default-namespace.
	DefaultNamespace string
	// LiveFile is --live-file: read the live side from a saved `kubectl get
	// ingressclass,ingress -o yaml|json` (cluster.DumpCommand) instead of a
	// cluster.
	LiveFile string
	// DefaultIngressClass is --default-ingress-class: the cluster's default
	// IngressClass as the user names it ("" = none), nil when not given.
	// Given, it wins over what the cluster or the live file says; it is
	// for dumps that hold no IngressClass.
	DefaultIngressClass *string
	// ReadOnly is --read-only.
	ReadOnly bool
	// AuditLog is the audit log file ("" = DefaultAuditLog()).
	AuditLog string
	// LiveCount, when set, is told how many live objects Load read, as
	// soon as it knows and before it joins them: a one-shot command sizes
	// its memory budget from it.
	LiveCount func(n int)
}

// Engine owns one Inventory and the two sides that feed it.
type Engine struct {
	opts Options
	// Inv is the joined state; front ends read it.
	Inv *model.Inventory
	// Repo is the repo side.
	Repo *repo.Repo
	// Target is the cluster side's target; nil with --live-file.
	Target *cluster.Target

	// writer and store are the edges actions write through (seams.go):
	// Target's cluster (nil with --live-file) and Repo.
	writer ClusterWriter
	store  ManifestStore
	// afterWrite, when set (by tests), runs between an accept's write and
	// its commit.
	afterWrite func()

	// defaultClass is the cluster's default IngressClass as the diff
	// assumes it (setDefaultClass); classMu guards it: Run's IngressClass
	// watch changes it while actions read it.
	defaultClass string
	classMu      sync.Mutex
	// classByFlag: defaultClass was fixed by --default-ingress-class (set
	// in Open, never after). Nothing the cluster, its IngressClass watch
	// or the live file says replaces it.
	classByFlag bool
	// unreachable is the default IngressClass lookup's error when the
	// API server did not answer it (a transport failure or the request
	// deadline); nil when it answered, even with an error.
	unreachable error
}

// Open resolves both sides' configuration without reading any objects yet.
func Open(opts Options) (*Engine, error) {
	if opts.DefaultNamespace == "" {
		opts.DefaultNamespace = "default"
	}
	ns := ""
	if opts.Kube != nil && opts.Kube.Namespace != nil {
		ns = *opts.Kube.Namespace
	}
	if ns != "" && opts.AllNamespaces {
		return nil, errors.New("-n/--namespace and -A/--all-namespaces cannot be used together")
	}
	r, err := repo.Open(repo.Options{Root: opts.Repo, Rev: opts.Rev, DefaultNamespace: opts.DefaultNamespace})
	if err != nil {
		return nil, err
	}
	e := &Engine{
		opts:  opts,
		Repo:  r,
		store: r,
	}
	if opts.DefaultIngressClass != nil {
		e.defaultClass, e.classByFlag = *opts.DefaultIngressClass, true
	}
	e.Inv = model.NewInventory(e.DiffOptions())
	e.Inv.SetScope(ns)
	if opts.LiveFile == "" {
		t, err := cluster.Resolve(opts.Kube, opts.AllNamespaces)
		if err != nil {
			return nil, err
		}
		e.Target, e.writer = t, targetWriter{t}
		// The DefaultIngressClass admission plugin fills in the default
		// class where a manifest names none: that is not drift. Looked up
		// here for Load, under the request deadline (--request-timeout)
		// like any request; Run then watches IngressClasses. Without the
		// right to list them, or without a default, the rule is simply
		// not applied. A lookup that got no
		// answer from the server at all says the cluster is unreachable:
		// Load then fails at once rather than wait for the same server a
		// second time (Run starts up stale regardless). With
		// --default-ingress-class the lookup still probes the server, and
		// its answer is not used.
		name, err := cluster.DefaultIngressClass(context.Background(), t)
		var answered apierrors.APIStatus
		switch {
		case err == nil && name != "":
			e.setDefaultClass(name)
		case err != nil && !errors.As(err, &answered):
			// Renders "list ingressclasses, before the ingresses in
			// namespace x (https://…): API server did not answer within 10s
			// (--request-timeout)".
			e.unreachable = &cluster.Error{Op: "list ingressclasses, before the ingresses", Target: t, Err: err}
		}
		// Charts are rendered for the cluster's version, as its GitOps
		// controller renders them (.Capabilities.KubeVersion). Without an
		// answer they see Helm's default, as offline.
		if e.unreachable == nil {
			if v, err := cluster.ServerVersion(context.Background(), t); err == nil {
				r.SetKubeVersion(v)
			}
		}
	}
	return e, nil
}

// DiffOptions are the base diff options the inventory compares with (the
// repo's ignore rules come on top); views get the compared pair from
// model.Entry.Normalized instead.
func (e *Engine) DiffOptions() diffengine.Options {
	e.classMu.Lock()
	defer e.classMu.Unlock()
	return diffengine.Options{DefaultNamespace: e.opts.DefaultNamespace, DefaultIngressClass: e.defaultClass}
}

// setDefaultClass makes name the default IngressClass the diff assumes
// the API server fills in, both in the inventory (which recomputes every
// entry if it changed) and in the engine's own comparisons (DiffOptions),
// so that a plan compares as the list did. A class fixed by
// --default-ingress-class stays: nothing the cluster says replaces it.
func (e *Engine) setDefaultClass(name string) {
	if e.classByFlag {
		return
	}
	e.classMu.Lock()
	e.defaultClass = name
	e.classMu.Unlock()
	e.Inv.SetDefaultIngressClass(name)
}

// Load reads both sides once, concurrently, into the inventory: a single
// paginated list of the cluster (or the --live-file) and one scan of the
// repo. A cluster that cannot be listed is fatal; unreadable manifests are
// not (they become error entries); so is one that did not answer Open's
// lookup, without being asked again.
func (e *Engine) Load(ctx context.Context) error {
	if e.unreachable != nil {
		return e.unreachable
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return e.loadLive(ctx) })
	g.Go(func() error { return e.Repo.Scan(ctx, e.Inv) })
	return g.Wait()
}

func (e *Engine) loadLive(ctx context.Context) error {
	var (
		objs  []*model.LiveObject
		err   error
		state model.ConnState
	)
	if e.Target == nil {
		var d *cluster.LiveDump
		if d, err = cluster.ReadLiveDump(e.opts.LiveFile); err == nil {
			objs = d.Objects
			state = model.ConnState{Phase: model.ConnOffline, Since: time.Now(), Server: e.opts.LiveFile, Namespace: e.Inv.Scope(),
				Partial: d.Partial, Warnings: d.Warnings}
			if w := e.useDumpClass(d); w != "" {
				state.Warnings = append(state.Warnings, w)
			}
		}
	} else {
		objs, err = cluster.List(ctx, e.Target)
		state = model.ConnState{Phase: model.ConnLive, Since: time.Now(),
			Context: e.Target.Context, Server: e.Target.Server, Namespace: e.Target.Namespace}
	}
	if err != nil {
		return err
	}
	if e.opts.LiveCount != nil {
		e.opts.LiveCount(len(objs))
	}
	for _, o := range objs {
		e.Inv.UpsertLive(o)
	}
	e.Inv.SetCluster(state)
	return nil
}

// useDumpClass takes the default IngressClass from a live file, as the
// cluster lookup does live, unless --default-ingress-class fixed it. A
// dump without IngressClasses does not say the default: it returns the
// warning that says so (one per dump), and how to do better.
func (e *Engine) useDumpClass(d *cluster.LiveDump) (warning string) {
	switch {
	case e.classByFlag:
	case d.IngressClasses > 0:
		e.setDefaultClass(d.DefaultIngressClass)
	default:
		return fmt.Sprintf("%s holds no IngressClass, so the cluster's default class is not known: where the DefaultIngressClass admission plugin filled it into an Ingress whose manifest names no class, spec.ingressClassName shows as drift; dump with `%s`, or name the default with --default-ingress-class NAME (\"\" for none)",
			e.opts.LiveFile, cluster.DumpCommand)
	}
	return ""
}

// Run keeps the inventory current until ctx is done: the cluster informers
// (Ingresses, and IngressClasses for the default class) and the repo
// watch run side by side. With --live-file the live side is read once.
// Run returns when ctx is done, or early with the first side's fatal
// error.
func (e *Engine) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if e.Target == nil {
			return e.loadLive(ctx)
		}
		return cluster.Watch(ctx, e.Target, e.Inv)
	})
	if e.Target != nil {
		// A class made default (or no longer) while running counts at once.
		g.Go(func() error { return cluster.WatchDefaultIngressClass(ctx, e.Target, e.setDefaultClass) })
	}
	g.Go(func() error {
		if err := e.Repo.Scan(ctx, e.Inv); err != nil {
			return err
		}
		return e.Repo.Watch(ctx, e.Inv)
	})
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return nil
}
