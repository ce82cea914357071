package cluster

import (
	"context"
	"fmt"

	"k8s.io/client-go/discovery"
)

// ServerVersion asks the API server its Kubernetes version ("v1.37.2"):
// what Helm charts see as .Capabilities.KubeVersion, as a controller
// rendering them for this cluster would. The request deadline
// (--request-timeout, the config's Timeout) bounds it like any request.
func ServerVersion(ctx context.Context, t *Target) (string, error) {
	c, err := discovery.NewDiscoveryClientForConfig(t.baseConfig())
	if err != nil {
		return "", fmt.Errorf("client for %s: %w", t.Server, err)
	}
	info, err := c.ServerVersion()
	if err != nil {
		return "", fmt.Errorf("server version (%s): %w", t.Server, t.requestError(ctx, err))
	}
	return info.GitVersion, nil
}
