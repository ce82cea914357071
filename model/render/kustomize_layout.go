package render

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// kustomizationNames are the file names kustomize looks for, in its order.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

func isKustomizationFile(rel string) bool {
	return slices.Contains(kustomizationNames, path.Base(rel))
}

// kustomization is what the scan needs to know of one kustomization file:
// what it refers to, with lines. Rendering is krusty's job.
type kustomization struct {
	dir, file string
	refs      []kref
	// helmLine is the line of a helmCharts key (0: none).
	helmLine int
	// change is the first field that may change the objects it includes
	// (namespace, patches, …; "": it only lists them), at changeLine.
	change     string
	changeLine int
	// err is set when the file is not valid YAML.
	err *model.RepoError
}

// kref is one path a kustomization names.
type kref struct {
	field, value string
	line         int
	// rel is the path resolved against the kustomization's directory,
	// relative to the repo root (it may start with "../"); an absolute
	// path stays absolute.
	rel string
	// mayBeDir is set for the fields that may name a kustomization
	// directory (resources, components, bases, generators, transformers,
	// validators); kustomize fetches such entries from the network when
	// they look like a URL and do not exist locally.
	mayBeDir bool
}

// Fields of a kustomization that name paths.
var (
	dirFields  = []string{"resources", "components", "bases", "generators", "transformers", "validators"}
	fileFields = []string{"crds", "configurations", "patchesStrategicMerge"}
	pathFields = []string{"patches", "patchesJson6902", "replacements"} // lists of {path: …}
	genFields  = []string{"configMapGenerator", "secretGenerator"}      // files, envs, env
)

// listingFields are the fields of a kustomization that leave the objects
// it includes as their files hold them: every other field (namespace,
// patches, generators, components, …) may change them.
var listingFields = []string{"apiVersion", "kind", "metadata", "resources", "bases", "sortOptions", "crds", "openapi"}

// parseKustomization reads the references of one kustomization file; a
// YAML error is at its line, as the repo reports one in a manifest.
func parseKustomization(file string, data []byte) *kustomization {
	k := &kustomization{dir: path.Dir(file), file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := manifest.YAMLErrorLine(data, err)
		k.err = &model.RepoError{File: file, Line: line, Message: "YAML: " + msg}
		return k
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return k
	}
	top := doc.Content[0]
	add := func(field string, n *yaml.Node, mayBeDir bool) {
		if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" || strings.Contains(n.Value, "\n") {
			return // inline patches are not paths
		}
		v := n.Value
		if field == "files" {
			if _, after, ok := strings.Cut(v, "="); ok {
				v = after // key=path
			}
		}
		rel := path.Clean(path.Join(k.dir, v))
		if path.IsAbs(v) {
			rel = path.Clean(v)
		}
		k.refs = append(k.refs, kref{field: field, value: v, line: n.Line, rel: rel, mayBeDir: mayBeDir})
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, v := top.Content[i].Value, top.Content[i+1]
		if k.change == "" && !slices.Contains(listingFields, key) {
			k.change, k.changeLine = key, top.Content[i].Line
		}
		switch {
		case slices.Contains(dirFields, key), slices.Contains(fileFields, key):
			if v.Kind == yaml.SequenceNode {
				for _, s := range v.Content {
					add(key, s, slices.Contains(dirFields, key))
				}
			}
		case slices.Contains(pathFields, key):
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					add(key, mapValue(item, "path"), false)
				}
			}
		case slices.Contains(genFields, key):
			if v.Kind != yaml.SequenceNode {
				continue
			}
			for _, item := range v.Content {
				for _, f := range []string{"files", "envs"} {
					if list := mapValue(item, f); list != nil && list.Kind == yaml.SequenceNode {
						for _, s := range list.Content {
							add("files", s, false)
						}
					}
				}
				add("env", mapValue(item, "env"), false)
			}
		case key == "openapi":
			add("openapi", mapValue(v, "path"), false)
		case key == "helmCharts" || key == "helmChartInflationGenerator":
			k.helmLine = top.Content[i].Line
		}
	}
	return k
}

// outside reports whether the path leaves the repo by name (through
// symlinks: Files.Escapes).
func (r kref) outside() bool { return pathx.Outside(r.rel) }

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// looksRemote reports whether a kustomization entry names something
// kustomize would fetch over the network.
func looksRemote(v string) bool {
	for _, p := range []string{"http://", "https://", "git@", "git::", "gh:", "ssh://", "file://", "github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return strings.Contains(v, "?ref=") || strings.Contains(v, "?version=") || strings.Contains(v, ".git//")
}

// layout is the kustomize structure of the repo: which directories are
// kustomizations, which of them are roots, and what each root renders from.
// It is the kustomize kind's Plan.
type layout struct {
	// files is the listing planned from, until Prepare; renders never
	// read it (it is stale once the watch applies a change).
	files Files
	// repoRoot is Files.RootDir; keep is Input.Keep.
	repoRoot string
	keep     func(kind string) bool
	kusts    map[string]*kustomization // by directory
	// rootDirs are the roots' directories, sorted: the configured or
	// detected roots. A root that a GitOps object renders is not detected
	// as one of its own (it would render the same objects twice); one the
	// config lists is rendered as listed all the same.
	rootDirs []string
	// reqs are the roots GitOps objects render, by root name.
	reqs map[string]kustomizeRequest
	// roots are all roots, sorted by name (sortRoots).
	roots []Root
	// closures are, per root, the kustomization directories it renders
	// (itself and its bases) and the files they name outside those
	// directories, with the problems that stop it from rendering.
	closures map[string]*closure
	// refFiles are files some kustomization names (a resource file, a
	// patch): kustomize's, not plain manifests.
	refFiles map[string]bool
	// fsys is what krusty reads (Prepare).
	fsys filesys.FileSystem
}

type closure struct {
	dirs  []string
	files []string
	errs  []model.RepoError
}

// Owns reports whether a file belongs to kustomize: it is under a
// kustomization's directory, or a kustomization names it. Such files are
// never read as plain manifests.
func (l *layout) Owns(rel string) bool {
	if l.refFiles[rel] {
		return true
	}
	for d := path.Dir(rel); ; d = path.Dir(d) {
		if l.kusts[d] != nil {
			return true
		}
		if d == "." || d == "/" {
			return false
		}
	}
}

// Roots are the kustomize roots, by name: a directory, or for a GitOps
// object's, the directory and the object.
func (l *layout) Roots() []Root { return slices.Clone(l.roots) }

// sortRoots computes the roots once planned: RootsOf is asked per file.
func (l *layout) sortRoots() {
	l.roots = make([]Root, 0, len(l.rootDirs)+len(l.reqs))
	for _, d := range l.rootDirs {
		l.roots = append(l.roots, l.root(d))
	}
	for name := range l.reqs {
		l.roots = append(l.roots, l.root(name))
	}
	sort.Slice(l.roots, func(i, j int) bool { return l.roots[i].Name < l.roots[j].Name })
}

func (l *layout) root(name string) Root {
	return Root{Kind: kustomizeName, Name: name, File: l.kusts[l.rootDir(name)].file}
}

// rootDir is the kustomization directory of a root.
func (l *layout) rootDir(name string) string {
	if req, ok := l.reqs[name]; ok {
		return req.dir
	}
	return name
}

// RootsOf returns the roots whose render reads rel.
func (l *layout) RootsOf(rel string) []Root {
	var out []Root
	for _, r := range l.roots {
		if l.reads(r.Name, rel) {
			out = append(out, r)
		}
	}
	return out
}

// reads reports whether the render of a root may read rel.
func (l *layout) reads(root, rel string) bool {
	c := l.closures[l.rootDir(root)]
	return slices.Contains(c.files, rel) || slices.ContainsFunc(c.dirs, func(d string) bool { return pathx.Under(rel, d) })
}

// inClosure reports whether any root's render may read rel.
func (l *layout) inClosure(rel string) bool {
	return len(l.RootsOf(rel)) > 0
}

// Replans reports whether a change of rel changes the layout: a
// kustomization file created or changed; a kustomization file or
// directory gone.
func (l *layout) Replans(rel string, gone bool) bool {
	if !gone {
		return isKustomizationFile(rel)
	}
	return l.kusts[rel] != nil || isKustomizationFile(rel) && l.kusts[path.Dir(rel)] != nil
}

// buildLayout reads every kustomization file and decides the roots: the
// config's roots if it lists any, else every kustomization that no other
// kustomization in the repo refers to (those are bases). Problems with the
// configured roots are returned as config errors.
func buildLayout(in Input) (*layout, []model.RepoError) {
	t, cfg := in.Files, in.Config
	l := &layout{files: t, repoRoot: t.RootDir(), keep: in.Keep, reqs: map[string]kustomizeRequest{},
		kusts: map[string]*kustomization{}, closures: map[string]*closure{}, refFiles: map[string]bool{}}
	for _, rel := range t.List() {
		if !isKustomizationFile(rel) {
			continue
		}
		dir := path.Dir(rel)
		if prev := l.kusts[dir]; prev != nil && slices.Index(kustomizationNames, path.Base(prev.file)) < slices.Index(kustomizationNames, path.Base(rel)) {
			continue // kustomize itself reports the ambiguity when rendering
		}
		data, err := t.Read(rel)
		if err != nil {
			l.kusts[dir] = &kustomization{dir: dir, file: rel, err: &model.RepoError{File: rel, Message: fmt.Sprintf("cannot read: %v", err)}}
			continue
		}
		l.kusts[dir] = parseKustomization(rel, data)
	}
	referenced := map[string]bool{}
	for _, k := range l.kusts {
		for _, r := range k.refs {
			if r.outside() {
				continue
			}
			if r.mayBeDir && l.kusts[r.rel] != nil {
				referenced[r.rel] = true
				continue
			}
			if exists, isDir := t.Stat(r.rel); exists && !isDir {
				l.refFiles[r.rel] = true
			}
		}
	}
	var cfgErrs []model.RepoError
	if len(cfg.Roots) > 0 {
		for _, r := range cfg.Roots {
			if l.kusts[r] == nil {
				msg := fmt.Sprintf("roots: %s has no kustomization.yaml", r)
				if exists, isDir := t.Stat(r); !exists || !isDir {
					msg = fmt.Sprintf("roots: %s is not a directory in the repo", r)
				}
				cfgErrs = append(cfgErrs, model.RepoError{File: cfg.File, Line: cfg.RootLines[r], Message: msg})
				continue
			}
			if !slices.Contains(l.rootDirs, r) {
				l.rootDirs = append(l.rootDirs, r)
			}
		}
	}
	claimed := map[string]bool{}
	for _, req := range in.kustomize {
		if l.kusts[req.dir] != nil { // else the GitOps plan says so
			l.reqs[req.name] = req
			claimed[req.dir] = true
		}
	}
	if len(cfg.Roots) == 0 {
		for d := range l.kusts {
			if !referenced[d] && !claimed[d] {
				l.rootDirs = append(l.rootDirs, d)
			}
		}
	}
	sort.Strings(l.rootDirs)
	for _, r := range l.rootDirs {
		l.closures[r] = l.closure(t, r)
	}
	for d := range claimed {
		if l.closures[d] == nil {
			l.closures[d] = l.closure(t, d)
		}
	}
	if len(cfg.Roots) == 0 {
		l.cycleRoots(t)
	}
	l.sortRoots()
	return l, cfgErrs
}

// cycleRoots makes roots of kustomizations that are only included by each
// other, in a cycle: no other kustomization includes them, so they are not
// bases of anything that renders, and without a root of their own their
// objects would vanish from the repo without a word. The first member of
// each such cycle, by name, becomes a root, whose closure reports the
// cycle.
func (l *layout) cycleRoots(t Files) {
	reached := map[string]bool{}
	for _, c := range l.closures {
		for _, d := range c.dirs {
			reached[d] = true
		}
	}
	dirs := make([]string, 0, len(l.kusts))
	for d := range l.kusts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if reached[d] || !l.onCycle(d) {
			continue
		}
		l.rootDirs = append(l.rootDirs, d)
		c := l.closure(t, d)
		l.closures[d] = c
		for _, cd := range c.dirs {
			reached[cd] = true
		}
	}
	sort.Strings(l.rootDirs)
}

// bases returns the kustomization directories k includes.
func (l *layout) bases(k *kustomization) []string {
	var out []string
	for _, r := range k.refs {
		if r.mayBeDir && !r.outside() && l.kusts[r.rel] != nil {
			out = append(out, r.rel)
		}
	}
	return out
}

// onCycle reports whether the kustomization in dir includes itself,
// directly or through its bases.
func (l *layout) onCycle(dir string) bool {
	seen := map[string]bool{}
	stack := l.bases(l.kusts[dir])
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d == dir {
			return true
		}
		if !seen[d] {
			seen[d] = true
			stack = append(stack, l.bases(l.kusts[d])...)
		}
	}
	return false
}

// closure walks a root's bases and checks every path they name: a path
// outside the repo is refused (by name or through a symlink: kustomize
// itself would open a base anywhere), a remote entry is refused
// (ingress-drift never reaches the network, and kustomize would fetch it),
// and so is a missing local one (kustomize would try it as a remote). A
// base that includes a kustomization on the way to it is a cycle, named
// at the entry that closes it.
func (l *layout) closure(t Files, root string) *closure {
	c := &closure{}
	seen := map[string]bool{}
	var visiting []string // the kustomizations being visited, root first
	var visit func(dir string)
	visit = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		visiting = append(visiting, dir)
		defer func() { visiting = visiting[:len(visiting)-1] }()
		k := l.kusts[dir]
		c.dirs = append(c.dirs, dir)
		if k.err != nil {
			c.errs = append(c.errs, *k.err)
			return
		}
		if k.helmLine > 0 {
			c.errs = append(c.errs, model.RepoError{File: k.file, Line: k.helmLine, Message: "helmCharts: Helm charts are not rendered " +
				"(that would run helm and fetch the chart); render the chart into the repo or exclude this kustomization"})
		}
		for _, r := range k.refs {
			if r.outside() {
				c.errs = append(c.errs, model.RepoError{File: k.file, Line: r.line, Message: fmt.Sprintf("%s: %s is outside the repo", r.field, r.value)})
				continue
			}
			if target, ok := t.Escapes(r.rel); ok {
				c.errs = append(c.errs, model.RepoError{File: k.file, Line: r.line, Message: fmt.Sprintf(
					"%s: %s is outside the repo (through a symlink, to %s)", r.field, r.value, target)})
				continue
			}
			remote := strings.HasPrefix(r.value, "http://") || strings.HasPrefix(r.value, "https://")
			if r.mayBeDir {
				if exists, _ := t.Stat(r.rel); !exists {
					remote = looksRemote(r.value)
					if !remote {
						c.errs = append(c.errs, model.RepoError{File: k.file, Line: r.line, Message: fmt.Sprintf("%s: %s does not exist", r.field, r.value)})
						continue
					}
				}
			}
			if remote {
				c.errs = append(c.errs, model.RepoError{File: k.file, Line: r.line, Message: fmt.Sprintf(
					"%s: remote %q is not fetched (ingress-drift never reaches the network); vendor it into the repo or exclude this kustomization", r.field, r.value)})
				continue
			}
			if r.mayBeDir && l.kusts[r.rel] != nil {
				if i := slices.Index(visiting, r.rel); i >= 0 {
					cycle := append(slices.Clone(visiting[i:]), r.rel)
					c.errs = append(c.errs, model.RepoError{File: k.file, Line: r.line, Message: fmt.Sprintf(
						"%s: %s includes a kustomization that includes it, a cycle: %s; kustomize cannot render it", r.field, r.value, strings.Join(cycle, " → "))})
					continue
				}
				visit(r.rel)
			} else if !slices.ContainsFunc(c.dirs, func(d string) bool { return pathx.Under(r.rel, d) }) && !slices.Contains(c.files, r.rel) {
				c.files = append(c.files, r.rel)
			}
		}
	}
	visit(root)
	return c
}
