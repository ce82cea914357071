package cluster

import (
	"context"
	"sync"
	"time"

	"github.com/go-logr/logr"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"
)

// StaleProbeInterval is how often Watch asks the API server for one
// Ingress while the state is stale: the reflector may be sleeping out a
// backoff of up to a minute, and the first answer should both replace the
// outdated error and start the relist.
const StaleProbeInterval = time.Second

// reflectors runs one client-go reflector at a time over a shared queue,
// and replaces it on request by a new one, which lists at once instead
// of after the old one's backoff. A replaced reflector may still be
// running for a while (client-go's watch-list backoff sleep does not look
// at the context); what it would still write is dropped, so the queue
// keeps a single writer and the relist marker keeps its meaning.
type reflectors struct {
	lw    cache.ListerWatcher
	queue cache.ReflectorStore
	log   logr.Logger
	// backoff is the reflectors' retry backoff; nil is client-go's
	// default (0.8 s doubling to a 30 s cap).
	backoff *wait.Backoff

	mu  sync.Mutex
	gen uint64 // the current reflector's generation

	restart chan struct{}
}

func newReflectors(lw cache.ListerWatcher, queue cache.ReflectorStore, backoff *wait.Backoff) *reflectors {
	return &reflectors{lw: lw, queue: queue, log: logr.Discard(), backoff: backoff, restart: make(chan struct{}, 1)}
}

// requestRestart asks run to replace the current reflector; requests made
// before it got to the previous one count once.
func (rs *reflectors) requestRestart() {
	select {
	case rs.restart <- struct{}{}:
	default:
	}
}

// run starts a reflector, and a new one (cancelling the old one's
// context) on every requestRestart, until ctx is done. Reflectors run in
// wg, so that a caller can wait for them.
func (rs *reflectors) run(ctx context.Context, wg *sync.WaitGroup) {
	for {
		rs.mu.Lock()
		rs.gen++
		store := &genStore{rs: rs, gen: rs.gen}
		rs.mu.Unlock()
		r := cache.NewReflectorWithOptions(rs.lw, &networkingv1.Ingress{}, store, cache.ReflectorOptions{
			Name:            "ingresses",
			TypeDescription: "ingresses",
			Logger:          &rs.log,
			Backoff:         rs.backoff,
		})
		rctx, cancel := context.WithCancel(ctx)
		wg.Go(func() { r.RunWithContext(rctx) })
		select {
		case <-ctx.Done():
			cancel()
			return
		case <-rs.restart:
			cancel()
		}
	}
}

// genStore is one reflector's view of the shared queue: it forwards while
// its reflector is the current one, and drops writes afterwards.
type genStore struct {
	rs  *reflectors
	gen uint64
}

// forward runs f on the queue if g's reflector is current, holding the
// lock so that a restart cannot come between the check and the write.
func (g *genStore) forward(f func(q cache.ReflectorStore) error) error {
	g.rs.mu.Lock()
	defer g.rs.mu.Unlock()
	if g.gen != g.rs.gen {
		return nil
	}
	return f(g.rs.queue)
}

// Add forwards to the queue.
func (g *genStore) Add(obj any) error {
	return g.forward(func(q cache.ReflectorStore) error { return q.Add(obj) })
}

// Update forwards to the queue.
func (g *genStore) Update(obj any) error {
	return g.forward(func(q cache.ReflectorStore) error { return q.Update(obj) })
}

// Delete forwards to the queue.
func (g *genStore) Delete(obj any) error {
	return g.forward(func(q cache.ReflectorStore) error { return q.Delete(obj) })
}

// Replace forwards to the queue (which queues the relist marker behind).
func (g *genStore) Replace(list []any, resourceVersion string) error {
	return g.forward(func(q cache.ReflectorStore) error { return q.Replace(list, resourceVersion) })
}

// Resync forwards to the queue.
func (g *genStore) Resync() error {
	return g.forward(func(q cache.ReflectorStore) error { return q.Resync() })
}

// Bookmark forwards a watch bookmark to the queue, if it takes them.
func (g *genStore) Bookmark(resourceVersion string) error {
	return g.forward(func(q cache.ReflectorStore) error {
		if b, ok := q.(cache.ReflectorBookmarkStore); ok {
			return b.Bookmark(resourceVersion)
		}
		return nil
	})
}

// Transformer is the queue's transform, which the reflector also applies
// to a watch-list's temporary store.
func (g *genStore) Transformer() cache.TransformFunc {
	if t, ok := g.rs.queue.(cache.TransformingStore); ok {
		return t.Transformer()
	}
	return nil
}
