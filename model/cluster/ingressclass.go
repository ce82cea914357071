package cluster

import (
	"context"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// defaultClassAnnotation marks the IngressClass that the DefaultIngressClass
// admission plugin writes into Ingresses created without a class.
const defaultClassAnnotation = networkingv1.AnnotationIsDefaultIngressClass

// DumpCommand is how to save a live file (--live-file) that holds all a
// check needs: the IngressClasses (for the default class), the Ingresses,
// and their managedFields (for attribution; kubectl hides them unless
// asked).
const DumpCommand = "kubectl get ingressclass,ingress -A -o yaml --show-managed-fields"

// DefaultIngressClass returns the name of the cluster's default IngressClass
// ("" when there is none), chosen as the admission plugin does
// (chooseDefaultClass). The diff treats that class as not drift when a manifest
// names no class. A user who may not list IngressClasses gets "" and the
// error; the caller carries on without it.
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

// chooseDefaultClass returns the name of the class the DefaultIngressClass
// admission plugin fills into an Ingress created without one ("" when no
// class is marked default), chosen as getDefaultClass in k8s.io/kubernetes
// plugin/pkg/admission/network/defaultingressclass (v1.37.2) chooses it:
// among the classes annotated ingressclass.kubernetes.io/is-default-class:
// "true" (exactly "true"), the newest by creationTimestamp, and between
// equally new ones (the timestamp counts seconds) the first by name,
// whatever order the classes come in. The one chooser for the cluster
// lookup, the watch (classwatch.go) and a --live-file's classes, so that
// offline and live agree.
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
