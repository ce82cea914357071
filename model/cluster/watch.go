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
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"github.com/ingress-drift/ingress-drift/model"
)

// Watch runs an informer on networking.k8s.io/v1 Ingresses in t's scope
// and feeds sink until ctx is done; it then returns nil. It returns an
// error only when the informer cannot be set up at all: a cluster that
// cannot be reached, or that refuses us, is a connection state, not an
// error, and the informer keeps retrying.
//
// Every object goes through LiveObjectFrom once, in the queue's transform
// hook, so the store never holds managedFields or the last-applied
// annotation; the prepared LiveObject goes to sink.UpsertLive and
// deletions to sink.DeleteLive, synchronously, in the order the API
// server reported them.
//
// Connection state goes to sink.SetCluster, with t's context, server and
// namespace filled in:
//   - syncing, from the start until the first full list has been delivered;
//   - live once a full list (the first one, or a relist) has been
//     delivered to sink, and no request has failed since it was made;
//   - stale (Since = the first failure, Err = DescribeError of the latest)
//     as soon as a list or watch request fails, or an open watch reports
//     an error: API server unreachable or not answering within the
//     request deadline, Forbidden, Unauthorized, a TLS failure, etcd
//     trouble reported by the API server…; when a request succeeds again,
//     Err says so at once (ReconnectedErr) while the relist is delivered.
//
// Why a relist after every failure: a watch resumed from the last
// resource version replays what was missed, but nothing marks the end of
// the replay, so there is no moment at which "live" would be known to be
// true. A relist ends in one Replace, after which Watch queues a marker
// behind the Replace's deltas in the same queue; the marker reaching the
// sink is that moment. So after a failure Watch refuses the reflector's
// resumed watch, which sends the reflector back to a (watch-)list.
//
// An open watch says nothing when the API server loses etcd, so once the
// first list is in, Watch also reads one Ingress every ProbeInterval; a
// failure makes the state stale and ends the watch, so that the reflector
// relists.
//
// While stale, the probe runs every StaleProbeInterval; its first success
// replaces the error at once (ReconnectedErr) and, unless a request of
// the reflector's has already succeeded, replaces the reflector by a new
// one that relists at once: the old one may be sleeping out a backoff of
// up to a minute (0.8 s doubling to a 30 s cap, with jitter).
//
// Deadlines: list requests carry t's request timeout (--request-timeout);
// watch requests carry it until the API server answers, never on the
// open stream. The informer logs nothing: what
// it would log to stderr (and so over a TUI) is in the connection state
// instead.
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
	// A request of a reflector that has been replaced (see reflectors)
	// ends with its context; that says nothing about the connection.
	observe := func(ctx context.Context, err error) {
		if ctx.Err() == nil {
			st.observe(err)
		}
	}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			obj, err := lists.Ingresses(t.Namespace).List(ctx, opts)
			err = t.requestError(ctx, err)
			observe(ctx, err)
			return obj, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			relist := opts.SendInitialEvents != nil && *opts.SendInitialEvents
			if !relist && !st.mayResume() {
				return nil, errRelist
			}
			w, err := t.openWatch(ctx, func(ctx context.Context) (watch.Interface, error) {
				return watches.Ingresses(t.Namespace).Watch(ctx, opts)
			})
			observe(ctx, err)
			if err != nil && !relist && !benign(err) {
				// Not the error itself: the reflector would retry a refused
				// connection by resuming the watch, which then replays
				// with no end marker (see above).
				return nil, errRelist
			}
			if err != nil {
				return nil, err
			}
			return st.watching(newObservedWatch(w, st)), nil
		},
	}
	store := cache.NewStore(cache.DeletionHandlingMetaNamespaceKeyFunc)
	queue := &markingQueue{
		RealFIFO: cache.NewRealFIFOWithOptions(cache.RealFIFOOptions{
			Name:         "ingresses",
			KeyFunction:  queueKey,
			KnownObjects: store,
			Transformer:  transform,
		}),
		st: st,
	}
	rs := newReflectors(lw, queue, t.tuning.backoff)

	ctx = klog.NewContext(ctx, logr.Discard())
	var wg sync.WaitGroup
	wg.Go(func() { rs.run(ctx, &wg) })
	wg.Go(func() {
		<-ctx.Done()
		queue.Close()
	})
	wg.Go(func() {
		for {
			_, err := queue.Pop(func(obj any, _ bool) error {
				deltas, ok := obj.(cache.Deltas)
				if !ok {
					return fmt.Errorf("watch ingresses: queue gave %T, want cache.Deltas", obj)
				}
				return deliver(store, sink, st, deltas)
			})
			if errors.Is(err, cache.ErrFIFOClosed) {
				return
			}
		}
	})
	wg.Go(func() {
		st.probe(ctx, t.tuning.probeEvery(), func(ctx context.Context) error {
			_, err := lists.Ingresses(t.Namespace).List(ctx, metav1.ListOptions{Limit: 1})
			return t.requestError(ctx, err)
		}, rs.requestRestart)
	})
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

// relistDone is the marker markingQueue queues behind a Replace: when
// deliver reaches it, everything the relist changed is in the sink.
type relistDone struct {
	// failures is the tracker's failure count when the relist was queued.
	failures uint64
}

// relistDoneKey is the marker's queue key; no namespace/name key can
// contain a NUL.
const relistDoneKey = "\x00relist"

// queueKey is the queue's key function: the marker's key, or
// namespace/name.
func queueKey(obj any) (string, error) {
	if _, ok := obj.(relistDone); ok {
		return relistDoneKey, nil
	}
	return cache.MetaNamespaceKeyFunc(obj)
}

// markingQueue is the informer's queue (client-go's in-order RealFIFO)
// with a relistDone marker queued right after every Replace, that is
// after the deletions and replacements the Replace queued. The reflector
// is the only writer, so nothing can come between.
type markingQueue struct {
	*cache.RealFIFO
	st *connTracker
}

// Replace queues a relist's deltas, then the marker.
func (q *markingQueue) Replace(list []any, resourceVersion string) error {
	if err := q.RealFIFO.Replace(list, resourceVersion); err != nil {
		return err
	}
	return q.RealFIFO.Add(relistDone{failures: q.st.replaced()})
}

// deliver applies one queue item to store (which tells the queue, on the
// next Replace, what has disappeared) and to sink, or reports a marker.
// It runs on the informer's single processing goroutine, so sink sees
// every change in queue order and a marker only after the changes queued
// before it.
func deliver(store cache.Store, sink model.LiveSink, st *connTracker, deltas cache.Deltas) error {
	for _, d := range deltas {
		switch o := d.Object.(type) {
		case relistDone:
			st.relisted(o.failures)
			continue
		case cache.DeletedFinalStateUnknown:
			if _, ok := o.Obj.(relistDone); ok {
				// A marker still queued at the next Replace looks deleted
				// to it; it is not an object.
				continue
			}
		}
		if d.Type == cache.Deleted {
			if err := store.Delete(d.Object); err != nil {
				return fmt.Errorf("watch ingresses: %w", err)
			}
			remove(sink, d.Object)
			continue
		}
		s, ok := d.Object.(*stored)
		if !ok {
			return fmt.Errorf("watch ingresses: unexpected %T in the queue", d.Object)
		}
		old, exists, err := store.Get(s)
		if err != nil {
			return fmt.Errorf("watch ingresses: %w", err)
		}
		if err := store.Update(s); err != nil {
			return fmt.Errorf("watch ingresses: %w", err)
		}
		// A relist hands back every object; one the sink already has at
		// this resourceVersion has not changed (client-go's shared
		// informer skips these the same way).
		if prev, _ := old.(*stored); exists && prev != nil && d.Type == cache.Replaced && prev.ResourceVersion == s.ResourceVersion {
			continue
		}
		sink.UpsertLive(s.live)
	}
	return nil
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

// errRelist refuses a resumed watch after a failure, so that the
// reflector relists instead (see Watch). It is not retriable for the
// reflector, which then returns to its list step after its backoff.
var errRelist = errors.New("relist after a failed request")

// observedWatch passes a watch's events through and reports the error
// events (an API server that lost etcd, a server-side timeout…) to the
// tracker, which the reflector alone would only log.
type observedWatch struct {
	in   watch.Interface
	out  chan watch.Event
	done chan struct{}
	once sync.Once
}

func newObservedWatch(in watch.Interface, st *connTracker) *observedWatch {
	w := &observedWatch{in: in, out: make(chan watch.Event), done: make(chan struct{})}
	go func() {
		defer close(w.out)
		for ev := range in.ResultChan() {
			if ev.Type == watch.Error {
				st.observe(apierrors.FromObject(ev.Object))
			}
			select {
			case w.out <- ev:
			case <-w.done:
				return
			}
		}
	}()
	return w
}

// ResultChan returns the events.
func (w *observedWatch) ResultChan() <-chan watch.Event { return w.out }

// Stop stops the underlying watch and the forwarding.
func (w *observedWatch) Stop() {
	w.once.Do(func() {
		close(w.done)
		w.in.Stop()
	})
}

// ReconnectedErr is a stale state's Err once a request succeeds again:
// the API server answers, the rows are still the old ones until the
// relist has been delivered.
const ReconnectedErr = "API server answers again; ingresses not re-read yet"

// ProbeInterval is how often Watch asks the API server for one Ingress
// (a consistent read, which needs etcd) once the first list is in: an
// open watch says nothing when the API server has lost etcd, and the
// reflector's next retry after an outage can be up to a minute away.
const ProbeInterval = 5 * time.Second

// watchTuning is what a test may change about the Watches on one Target
// (export_test.go), so that tests wait for events rather than for
// production's intervals, and tests running in parallel do not share the
// setting. The zero value is production's.
type watchTuning struct {
	// backoff is the reflectors' retry backoff; nil is client-go's
	// default.
	backoff *wait.Backoff
	// probeInterval replaces ProbeInterval when set.
	probeInterval time.Duration
	// classRetry replaces ClassRefusedRetry when set.
	classRetry time.Duration
}

// probeEvery is the probe's interval while the state is live.
func (w watchTuning) probeEvery() time.Duration {
	if w.probeInterval > 0 {
		return w.probeInterval
	}
	return ProbeInterval
}

// classRetryEvery is how long WatchDefaultIngressClass waits after a
// refusal.
func (w watchTuning) classRetryEvery() time.Duration {
	if w.classRetry > 0 {
		return w.classRetry
	}
	return ClassRefusedRetry
}

// connTracker turns the outcomes of list and watch requests, and the
// delivery of relists, into connection states, and reports each change
// once.
type connTracker struct {
	mu    sync.Mutex
	sink  model.LiveSink
	state model.ConnState
	// failures counts failed requests; a relist queued before the latest
	// failure does not make the state live.
	failures uint64
	// resumable is true while no request has failed since the latest
	// relist was queued: only then may a watch resume where it left off.
	resumable bool
	// watch is the latest watch handed to the reflector.
	watch *observedWatch
}

// watching records w as the reflector's current watch and returns it.
func (c *connTracker) watching(w *observedWatch) *observedWatch {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watch = w
	return w
}

// probe asks ask every interval once the state has left syncing,
// every StaleProbeInterval while it is stale, and records the outcome
// like any request's. A failure while the watch is open also ends the
// watch: the reflector then relists (the watch may resume only after a
// relist, see Watch), and that relist being delivered is what makes the
// state live again. A success that is the first answer after failures
// calls restart: the reflector may be sleeping out a long backoff, and
// the relist should start now.
func (c *connTracker) probe(ctx context.Context, interval time.Duration, ask func(context.Context) error, restart func()) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if c.phase() != model.ConnSyncing {
			c.probeOnce(ctx, ask, restart)
		}
		next := interval
		if c.phase() == model.ConnStale {
			next = StaleProbeInterval
		}
		timer.Reset(next)
	}
}

func (c *connTracker) probeOnce(ctx context.Context, ask func(context.Context) error, restart func()) {
	err := ask(ctx)
	if ctx.Err() != nil {
		return
	}
	if err == nil {
		if c.answered() {
			restart()
		}
		return
	}
	c.observe(err)
	if benign(err) {
		return
	}
	c.mu.Lock()
	w := c.watch
	c.mu.Unlock()
	if w != nil {
		w.Stop()
	}
}

func (c *connTracker) phase() model.ConnPhase {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.Phase
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

// observe records the outcome of one list or watch request, or an error
// an open watch reported.
func (c *connTracker) observe(err error) {
	if err == nil {
		c.answered()
		return
	}
	if benign(err) {
		return
	}
	msg := DescribeError(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures++
	c.resumable = false
	if c.state.Phase == model.ConnStale && c.state.Err == msg {
		return
	}
	c.set(model.ConnStale, msg)
}

// answered records a successful request, and reports whether it is the
// first since a failure: the old error no longer describes the
// connection, and says so at once; the rows are still stale until a
// relist is delivered (relisted).
func (c *connTracker) answered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Phase != model.ConnStale || c.state.Err == ReconnectedErr {
		return false
	}
	c.set(model.ConnStale, ReconnectedErr)
	return true
}

// replaced records that the reflector queued a relist, and returns the
// failure count for its marker.
func (c *connTracker) replaced() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resumable = true
	return c.failures
}

// mayResume reports whether a watch may resume from the last resource
// version: no request has failed since the latest relist was queued.
func (c *connTracker) mayResume() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resumable
}

// relisted records that a relist queued at failure count failures has
// been delivered to the sink: live, unless a request failed since.
func (c *connTracker) relisted(failures uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if failures == c.failures && c.state.Phase != model.ConnLive {
		c.set(model.ConnLive, "")
	}
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
