package model

import (
	"cmp"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// What GitOps controllers and Helm leave on the objects they apply.
const (
	argoTrackingAnnotation = "argocd.argoproj.io/tracking-id"
	instanceLabel          = "app.kubernetes.io/instance"
	managedByLabel         = "app.kubernetes.io/managed-by"
	helmReleaseName        = "meta.helm.sh/release-name"
	helmReleaseNamespace   = "meta.helm.sh/release-namespace"
	fluxKustomizationName  = "kustomize.toolkit.fluxcd.io/name"
	fluxKustomizationNS    = "kustomize.toolkit.fluxcd.io/namespace"
	fluxHelmReleaseName    = "helm.toolkit.fluxcd.io/name"
	fluxHelmReleaseNS      = "helm.toolkit.fluxcd.io/namespace"
)

// The controllers of GitOpsOrigin.Controller and GitOpsManager.Controller.
const (
	ControllerArgoCD = "argocd"
	ControllerFlux   = "flux"
)

// controllerNames are the controllers' names for people.
var controllerNames = map[string]string{ControllerArgoCD: "Argo CD", ControllerFlux: "Flux"}

// managerControllers are the managedFields managers of the GitOps
// controllers, with the kind of object each applies for.
var managerControllers = map[string][2]string{
	"argocd-controller":             {ControllerArgoCD, "Application"},
	"argocd-application-controller": {ControllerArgoCD, "Application"},
	"kustomize-controller":          {ControllerFlux, "Kustomization"},
	"helm-controller":               {ControllerFlux, "HelmRelease"},
}

// GitOpsManager is the GitOps controller that manages an object, as far as
// the repo or the live object says (Entry.ManagedBy).
type GitOpsManager struct {
	// Controller is ControllerArgoCD or ControllerFlux.
	Controller string `json:"controller"`
	// Kind, Namespace and Name name the controller's object (an Argo CD
	// Application, a Flux Kustomization or HelmRelease); Name is "" when
	// only a managedFields manager says who applies the object.
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	// Repo is the GitOps object in the repo that renders the object; nil
	// when only the live object says who manages it. Self-heal is known
	// only from it.
	Repo *GitOpsOrigin `json:"repo,omitempty"`
	// Via says what on the live object told (when Repo is nil), e.g.
	// "annotation argocd.argoproj.io/tracking-id".
	Via string `json:"via,omitempty"`
}

// ManagedBy says which GitOps controller manages the object: the GitOps
// object of the repo that renders it (its desired origin), else what the
// live object carries (Argo CD's tracking annotation, or its instance
// label written by an Argo CD manager; Flux's kustomize- or
// helm-controller labels; a controller's managedFields manager). nil when
// neither says.
func (e *Entry) ManagedBy() *GitOpsManager {
	if o := e.Origin(); o != nil && o.GitOps != nil {
		g := *o.GitOps
		return &GitOpsManager{Controller: g.Controller, Kind: g.Kind, Namespace: g.Namespace, Name: g.Name, Repo: &g}
	}
	if e == nil {
		return nil
	}
	return liveManager(e.Live)
}

// liveManager is ManagedBy from the live object alone.
func liveManager(l *LiveObject) *GitOpsManager {
	if l == nil || l.Ingress == nil {
		return nil
	}
	ann, labels := l.Ingress.Annotations, l.Ingress.Labels
	if id, ok := ann[argoTrackingAnnotation]; ok {
		// <app>:<group>/<kind>:<namespace>/<name>; an Application outside
		// Argo CD's own namespace is named <namespace>_<app>.
		app, _, _ := strings.Cut(id, ":")
		g := &GitOpsManager{Controller: ControllerArgoCD, Kind: "Application", Name: app, Via: "annotation " + argoTrackingAnnotation}
		if ns, name, ok := strings.Cut(app, "_"); ok {
			g.Namespace, g.Name = ns, name
		}
		return g
	}
	for _, f := range []struct{ name, ns, kind string }{
		{fluxKustomizationName, fluxKustomizationNS, "Kustomization"},
		{fluxHelmReleaseName, fluxHelmReleaseNS, "HelmRelease"},
	} {
		name, ns := labels[f.name], labels[f.ns]
		if name != "" && ns != "" {
			return &GitOpsManager{Controller: ControllerFlux, Kind: f.kind, Namespace: ns, Name: name, Via: "labels " + f.name + ", " + f.ns}
		}
	}
	var byManager *GitOpsManager
	for _, m := range l.Managers {
		if c, ok := managerControllers[m.Manager]; ok {
			byManager = &GitOpsManager{Controller: c[0], Kind: c[1], Via: "managedFields manager " + m.Manager}
			break
		}
	}
	if byManager == nil {
		return nil
	}
	if app := labels[instanceLabel]; app != "" && byManager.Controller == ControllerArgoCD {
		// Argo CD's label tracking: the label alone is also set by charts
		// and people, so it names the Application only when an Argo CD
		// manager wrote the object.
		byManager.Name, byManager.Via = app, "label "+instanceLabel+" and "+byManager.Via
	}
	return byManager
}

// Who names the controller's object: "Argo CD Application argocd/web", or
// "Argo CD" when only a manager says.
func (g *GitOpsManager) Who() string {
	return controllerObject(g.Controller, g.Kind, g.Namespace, g.Name)
}

// controllerObject names a controller's object for people: "Argo CD
// Application argocd/web"; only the controller ("Argo CD") without a name.
func controllerObject(controller, kind, namespace, name string) string {
	who := cmp.Or(controllerNames[controller], controller)
	if name == "" {
		return who
	}
	if namespace != "" {
		name = namespace + "/" + name
	}
	return who + " " + kind + " " + name
}

// SelfHeal says whether the controller undoes live drift on its own, and
// whether that is known (only the repo's GitOps object says).
func (g *GitOpsManager) SelfHeal() (on, known bool) {
	if g.Repo == nil {
		return false, false
	}
	return g.Repo.SelfHeal, true
}

// String is the detail view's line: who manages the object, where that
// is said, and whether it self-heals.
func (g *GitOpsManager) String() string {
	on, known := g.SelfHeal()
	switch {
	case !known:
		return g.Who() + " (from the live " + g.Via + "), self-heal not known"
	case on:
		return g.Who() + " (" + g.Repo.place() + "), self-heal on"
	}
	return g.Who() + " (" + g.Repo.place() + "), self-heal off"
}

// note says what action a, doing op, means for the controller: with
// self-heal on, a revert is what the controller will do anyway and an
// accept is a race with it until pushed and synced; otherwise what the
// controller does with live drift, which differs by controller (Argo CD
// shows it, a HelmRelease reports it only with driftDetection warn, a
// suspended Flux object does nothing). A live delete may be undone by the
// controller's next sync.
func (g *GitOpsManager) note(a Action, op Operation) string {
	on, known := g.SelfHeal()
	who := g.Who()
	switch {
	case op == OpDeleteLive && (on || !known):
		s := who + " manages this object: deleting it live does not remove it from the repo it syncs from, so it may recreate it on its next sync"
		if !known {
			s += " (self-heal not known)"
		}
		return s + "."
	case on && a == ActionRevert:
		return who + " self-heals: this revert is what it will do anyway on its next sync."
	case on:
		return who + " self-heals: the accepted state holds only once pushed and synced; until then it will undo the live state (a race)."
	case !known && a == ActionAccept:
		return who + " manages this object (self-heal not known): if it self-heals, it may undo the live state before the accept is pushed and synced."
	case !known:
		return who + " manages this object (self-heal not known): what it does with live drift depends on its settings, which the repo does not hold."
	}
	s, next := "", "sync"
	switch r := g.Repo; {
	case r.Suspended:
		s, next = who+" is suspended: its controller neither applies nor corrects anything until it is resumed.", "reconcile once resumed"
	case g.Controller == ControllerArgoCD:
		s = who + " does not self-heal: it shows live drift as OutOfSync and does not correct it; a sync (by hand, or automated on a new commit) applies the repo."
	case g.Kind == "HelmRelease" && r.DriftDetection == "warn":
		s, next = who+" has driftDetection mode warn: helm-controller reports live drift (a DriftDetected event) and does not correct it.", "upgrade"
	case g.Kind == "HelmRelease":
		s, next = who+" has no drift detection: helm-controller neither reports nor corrects live drift (unless started with its deprecated DetectDrift feature gate); it applies the chart again only on an upgrade (a new chart revision or values).", "upgrade"
	default:
		s = who + " does not self-heal: it does not correct live drift until its next sync."
	}
	if a == ActionAccept {
		s += " Until the accept is pushed, its next " + next + " would undo the live state."
	}
	return s
}

// PlanNote is Plan.GitOps for action a doing op on the entry: what it
// means for the GitOps controller that manages the object (none: ""),
// and, for a live write, that the values it renders from are not all
// known (HelmOrigin.ValuesIncomplete).
func (e *Entry) PlanNote(a Action, op Operation) string {
	var notes []string
	if g := e.ManagedBy(); g != nil {
		notes = append(notes, g.note(a, op))
	}
	if o := e.Origin(); o != nil && o.Helm != nil && o.Helm.ValuesIncomplete != "" && (op == OpUpdateLive || op == OpCreateLive) {
		who := "Helm"
		if o.GitOps != nil {
			who = controllerObject(o.GitOps.Controller, "", "", "")
		}
		notes = append(notes, "Values incomplete ("+o.Helm.ValuesIncomplete+"): what is reverted to may not be what "+who+" renders.")
	}
	return strings.Join(notes, " ")
}

// place is "file:line" of the GitOps object.
func (g *GitOpsOrigin) place() string {
	return RepoError{File: g.File, Line: g.Line}.Place()
}

// AgentIgnores are the ignore rules that apply to one object because of
// how its desired side was rendered, given its live side: what Helm adds
// when it installs a chart (the meta.helm.sh/release-* annotations with
// this release's name and namespace, and app.kubernetes.io/managed-by:
// Helm where the chart does not set it) when Helm installs it (a config
// entry or a Flux HelmRelease, not Argo CD), and
// Argo CD's app.kubernetes.io/instance tracking label with the
// Application's name where the manifest does not set it. A plain manifest
// gets none: there the same annotation was put on by hand and is drift.
// The inventory and the engine add them to the diff options of that
// object alone; diffengine stays unaware of origins.
func (d *Desired) AgentIgnores(live *networkingv1.Ingress) []diffengine.IgnoreRule {
	if d == nil || live == nil || d.Origin.Helm == nil && d.Origin.GitOps == nil {
		return nil // nearly every object: the inventory asks on every recompute
	}
	var out []diffengine.IgnoreRule
	k := d.Key()
	rule := func(source, reason string) diffengine.IgnoreRule {
		// Scoped to this object: the rule names it, so the ignored
		// change says where it applies.
		return diffengine.IgnoreRule{Namespace: k.Namespace, Name: k.Name, Source: source, Reason: reason}
	}
	if h := d.Origin.Helm; h != nil && helmInstalls(d.Origin.GitOps) {
		r := rule("Helm chart "+h.Chart, "Helm records the release that installed the object")
		// Only with this release's values: another release's name is a
		// takeover (or a hand edit), which is drift.
		for _, a := range [...][2]string{{helmReleaseName, h.Release}, {helmReleaseNamespace, cmp.Or(h.Namespace, d.Namespace)}} {
			if v, set := live.Annotations[a[0]]; set && v == a[1] {
				r.Annotations = append(r.Annotations, a[0])
			}
		}
		if _, set := d.Ingress.Labels[managedByLabel]; !set && live.Labels[managedByLabel] == "Helm" {
			r.Labels = []string{managedByLabel}
		}
		if len(r.Annotations)+len(r.Labels) > 0 {
			out = append(out, r)
		}
	}
	if g := d.Origin.GitOps; g != nil && g.Controller == ControllerArgoCD {
		if _, set := d.Ingress.Labels[instanceLabel]; !set && live.Labels[instanceLabel] == g.Name {
			r := rule(controllerObject(ControllerArgoCD, g.Kind, "", g.Name), "Argo CD's label tracking names the Application")
			r.Labels = []string{instanceLabel}
			out = append(out, r)
		}
	}
	return out
}

// helmInstalls reports whether Helm itself installs the release of an
// object rendered via g (nil: a .ingress-drift.yaml helm: entry), and so
// writes its meta.helm.sh/* annotations and managed-by label: a Flux
// HelmRelease does (helm-controller runs Helm's install and upgrade);
// Argo CD renders with helm template and applies the result itself.
func helmInstalls(g *GitOpsOrigin) bool {
	return g == nil || g.Controller == ControllerFlux && g.Kind == "HelmRelease"
}

// withAgentIgnores returns opts with d's AgentIgnores after its rules
// (opts.Ignore is not modified: the inventory's slice is shared).
func withAgentIgnores(opts diffengine.Options, d *Desired, live *networkingv1.Ingress) diffengine.Options {
	if extra := d.AgentIgnores(live); len(extra) > 0 {
		opts.Ignore = slices.Concat(opts.Ignore, extra)
	}
	return opts
}
