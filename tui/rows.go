package tui

import (
	"cmp"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"slices"
	"strings"

	"github.com/ingress-drift/ingress-drift/model"
)

// statusTab is one status filter of the list.
type statusTab struct {
	name   string
	status model.Status // "" matches every status
}

// statusTabs are the list's filters in key order (1–6). "missing" is
// missing-live (in Git, gone from the cluster) and "unmanaged" is
// missing-git (in the cluster, in no manifest); help says so.
var statusTabs = []statusTab{
	{"all", ""},
	{"drifted", model.StatusDrifted},
	{"missing", model.StatusMissingLive},
	{"unmanaged", model.StatusMissingGit},
	{"conflict", model.StatusConflict},
	{"errors", model.StatusError},
}

// statusRank orders statuses of equal severity: problems first, in-sync
// last. Only drifted entries have a severity, so this decides where
// errors, conflicts and missing objects sit relative to each other.
func statusRank(s model.Status) int {
	switch s {
	case model.StatusDrifted:
		return 0
	case model.StatusError:
		return 1
	case model.StatusConflict:
		return 2
	case model.StatusMissingLive:
		return 3
	case model.StatusMissingGit:
		return 4
	case model.StatusInSync:
		return 5
	}
	return 6
}

// row is one list entry with everything the list needs precomputed when
// the entry arrives, so that sorting, filtering and drawing never touch the
// Ingress objects.
type row struct {
	e    model.Entry
	sev  int
	rank int
	name string // namespace/name, or file:line for an unidentified error
	cats string
	// catsShort abbreviates controller and metadata for narrow terminals.
	catsShort string
	hosts     string
	// origin is the whole origin cell, originCell its parts.
	origin     string
	originCell originCell
	last       model.Manager
	// hay is the lower-case text the filter searches.
	hay string
}

var shortCategories = strings.NewReplacer("controller", "ctrl", "metadata", "meta")

func newRow(e model.Entry) *row {
	r := &row{e: e, sev: int(e.Severity), rank: statusRank(e.Status)}
	r.name = e.Key.Display()
	r.cats = strings.Join(e.CategoryNames(), " ")
	r.catsShort = shortCategories.Replace(r.cats)
	r.hosts = strings.Join(e.Hosts(), " ")
	var where []string
	if o := e.Origin(); o != nil {
		r.originCell = newOriginCell(o)
		where = originWords(o)
	} else if len(e.Errors) > 0 {
		r.originCell = originCell{mid: e.Errors[0].Place()}
	}
	r.origin = r.originCell.join(unicodeSymbols, r.originCell.mid, r.originCell.tail)
	r.last = e.Live.LastChange()
	r.hay = strings.ToLower(strings.Join(append(append([]string{r.name, string(e.Status), e.Severity.String(), r.cats, r.hosts, r.origin, r.last.Manager}, where...),
		findingWords(e.Findings)...), "\x00"))
	return r
}

// findingWords are what the filter finds an object with findings by: the
// word "finding", each finding's kind and host (a TLS host no rule serves
// is not among the row's hosts).
func findingWords(fs []model.Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	words := []string{"finding"}
	for _, f := range fs {
		words = append(words, string(f.Kind), f.Host)
	}
	return words
}

// gitopsKinds abbreviate the GitOps objects' kinds for the list; an Argo
// CD object is always an Application, so it needs none.
var gitopsKinds = map[string]string{"Application": "", "Kustomization": "ks ", "HelmRelease": "hr "}

// originCell is the list's origin cell in its parts, most useful first:
// head says what renders the object ("argocd NAME", "flux ks NAME", "flux
// hr NAME", "helm RELEASE"), mid what it is rendered from (the chart, or
// the object's file:line or kustomize root) and tail where the GitOps
// object is defined (FILE:LINE). The detail view names everything
// (template, chart, value files).
type originCell struct{ head, mid, tail string }

// unicodeSymbols draw the row's whole origin text (its width and what the
// filter finds); ASCII glyphs are as wide.
var unicodeSymbols = newSymbols(false)

// minOriginMid is the fewest cells a shortened mid keeps; below that it
// says nothing and the head is shown alone.
const minOriginMid = 8

func newOriginCell(o *model.Origin) originCell {
	var c originCell
	switch {
	case o.Helm != nil:
		c.head, c.mid = "helm "+o.Helm.Release, o.Helm.Chart
	default:
		c.mid = o.String()
	}
	if g := o.GitOps; g != nil {
		kind, ok := gitopsKinds[g.Kind]
		if !ok {
			kind = strings.ToLower(g.Kind) + " "
		}
		c.head = g.Controller + " " + kind + g.Name
		c.tail = fmt.Sprintf("%s:%d", g.File, g.Line)
	}
	return c
}

// join renders the parts given, with the separators sym draws.
func (c originCell) join(sym *symbols, mid, tail string) string {
	s := c.head
	if mid != "" {
		if s != "" {
			s += " " + sym.dot + " "
		}
		s += mid
	}
	if tail != "" {
		s += " " + sym.plain("‹"+tail+"›")
	}
	return s
}

// fit renders the cell in w cells, cutting the least useful part first:
// the GitOps object's file goes, then the start of the chart or file (its
// end names it), then the head is shortened.
func (c originCell) fit(w int, sym *symbols) string {
	if s := c.join(sym, c.mid, c.tail); textWidth(s) <= w {
		return s
	}
	if s := c.join(sym, c.mid, ""); textWidth(s) <= w {
		return s
	}
	if c.head == "" {
		return clipMiddle(c.mid, w, sym.ellipsis)
	}
	if room := w - textWidth(c.join(sym, "", "")) - 3; c.mid != "" && room >= minOriginMid {
		// The end of a chart dir or file names it: cut its start.
		cut := sym.ellipsis + ansi.TruncateLeft(c.mid, textWidth(c.mid)-room+textWidth(sym.ellipsis), "")
		return c.join(sym, cut, "")
	}
	return clip(c.head, w, sym.ellipsis)
}

// originWords are the origin's names the filter also finds that the list
// cell leaves out: the template, chart and value files, the GitOps object.
func originWords(o *model.Origin) []string {
	words := []string{o.File}
	if h := o.Helm; h != nil {
		words = append(words, h.Chart, h.Release, h.Template)
		words = append(words, h.ValueFiles...)
	}
	if g := o.GitOps; g != nil {
		words = append(words, g.Name, g.File)
	}
	return words
}

// compareRows is the list order: severity (highest first), then status
// rank, then namespace and name. Keys are unique, so it is a total order
// and a binary search finds a row's exact position.
func compareRows(a, b *row) int {
	return cmp.Or(
		cmp.Compare(b.sev, a.sev),
		cmp.Compare(a.rank, b.rank),
		model.CompareKeys(a.e.Key, b.e.Key),
	)
}

// insertSorted inserts r at its place in the sorted slice s.
func insertSorted(s []*row, r *row) []*row {
	i, _ := slices.BinarySearchFunc(s, r, compareRows)
	return slices.Insert(s, i, r)
}

// removeSorted removes r (found by its sort key) from the sorted slice s,
// and reports whether it was there.
func removeSorted(s []*row, r *row) ([]*row, bool) {
	i, found := slices.BinarySearchFunc(s, r, compareRows)
	if !found || s[i] != r {
		return s, false
	}
	return slices.Delete(s, i, i+1), true
}

// rowSet is the list's data: every row by key, all rows in list order, and
// the rows that pass the current filter, in the same order. A batch of k
// changes costs O(k·(log n + n)) pointer moves (binary search, then
// insert/delete by copy) — tens of microseconds for n = 10,000 — instead
// of a resort; a batch touching a large share of the rows rebuilds both
// slices with one sort.
type rowSet struct {
	byKey   map[model.Key]*row
	order   []*row
	visible []*row
	counts  map[model.Status]int
	// findings is the number of rows whose object has findings: the list
	// draws its marker gutter only while there are any.
	findings int
	match    func(*row) bool
	// widths are the widest cell values seen, per column; they only grow
	// between full loads, which is enough for a layout.
	widths [numColumns]int
	// originKey is the widest head and mid of an origin cell with a head
	// (what renders the object and from what), for layoutColumns.
	originKey int
}

func (s *rowSet) widen(r *row) {
	w := r.cellWidths()
	for i := range w {
		s.widths[i] = max(s.widths[i], w[i])
	}
	if c := r.originCell; c.head != "" {
		s.originKey = max(s.originKey, textWidth(c.join(unicodeSymbols, c.mid, "")))
	}
}

func newRowSet(match func(*row) bool) rowSet {
	return rowSet{byKey: map[model.Key]*row{}, counts: map[model.Status]int{}, match: match}
}

// load replaces everything with entries.
func (s *rowSet) load(entries []model.Entry) {
	s.byKey = make(map[model.Key]*row, len(entries))
	s.order = make([]*row, 0, len(entries))
	s.widths, s.originKey, s.findings = [numColumns]int{}, 0, 0
	clear(s.counts)
	s.applyRebuild(entries, nil)
}

// rebuildThreshold is the batch size, relative to the number of rows, above
// which one sort beats incremental inserts.
func rebuildThreshold(n int) int { return max(64, n/16) }

// apply merges a batch.
func (s *rowSet) apply(changed []model.Entry, removed []model.Key) {
	if len(changed)+len(removed) > rebuildThreshold(len(s.order)) {
		s.applyRebuild(changed, removed)
		return
	}
	for _, k := range removed {
		if old, ok := s.byKey[k]; ok {
			s.drop(old)
			delete(s.byKey, k)
		}
	}
	for _, e := range changed {
		if old, ok := s.byKey[e.Key]; ok {
			s.drop(old)
		}
		r := newRow(e)
		s.widen(r)
		s.byKey[e.Key] = r
		s.order = insertSorted(s.order, r)
		if s.match(r) {
			s.visible = insertSorted(s.visible, r)
		}
		s.count(r, 1)
	}
}

func (s *rowSet) drop(old *row) {
	s.order, _ = removeSorted(s.order, old)
	s.visible, _ = removeSorted(s.visible, old)
	s.count(old, -1)
}

// count adds (d = 1) or removes (d = -1) r from the counts.
func (s *rowSet) count(r *row, d int) {
	s.counts[r.e.Status] += d
	if len(r.e.Findings) > 0 {
		s.findings += d
	}
}

func (s *rowSet) applyRebuild(changed []model.Entry, removed []model.Key) {
	for _, k := range removed {
		if old, ok := s.byKey[k]; ok {
			s.count(old, -1)
			delete(s.byKey, k)
		}
	}
	for _, e := range changed {
		if old, ok := s.byKey[e.Key]; ok {
			s.count(old, -1)
		}
		r := newRow(e)
		s.widen(r)
		s.byKey[e.Key] = r
		s.count(r, 1)
	}
	s.order = s.order[:0]
	for _, r := range s.byKey {
		s.order = append(s.order, r)
	}
	slices.SortFunc(s.order, compareRows)
	s.refilter(false)
}

// refilter recomputes the visible rows. With narrow set, the filter only
// got stricter, so the current visible rows are enough to search.
func (s *rowSet) refilter(narrow bool) {
	if narrow {
		s.visible = slices.DeleteFunc(s.visible, func(r *row) bool { return !s.match(r) })
		return
	}
	s.visible = s.visible[:0]
	for _, r := range s.order {
		if s.match(r) {
			s.visible = append(s.visible, r)
		}
	}
}

// indexOf returns the position of r among the visible rows.
func (s *rowSet) indexOf(r *row) (int, bool) {
	i, found := slices.BinarySearchFunc(s.visible, r, compareRows)
	return i, found && s.visible[i] == r
}

// indexOfSortKey returns where r would sit among the visible rows (r may
// be a stale row no longer in the set).
func (s *rowSet) indexOfSortKey(r *row) (int, bool) {
	return slices.BinarySearchFunc(s.visible, r, compareRows)
}
