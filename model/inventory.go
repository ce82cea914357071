package model

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// FrameInterval is the shortest time between two batches to one subscriber:
// the terminal renderer draws at most 60 frames a second, so sending more
// often only costs work that is never seen.
const FrameInterval = 16 * time.Millisecond

// Inventory joins the live and desired sides per key. It is safe for
// concurrent use: the cluster and repo watchers call its sink methods from
// their own goroutines, while subscribers receive coalesced batches.
//
// Every sink call recomputes only the keys it touches, so the cost of one
// watch event or one file change does not grow with the number of objects.
type Inventory struct {
	mu sync.Mutex

	base diffengine.Options
	// ignore is base.Ignore followed by the repo's rules (empty until the
	// repo's rules arrive): the rules every recompute diffs with.
	ignore []diffengine.IgnoreRule

	live    map[Key]*LiveObject
	sources map[string]*source
	// byKey lists the sources that contribute documents or keyed errors to
	// a key.
	byKey    map[Key][]string
	fileInfo map[string]FileInfo
	// fileKeys indexes entries by the file of their first origin, so a git
	// status change refreshes only the entries of that file.
	fileKeys map[string]*keySet
	entries  map[Key]*Entry

	// scope is the namespace the cluster side watches ("" = all); keys in
	// other namespaces are left out on both sides, so that a Git manifest
	// for another namespace does not show as missing-live.
	scope string

	cluster ConnState
	repo    RepoState
	// liveKnown is set once the cluster side has been listed whole (phase
	// live or offline, not partial); until then no entry is known to be
	// missing live.
	liveKnown bool
	version   uint64

	// blocks are each source's errors that name no object (a YAML syntax
	// error, an unreadable file or directory, a failed kustomize build):
	// such an input could define any key in any namespace. blockers are
	// all of them sorted by place, repoBlock the repo root's error while it
	// cannot be read; either makes every missing-git entry GitUnknown. Both
	// slices are replaced, never modified: blocked entries share them.
	blocks    map[string][]RepoError
	blockers  []RepoError
	repoBlock []RepoError
	// repoRead is set once the repo's first scan has been reported; until
	// then no entry is known to be missing from Git.
	repoRead bool

	// notices are each source's RepoErrors marked Notice, kept apart from
	// its errors when they arrive: they name no entry, block no verdict
	// and count as no error. noticeList is all of them sorted by place
	// (replaced, never modified: snapshots and batches share it).
	notices    map[string][]RepoError
	noticeList []RepoError
	// unrendered are the notices that name a GitOps object whose source
	// is not rendered here (RepoError.Unrendered), sorted by place: a
	// missing-git entry whose live object that object manages is
	// GitUnknown, blocked by its notice. Replaced, never modified.
	unrendered []RepoError

	// claimedBy and claimedByMore index the routes the live objects
	// claim (findings.go): the one key of a route claimed once, by the
	// route's hash (hashClaim), and the keys (sorted) of a route claimed
	// more often. backendUses counts the users of each
	// service backend (live objects and manifests), serviceUses those of
	// each service by the form of their ports (name or number),
	// driftedTo the keys whose backend changed live to it (the few that
	// can have a backend-used-nowhere-else finding) and driftedToService
	// how many changed live to a port of the service. All follow the
	// entries
	// (reindexLive, reindexDrifted, countDesired), so a finding that
	// depends on other objects is found without looking at them all.
	claimedBy     map[uint64]Key
	claimedByMore map[claim][]Key
	// hashClaim is hashClaim with a seed of the inventory's (a test
	// makes every claim collide).
	hashClaim        func(claim) uint64
	backendUses      map[backendRef]int
	serviceUses      map[serviceKey]serviceUse
	driftedTo        map[backendRef]*keySet
	driftedToService map[serviceKey]int

	subs   map[*subscriber]struct{}
	closed bool
}

// NewInventory returns an empty inventory. opts are the base diff options
// (default namespace, built-in ignore rules); rules from the repo's config
// arrive later through SetIgnoreRules.
func NewInventory(opts diffengine.Options) *Inventory {
	inv := &Inventory{
		base:          opts,
		live:          make(map[Key]*LiveObject),
		sources:       make(map[string]*source),
		byKey:         make(map[Key][]string),
		fileInfo:      make(map[string]FileInfo),
		fileKeys:      make(map[string]*keySet),
		entries:       make(map[Key]*Entry),
		blocks:        make(map[string][]RepoError),
		notices:       make(map[string][]RepoError),
		claimedBy:     make(map[uint64]Key),
		claimedByMore: make(map[claim][]Key),
		backendUses:   make(map[backendRef]int),
		serviceUses:   make(map[serviceKey]serviceUse),
		driftedTo:     make(map[backendRef]*keySet),
		// How many keys drifted to each service: useBackend looks for
		// them in driftedTo only when there are some.
		driftedToService: make(map[serviceKey]int),
		subs:             make(map[*subscriber]struct{}),
		cluster:          ConnState{Phase: ConnSyncing, Since: time.Now()},
		repo:             RepoState{Scanning: true},
	}
	seed := maphash.MakeSeed()
	inv.hashClaim = func(c claim) uint64 { return hashClaim(seed, c) }
	return inv
}

var _ LiveSink = (*Inventory)(nil)
var _ RepoSink = (*Inventory)(nil)

// SetDefaultIngressClass records the cluster's default IngressClass, which
// the API server fills in where a manifest names none (not drift), and
// recomputes the entries if it changed.
func (inv *Inventory) SetDefaultIngressClass(name string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.base.DefaultIngressClass == name {
		return
	}
	inv.base.DefaultIngressClass = name
	for k := range inv.entries {
		inv.recompute(k)
	}
}

// SetScope limits the inventory to one namespace ("" = all). Call it before
// any facts arrive.
func (inv *Inventory) SetScope(namespace string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.scope = namespace
}

// Scope returns the namespace the inventory is limited to ("" = all).
func (inv *Inventory) Scope() string {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.scope
}

// inScope reports whether k belongs in the inventory. Error entries whose
// object could not be identified (empty namespace) always do. Callers hold mu.
func (inv *Inventory) inScope(k Key) bool {
	return inv.scope == "" || k.Namespace == "" || k.Namespace == inv.scope
}

// ErrorKey is the key of an error entry whose object could not be
// identified: the namespace is empty and the name is "file:line".
func ErrorKey(e RepoError) Key {
	return Key{Name: fmt.Sprintf("%s:%d", e.File, e.Line)}
}

// UpsertLive records the current live state of one object.
func (inv *Inventory) UpsertLive(obj *LiveObject) {
	k := obj.Key()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.live[k] = obj
	inv.recompute(k)
}

// DeleteLive records that an object is gone from the cluster.
func (inv *Inventory) DeleteLive(k Key) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if _, ok := inv.live[k]; !ok {
		return
	}
	delete(inv.live, k)
	inv.recompute(k)
}

// SetCluster records the cluster connection state.
func (inv *Inventory) SetCluster(state ConnState) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.cluster = state
	if !inv.liveKnown && (state.Phase == ConnLive || state.Phase == ConnOffline) && !state.Partial {
		inv.liveKnown = true
		for k, e := range inv.entries {
			if e.LiveUnknown {
				inv.recompute(k)
			}
		}
	}
	for s := range inv.subs {
		s.markCluster()
	}
}

// SetRepo records the repo state.
func (inv *Inventory) SetRepo(state RepoState) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.repo = state
	sweep := false
	if !inv.repoRead && !state.Scanning {
		inv.repoRead, sweep = true, true
	}
	var block []RepoError
	if state.Unreadable {
		block = []RepoError{{File: ".", Message: state.Err}}
	}
	if !slices.Equal(block, inv.repoBlock) {
		inv.repoBlock, sweep = block, true
	}
	if sweep {
		inv.recomputeMissingGit()
	}
	for s := range inv.subs {
		s.markRepo()
	}
}

// setBlocks records the errors of one source that could define any key,
// and reports whether the set of blockers changed. It is the only work a
// source change adds to the hot path: a slice comparison, usually of two
// empty slices. Callers hold mu.
func (inv *Inventory) setBlocks(name string, errs []RepoError) bool {
	var b []RepoError
	for _, e := range errs {
		if e.Key == nil {
			b = append(b, e)
		}
	}
	all, changed := setPerSource(inv.blocks, name, b)
	if changed {
		inv.blockers = all
	}
	return changed
}

// setPerSource records one source's share of errors in m and, when it
// changed, returns everyone's sorted by place (a new slice: the old one
// may be shared).
func setPerSource(m map[string][]RepoError, name string, errs []RepoError) ([]RepoError, bool) {
	if slices.EqualFunc(m[name], errs, sameError) {
		return nil, false
	}
	if len(errs) == 0 {
		delete(m, name)
	} else {
		m[name] = errs
	}
	var all []RepoError
	for _, es := range m {
		all = append(all, es...)
	}
	slices.SortFunc(all, compareErrors)
	return all, true
}

// sameError reports whether two errors say the same: their pointers are
// compared by what they point to, as a re-read source makes new ones.
func sameError(a, b RepoError) bool {
	return a.File == b.File && a.Line == b.Line && a.Message == b.Message && a.Notice == b.Notice &&
		samePtr(a.Key, b.Key) && samePtr(a.Unrendered, b.Unrendered)
}

func samePtr[T comparable](a, b *T) bool {
	return a == b || a != nil && b != nil && *a == *b
}

// gitUnknown says whether an entry that no manifest defines is only
// missing from Git as far as anyone knows, and because of what (for a live
// object tracked by a GitOps object not rendered here, that object).
// Callers hold mu.
func (inv *Inventory) gitUnknown(live *LiveObject) (bool, []RepoError) {
	switch {
	case inv.repoBlock != nil:
		return true, inv.repoBlock
	case !inv.repoRead:
		return true, nil
	case inv.blockers != nil:
		return true, inv.blockers
	case len(inv.unrendered) > 0:
		// Tracked by a GitOps object not rendered here (unrendered.go).
		b := unrenderedFor(inv.unrendered, live)
		return b != nil, b
	}
	return false, nil
}

// recomputeMissingGit recomputes every missing-git entry after what
// qualifies them changed: a rare event (a file became unreadable or
// readable again, the first scan ended, the root went or came back).
// Callers hold mu.
func (inv *Inventory) recomputeMissingGit() {
	for k, e := range inv.entries {
		if e.Status == StatusMissingGit {
			inv.recompute(k)
		}
	}
}

// SetSource replaces everything one source (a manifest file or a kustomize
// root) contributes, and recomputes the keys it had and has. Its notices
// (RepoError.Notice) are kept apart from its errors (Notices).
func (inv *Inventory) SetSource(name string, docs []Desired, errs []RepoError) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	errs, unrendered := inv.setNotices(name, errs)
	old := inv.sources[name]
	touched := inv.dropSource(name)
	blocked := inv.setBlocks(name, errs)
	src := newSource(docs, errs)
	inv.sources[name] = src
	src.eachKey(func(k Key) {
		inv.byKey[k] = addOnce(inv.byKey[k], name)
		touched[k] = struct{}{}
	})
	others := inv.countDesired(old, src)
	for k := range touched {
		inv.recompute(k)
	}
	inv.refreshAll(others, touched)
	inv.reblock(blocked, unrendered)
}

// RemoveSource forgets a source (its file was deleted or excluded).
func (inv *Inventory) RemoveSource(name string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	others := inv.countDesired(inv.sources[name], nil)
	touched := inv.dropSource(name)
	for k := range touched {
		inv.recompute(k)
	}
	inv.refreshAll(others, touched)
	_, unrendered := inv.setNotices(name, nil)
	inv.reblock(inv.setBlocks(name, nil), unrendered)
}

// reblock brings the missing-git entries up to date after a source
// changed the blockers (every one is recomputed) or only the unrendered
// GitOps objects (each is matched again, and recomputed only when what
// blocks it changed). Neither matters while the repo is not read or its
// root is unreadable: that blocks every entry first. Callers hold mu.
func (inv *Inventory) reblock(blockers, unrendered bool) {
	switch {
	case !inv.repoRead || inv.repoBlock != nil:
	case blockers:
		inv.recomputeMissingGit()
	case unrendered && inv.blockers == nil:
		for k, e := range inv.entries {
			if e.Status == StatusMissingGit && !slices.EqualFunc(unrenderedFor(inv.unrendered, e.Live), e.BlockedBy, sameError) {
				inv.recompute(k)
			}
		}
	}
}

// setNotices records the notices among one source's errors, marks them
// for subscribers when they changed, and returns the errors without them,
// and whether the unrendered GitOps objects changed (the missing-git
// entries then need another look). A source without notices (nearly all)
// costs a scan of its errors. Callers hold mu.
func (inv *Inventory) setNotices(name string, errs []RepoError) ([]RepoError, bool) {
	var notes []RepoError
	if slices.ContainsFunc(errs, func(e RepoError) bool { return e.Notice }) {
		var rest []RepoError
		for _, e := range errs {
			if e.Notice {
				notes = append(notes, e)
			} else {
				rest = append(rest, e)
			}
		}
		errs = rest
	}
	all, changed := setPerSource(inv.notices, name, notes)
	if !changed {
		return errs, false
	}
	inv.noticeList = all
	for s := range inv.subs {
		s.markNotices()
	}
	var unrendered []RepoError
	for _, n := range all {
		if n.Unrendered != nil {
			unrendered = append(unrendered, n)
		}
	}
	if slices.EqualFunc(unrendered, inv.unrendered, sameError) {
		return errs, false
	}
	inv.unrendered = unrendered
	return errs, true
}

// Notices returns the repo's notices, sorted by place: things worth
// saying that are not errors (a chart nothing renders, values that are
// not all known). The slice is shared: never modify it.
func (inv *Inventory) Notices() []RepoError {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.noticeList
}

func (inv *Inventory) dropSource(name string) map[Key]struct{} {
	touched := make(map[Key]struct{})
	old, ok := inv.sources[name]
	if !ok {
		return touched
	}
	delete(inv.sources, name)
	old.eachKey(func(k Key) {
		touched[k] = struct{}{}
		removeFrom(inv.byKey, k, name)
	})
	return touched
}

// SetFileInfo records git facts about one manifest file and refreshes the
// entries whose manifest is that file. Only their Git field changes, so
// they are not diffed again: after a file change, SetSource has just
// diffed every key of the file once.
func (inv *Inventory) SetFileInfo(file string, info FileInfo) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if old, ok := inv.fileInfo[file]; ok && fileInfoEqual(old, info) {
		return
	}
	inv.fileInfo[file] = info
	if ks := inv.fileKeys[file]; ks != nil {
		for _, k := range ks.list {
			e := *inv.entries[k]
			e.Git = info
			inv.version++
			e.Version = inv.version
			inv.entries[k] = &e
			inv.publish(k)
		}
	}
}

func fileInfoEqual(a, b FileInfo) bool {
	return a.Status == b.Status && samePtr(a.LastCommit, b.LastCommit)
}

// SetIgnoreRules replaces the repo's ignore rules and recomputes every
// entry (a rare event: the config file changed).
func (inv *Inventory) SetIgnoreRules(rules []diffengine.IgnoreRule) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	// Joined with the base rules once here, not on every recompute.
	inv.ignore = append(slices.Clone(inv.base.Ignore), rules...)
	for k := range inv.entries {
		inv.recompute(k)
	}
}

// recompute rebuilds the entry of one key from the current facts and marks
// it pending for every subscriber. Callers hold mu.
func (inv *Inventory) recompute(k Key) {
	docs, errs, live := inv.factsOf(k)
	old := inv.entries[k]
	if live == nil && len(docs) == 0 && len(errs) == 0 {
		if old != nil {
			inv.reindexFile(k, old, nil)
			others := inv.reindexLive(k, old, nil, nil)
			var ob [2]changedBackend
			inv.reindexDrifted(k, changedBackends(ob[:], old), nil)
			delete(inv.entries, k)
			inv.publish(k)
			inv.refreshAll(others, nil)
		}
		return
	}
	inv.version++
	e := &Entry{Key: k, Live: live, Desired: docs, Errors: errs, Version: inv.version, defaultClass: inv.base.DefaultIngressClass}
	switch {
	case len(errs) > 0:
		e.Status = StatusError
	case len(docs) > 1:
		e.Status = StatusConflict
	case len(docs) == 0:
		e.Status = StatusMissingGit
		e.GitUnknown, e.BlockedBy = inv.gitUnknown(live)
	case live == nil:
		e.Status = StatusMissingLive
		e.LiveUnknown = !inv.liveKnown
	default:
		inv.compare(e)
	}
	if o := e.Origin(); o != nil {
		e.Git = inv.fileInfo[o.File]
	}
	inv.reindexFile(k, old, e)
	var buf [4]claim
	claims := claimsOf(buf[:], e.Live, e.defaultClass)
	others := inv.reindexLive(k, old, e, claims)
	var ob, nb [2]changedBackend
	changed := changedBackends(nb[:], e)
	inv.reindexDrifted(k, changedBackends(ob[:], old), changed)
	e.Findings = inv.findings(e, claims, changed)
	inv.entries[k] = e
	inv.publish(k)
	inv.refreshAll(others, nil)
}

// factsOf gathers what both sides know of k: its documents (sorted by
// origin) and errors (by place) from every source, and the live object;
// nothing for a key outside the scope. The slices are the caller's.
func (inv *Inventory) factsOf(k Key) (docs []Desired, errs []RepoError, live *LiveObject) {
	if !inv.inScope(k) {
		return nil, nil, nil
	}
	for _, name := range inv.byKey[k] {
		src := inv.sources[name]
		docs = append(docs, src.docsOf(k)...)
		errs = append(errs, src.errsOf(k)...)
	}
	slices.SortFunc(docs, func(a, b Desired) int {
		return cmp.Or(cmp.Compare(a.Origin.File, b.Origin.File), cmp.Compare(a.Origin.Doc, b.Origin.Doc), cmp.Compare(a.Origin.Item, b.Origin.Item))
	})
	slices.SortFunc(errs, compareErrors)
	return docs, errs, inv.live[k]
}

// compare diffs an entry's one document against its live object with the
// inventory's options, and fills in the verdict: status, the changes with
// the live managers of each field, the ignored ones, severity and
// categories.
func (inv *Inventory) compare(e *Entry) {
	opts := inv.base
	opts.DefaultNamespace = e.Desired[0].Namespace
	if len(inv.ignore) > 0 {
		opts.Ignore = inv.ignore
	}
	opts = withAgentIgnores(opts, &e.Desired[0], e.Live.Ingress)
	res := diffengine.Diff(e.Desired[0].Ingress, e.Live.Ingress, opts)
	e.Status = StatusInSync
	if res.Drifted() {
		e.Status = StatusDrifted
	}
	e.Changes = make([]AttributedChange, len(res.Changes))
	for i, c := range res.Changes {
		e.Changes[i] = AttributedChange{Change: c, Managers: e.Live.ManagersFor(c.Field)}
	}
	e.Ignored = res.Ignored
	e.Severity = res.Severity()
	e.Categories = res.Categories()
}

// publish marks k pending for every subscriber. Callers hold mu.
func (inv *Inventory) publish(k Key) {
	for s := range inv.subs {
		s.markKey(k)
	}
}

// compareErrors orders repo errors by place.
func compareErrors(a, b RepoError) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Message, b.Message))
}

// reindexFile moves k in fileKeys from the file of old's first origin to
// the file of e's (either entry may be nil, or have no origin). Callers
// hold mu.
func (inv *Inventory) reindexFile(k Key, old, e *Entry) {
	var from, to string
	if o := old.Origin(); o != nil {
		from = o.File
	}
	if o := e.Origin(); o != nil {
		to = o.File
	}
	if from == to {
		return
	}
	removeKey(inv.fileKeys, from, k)
	if to != "" {
		addKey(inv.fileKeys, to, k)
	}
}

// addKey adds k to the set m[at], making it if needed.
func addKey[A comparable](m map[A]*keySet, at A, k Key) {
	ks := m[at]
	if ks == nil {
		ks = &keySet{}
		m[at] = ks
	}
	ks.add(k)
}

// removeKey removes k from the set m[at], and the set when it is empty.
func removeKey[A comparable](m map[A]*keySet, at A, k Key) {
	if ks := m[at]; ks != nil {
		if ks.remove(k); len(ks.list) == 0 {
			delete(m, at)
		}
	}
}

// addOnce appends v unless s holds it. The indexes hold small slices, not
// maps: nearly every key has one source and every file a few keys, and a
// map per key would be most of the inventory's memory at 10,000 objects.
func addOnce[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// removeFrom removes v from m[k], and k from m when nothing is left.
func removeFrom[K comparable, T comparable](m map[K][]T, k K, v T) {
	s := m[k]
	i := slices.Index(s, v)
	if i < 0 {
		return
	}
	if s = slices.Delete(s, i, i+1); len(s) == 0 {
		delete(m, k)
	} else {
		m[k] = s
	}
}

// Get returns the current entry of one key.
func (inv *Inventory) Get(k Key) (Entry, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	e, ok := inv.entries[k]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// Len returns the number of entries.
func (inv *Inventory) Len() int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return len(inv.entries)
}

// Snapshot returns every entry, sorted by key, with both sides' states.
// Entries are values whose slices are never modified after publication, so
// the snapshot may be read without locks.
func (inv *Inventory) Snapshot() Snapshot {
	inv.mu.Lock()
	s := Snapshot{Entries: make([]Entry, 0, len(inv.entries)), Cluster: inv.cluster, Repo: inv.repo, Notices: inv.noticeList}
	for _, e := range inv.entries {
		s.Entries = append(s.Entries, *e)
	}
	inv.mu.Unlock()
	slices.SortFunc(s.Entries, func(a, b Entry) int { return CompareKeys(a.Key, b.Key) })
	return s
}

// CompareKeys orders keys by namespace, then name.
func CompareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}
