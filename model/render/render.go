package render

import (
	"github.com/ingress-drift/ingress-drift/model"
)

// Files is what a kind reads of the repo: one walk's listing, from the
// work tree or from a commit (--rev). Paths are relative to the repo root,
// slash-separated. A kind never reads the disk on its own for a listing
// that is not on it (OnDisk). Files are read while planning and in
// Prepare; Read is safe for concurrent use (GitOps discovery reads every
// YAML file of the listing on several goroutines), the rest is called
// from one goroutine.
type Files interface {
	// RootDir is the repo root, absolute, symlinks resolved: where the
	// work tree is, and the prefix a commit's files are given in memory.
	RootDir() string
	// OnDisk reports whether the files are the work tree (false: a commit).
	OnDisk() bool
	// List returns the regular files the walk found, in walk order.
	List() []string
	// Stat reports whether rel exists and is a directory; rel may start
	// with "../" to reach outside the root.
	Stat(rel string) (exists, isDir bool)
	// Read returns the content of a listed file. Its errors name no path
	// (the caller names the file).
	Read(rel string) ([]byte, error)
	// Escapes reports whether rel, inside the root by name, leads outside
	// it through a symlink, and where to.
	Escapes(rel string) (target string, escaped bool)
}

// Config is what .ingress-drift.yaml says to the kinds.
type Config struct {
	// File is the config file's name, for the errors about what it says.
	File string
	// Roots are the kustomize roots it lists (nil: detect them), and
	// RootLines their lines.
	Roots     []string
	RootLines map[string]int
	// Helm are the charts it says to render (the helm: section).
	Helm []HelmRelease
	// KubeVersion is the Kubernetes version charts see as
	// .Capabilities.KubeVersion ("v1.31.2"); "" is Helm's default.
	KubeVersion string
	// DefaultNamespace is --default-namespace: the namespace of a release
	// that names none ("" is "default").
	DefaultNamespace string
}

// HelmRelease is one rendering of a chart in the repo: from the config's
// helm: section, or from a GitOps object that names the chart.
type HelmRelease struct {
	// Chart is the chart directory, relative to the repo root.
	Chart string
	// Release and Namespace are the release name and namespace the
	// templates see (.Release.Name, .Release.Namespace); Namespace is also
	// the namespace of rendered objects that set none, unless
	// ObjectNamespace is set.
	Release, Namespace string
	// ObjectNamespace, when set, is the namespace of rendered objects that
	// set none (Argo CD: helm.namespace is only what the templates see,
	// the objects go to destination.namespace).
	ObjectNamespace string
	// ValueFiles are applied after the chart's values.yaml, in order;
	// relative to the repo root.
	ValueFiles []string
	// Values are inline value layers applied after the files, in order
	// (for Argo CD: valuesObject, or else values).
	Values []map[string]any
	// InlineValues are "file:line" of where the GitOps object sets the
	// Values layers, for the origin's edit hint.
	InlineValues []string
	// ReplaceChartValues makes the merged ValueFiles the chart's values in
	// place of its values.yaml (which counts only when listed), and Values
	// and the Set expressions the user values over them: Flux's
	// spec.chart.spec.valuesFiles, which source-controller packages into
	// the chart as its values.yaml.
	ReplaceChartValues bool
	// Set and SetString are `helm --set` and `--set-string` expressions
	// (Helm's strvals), applied in order onto the merged values after the
	// files and Values, as Helm's values.Options.MergeValues applies them:
	// Argo CD's parameters (those with forceString in SetString).
	Set, SetString []string
	// ValuesIncomplete says why not all values are known ("" if they are);
	// it is copied into the rendered objects' origins and reported as a
	// notice.
	ValuesIncomplete string
	// Via is the GitOps object that names the release; nil for the
	// config.
	Via *model.GitOpsOrigin
	// File and Line are where the release is defined (the config entry or
	// the GitOps object), for errors about it.
	File string
	Line int
}

// Input is what every kind plans from.
type Input struct {
	Files  Files
	Config Config
	// Keep reports whether rendered objects of a kind ("Ingress") are
	// returned; nil keeps all. Marshaling every object of a render costs
	// for kinds nobody reads. Which kinds are read is the caller's (the
	// repo side keeps manifest.KindMayHoldIngress): a kind renders all.
	Keep func(kind string) bool
	// Helm are the releases to render: the config's, then those GitOps
	// objects in the repo name. NewLayout fills it before the kinds plan.
	Helm []HelmRelease
	// kustomize are the kustomize roots GitOps objects render (NewLayout
	// fills it, as Helm).
	kustomize []kustomizeRequest
	// namedCharts are the charts GitOps objects name but do not render
	// (NewLayout fills it): the helm kind does not say nothing names them.
	namedCharts []string
}

// Root is one render: a kind's unit of output, reported to the sink as one
// source.
type Root struct {
	// Kind is the kind's name ("kustomize"), Name the root within it
	// (the kustomization's directory, "." for the repo root).
	Kind, Name string
	// File is the file that defines the root (a kustomization file): its
	// FileInfo stands for the root's. "" for a root whose objects name
	// their own files (a GitOps object's directory sources): none does.
	File string
}

// Source is the root's source name (see model.RepoSink.SetSource), such as
// "kustomize:overlays/prod". A plain manifest file's source name is its
// path.
func (r Root) Source() string { return r.Kind + ":" + r.Name }

// Object is one rendered object: its JSON, for the caller to decode, and
// where it came from.
type Object struct {
	JSON   []byte
	Origin model.Origin
	// Namespace is the namespace of the object when its JSON sets none:
	// a GitOps object's destination ("": the caller's default).
	Namespace string
}

// Result is what rendering one root gave: its objects, or the errors that
// stopped it (both, when single objects fail).
type Result struct {
	Objects []Object
	Errors  []model.RepoError
}

// Kind is one source kind: a way desired state is written in a repo other
// than plain manifests.
type Kind interface {
	// Name prefixes the kind's source names.
	Name() string
	// Plan reads the kind's defining files and decides its roots; the
	// errors are about what the config says (in.Config.File).
	Plan(in Input) (Plan, []model.RepoError)
}

// Plan is a kind's layout of one listing: which files are its own, its
// roots and what each reads, and how to render one.
type Plan interface {
	// Roots are the roots, sorted by name.
	Roots() []Root
	// Owns reports whether rel belongs to the kind: such a file is never
	// read as a plain manifest, whether a root reads it or not.
	Owns(rel string) bool
	// RootsOf returns the roots whose render reads rel: those a change of
	// rel renders again.
	RootsOf(rel string) []Root
	// Replans reports whether a change of rel changes the plan itself (the
	// repo is then planned again): for a created or changed file (gone
	// false), whether it may define roots; for a path that is gone (a file
	// or a directory), whether it defined some.
	Replans(rel string, gone bool) bool
	// Prepare reads what the renders need up front, once: for a commit,
	// its files into memory. After it the plan reads no Files (a listing
	// goes stale as the watch applies changes): renders of the work tree
	// read the disk. An error stops the scan.
	Prepare() error
	// Render renders one of the plan's roots, after Prepare. It is safe
	// for concurrent use.
	Render(root Root) Result
}

// kinds are the source kinds, in the order their roots are rendered. A new
// kind is one file and its line here.
var kinds = []Kind{kustomizeKind{}, helmKind{}}

// Layout is every kind's plan for one listing: what the repo side asks
// about rendering.
type Layout struct {
	plans  []Plan
	byKind map[string]Plan
}

// NewLayout plans every kind over in.Files. The GitOps objects of the
// listing are found first (gitops.go): the Helm releases and kustomize
// roots they render are handed to those kinds, and the GitOps plan, which
// renders their directory sources and says what they cannot render, comes
// after the kinds. The errors are about what the config says (roots it
// lists that are none).
func NewLayout(in Input) (*Layout, []model.RepoError) {
	l := &Layout{byKind: make(map[string]Plan, len(kinds)+1)}
	g, helm, kust := planGitOps(in)
	in.Helm = append(append([]HelmRelease(nil), in.Config.Helm...), helm...)
	in.kustomize = kust
	in.namedCharts = g.named
	var errs []model.RepoError
	for _, k := range kinds {
		p, perrs := k.Plan(in)
		l.plans = append(l.plans, p)
		l.byKind[k.Name()] = p
		errs = append(errs, perrs...)
	}
	l.plans = append(l.plans, g)
	l.byKind[gitopsName] = g
	return l, errs
}

// Roots are every kind's roots, kind by kind.
func (l *Layout) Roots() []Root {
	var out []Root
	for _, p := range l.plans {
		out = append(out, p.Roots()...)
	}
	return out
}

// Owns reports whether a kind owns rel: it is never read as a plain
// manifest.
func (l *Layout) Owns(rel string) bool {
	for _, p := range l.plans {
		if p.Owns(rel) {
			return true
		}
	}
	return false
}

// RootsOf returns the roots whose render reads rel.
func (l *Layout) RootsOf(rel string) []Root {
	var out []Root
	for _, p := range l.plans {
		out = append(out, p.RootsOf(rel)...)
	}
	return out
}

// Reads reports whether any root's render may read rel: its git facts
// matter.
func (l *Layout) Reads(rel string) bool { return len(l.RootsOf(rel)) > 0 }

// Replans reports whether a change of rel changes some kind's plan (see
// Plan.Replans): the repo is read again.
func (l *Layout) Replans(rel string, gone bool) bool {
	for _, p := range l.plans {
		if p.Replans(rel, gone) {
			return true
		}
	}
	return false
}

// DefinedBy returns the roots that file defines.
func (l *Layout) DefinedBy(file string) []Root {
	var out []Root
	for _, r := range l.Roots() {
		if file != "" && r.File == file {
			out = append(out, r)
		}
	}
	return out
}

// Prepare prepares every kind's renders (see Plan.Prepare).
func (l *Layout) Prepare() error {
	for _, p := range l.plans {
		if err := p.Prepare(); err != nil {
			return err
		}
	}
	return nil
}

// Render renders one root. It is safe for concurrent use.
func (l *Layout) Render(root Root) Result {
	return l.byKind[root.Kind].Render(root)
}
