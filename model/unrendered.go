package model

import (
	"fmt"
	"strings"
)

// What an unrendered GitOps object blocks. A GitOps object of the repo
// whose source is not rendered here (a chart from a Helm repository,
// another repo, a plugin) is a notice, not an error: it blocks no verdict
// of the objects nobody claims. But a live object that names it as its
// manager may well be in what it renders: that object's absence from Git
// is not verified (GitUnknown, blocked by the notice), so that neither a
// delete nor a new manifest is offered for something the controller
// applies.

// unrenderedFor returns the notices of unrendered (RepoError.Unrendered)
// whose GitOps object manages live, as the live object says (its Argo CD
// tracking annotation, its Flux labels, a controller's managedFields
// manager); nil when none does (and without reading the live object
// when there are none, as nearly always).
func unrenderedFor(unrendered []RepoError, live *LiveObject) []RepoError {
	if len(unrendered) == 0 {
		return nil
	}
	m := liveManager(live)
	if m == nil {
		return nil
	}
	var out []RepoError
	for _, n := range unrendered {
		if m.names(n.Unrendered) {
			out = append(out, n)
		}
	}
	return out
}

// names reports whether g may be the GitOps object o: the same controller
// and kind, and the same name and namespace where both sides know them.
// What the live object does not say (a tracking id without namespace
// names an Application in Argo CD's own namespace, which the repo's file
// may not; a managedFields manager names no object) is no reason to rule
// o out: an unverified absence must not become a delete.
func (g *GitOpsManager) names(o *GitOpsOrigin) bool {
	switch {
	case g.Controller != o.Controller || g.Kind != "" && g.Kind != o.Kind:
		return false
	case g.Name != "" && g.Name != o.Name:
		return false
	}
	return g.Namespace == "" || o.Namespace == "" || g.Namespace == o.Namespace
}

// BlockedByUnrendered reports whether what blocks a GitUnknown entry is
// GitOps objects of the repo that are not rendered here.
func (e *Entry) BlockedByUnrendered() bool {
	return len(e.BlockedBy) > 0 && e.BlockedBy[0].Unrendered != nil
}

// unrenderedCause is GitUnknownCause for an entry blocked by unrendered
// GitOps objects.
func (e *Entry) unrenderedCause() string {
	if len(e.BlockedBy) > 1 {
		return fmt.Sprintf("%d GitOps objects that could define %s are not rendered here (%s)", len(e.BlockedBy), e.Key, e.BlockedPlaces(3))
	}
	n := e.BlockedBy[0]
	g := n.Unrendered
	why := strings.TrimPrefix(n.Message, g.Kind+" "+g.Name+": ")
	s := g.String() + " is not rendered here: " + why
	if m := liveManager(e.Live); m != nil {
		s += "; the live " + e.Key.String() + " names it (" + m.Via + ")"
	}
	return s
}
