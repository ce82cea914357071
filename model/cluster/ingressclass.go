package cluster

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// defaultClassAnnotation marks the IngressClass that the DefaultIngressClass
// admission plugin writes into Ingresses created without a class.
const defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class"

// DefaultIngressClass returns the name of the cluster's default IngressClass
// ("" when there is none), chosen as the admission plugin does: among the
// classes annotated as default, the newest. The diff treats that class as
// not drift when a manifest names no class. A user who may not list
// IngressClasses gets "" and the error; the caller carries on without it.
func DefaultIngressClass(ctx context.Context, t *Target) (string, error) {
	c, err := t.networkingClient(nil)
	if err != nil {
		return "", err
	}
	list, err := c.IngressClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", fmt.Errorf("list ingressclasses (%s): %w", t.Server, t.requestError(ctx, err))
	}
	name, newest := "", metav1.Time{}
	for _, ic := range list.Items {
		if ic.Annotations[defaultClassAnnotation] != "true" {
			continue
		}
		if name == "" || newest.Before(&ic.CreationTimestamp) {
			name, newest = ic.Name, ic.CreationTimestamp
		}
	}
	return name, nil
}
