package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/pager"

	"github.com/ingress-drift/ingress-drift/model"
)

// ListPageSize is the page size of List: kubectl's default chunk size, a
// good balance between round trips and the API server's per-request memory.
const ListPageSize = 500

// List does one paginated list of the Ingresses in t's scope (client-go
// pager, protobuf, ListPageSize per page) and returns them as LiveObjects.
// Pages are converted as they arrive, while the pager already fetches the
// next one, and each converted object stops referring to its page, so the
// raw managedFields of a page are garbage as soon as it is converted.
//
// It is what `ingress-drift check` uses: one pass, no informer, no cache.
// An expired continue token makes the pager fall back to a full list.
func List(ctx context.Context, t *Target) ([]*model.LiveObject, error) {
	client, err := t.networkingClient(func(cfg *rest.Config) {
		// client-go's default limiter (5 QPS, burst 10) would add seconds to
		// a 20-page list; a one-shot list of a few dozen pages is not the
		// traffic it is meant to smooth.
		if cfg.QPS == 0 && cfg.RateLimiter == nil {
			cfg.QPS, cfg.Burst = 50, 100
		}
	})
	if err != nil {
		return nil, err
	}
	ingresses := client.Ingresses(t.Namespace)
	p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
		return ingresses.List(ctx, opts)
	}))
	p.PageSize = ListPageSize
	p.PageBufferSize = 2
	var out []*model.LiveObject
	err = p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		ing, ok := obj.(*networkingv1.Ingress)
		if !ok {
			return fmt.Errorf("unexpected %T in an Ingress list", obj)
		}
		out = append(out, LiveObjectFrom(ing))
		return nil
	})
	if err != nil {
		return nil, &Error{Op: "list ingresses", Target: t, Err: t.requestError(ctx, err)}
	}
	return out, nil
}

// Error is a failed request to the cluster. Its message says what was
// attempted, where, and what went wrong in words (see DescribeError).
type Error struct {
	// Op is what was attempted, e.g. "list ingresses".
	Op string
	// Target is the cluster and scope.
	Target *Target
	// Err is the underlying error.
	Err error
}

// Error renders "list ingresses in namespace x (https://…): Forbidden: …".
func (e *Error) Error() string {
	return fmt.Sprintf("%s in %s (%s): %s", e.Op, e.Target.Scope(), e.Target.Server, DescribeError(e.Err))
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// DescribeError renders a client-go error in words a person acting on it
// needs: "API server unreachable: dial tcp 127.0.0.1:6443: connect:
// connection refused", "API server did not answer within 10s
// (--request-timeout)", "API server did not answer in time (context
// deadline exceeded)" (the caller's deadline), "Forbidden: User "x" cannot list resource
// "ingresses" … in the namespace "y"", "Unauthorized: …", an admission
// denial as the server words it ("admission webhook "x" denied the
// request: …", "… ValidatingAdmissionPolicy 'p' with binding 'b' denied
// request: …"), and validation errors with the field and the reason
// ("Invalid: Ingress.networking.k8s.io "shop" is invalid:
// spec.rules[0].http.paths[0].path: Invalid value: "api": must be an
// absolute path").
func DescribeError(err error) string {
	if err == nil {
		return ""
	}
	var timeout *RequestTimeoutError
	if errors.As(err, &timeout) {
		return timeout.Error()
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		s := status.Status()
		reason := string(s.Reason)
		if reason == "" {
			reason = fmt.Sprintf("HTTP %d", s.Code)
		}
		msg := s.Message
		// An admission denial says who denied it and why; its reason word
		// is whatever the webhook or policy chose (often Invalid or
		// BadRequest, which would only mislead).
		if admissionDenial(msg) {
			return msg
		}
		// The server's message for Forbidden already names the user, verb,
		// resource and namespace; other reasons repeat the reason word.
		if msg == "" || strings.EqualFold(msg, reason) {
			return reason
		}
		return reason + ": " + msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// The caller's deadline: the connection may be fine, the server
		// is slow or stuck (or a webhook it calls is).
		return "API server did not answer in time (" + context.DeadlineExceeded.Error() + ")"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return "API server unreachable: " + opErr.Error()
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if urlErr.Timeout() {
			return "API server unreachable: " + urlErr.Err.Error()
		}
		return urlErr.Err.Error()
	}
	return err.Error()
}

// admissionDenial reports whether msg is an admission webhook's or a
// ValidatingAdmissionPolicy's denial (the API server's wording).
func admissionDenial(msg string) bool {
	return (strings.Contains(msg, "admission webhook \"") && strings.Contains(msg, "denied the request")) ||
		(strings.Contains(msg, "ValidatingAdmissionPolicy '") && strings.Contains(msg, "denied request"))
}
