package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-logr/logr"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// Watch runs a shared informer on networking.k8s.io/v1 Ingresses in t's
// scope and feeds sink until ctx is done; it then returns nil. It returns an
// error only when the informer cannot be set up at all: a cluster that
// cannot be reached, or that refuses us, is a connection state, not an
// error, and the informer keeps retrying.
//
// Every object goes through LiveObjectFrom once, in the informer's
// transform hook, so the informer's store never holds managedFields or the
// last-applied annotation; event handlers hand the prepared LiveObject to
// sink.UpsertLive and deletions to sink.DeleteLive.
//
// Connection state goes to sink.SetCluster, with t's context, server and
// namespace filled in:
//   - syncing, from the start until the first full list has been delivered;
//   - live, from then on;
//   - stale (Since = the first failure, Err = DescribeError of the latest)
//     as soon as a list or watch request fails: API server unreachable,
//     Forbidden, Unauthorized, a TLS failure…;
//   - live again when a list or watch request succeeds.
//
// List requests carry t's request timeout (--request-timeout); watch
// requests carry it until the API server answers, never on the open
// stream. Recovery is the reflector's own relist and backoff (0.8 s doubling to a
// 30 s cap); Watch only observes, through a wrapped ListWatch and the
// informer's watch error handler. The informer logs nothing: what it would
// log to stderr (and so over a TUI) is in the connection state instead.
func Watch(ctx context.Context, t *Target, sink model.LiveSink) error {
	lists, err := t.networkingClient(nil)
	if err != nil {
		return err
	}
	// A client-wide timeout would end every watch stream after it (client-go
	// applies it to the whole request and sends it as ?timeout=), so
	// watches get their deadline from openWatch instead.
	watches, err := t.networkingClient(func(cfg *rest.Config) { cfg.Timeout = 0 })
	if err != nil {
		return err
	}
	st := newConnTracker(t, sink)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			obj, err := lists.Ingresses(t.Namespace).List(ctx, opts)
			err = t.requestError(ctx, err)
			st.observe(err)
			return obj, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			w, err := t.openWatch(ctx, func(ctx context.Context) (watch.Interface, error) {
				return watches.Ingresses(t.Namespace).Watch(ctx, opts)
			})
			st.observe(err)
			return w, err
		},
	}
	inf := cache.NewSharedIndexInformerWithOptions(lw, &networkingv1.Ingress{}, cache.SharedIndexInformerOptions{
		ObjectDescription: "ingresses",
	})
	if err := inf.SetTransform(transform); err != nil {
		return fmt.Errorf("watch ingresses: %w", err)
	}
	if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		st.observe(err)
	}); err != nil {
		return fmt.Errorf("watch ingresses: %w", err)
	}
	reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { upsert(sink, obj) },
		UpdateFunc: func(_, obj any) { upsert(sink, obj) },
		DeleteFunc: func(obj any) { remove(sink, obj) },
	})
	if err != nil {
		return fmt.Errorf("watch ingresses: %w", err)
	}

	ctx = klog.NewContext(ctx, logr.Discard())
	var wg sync.WaitGroup
	wg.Go(func() { inf.RunWithContext(ctx) })
	select {
	case <-reg.HasSyncedChecker().Done():
		st.synced()
	case <-ctx.Done():
	}
	<-ctx.Done()
	// While the API server is unreachable, client-go's watch-list reflector
	// sleeps out its backoff (up to 30 s) without looking at the context
	// (reflector.go, watchList). Quitting must not wait for that: after a
	// short grace the informer is left to end on its own; all it can still
	// do is report a connection state nobody reads.
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(ShutdownGrace):
	}
	return nil
}

// ShutdownGrace is how long Watch waits, once its context is done, for the
// informer to stop.
const ShutdownGrace = 500 * time.Millisecond

// stored is what the informer's store holds: the prepared Ingress (which
// gives the store its namespace/name keys) and the LiveObject made from it.
type stored struct {
	*networkingv1.Ingress
	live *model.LiveObject
}

// transform runs once per object arrival (add, update, delete, relist). It
// must be idempotent: the informer may pass objects that already went
// through it.
func transform(obj any) (any, error) {
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		live := LiveObjectFrom(o)
		return &stored{Ingress: live.Ingress, live: live}, nil
	default:
		return obj, nil
	}
}

func upsert(sink model.LiveSink, obj any) {
	if s, ok := obj.(*stored); ok {
		sink.UpsertLive(s.live)
	}
}

func remove(sink model.LiveSink, obj any) {
	switch o := obj.(type) {
	case *stored:
		sink.DeleteLive(o.live.Key())
	case cache.DeletedFinalStateUnknown:
		// Missed while disconnected and found gone on the relist.
		if ns, name, err := cache.SplitMetaNamespaceKey(o.Key); err == nil {
			sink.DeleteLive(model.Key{Namespace: ns, Name: name})
		}
	}
}

// connTracker turns the outcomes of list and watch requests into
// connection states, and reports each change once.
type connTracker struct {
	mu    sync.Mutex
	sink  model.LiveSink
	state model.ConnState
	// listed is set once the first full list reached the handlers.
	listed bool
}

func newConnTracker(t *Target, sink model.LiveSink) *connTracker {
	c := &connTracker{sink: sink, state: model.ConnState{
		Phase:     model.ConnSyncing,
		Since:     time.Now(),
		Context:   t.Context,
		Server:    t.Server,
		Namespace: t.Namespace,
	}}
	sink.SetCluster(c.state)
	return c
}

// observe records the outcome of one list or watch request.
func (c *connTracker) observe(err error) {
	if err == nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		// Before the first sync, success shows as live only once the whole
		// list has been delivered (synced does that).
		if c.listed && c.state.Phase != model.ConnLive {
			c.set(model.ConnLive, "")
		}
		return
	}
	if benign(err) {
		return
	}
	msg := DescribeError(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Phase == model.ConnStale && c.state.Err == msg {
		return
	}
	c.set(model.ConnStale, msg)
}

// synced records that the first full list has reached the handlers.
func (c *connTracker) synced() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listed = true
	c.set(model.ConnLive, "")
}

// set changes the state and reports it. Since moves only when the phase
// changes: a stale connection whose error changes is still stale since
// its first failure. Callers hold mu, which keeps reports in order.
func (c *connTracker) set(phase model.ConnPhase, msg string) {
	if c.state.Phase != phase {
		c.state.Since = time.Now()
	}
	c.state.Phase = phase
	c.state.Err = msg
	c.sink.SetCluster(c.state)
}

// benign errors are part of normal operation: our own shutdown, a watch
// stream that ended (the reflector opens the next one at once, and if that
// fails, that failure is reported), and an expired resource version or
// continue token, which the reflector answers with a relist.
func benign(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}
