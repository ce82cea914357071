package cluster

import (
	"bytes"
	"cmp"
	"slices"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// ingressTypeMeta is set on every live object so that the objects from the
// API (which arrive without apiVersion/kind) and from files look the same.
var ingressTypeMeta = metav1.TypeMeta{APIVersion: diffengine.APIVersion, Kind: diffengine.Kind}

// LiveObjectFrom derives the attribution of every owned leaf field from
// ing's managedFields and returns a LiveObject whose Ingress has
// ManagedFields cleared and the kubectl last-applied annotation dropped
// (both only cost memory: managedFields is replaced by Owners and Managers,
// and the diff ignores the annotation). Owners of the last-applied
// annotation are dropped with it.
//
// ing itself is not modified; the result is a shallow copy that shares
// ing's spec and status, so treat both as read-only afterwards. Owners'
// Field slices are shared between objects whose managedFields entries are
// alike: never modify them.
//
// Owners: one entry per (leaf field, manager, operation, subresource),
// sorted by field, then manager. A leaf is a field the manager owns with
// nothing owned below it: a scalar, an atomic list such as spec.rules or
// spec.tls (which is why their elements never appear), or one annotation
// or label key. Paths are plain (see diffengine.Change.Field): map keys
// without the "f:" prefix; keyed list items, which Ingress does not have
// outside atomic lists, are written as [key="value"]; set items as
// [="value"].
//
// Managers: one per managedFields entry, newest first; a status subresource
// writer (an ingress controller updating status.loadBalancer) has
// Subresource "status".
//
// An entry whose fieldsV1 cannot be parsed still yields its Manager; its
// fields are left unattributed.
func LiveObjectFrom(ing *networkingv1.Ingress) *model.LiveObject {
	cp := *ing
	cp.TypeMeta = ingressTypeMeta
	cp.ManagedFields = nil
	if _, ok := ing.Annotations[diffengine.LastAppliedAnnotation]; ok {
		cp.Annotations = make(map[string]string, len(ing.Annotations)-1)
		for k, v := range ing.Annotations {
			if k != diffengine.LastAppliedAnnotation {
				cp.Annotations[k] = v
			}
		}
	}
	obj := &model.LiveObject{Ingress: &cp}
	if len(ing.ManagedFields) == 0 {
		return obj
	}
	// entries stays in managedFields order and is never reordered: the
	// owners point into it.
	entries := make([]model.Manager, len(ing.ManagedFields))
	leaves := make([][][]string, len(ing.ManagedFields))
	n := 0
	for i := range ing.ManagedFields {
		e := &ing.ManagedFields[i]
		entries[i] = managerOf(e)
		if e.FieldsV1 != nil && len(e.FieldsV1.Raw) > 0 {
			leaves[i] = leafFields.get(e.FieldsV1.Raw)
			n += len(leaves[i])
		}
	}
	obj.Owners = make([]model.FieldOwner, 0, n)
	for i, fields := range leaves {
		for _, f := range fields {
			obj.Owners = append(obj.Owners, model.FieldOwner{Field: f, Manager: &entries[i]})
		}
	}
	obj.Managers = slices.Clone(entries)
	slices.SortStableFunc(obj.Managers, func(a, b model.Manager) int { return b.Time.Compare(a.Time) })
	slices.SortFunc(obj.Owners, compareOwners)
	obj.Owners = slices.CompactFunc(obj.Owners, func(a, b model.FieldOwner) bool { return compareOwners(a, b) == 0 })
	return obj
}

// leafCache maps the raw fieldsV1 of a managedFields entry to its leaf
// fields. Objects written by the same pipeline have the same entries, and
// an update event usually leaves most entries of an object as they were,
// so most entries are parsed once: that saves the parse (structured-merge-
// diff's reader allocates a 4 KB buffer per entry) and shares the field
// slices between objects. It is bounded by starting over when full.
type leafCache struct {
	mu  sync.Mutex
	m   map[string][][]string
	max int
}

var leafFields = &leafCache{m: make(map[string][][]string), max: 4096}

func (c *leafCache) get(raw []byte) [][]string {
	c.mu.Lock()
	leaves, ok := c.m[string(raw)]
	c.mu.Unlock()
	if ok {
		return leaves
	}
	leaves = parseLeaves(raw)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[string(raw)] = leaves
	c.mu.Unlock()
	return leaves
}

// parseLeaves returns the plain paths of the leaf fields in one fieldsV1
// set, without the last-applied annotation. An unparsable set yields none.
func parseLeaves(raw []byte) [][]string {
	var set fieldpath.Set
	if err := set.FromJSON(bytes.NewReader(raw)); err != nil {
		return nil
	}
	var out [][]string
	set.Leaves().Iterate(func(p fieldpath.Path) {
		if field := plainPath(p); !isLastApplied(field) {
			out = append(out, field)
		}
	})
	return out
}

func managerOf(e *metav1.ManagedFieldsEntry) model.Manager {
	m := model.Manager{
		Manager:     e.Manager,
		Operation:   string(e.Operation),
		Subresource: e.Subresource,
	}
	if e.Time != nil {
		m.Time = e.Time.UTC()
	}
	return m
}

// compareOwners orders by field, then manager, operation and subresource;
// owners equal under it are duplicates (the same manager writing through
// two API versions).
func compareOwners(a, b model.FieldOwner) int {
	if c := slices.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Manager.Manager, b.Manager.Manager),
		cmp.Compare(a.Operation, b.Operation),
		cmp.Compare(a.Subresource, b.Subresource),
	)
}

// commonNames interns the field names every Ingress has, so that the
// owners of 10,000 objects do not each hold their own copy of "metadata".
var commonNames = func() map[string]string {
	m := make(map[string]string)
	for _, s := range []string{
		"metadata", "annotations", "labels", "finalizers", "ownerReferences",
		"spec", "rules", "tls", "ingressClassName", "defaultBackend",
		"status", "loadBalancer", "ingress",
	} {
		m[s] = s
	}
	return m
}()

// plainPath converts a structured-merge-diff path to the plain path form
// diffengine uses.
func plainPath(p fieldpath.Path) []string {
	out := make([]string, len(p))
	for i, pe := range p {
		if pe.FieldName != nil {
			name := *pe.FieldName
			if s, ok := commonNames[name]; ok {
				name = s
			}
			out[i] = name
			continue
		}
		// Keyed items ([name="x"]), set items ([="x"]) and indexes ([0]):
		// structured-merge-diff's own rendering is readable enough.
		out[i] = pe.String()
	}
	return out
}

func isLastApplied(field []string) bool {
	return len(field) == 3 && field[0] == "metadata" && field[1] == "annotations" && field[2] == diffengine.LastAppliedAnnotation
}
