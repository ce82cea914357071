package cluster

import (
	"context"
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
)

// ClassRefusedRetry is how long WatchDefaultIngressClass waits before it
// asks again for IngressClasses the API server refused (Forbidden, or not
// served).
const ClassRefusedRetry = 5 * time.Minute

// WatchDefaultIngressClass keeps the cluster's default IngressClass
// current until ctx is done, then returns nil; it returns an error only
// when the informer cannot be set up. A shared informer on IngressClasses
// (cluster-scoped) chooses the default as DefaultIngressClass does, once
// its first list is in and again after every add, update or delete (and
// relist), and calls set with the first choice and with every choice that
// differs from the one before. set runs on one goroutine, never after
// WatchDefaultIngressClass has returned.
//
// IngressClasses only refine the diff: while they cannot be read, the
// rule "the default class is not drift" stays as it was (not applied, if
// the first list fails). So this watch reports no connection state and
// logs nothing: the Ingress watch (Watch) says how the cluster answers.
// A refusal (a user whose RBAC does not cover IngressClasses, which a
// namespaced Role cannot grant) is asked again only after
// ClassRefusedRetry, not on the reflector's backoff (0.8 s doubling to a
// 30 s cap), which would put a 403 in the API server's audit log twice a
// minute for the whole session; other failures (the API server
// unreachable) keep the reflector's backoff.
func WatchDefaultIngressClass(ctx context.Context, t *Target, set func(name string)) error {
	lists, err := t.networkingClient(nil)
	if err != nil {
		return err
	}
	// As in Watch: a client-wide timeout would end every watch stream.
	watches, err := t.networkingClient(func(cfg *rest.Config) { cfg.Timeout = 0 })
	if err != nil {
		return err
	}
	gate := &refusalGate{retry: t.tuning.classRetryEvery()}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (obj runtime.Object, err error) {
			err = gate.ask(ctx, func() error {
				obj, err = lists.IngressClasses().List(ctx, opts)
				return t.requestError(ctx, err)
			})
			return obj, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (w watch.Interface, err error) {
			err = gate.ask(ctx, func() error {
				w, err = t.openWatch(ctx, func(ctx context.Context) (watch.Interface, error) {
					return watches.IngressClasses().Watch(ctx, opts)
				})
				return err
			})
			return w, err
		},
	}
	inf := cache.NewSharedIndexInformerWithOptions(lw, &networkingv1.IngressClass{},
		cache.SharedIndexInformerOptions{ObjectDescription: "ingressclasses"})
	quiet := logr.Discard()
	// The default handler would log every failure to stderr (over a TUI).
	if err := inf.SetWatchErrorHandlerWithContext(func(context.Context, *cache.Reflector, error) {}); err != nil {
		return err
	}
	// The handlers only wake the loop below, which reads the store: a
	// burst of changes (a relist) costs one choice.
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	reg, err := inf.AddEventHandlerWithOptions(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}, cache.HandlerOptions{Logger: &quiet})
	if err != nil {
		return err
	}
	ctx = klog.NewContext(ctx, quiet)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		inf.RunWithContext(ctx)
	}()

	// Nothing is chosen before the first list is in: the classes of a
	// list arriving one by one could name a default the list disproves.
	select {
	case <-ctx.Done():
	case <-reg.HasSyncedChecker().Done():
		follow(ctx, inf.GetStore(), changed, set)
	}
	// As in Watch: the reflector may be sleeping out a backoff that does
	// not look at ctx; it is left to end on its own after a short grace.
	select {
	case <-stopped:
	case <-time.After(ShutdownGrace):
	}
	return nil
}

// follow calls set with the default chosen from store now, and again
// after each wake-up on changed when the choice differs, until ctx is done.
func follow(ctx context.Context, store cache.Store, changed <-chan struct{}, set func(string)) {
	last := chooseDefaultClass(classesIn(store))
	set(last)
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
		if name := chooseDefaultClass(classesIn(store)); name != last {
			set(name)
			last = name
		}
	}
}

// classesIn returns the IngressClasses in an informer's store.
func classesIn(store cache.Store) []*networkingv1.IngressClass {
	objs := store.List()
	out := make([]*networkingv1.IngressClass, 0, len(objs))
	for _, o := range objs {
		if ic, ok := o.(*networkingv1.IngressClass); ok {
			out = append(out, ic)
		}
	}
	return out
}

// refusalGate spaces out requests that the API server refuses: after a
// Forbidden or NotFound answer, the next request waits until retry has
// passed. Other outcomes leave requests to the reflector's own backoff.
type refusalGate struct {
	retry time.Duration

	mu   sync.Mutex
	next time.Time // no request before this
}

// ask runs do, after waiting out a refusal if the last answer was one;
// it returns ctx's error, without asking, if ctx ends first.
func (g *refusalGate) ask(ctx context.Context, do func() error) error {
	g.mu.Lock()
	wait := time.Until(g.next)
	g.mu.Unlock()
	if wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
	err := do()
	if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
		g.mu.Lock()
		g.next = time.Now().Add(g.retry)
		g.mu.Unlock()
	}
	return err
}
