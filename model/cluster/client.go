package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
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
	cfg := rest.CopyConfig(t.Config)
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
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
