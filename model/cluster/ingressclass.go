package cluster

import (
	"context"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
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
	classes := make([]*networkingv1.IngressClass, len(list.Items))
	for i := range list.Items {
		classes[i] = &list.Items[i]
	}
	return chooseDefaultClass(classes), nil
}

// chooseDefaultClass picks the default among classes as the
// DefaultIngressClass admission plugin does (k8s.io/kubernetes
// plugin/pkg/admission/network/defaultingressclass, getDefaultClass):
// among those annotated as default, the newest by creationTimestamp, and
// between equally new ones (the timestamp counts seconds) the first by
// name; "" when none is annotated. The one chooser for the lookup and the
// watch (classwatch.go), whatever order the classes come in.
func chooseDefaultClass(classes []*networkingv1.IngressClass) string {
	var best *networkingv1.IngressClass
	for _, ic := range classes {
		if ic.Annotations[defaultClassAnnotation] != "true" {
			continue
		}
		if best == nil || best.CreationTimestamp.Before(&ic.CreationTimestamp) ||
			best.CreationTimestamp.Equal(&ic.CreationTimestamp) && ic.Name < best.Name {
			best = ic
		}
	}
	if best == nil {
		return ""
	}
	return best.Name
}
