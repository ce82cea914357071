package model

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
)

// Key identifies an Ingress: namespace and name.
type Key struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// String renders the key as namespace/name.
func (k Key) String() string { return k.Namespace + "/" + k.Name }

// Display renders the key for people: namespace/name, or only the name of
// an error entry whose object could not be identified (see ErrorKey: it
// has no namespace and is named file:line).
func (k Key) Display() string {
	if k.Namespace == "" {
		return k.Name
	}
	return k.String()
}

// ParseKey parses "namespace/name".
func ParseKey(s string) (Key, error) {
	ns, name, ok := strings.Cut(s, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		return Key{}, fmt.Errorf("%q is not NAMESPACE/NAME", s)
	}
	return Key{Namespace: ns, Name: name}, nil
}

// KeyOf returns the key of an Ingress, with defaultNS for an empty namespace.
func KeyOf(ing *networkingv1.Ingress, defaultNS string) Key {
	ns := ing.Namespace
	if ns == "" {
		ns = defaultNS
	}
	if ns == "" {
		ns = "default"
	}
	return Key{Namespace: ns, Name: ing.Name}
}

// Status is the drift status of one entry. The words are part of the JSON
// output of `ingress-drift check` and must not change.
type Status string

// The statuses an entry can have.
const (
	StatusInSync      Status = "in-sync"
	StatusDrifted     Status = "drifted"
	StatusMissingLive Status = "missing-live" // in Git, not in the cluster
	StatusMissingGit  Status = "missing-git"  // in the cluster, not in Git
	StatusConflict    Status = "conflict"     // defined more than once in Git
	StatusError       Status = "error"        // a manifest could not be read

	// StatusUnknown is how reports (check, diff -o json) name an entry
	// missing from a side that was not wholly read: missing-git whose
	// absence from Git is not verified (Entry.GitUnknown: an input that
	// could define it could not be read), or missing-live while the live
	// side is not wholly known (Entry.LiveUnknown: a --live-file of bare
	// objects, not a dump of the cluster). Entries never carry it; it is
	// not in Statuses, which the TUI's tabs follow.
	StatusUnknown Status = "unknown"
)

// Statuses lists every status in the order summaries show them.
var Statuses = []Status{StatusInSync, StatusDrifted, StatusMissingLive, StatusMissingGit, StatusConflict, StatusError}

// Aliases for the diff types, so that callers of model need not import
// diffengine. diffengine defines them because model depends on diffengine.
type (
	// Change is one field-level difference.
	Change = diffengine.Change
	// IgnoredChange is a difference hidden by an ignore rule.
	IgnoredChange = diffengine.IgnoredChange
	// Category is routing, tls, controller or metadata.
	Category = diffengine.Category
	// Severity is none, low, medium, high or critical.
	Severity = diffengine.Severity
	// Op is added, removed or changed.
	Op = diffengine.Op
)

// FormatValue renders a Change value on one line (diffengine.FormatValue).
func FormatValue(v any) string { return diffengine.FormatValue(v) }

// Origin says where a desired document came from.
type Origin struct {
	// File is the manifest file, relative to the repo root, slash-separated.
	// For kustomize output it is the kustomization file of the root.
	File string `json:"file"`
	// Line is the 1-based line where the document starts in File.
	Line int `json:"line"`
	// Doc is the 0-based index of the document in the file (or the item
	// index inside a List document).
	Doc int `json:"doc"`
	// Item is the 0-based index inside a List document, -1 otherwise.
	Item int `json:"item,omitempty"`
	// Kustomization is the root directory (relative) when the object was
	// rendered by kustomize; such objects cannot be written back directly.
	Kustomization string `json:"kustomization,omitempty"`
	// Offset and End are the byte offsets in File of the document: Offset
	// is the start of Line (where the document's content begins, after any
	// "---" and leading comments), End is just past its last byte (the start
	// of the next "---" line, or the file's length). A writer re-reads the
	// file and checks them (see manifest.SplitDocuments). Zero for kustomize
	// output.
	Offset int `json:"-"`
	End    int `json:"-"`
	// Helm is set when the object was rendered from a Helm chart: such
	// objects cannot be written back directly (edit the template or a
	// value file). File is then the template file.
	Helm *HelmOrigin `json:"helm,omitempty"`
	// GitOps is the Argo CD or Flux object in the repo whose rendering
	// produced the object (nil: none names it).
	GitOps *GitOpsOrigin `json:"gitops,omitempty"`
}

// Rendered reports whether the object came out of a renderer (kustomize or
// Helm) rather than from a document written as it is: it cannot be edited
// in place.
func (o Origin) Rendered() bool { return o.Kustomization != "" || o.Helm != nil }

// HelmOrigin is where a chart-rendered object came from.
type HelmOrigin struct {
	// Chart is the chart directory, relative to the repo root.
	Chart string `json:"chart"`
	// Release and Namespace are the release's name and namespace.
	Release   string `json:"release"`
	Namespace string `json:"namespace,omitempty"`
	// Template is the template file that produced the object, relative to
	// the repo root (a subchart's template is under its charts/ dir).
	Template string `json:"template"`
	// ValueFiles are the value files applied after the chart's own
	// values.yaml, in order, relative to the repo root.
	ValueFiles []string `json:"valueFiles,omitempty"`
	// InlineValues are where the GitOps object sets values inline
	// ("file:line" of Flux spec.values; Argo CD helm.values or
	// valuesObject, then helm.parameters), applied after the value files
	// in this order.
	InlineValues []string `json:"inlineValues,omitempty"`
	// ValuesIncomplete says why the values are not all known (a Flux
	// valuesFrom Secret is never read); "" when they are.
	ValuesIncomplete string `json:"valuesIncomplete,omitempty"`
}

// GitOpsOrigin is the GitOps object in the repo that renders an object: an
// Argo CD Application or a Flux Kustomization or HelmRelease.
type GitOpsOrigin struct {
	// Controller is "argocd" or "flux".
	Controller string `json:"controller"`
	// Kind, Namespace and Name name the GitOps object.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// File and Line are where it is defined.
	File string `json:"file"`
	Line int    `json:"line"`
	// SelfHeal is set when the controller undoes live drift on its own
	// (Argo CD syncPolicy.automated.selfHeal; Flux Kustomization, unless
	// suspended; Flux HelmRelease with driftDetection.mode enabled).
	SelfHeal bool `json:"selfHeal"`
	// Suspended is a Flux object's spec.suspend: its controller does
	// nothing until it is resumed.
	Suspended bool `json:"suspended,omitempty"`
	// DriftDetection is a Flux HelmRelease's spec.driftDetection.mode:
	// "enabled" (drift is corrected), "warn" (reported by an event, not
	// corrected); "" when disabled (neither) or not a HelmRelease.
	DriftDetection string `json:"driftDetection,omitempty"`
}

// String renders "Argo CD Application ns/name (file:line)".
func (g GitOpsOrigin) String() string {
	return controllerObject(g.Controller, g.Kind, g.Namespace, g.Name) + fmt.Sprintf(" (%s:%d)", g.File, g.Line)
}

// MarshalJSON writes item only for List items: -1 ("not in a List") is an
// internal marker, not something scripts should have to know.
func (o Origin) MarshalJSON() ([]byte, error) {
	type plain Origin
	out := struct {
		plain
		Item *int `json:"item,omitempty"`
	}{plain: plain(o)}
	if o.Item >= 0 {
		out.Item = &o.Item
	}
	return json.Marshal(out)
}

// String renders the origin as file:line, "kustomize DIR" when rendered
// by kustomize, or "helm TEMPLATE (release NAME)" when rendered from a
// chart: the template file is the one file the object's text came from.
func (o Origin) String() string {
	switch {
	case o.Helm != nil:
		return "helm " + o.Helm.Template + " (release " + o.Helm.Release + ")"
	case o.Kustomization != "":
		return "kustomize " + o.Kustomization
	}
	return fmt.Sprintf("%s:%d", o.File, o.Line)
}

// EditHint says why a chart-rendered object cannot be edited in place and
// which files to edit instead, in Helm's order of precedence (each later
// one wins): the template, the chart's values.yaml (the defaults), the
// value files, then the places that set values inline. The TUI and the
// CLI refuse an accept with this same sentence.
func (h HelmOrigin) EditHint() string {
	defaults := path.Join(h.Chart, "values.yaml")
	values := []string{defaults + " (defaults)"}
	for i, f := range h.ValueFiles {
		if i > 0 || f != defaults { // a Flux valuesFiles lists the defaults first
			values = append(values, f)
		}
	}
	for _, at := range h.InlineValues {
		values = append(values, at+" (inline)")
	}
	s := fmt.Sprintf("rendered by Helm chart %s (release %s): edit %s or the values (each later one wins): %s",
		h.Chart, h.Release, h.Template, strings.Join(values, ", "))
	if h.ValuesIncomplete != "" {
		s += "; values not all known: " + h.ValuesIncomplete
	}
	return s
}

// Manager is one managedFields writer of a live object.
type Manager struct {
	Manager     string    `json:"manager"`
	Operation   string    `json:"operation"`
	Time        time.Time `json:"time"`
	Subresource string    `json:"subresource,omitempty"`
}

// String renders "manager, Operation, 15:04:05Z".
func (m Manager) String() string {
	s := m.Manager + ", " + m.Operation
	if m.Subresource != "" {
		s += " (" + m.Subresource + ")"
	}
	if !m.Time.IsZero() {
		s += ", " + m.Time.UTC().Format(time.RFC3339)
	}
	return s
}

// FieldOwner records that a manager owns one leaf field of a live object.
// model/cluster derives these from managedFields when an object arrives and
// then drops the raw managedFields to save memory.
type FieldOwner struct {
	// Field is the plain object path (see diffengine.Change.Field).
	Field []string
	// Manager is shared by every field the same managedFields entry owns:
	// an object has a handful of managers but dozens of owned fields, and
	// 10,000 objects' owners are the largest thing the inventory keeps.
	*Manager
}

// LiveObject is an Ingress as the cluster has it.
type LiveObject struct {
	// Ingress has ManagedFields cleared; everything else is as served.
	Ingress *networkingv1.Ingress
	// Owners are the leaf fields and who owns them.
	Owners []FieldOwner
	// Managers are the managedFields entries (without their field sets),
	// newest first.
	Managers []Manager
}

// Key returns the object's key.
func (l *LiveObject) Key() Key { return KeyOf(l.Ingress, "") }

// LastChange is the most recent managedFields entry (zero if none).
func (l *LiveObject) LastChange() Manager {
	if l == nil || len(l.Managers) == 0 {
		return Manager{}
	}
	return l.Managers[0]
}

// ManagersFor returns who owns field or anything below or above it, newest
// first, one entry per manager and operation. A field nobody owns (for
// example one removed live) yields nil.
func (l *LiveObject) ManagersFor(field []string) []Manager {
	if l == nil || len(field) == 0 {
		return nil
	}
	var out []Manager
	for _, o := range l.Owners {
		if !isPrefix(o.Field, field) && !isPrefix(field, o.Field) {
			continue
		}
		dup := false
		for _, m := range out {
			if m.Manager == o.Manager.Manager && m.Operation == o.Operation && m.Subresource == o.Subresource {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, *o.Manager)
		}
	}
	slices.SortStableFunc(out, func(a, b Manager) int { return b.Time.Compare(a.Time) })
	return out
}

func isPrefix(p, of []string) bool {
	if len(p) > len(of) {
		return false
	}
	for i := range p {
		if p[i] != of[i] {
			return false
		}
	}
	return true
}

// Desired is one Ingress document from the repo.
type Desired struct {
	// Ingress is the decoded manifest, exactly as written (namespace may be
	// empty).
	Ingress *networkingv1.Ingress
	// Namespace is the effective namespace: the manifest's own, else the
	// kustomization's, else --default-namespace.
	Namespace string
	// Origin is where the document is.
	Origin Origin
}

// Key returns the document's effective key.
func (d Desired) Key() Key { return KeyOf(d.Ingress, d.Namespace) }

// RepoError is a manifest that could not be read. It never stops the rest of
// the repo from being read.
type RepoError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Key is set when the object's namespace/name could still be read (for
	// example an extensions/v1beta1 Ingress).
	Key *Key `json:"key,omitempty"`
	// Notice marks something worth saying that is not an error: it does
	// not block verdicts and does not count for exit 2 (a chart nothing
	// renders, values that are not all known).
	Notice bool `json:"-"`
	// Unrendered, on a notice, is the GitOps object in the repo that
	// names a source (or one of its sources) not rendered here: a chart
	// from a Helm repository, another repo, a plugin, an API version not
	// read. A live object it manages is then not known to be missing from
	// Git (the inventory makes it GitUnknown, blocked by this notice).
	Unrendered *GitOpsOrigin `json:"unrendered,omitempty"`
}

// Error renders "file:line: message".
func (e RepoError) Error() string { return e.Place() + ": " + e.Message }

// Place renders where the error is: "file:line", or only the file when no
// line is known (an unreadable or oversize file).
func (e RepoError) Place() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

// FileStatus is a manifest file's state in the git work tree.
type FileStatus string

// File states.
const (
	FileClean     FileStatus = "clean"
	FileModified  FileStatus = "modified"
	FileUntracked FileStatus = "untracked"
	FileStaged    FileStatus = "staged"
	FileUnknown   FileStatus = "" // not a git repo, or not known yet

	// FileIgnored is an untracked file matched by .gitignore; it does not
	// make the repo dirty.
	FileIgnored FileStatus = "ignored"
)

// Commit is the summary of one git commit.
type Commit struct {
	Hash    string    `json:"hash"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Subject string    `json:"subject"`
}

// FileInfo is what git says about one manifest file.
type FileInfo struct {
	Status     FileStatus `json:"status,omitempty"`
	LastCommit *Commit    `json:"lastCommit,omitempty"`
}

// AttributedChange is a Change with the managers that own the field live.
type AttributedChange struct {
	Change
	Managers []Manager `json:"managers"`
}

// Entry is the joined state of one key.
type Entry struct {
	Key    Key    `json:"key"`
	Status Status `json:"status"`
	// Live is nil when the object is not in the cluster.
	Live *LiveObject `json:"-"`
	// Desired holds every document that defines the key (more than one
	// means conflict).
	Desired []Desired `json:"-"`
	// Changes are the counted differences with attribution.
	Changes []AttributedChange `json:"changes"`
	// Ignored are differences hidden by ignore rules.
	Ignored []IgnoredChange `json:"ignored"`
	// Severity is the highest change severity.
	Severity Severity `json:"severity"`
	// Categories are the categories the changes hit.
	Categories []Category `json:"categories"`
	// Findings are what the live object does to other live objects or to
	// itself (a route claimed twice, a host without TLS, a backend used
	// nowhere else), sorted by kind, host and path: never drift, and not in
	// Status or Severity. Empty when the object is not live.
	Findings []Finding `json:"findings,omitempty"`
	// defaultClass is the cluster's default IngressClass the entry was
	// diffed with: with Desired[0] and Live it is everything NormalizePair
	// reads, so Normalized can give the compared pair on demand instead of
	// every entry holding two more copies of its object.
	defaultClass string
	// Errors are the read errors for this key (status error).
	Errors []RepoError `json:"errors,omitempty"`
	// Git describes the origin file of Desired[0].
	Git FileInfo `json:"git"`
	// Version increases every time the entry is recomputed.
	Version uint64 `json:"-"`
	// LiveUnknown qualifies a missing-live entry while the cluster has
	// never been listed (still syncing, or unreachable since start): the
	// object is missing live only as far as anyone knows, and no action may
	// rely on it.
	LiveUnknown bool `json:"-"`
	// GitUnknown qualifies a missing-git entry while the repo side is not
	// fully read: its first scan has not finished, its root cannot be read,
	// or an input that could define any key cannot be read (BlockedBy).
	// The object is missing from Git only as far as anyone knows: "missing"
	// is a verdict only when that side was fully read, and nothing may be
	// deleted or written on it.
	GitUnknown bool `json:"-"`
	// BlockedBy are the unreadable inputs behind GitUnknown, sorted by
	// place: repo errors that name no object, or one error with File "."
	// for an unreadable repo root, or else the notices of the unrendered
	// GitOps objects that manage the live object (RepoError.Unrendered).
	// Empty while the first scan runs. The
	// slice is shared by every blocked entry: never modify it.
	BlockedBy []RepoError `json:"-"`
}

// ReportStatus is the status reports show: StatusUnknown for a missing-git
// or missing-live entry whose absence is not verified, else Status. A
// script that deletes what is "missing-git" (or creates what is
// "missing-live") must never see an unverified absence under that word.
func (e *Entry) ReportStatus() Status {
	if e.GitUnknown || e.LiveUnknown && e.Status == StatusMissingLive {
		return StatusUnknown
	}
	return e.Status
}

// BlockedPlaces names the inputs behind GitUnknown for people: "the repo
// root", or up to max places ("apps/x.yaml:3, … and 2 more"), or "" while
// the first scan runs.
func (e *Entry) BlockedPlaces(max int) string {
	if e.rootUnreadable() {
		return "the repo root"
	}
	var places []string
	for i, b := range e.BlockedBy {
		if i == max {
			places = append(places, fmt.Sprintf("%d more", len(e.BlockedBy)-max))
			break
		}
		places = append(places, b.Place())
	}
	return strings.Join(places, ", ")
}

// rootUnreadable reports whether what blocks the entry is the repo root
// itself (the inventory's one RepoError for it, File ".").
func (e *Entry) rootUnreadable() bool {
	return len(e.BlockedBy) == 1 && e.BlockedBy[0].File == "."
}

// GitUnknownCause says in words what keeps the repo side from a verdict
// on a GitUnknown entry ("" when there is one): the repo not read yet, its
// root unreadable, the inputs that could define the object, or the GitOps
// object that manages it and is not rendered here.
// GitUnknownReason and the TUI's detail view build their sentences on it.
func (e *Entry) GitUnknownCause() string {
	switch {
	case !e.GitUnknown:
		return ""
	case len(e.BlockedBy) == 0:
		return "the repo has not been read yet"
	case e.rootUnreadable():
		return "the repo cannot be read (" + e.BlockedBy[0].Message + ")"
	case e.BlockedByUnrendered():
		return e.unrenderedCause()
	case len(e.BlockedBy) == 1:
		return e.BlockedBy[0].Error() + " — that input cannot be read and could define " + e.Key.String()
	}
	return fmt.Sprintf("%d inputs that could define %s cannot be read (%s)", len(e.BlockedBy), e.Key, e.BlockedPlaces(3))
}

// GitUnknownReason says in words why a GitUnknown entry's absence from Git
// is not known ("" when it is known), and what to fix when that is a file.
func (e *Entry) GitUnknownReason() string {
	cause := e.GitUnknownCause()
	switch {
	case cause == "":
		return ""
	case e.BlockedByUnrendered():
		// Nothing to fix in the repo: what the object renders is only
		// not read here.
		return cause + ", so whether " + e.Key.String() + " is in what it renders is not known"
	case len(e.BlockedBy) > 1:
		return cause + ", so whether it is in a manifest is not known; fix them first"
	case len(e.BlockedBy) == 1 && !e.rootUnreadable():
		return cause + ", so whether it is in a manifest is not known; fix it first"
	}
	return cause + ", so whether " + e.Key.String() + " is in a manifest is not known"
}

// Origin returns the first desired document's origin, or nil (also for a
// nil entry).
func (e *Entry) Origin() *Origin {
	if e == nil || len(e.Desired) == 0 {
		return nil
	}
	return &e.Desired[0].Origin
}

// Normalized returns Git and live normalized exactly as the inventory
// compared them (diffengine.NormalizePair with the entry's effective
// namespace and the cluster's default IngressClass it was diffed with);
// either is nil when that side is missing. For a conflict it normalizes
// the first document. Views show this pair so that what they show is what
// the diff saw; it is computed on each call (one object's worth of work)
// rather than kept: holding it would double the inventory's retained
// memory.
func (e *Entry) Normalized() (git, live *networkingv1.Ingress) {
	opts := diffengine.Options{DefaultIngressClass: e.defaultClass}
	var g, l *networkingv1.Ingress
	if len(e.Desired) > 0 {
		g = e.Desired[0].Ingress
		opts.DefaultNamespace = e.Desired[0].Namespace
	}
	if e.Live != nil {
		l = e.Live.Ingress
	}
	return diffengine.NormalizePair(g, l, opts)
}

// OriginNames names every document that defines the key ("file:line" or
// "kustomize DIR"), in order: more than one is a conflict.
func (e *Entry) OriginNames() []string {
	out := make([]string, len(e.Desired))
	for i, d := range e.Desired {
		out[i] = d.Origin.String()
	}
	return out
}

// CategoryNames are the categories the changes hit, as words.
func (e *Entry) CategoryNames() []string {
	out := make([]string, len(e.Categories))
	for i, c := range e.Categories {
		out[i] = string(c)
	}
	return out
}

// Hosts lists the hosts the object serves (live if present, else Git),
// without duplicates, in spec order.
func (e *Entry) Hosts() []string {
	var ing *networkingv1.Ingress
	switch {
	case e.Live != nil:
		ing = e.Live.Ingress
	case len(e.Desired) > 0:
		ing = e.Desired[0].Ingress
	default:
		return nil
	}
	var out []string
	for _, r := range ing.Spec.Rules {
		if r.Host != "" && !slices.Contains(out, r.Host) {
			out = append(out, r.Host)
		}
	}
	return out
}

// ConnPhase is the state of the cluster connection.
type ConnPhase string

// Connection phases.
const (
	ConnSyncing ConnPhase = "syncing" // first list not done yet
	ConnLive    ConnPhase = "live"    // watching
	ConnStale   ConnPhase = "stale"   // watch broken since Since; showing last known state
	ConnOffline ConnPhase = "offline" // live side read from a file
)

// ConnState is the cluster side's connection state.
type ConnState struct {
	Phase ConnPhase `json:"phase"`
	// Since is when the phase began.
	Since time.Time `json:"since"`
	// Err is the last error, in words (stale only).
	Err string `json:"error,omitempty"`
	// Context, Server and Namespace describe the target ("" namespace =
	// all namespaces).
	Context   string `json:"context,omitempty"`
	Server    string `json:"server,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	// Partial is set when the live side is known to hold only some of
	// the cluster's objects (a --live-file of bare objects, not a List):
	// an object missing from it is missing live only as far as anyone
	// knows (Entry.LiveUnknown).
	Partial bool `json:"partial,omitempty"`
	// Warnings are problems reading the live side that did not stop it
	// (an object read without its attribution, a partial dump), as
	// "file:line: message".
	Warnings []string `json:"warnings,omitempty"`
}

// RepoState is the repo side's state.
type RepoState struct {
	// Root is the absolute repo root (the --repo directory).
	Root string `json:"root"`
	// GitRoot is the enclosing git work tree ("" if not a git repo).
	GitRoot string `json:"gitRoot,omitempty"`
	// Head is the short HEAD hash; Branch the branch name.
	Head   string `json:"head,omitempty"`
	Branch string `json:"branch,omitempty"`
	// Dirty is true when any manifest file is modified or untracked.
	Dirty bool `json:"dirty"`
	// Rev is the --rev being compared against ("" = work tree).
	Rev string `json:"rev,omitempty"`
	// Scanning is true until the first full scan has been reported.
	Scanning bool `json:"scanning"`
	// Err is the last repo-level error (unreadable root, bad config).
	Err string `json:"error,omitempty"`
	// Unreadable is set with Err when the manifests as a whole cannot be
	// read: the root is gone or cannot be listed. What was read before is
	// kept, but no key is known to be missing from Git meanwhile.
	Unreadable bool `json:"unreadable,omitempty"`
}

// Batch is one coalesced update for subscribers.
type Batch struct {
	// Changed entries, in no particular order.
	Changed []Entry
	// Removed keys no longer have any state.
	Removed []Key
	// Cluster and Repo are set when the respective state changed.
	Cluster *ConnState
	Repo    *RepoState
	// NoticesChanged is set when the repo's notices changed; Notices are
	// then all of them, sorted by place (shared: never modify).
	NoticesChanged bool
	Notices        []RepoError
}

// LiveSink receives the cluster side's facts. *Inventory implements it.
type LiveSink interface {
	UpsertLive(obj *LiveObject)
	DeleteLive(key Key)
	SetCluster(state ConnState)
}

// RepoSink receives the repo side's facts. *Inventory implements it.
type RepoSink interface {
	// SetSource replaces everything a source (one manifest file, or one
	// kustomize root) contributes: its documents and its errors.
	SetSource(source string, docs []Desired, errs []RepoError)
	// RemoveSource forgets a source (file deleted).
	RemoveSource(source string)
	// SetFileInfo records git facts about a manifest file.
	SetFileInfo(file string, info FileInfo)
	// SetRepo records the repo-level state.
	SetRepo(state RepoState)
	// SetIgnoreRules replaces the ignore rules from .ingress-drift.yaml.
	SetIgnoreRules(rules []diffengine.IgnoreRule)
}
