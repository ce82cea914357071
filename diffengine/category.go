package diffengine

import (
	"slices"
	"strings"
)

// ControllerPrefix is one row of the controller annotation table: an
// annotation key starting with Prefix configures Controller, so a change to
// it is in CategoryController rather than CategoryMetadata.
type ControllerPrefix struct {
	// Prefix is the start of the annotation key, including its "/" or ".".
	Prefix string `json:"prefix"`
	// Controller names the project that reads (or writes) these keys.
	Controller string `json:"controller"`
	// Helper is set for controllers that act on Ingresses but serve no
	// traffic (cert-manager, external-dns): their keys are controller
	// configuration, but the key patterns of the severity table written
	// "<controller>/…" (snippets) are about proxies and skip them.
	Helper bool `json:"helper,omitempty"`
}

// controllerPrefixes is the one table of annotation prefixes that belong to
// ingress controllers and to the controllers that act on Ingresses
// (cert-manager issues their certificates, external-dns publishes their
// hosts: both change where and how traffic arrives, so they count as
// controller configuration rather than free-form metadata). Labels are
// always metadata: no controller in this table is configured through labels.
var controllerPrefixes = []ControllerPrefix{
	{Prefix: "nginx.ingress.kubernetes.io/", Controller: "ingress-nginx"},
	{Prefix: "nginx.org/", Controller: "NGINX Ingress Controller (F5 NGINX)"},
	{Prefix: "nginx.com/", Controller: "NGINX Ingress Controller (NGINX Plus)"},
	{Prefix: "alb.ingress.kubernetes.io/", Controller: "AWS Load Balancer Controller"},
	{Prefix: "ingress.gcp.kubernetes.io/", Controller: "ingress-gce (GKE)"},
	{Prefix: "networking.gke.io/", Controller: "ingress-gce (GKE)"},
	// kubernetes.io/ingress.class, ingress.allow-http,
	// ingress.global-static-ip-name, ingress.regional-static-ip-name.
	{Prefix: "kubernetes.io/ingress.", Controller: "ingress class / ingress-gce"},
	// The unprefixed legacy namespace: ingress-gce status keys, Contour's
	// force-ssl-redirect, haproxy-ingress and Traefik v1 keys.
	{Prefix: "ingress.kubernetes.io/", Controller: "ingress-gce, Contour, haproxy-ingress (legacy keys)"},
	{Prefix: "traefik.ingress.kubernetes.io/", Controller: "Traefik"},
	{Prefix: "haproxy.org/", Controller: "HAProxy Kubernetes Ingress Controller"},
	{Prefix: "haproxy-ingress.github.io/", Controller: "HAProxy Ingress (haproxy-ingress)"},
	{Prefix: "haproxy.router.openshift.io/", Controller: "OpenShift router"},
	{Prefix: "route.openshift.io/", Controller: "OpenShift router"},
	{Prefix: "projectcontour.io/", Controller: "Contour"},
	{Prefix: "contour.heptio.com/", Controller: "Contour (legacy keys)"},
	{Prefix: "konghq.com/", Controller: "Kong Ingress Controller"},
	{Prefix: "plugins.konghq.com", Controller: "Kong Ingress Controller (legacy keys)"},
	{Prefix: "appgw.ingress.kubernetes.io/", Controller: "Azure Application Gateway Ingress Controller"},
	{Prefix: "getambassador.io/", Controller: "Emissary-ingress (Ambassador)"},
	{Prefix: "zalando.org/", Controller: "Skipper"},
	{Prefix: "ingress.citrix.com/", Controller: "Citrix ingress controller"},
	{Prefix: "cert-manager.io/", Controller: "cert-manager", Helper: true},
	{Prefix: "acme.cert-manager.io/", Controller: "cert-manager (ACME)", Helper: true},
	{Prefix: "external-dns.alpha.kubernetes.io/", Controller: "external-dns", Helper: true},
}

// ControllerPrefixes returns a copy of the controller annotation table, so
// the UI can say why an annotation counts as controller configuration.
func ControllerPrefixes() []ControllerPrefix { return slices.Clone(controllerPrefixes) }

// ControllerOf returns the table row whose prefix starts key (the longest
// one if several do), and false for an annotation of no known controller.
func ControllerOf(key string) (ControllerPrefix, bool) {
	best, found := ControllerPrefix{}, false
	for _, p := range controllerPrefixes {
		if strings.HasPrefix(key, p.Prefix) && len(p.Prefix) > len(best.Prefix) {
			best, found = p, true
		}
	}
	return best, found
}

// AnnotationCategory is the category of a change to the annotation key:
// CategoryController for keys in the controller table, else
// CategoryMetadata.
func AnnotationCategory(key string) Category {
	if _, ok := ControllerOf(key); ok {
		return CategoryController
	}
	return CategoryMetadata
}
