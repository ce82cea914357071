package cluster

import (
	"context"
	"fmt"
	"sort"

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
// (defaultClassOf). The diff treats that class as not drift when a manifest
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
	return defaultClassOf(classes), nil
}

// defaultClassOf returns the name of the class the DefaultIngressClass
// admission plugin fills into an Ingress created without one ("" when no
// class is marked default). It is the plugin's choice, as getDefaultClass
// in k8s.io/kubernetes plugin/pkg/admission/network/defaultingressclass
// (v1.37.2) makes it: among the classes annotated
// ingressclass.kubernetes.io/is-default-class: "true" (exactly "true"),
// the newest by creationTimestamp, and of classes created at the same
// time (the timestamp has seconds), the first by name. The cluster lookup
// and a --live-file's classes both choose here, so that offline and live
// agree.
func defaultClassOf(classes []*networkingv1.IngressClass) string {
	var defaults []*networkingv1.IngressClass
	for _, c := range classes {
		if c.Annotations[defaultClassAnnotation] == "true" {
			defaults = append(defaults, c)
		}
	}
	if len(defaults) == 0 {
		return ""
	}
	sort.Slice(defaults, func(i, j int) bool {
		ti, tj := defaults[i].CreationTimestamp.UnixNano(), defaults[j].CreationTimestamp.UnixNano()
		if ti == tj {
			return defaults[i].Name < defaults[j].Name
		}
		return ti > tj
	})
	return defaults[0].Name
}
