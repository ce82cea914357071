package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	networkingclient "k8s.io/client-go/kubernetes/typed/networking/v1"
	"k8s.io/client-go/rest"
)

// UserAgent identifies ingress-drift's requests in API server logs and
// audit events.
const UserAgent = "ingress-drift"

// protobufConfig returns a copy of t's config that talks protobuf, which
// the API server encodes and client-go decodes several times faster than
// JSON for built-in types such as Ingress.
func (t *Target) protobufConfig() *rest.Config {
	cfg := t.baseConfig()
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	return cfg
}

// baseConfig returns a copy of t's config with ingress-drift's user agent
// unless the kubeconfig set one.
func (t *Target) baseConfig() *rest.Config {
	cfg := rest.CopyConfig(t.Config)
	if cfg.UserAgent == "" {
		cfg.UserAgent = UserAgent
	}
	return cfg
}

// networkingClient returns a networking.k8s.io/v1 client for t. tune, when
// set, adjusts the config first.
func (t *Target) networkingClient(tune func(*rest.Config)) (networkingclient.NetworkingV1Interface, error) {
	cfg := t.protobufConfig()
	if tune != nil {
		tune(cfg)
	}
	c, err := networkingclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", t.Server, err)
	}
	return c, nil
}

// DefaultRequestTimeout bounds every request to the cluster unless
// --request-timeout says otherwise ("0" turns the bound off, as in
// kubectl). It is long enough for an API server calling a webhook with
// the default webhook timeout (10 s) to answer on its own, and short
// enough that an API server that cannot reach etcd, or a port that
// accepts connections but never completes TLS, fails `check` in seconds
// rather than after the API server's own 60 s limit.
const DefaultRequestTimeout = 10 * time.Second

// NewConfigFlags returns kubectl's connection flags (cli-runtime
// ConfigFlags) with --request-timeout defaulting to DefaultRequestTimeout
// instead of kubectl's "0" (no bound).
func NewConfigFlags() *genericclioptions.ConfigFlags {
	f := genericclioptions.NewConfigFlags(true)
	*f.Timeout = DefaultRequestTimeout.String()
	return f
}

// RequestTimeoutError is a request that the request deadline
// (rest.Config.Timeout, from --request-timeout) ended before the API
// server answered.
type RequestTimeoutError struct {
	// After is the deadline.
	After time.Duration
	// Err is what client-go returned (errors.Is(err,
	// context.DeadlineExceeded) holds).
	Err error
}

// Error says how long was waited and which flag sets it.
func (e *RequestTimeoutError) Error() string {
	return fmt.Sprintf("API server did not answer within %v (--request-timeout)", e.After)
}

// Unwrap returns the underlying error.
func (e *RequestTimeoutError) Unwrap() error { return e.Err }

// requestError returns err as a *RequestTimeoutError when t's request
// deadline, not ctx (the caller's own deadline or cancellation), ended the
// request; otherwise err unchanged.
func (t *Target) requestError(ctx context.Context, err error) error {
	if err == nil || t.Config.Timeout <= 0 || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &RequestTimeoutError{After: t.Config.Timeout, Err: err}
}

// openWatch opens a watch with open, under t's request deadline until
// the API server answers (connect, TLS, response headers): the deadline
// ends a request that gets no answer, never a stream that is open.
func (t *Target) openWatch(ctx context.Context, open func(context.Context) (watch.Interface, error)) (watch.Interface, error) {
	d := t.Config.Timeout
	if d <= 0 {
		return open(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(d, cancel)
	w, err := open(ctx)
	if !timer.Stop() {
		// The deadline fired (perhaps just as the answer came: treated as
		// late all the same). Its cancel may not have run yet, so ctx.Err
		// is no test of it.
		if w != nil {
			w.Stop()
		}
		cancel()
		return nil, &RequestTimeoutError{After: d, Err: context.DeadlineExceeded}
	}
	if err != nil {
		cancel()
		return nil, err
	}
	return &cancelOnStop{Interface: w, cancel: cancel}, nil
}

// cancelOnStop is a watch whose request context ends when it is stopped.
type cancelOnStop struct {
	watch.Interface
	cancel context.CancelFunc
}

// Stop stops the watch and releases its request context.
func (w *cancelOnStop) Stop() {
	w.Interface.Stop()
	w.cancel()
}
