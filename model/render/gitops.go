package render

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// gitopsName is the GitOps plan's kind name, the prefix of its sources:
// one per GitOps object that renders directories or has something to say
// (its errors and notices).
const gitopsName = "gitops"

// The byte prefilter: a file that holds neither names no GitOps object.
// Discovery runs over every YAML and JSON file on every scan, and all but
// a few files of a repo fail it without being parsed.
var gitopsMarks = [][]byte{[]byte("argoproj.io"), []byte("toolkit.fluxcd.io")}

// gitopsObject is one Argo CD or Flux object found in the repo.
type gitopsObject struct {
	file string
	// line is the line of the document's content; shift is added to a
	// node's line to make it a line of the file.
	line, shift int
	apiVersion  string
	kind        string
	name, ns    string
	node        *yaml.Node // the document's top mapping
	// old is an older apiVersion, not read.
	old bool
}

// via is the object as rendered objects name it.
func (o *gitopsObject) via(controller string, selfHeal bool) *model.GitOpsOrigin {
	return &model.GitOpsOrigin{Controller: controller, Kind: o.kind, Namespace: o.ns, Name: o.name,
		File: o.file, Line: o.line, SelfHeal: selfHeal}
}

// decode decodes the object into v; a type error is at its line of the
// file.
func (o *gitopsObject) decode(v any) *model.RepoError {
	err := o.node.Decode(v)
	if err == nil {
		return nil
	}
	line, msg := o.line, err.Error()
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		for i, e := range te.Errors {
			te.Errors[i] = describeTypeError(o.node, e)
		}
		msg = strings.Join(te.Errors, "; ")
		msg = typeErrLine.ReplaceAllStringFunc(msg, func(m string) string {
			n, _ := strconv.Atoi(typeErrLine.FindStringSubmatch(m)[1])
			if line == o.line {
				line = n + o.shift
			}
			return fmt.Sprintf("line %d:", n+o.shift)
		})
	}
	return &model.RepoError{File: o.file, Line: line, Message: fmt.Sprintf("%s %s: %s", o.kind, o.name, msg)}
}

var typeErrLine = regexp.MustCompile(`line (\d+):`)

// gitopsKinds are the objects discovery reads, by apiVersion and kind:
// true for the versions read, false for older ones, which get a notice
// (what they render is not read).
var gitopsKinds = map[[2]string]bool{
	{"argoproj.io/v1alpha1", "Application"}:                  true,
	{"argoproj.io/v1alpha1", "ApplicationSet"}:               true,
	{"kustomize.toolkit.fluxcd.io/v1", "Kustomization"}:      true,
	{"helm.toolkit.fluxcd.io/v2", "HelmRelease"}:             true,
	{"source.toolkit.fluxcd.io/v1", "GitRepository"}:         true,
	{"kustomize.toolkit.fluxcd.io/v1beta2", "Kustomization"}: false,
	{"helm.toolkit.fluxcd.io/v2beta1", "HelmRelease"}:        false,
	{"helm.toolkit.fluxcd.io/v2beta2", "HelmRelease"}:        false,
}

// gitopsChild names a rendered object (JSON) that is a GitOps object,
// "Kind name", or is "": what it applies is not rendered (only the repo's
// own files are discovered), so the keys it may define are unknown.
func gitopsChild(j []byte) string {
	if !hasMark(j) {
		return ""
	}
	var obj struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if json.Unmarshal(j, &obj) != nil {
		return ""
	}
	group, _, _ := strings.Cut(obj.APIVersion, "/")
	switch {
	case group == "argoproj.io" && (obj.Kind == "Application" || obj.Kind == "ApplicationSet"),
		group == "kustomize.toolkit.fluxcd.io" && obj.Kind == "Kustomization",
		group == "helm.toolkit.fluxcd.io" && obj.Kind == "HelmRelease":
		return obj.Kind + " " + obj.Metadata.Name
	}
	return ""
}

// discovery is what the scan for GitOps objects found.
type discovery struct {
	objects []*gitopsObject
	// errs are documents that look like GitOps objects but cannot be read.
	errs []model.RepoError
	// definers are the files that hold them (or documents that may).
	definers map[string]bool
}

// mayDefine reports whether a file's name makes it one discovery reads.
func mayDefine(rel string) bool {
	switch path.Ext(rel) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// discover reads every YAML and JSON file of the listing that passes the
// byte prefilter, document by document, for GitOps objects. Files in a
// chart directory are templates, not objects (the Helm kind's). Reading
// is what it costs (a system call or three per file, the prefilter is
// next to nothing): the files are read on GOMAXPROCS goroutines, and
// parsed in listing order.
func discover(t Files, l *listingFacts) *discovery {
	d := &discovery{definers: map[string]bool{}}
	var cands []string
	for _, rel := range l.files {
		if candidate(l.charts, l.notObjects, rel) {
			cands = append(cands, rel)
		}
	}
	marked := make([][]byte, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(cands)/64, 1)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(cands); i = int(next.Add(1) - 1) {
				// An unreadable file is the plain-manifest read's to report.
				if data, err := t.Read(cands[i]); err == nil && hasMark(data) {
					marked[i] = data
				}
			}
		})
	}
	wg.Wait()
	for i, data := range marked {
		if data != nil {
			d.file(cands[i], data)
		}
	}
	return d
}

// hasMark is the byte prefilter.
func hasMark(data []byte) bool {
	return slices.ContainsFunc(gitopsMarks, func(m []byte) bool { return bytes.Contains(data, m) })
}

// file reads the GitOps objects of one file.
func (d *discovery) file(rel string, data []byte) {
	if !hasMark(data) {
		return
	}
	docs := manifest.SplitDocuments(data)
	if path.Ext(rel) == ".json" {
		docs = []manifest.Document{{Line: 1, Offset: 0, End: len(data)}}
	}
	for _, doc := range docs {
		text := data[doc.Offset:doc.End]
		if !hasMark(text) {
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal(text, &n); err != nil {
			if looksGitOps(text) {
				line, msg := manifest.YAMLErrorLine(text, err)
				d.definers[rel] = true
				d.errs = append(d.errs, model.RepoError{File: rel, Line: max(line, 1) + doc.Line - 1,
					Message: "YAML: " + msg + " (a GitOps object that cannot be read: what it renders is unknown)"})
			}
			continue
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		top := n.Content[0]
		o := &gitopsObject{file: rel, line: doc.Line, shift: doc.Line - 1, node: top,
			apiVersion: scalar(mapValue(top, "apiVersion")), kind: scalar(mapValue(top, "kind"))}
		read, known := gitopsKinds[[2]string{o.apiVersion, o.kind}]
		if !known {
			continue
		}
		o.old = !read
		meta := mapValue(top, "metadata")
		o.name, o.ns = scalar(mapValue(meta, "name")), scalar(mapValue(meta, "namespace"))
		d.definers[rel] = true
		d.objects = append(d.objects, o)
	}
}

// looksGitOps reports whether a document that does not parse names one of
// the kinds discovery reads: it is an error, not nothing.
func looksGitOps(text []byte) bool {
	for k, ok := range gitopsKinds {
		if ok && bytes.Contains(text, []byte(strings.SplitN(k[0], "/", 2)[0])) && bytes.Contains(text, []byte(k[1])) {
			return true
		}
	}
	return false
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// listingFacts are what the GitOps plan knows of the listing's layout:
// which directories hold a kustomization file or a Chart.yaml, and the
// files by directory.
type listingFacts struct {
	files  []string
	kusts  map[string]bool
	charts map[string]bool
	dirs   map[string]bool
	// The kustomizations (readKustomizations): by directory; the files
	// they include as resources, with the kustomizations including each,
	// and the directories including each kustomization; patches and other
	// files they name that are not resources, which are never objects.
	kustFiles  map[string]*kustomization
	resourceOf map[string][]string
	includedBy map[string][]string
	notObjects map[string]bool
}

func newListingFacts(t Files) *listingFacts {
	l := &listingFacts{files: t.List(), kusts: map[string]bool{}, charts: map[string]bool{}, dirs: map[string]bool{".": true}}
	for _, rel := range l.files {
		d := path.Dir(rel)
		if isKustomizationFile(rel) {
			l.kusts[d] = true
		}
		if path.Base(rel) == "Chart.yaml" {
			l.charts[d] = true
		}
		for ; d != "." && !l.dirs[d]; d = path.Dir(d) {
			l.dirs[d] = true
		}
	}
	return l
}

// readKustomizations reads the kustomization files of the listing (one
// per directory, in kustomize's order of names): what they include and
// what they name that is no resource. One that cannot be read names
// nothing here (the kustomize kind reports it).
func (l *listingFacts) readKustomizations(t Files) {
	l.kustFiles, l.resourceOf, l.includedBy, l.notObjects = map[string]*kustomization{}, map[string][]string{}, map[string][]string{}, map[string]bool{}
	for _, rel := range l.files {
		if !isKustomizationFile(rel) {
			continue
		}
		dir := path.Dir(rel)
		if prev := l.kustFiles[dir]; prev != nil && slices.Index(kustomizationNames, path.Base(prev.file)) < slices.Index(kustomizationNames, path.Base(rel)) {
			continue
		}
		if data, err := t.Read(rel); err == nil {
			l.kustFiles[dir] = parseKustomization(rel, data)
		}
	}
	for _, k := range l.kustFiles {
		for _, r := range k.refs {
			switch {
			case !r.mayBeDir:
				l.notObjects[r.rel] = true
			case l.kusts[r.rel]:
				l.includedBy[r.rel] = append(l.includedBy[r.rel], k.dir)
			default:
				l.resourceOf[r.rel] = append(l.resourceOf[r.rel], k.dir)
			}
		}
	}
}

// appliedThrough returns a kustomization that includes file, directly or
// through the kustomizations including it, and may change its objects
// (nil: none does, the file is applied as it is).
func (l *listingFacts) appliedThrough(file string) *kustomization {
	stack := slices.Clone(l.resourceOf[file])
	slices.Sort(stack)
	seen := map[string]bool{}
	for len(stack) > 0 {
		d := stack[0]
		stack = stack[1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		if k := l.kustFiles[d]; k != nil && k.change != "" {
			return k
		}
		up := slices.Clone(l.includedBy[d])
		slices.Sort(up)
		stack = append(stack, up...)
	}
	return nil
}

// candidate reports whether discovery reads rel: a file that may hold a
// GitOps object, not a chart's own (chartOwns), not a kustomization's
// patch or other non-object input (notObjects).
func candidate(charts, notObjects map[string]bool, rel string) bool {
	return mayDefine(rel) && !chartOwns(charts, rel) && !notObjects[rel]
}

// chartOwns reports whether rel is what Helm loads as a chart of the
// chart directories: a file at the top of one (Chart.yaml, values*.yaml,
// .helmignore, README, …) or below its templates/, charts/ or crds/.
// Other files below a chart directory are only its .Files: GitOps objects
// and plain manifests there are read as anywhere else.
func chartOwns(charts map[string]bool, rel string) bool {
	if len(charts) == 0 {
		return false
	}
	for d := path.Dir(rel); ; d = path.Dir(d) {
		if charts[d] {
			sub := rel
			if d != "." {
				sub = strings.TrimPrefix(rel, d+"/")
			}
			first, _, nested := strings.Cut(sub, "/")
			if !nested || first == "templates" || first == "charts" || first == "crds" {
				return true
			}
		}
		if d == "." || d == "/" {
			return false
		}
	}
}

// request is what one GitOps object asks to render, as the plan collects
// it: Helm releases and kustomize roots for their kinds, directories for
// the GitOps plan itself.
type request struct {
	obj  *gitopsObject
	via  *model.GitOpsOrigin
	helm []HelmRelease
	kust []kustomizeRequest
	dirs []dirSource
	errs []model.RepoError
	// paths are the directories the object renders (a gone one replans);
	// missing the paths it names that are not in the repo (one created
	// replans).
	paths, missing []string
	// named are the charts it names but does not render (an error says
	// why): not charts that nothing names.
	named []string
}

func (r *request) fail(notice bool, format string, args ...any) {
	r.failAt(r.obj.line, notice, format, args...)
}

// failAt is fail at a line of the object's file.
func (r *request) failAt(line int, notice bool, format string, args ...any) {
	r.errs = append(r.errs, model.RepoError{File: r.obj.file, Line: line, Notice: notice,
		Message: fmt.Sprintf("%s %s: ", r.obj.kind, r.obj.name) + fmt.Sprintf(format, args...)})
}

// notRendered is the notice that a source of the object is not rendered
// here. It names the object (RepoError.Unrendered): the live objects it
// manages are then unknown to Git, not missing from it.
func (r *request) notRendered(format string, args ...any) {
	r.fail(true, format, args...)
	via := r.via
	if via == nil { // an older apiVersion: not decoded
		via = r.obj.via(model.ControllerFlux, false)
		if strings.HasPrefix(r.obj.apiVersion, "argoproj.io/") {
			via.Controller = model.ControllerArgoCD
		}
	}
	g := *via
	r.errs[len(r.errs)-1].Unrendered = &g
}

// lineAt is the line in the file of the key at path in the object (a
// string is a mapping key, an int an item of a list: its line); where the
// path is not all there, the line of the deepest part found (the object's
// own line when none is).
func (o *gitopsObject) lineAt(path ...any) int {
	n, line := o.node, o.line-o.shift
	for _, p := range path {
		switch k := p.(type) {
		case string:
			var v *yaml.Node
			for i := 0; n != nil && n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, v = n.Content[i].Line, n.Content[i+1]
					break
				}
			}
			n = v
		case int:
			if n == nil || n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				n = nil
				break
			}
			n = n.Content[k]
			line = n.Line
		}
		if n == nil {
			break
		}
	}
	return line + o.shift
}

// kustomizeRequest is a kustomize root that a GitOps object renders: the
// kustomize kind renders it under its own name, with the object's
// namespaces and origin, and does not render the directory as a root of
// its own.
type kustomizeRequest struct {
	// name is the root's name (unique: it names the GitOps object), dir
	// the kustomization's directory.
	name, dir string
	// namespace, when set, is the namespace of every namespaced object
	// (kustomize's namespace:, Flux's targetNamespace); defaultNS that of
	// objects that set none.
	namespace, defaultNS string
	via                  *model.GitOpsOrigin
	// needNS: an object that sets no namespace, when namespace is not
	// set, is refused (kustomize-controller: "namespace not specified").
	needNS bool
}

// dirSource is a directory of plain manifests a GitOps object applies:
// an Argo CD directory source, or the kustomization Flux generates for a
// path without one.
type dirSource struct {
	dir string
	// recurse descends into subdirectories; skip are those not descended
	// (Flux: a subdirectory with a kustomization is rendered as a base).
	recurse bool
	skip    []string
	// include and exclude are Argo CD's globs, compiled, against the
	// path relative to dir (nil: none).
	include, exclude *regexp.Regexp
	// exts are the file extensions read.
	exts []string
	// namespace, defaultNS and needNS: see kustomizeRequest.
	namespace, defaultNS string
	needNS               bool
	// files are the listing's files it reads, sorted.
	files []string
}

// matches reports whether the source reads rel (by rule: a file created
// since the listing too).
func (s *dirSource) matches(rel string) bool {
	if !slices.Contains(s.exts, path.Ext(rel)) || !pathx.Under(rel, s.dir) || rel == s.dir {
		return false
	}
	sub := rel
	if s.dir != "." {
		sub = strings.TrimPrefix(rel, s.dir+"/")
	}
	if !s.recurse && strings.Contains(sub, "/") {
		return false
	}
	if slices.ContainsFunc(s.skip, func(d string) bool { return pathx.Under(rel, d) }) {
		return false
	}
	if s.exclude != nil && s.exclude.MatchString(sub) {
		return false
	}
	return s.include == nil || s.include.MatchString(sub)
}

// argoGlob compiles a glob as Argo CD matches its directory include and
// exclude (gobwas/glob without separators: "*" crosses "/"; "{a,b}"
// alternatives; "?", "[…]"); "" is nil.
func argoGlob(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, nil
	}
	var b strings.Builder
	b.WriteString("^")
	depth := 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*':
			b.WriteString(".*")
		case c == '?':
			b.WriteString(".")
		case c == '{':
			depth++
			b.WriteString("(?:")
		case c == '}' && depth > 0:
			depth--
			b.WriteString(")")
		case c == ',' && depth > 0:
			b.WriteString("|")
		case c == '[':
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := pattern[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil || depth > 0 {
		return nil, fmt.Errorf("%q is not a valid glob", pattern)
	}
	return re, nil
}

// repoPath resolves a path a GitOps object names against base (relative
// to the repo root; an absolute path is from the repo root), and says
// what is wrong with it: outside the repo, by name or through a symlink
// ("": nothing).
func repoPath(t Files, base, p string) (rel string, problem string) {
	rel = path.Clean(path.Join(base, strings.TrimPrefix(p, "/")))
	if pathx.Outside(rel) {
		return rel, fmt.Sprintf("path %s is outside the repo", p)
	}
	if target, ok := t.Escapes(rel); ok {
		return rel, fmt.Sprintf("path %s is outside the repo (through a symlink, to %s)", p, target)
	}
	return rel, ""
}

// gitopsPlan is the GitOps objects' plan: their requests, which it hands
// to the kinds, and the directories it renders itself.
//
// It reads the listing like every plan, with one exception: Replans of a
// created or changed file in the work tree reads that file from the disk
// (no listing holds it yet) to see whether it now defines GitOps objects.
type gitopsPlan struct {
	files    Files
	repoRoot string
	onDisk   bool
	keep     func(kind string) bool
	definers map[string]bool
	// roots are the GitOps roots, sorted by name.
	roots  []gitopsRoot
	byName map[string]int
	// paths are the directories GitOps objects render (a kustomization, a
	// chart, a directory source): one that is gone replans, and so does a
	// kustomization file or Chart.yaml created or gone in one (the source
	// type). missing are the paths they name that are not in the repo: a
	// file created there replans.
	paths, missing []string
	// charts are the chart directories: their templates are not read.
	charts map[string]bool
	// notObjects are the files kustomizations name as patches and the
	// like: never discovered.
	notObjects map[string]bool
	// named are the charts GitOps objects name but do not render.
	named []string
	// mem holds, for a commit, the files the directory sources read
	// (Prepare).
	mem map[string][]byte
}

// gitopsRoot is one GitOps object's root.
type gitopsRoot struct {
	root Root
	via  *model.GitOpsOrigin
	dirs []dirSource
	errs []model.RepoError
}

// planGitOps discovers the GitOps objects of the listing and what each
// renders: Helm releases and kustomize roots for those kinds, and its own
// plan (directory sources, and the objects' errors and notices).
func planGitOps(in Input) (*gitopsPlan, []HelmRelease, []kustomizeRequest) {
	t := in.Files
	facts := newListingFacts(t)
	facts.readKustomizations(t)
	d := discover(t, facts)
	p := &gitopsPlan{files: t, repoRoot: t.RootDir(), onDisk: t.OnDisk(), keep: in.Keep, definers: d.definers,
		byName: map[string]int{}, charts: facts.charts, notObjects: facts.notObjects}
	var helm []HelmRelease
	var kust []kustomizeRequest
	names := map[string]int{}
	for _, e := range d.errs {
		p.addRoot(Root{Kind: gitopsName, Name: fmt.Sprintf("%s:%d", e.File, e.Line)}, gitopsRoot{errs: []model.RepoError{e}})
	}
	for _, o := range d.objects {
		var r *request
		switch {
		case o.old:
			r = &request{obj: o}
			r.notRendered("%s is not read (only %s): what it renders is not compared; upgrade it", o.apiVersion, currentVersion(o.kind))
		case o.kind == "Application":
			r = planArgo(t, facts, o)
		case o.kind == "ApplicationSet":
			// Its generators make the Applications; they are not run.
			r = &request{obj: o}
			r.fail(false, "the Applications an ApplicationSet generates are not rendered by ingress-drift, so what they apply is unknown")
		case o.kind == "Kustomization":
			r = planFluxKustomization(t, facts, o)
		case o.kind == "HelmRelease":
			r = planFluxHelm(t, facts, o)
		default:
			continue // a GitRepository: the sources are assumed to be this repo
		}
		if k := facts.appliedThrough(o.file); k != nil {
			// kustomize applies it changed; discovery read the file.
			named := slices.Clone(r.named)
			for _, h := range r.helm {
				named = append(named, h.Chart)
			}
			r = &request{obj: o, named: named, paths: r.paths, missing: r.missing}
			r.fail(false, "applied through the kustomization %s, whose %s (line %d) may change it: ingress-drift reads GitOps objects from their files and cannot render it faithfully here", k.file, k.change, k.changeLine)
		}
		name := fmt.Sprintf("%s#%s/%s/%s", o.file, o.kind, o.ns, o.name)
		if names[name]++; names[name] > 1 {
			name += "~" + strconv.Itoa(names[name])
		}
		for i := range r.kust {
			r.kust[i].name = r.kust[i].dir + "@" + name
			if n := len(r.kust); n > 1 {
				r.kust[i].name += "[" + strconv.Itoa(i) + "]"
			}
		}
		helm = append(helm, r.helm...)
		kust = append(kust, r.kust...)
		p.paths = append(p.paths, r.paths...)
		p.missing = append(p.missing, r.missing...)
		p.named = append(p.named, r.named...)
		if len(r.dirs) > 0 || len(r.errs) > 0 {
			// No File: the objects name their own files, whose git facts
			// are theirs (see Root.File).
			p.addRoot(Root{Kind: gitopsName, Name: name}, gitopsRoot{via: r.via, dirs: r.dirs, errs: r.errs})
		}
	}
	sort.Slice(p.roots, func(i, j int) bool { return p.roots[i].root.Name < p.roots[j].root.Name })
	for i, r := range p.roots {
		p.byName[r.root.Name] = i
	}
	return p, helm, kust
}

func (p *gitopsPlan) addRoot(r Root, g gitopsRoot) {
	g.root = r
	p.roots = append(p.roots, g)
}

// Roots are the GitOps objects' roots, by name.
func (p *gitopsPlan) Roots() []Root {
	out := make([]Root, len(p.roots))
	for i, r := range p.roots {
		out[i] = r.root
	}
	return out
}

// Owns reports whether a directory source reads rel: it is rendered
// here with the GitOps object's namespace, not read as a plain manifest.
func (p *gitopsPlan) Owns(rel string) bool { return len(p.RootsOf(rel)) > 0 }

// RootsOf returns the roots whose directory sources read rel.
func (p *gitopsPlan) RootsOf(rel string) []Root {
	var out []Root
	for _, r := range p.roots {
		if slices.ContainsFunc(r.dirs, func(s dirSource) bool { return s.matches(rel) }) {
			out = append(out, r.root)
		}
	}
	return out
}

// Replans reports whether a change of rel changes what GitOps objects
// render: a file that defines some (or, created or changed, now does: read
// from the disk), a file created or gone in a directory source (its file
// list), a kustomization file or Chart.yaml in a rendered path (the source
// type), a rendered path that is gone, and a file created in a path named
// but missing.
func (p *gitopsPlan) Replans(rel string, gone bool) bool {
	if p.definers[rel] {
		return true
	}
	if gone {
		if slices.ContainsFunc(p.paths, func(d string) bool { return pathx.Under(d, rel) }) {
			return true
		}
		for d := range p.definers {
			if pathx.Under(d, rel) {
				return true
			}
		}
	}
	if isKustomizationFile(rel) || path.Base(rel) == "Chart.yaml" {
		if slices.ContainsFunc(p.paths, func(d string) bool { return pathx.Under(rel, d) }) {
			return true
		}
	}
	for _, r := range p.roots {
		for _, s := range r.dirs {
			listed := slices.Contains(s.files, rel)
			if s.matches(rel) && (gone && listed || !gone && !listed) {
				return true // a file the source's list gains or loses
			}
		}
	}
	if !gone && slices.ContainsFunc(p.missing, func(m string) bool { return pathx.Under(rel, m) }) {
		return true
	}
	if !gone && p.onDisk && candidate(p.charts, p.notObjects, rel) {
		data, err := readRepoFile(p.repoRoot, rel)
		if err == nil && hasMark(data) {
			d := &discovery{definers: map[string]bool{}}
			d.file(rel, data)
			return d.definers[rel]
		}
	}
	return false
}

// Prepare reads, for a commit, the files the directory sources read.
func (p *gitopsPlan) Prepare() error {
	files := p.files
	p.files = nil
	if files.OnDisk() {
		return nil
	}
	p.mem = map[string][]byte{}
	for _, r := range p.roots {
		for _, s := range r.dirs {
			for _, f := range s.files {
				if _, ok := p.mem[f]; ok {
					continue
				}
				data, err := files.Read(f)
				if err != nil {
					return fmt.Errorf("reading %s from git: %w", f, err)
				}
				p.mem[f] = data
			}
		}
	}
	return nil
}

// currentVersion is the apiVersion of kind that discovery reads.
func currentVersion(kind string) string {
	for k, read := range gitopsKinds {
		if read && k[1] == kind {
			return k[0]
		}
	}
	return ""
}

// readRepoFile reads a file of the work tree, confined to the root.
func readRepoFile(root, rel string) ([]byte, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.ReadFile(filepath.FromSlash(rel))
}

// Render renders one GitOps object's root: its errors and notices, and
// the documents of its directory sources, parsed as plain manifests are
// (manifest.Parse: File, Line, Offset and End are the document's, so that
// accept edits it in place) with the object's namespaces. A document
// whose namespace a targetNamespace overrides is given in that namespace.
func (p *gitopsPlan) Render(root Root) Result {
	i, ok := p.byName[root.Name]
	if !ok {
		return Result{}
	}
	g := p.roots[i]
	res := Result{Errors: slices.Clone(g.errs)}
	for _, s := range g.dirs {
		for _, f := range s.files {
			data, err := p.read(f)
			if err != nil {
				res.Errors = append(res.Errors, model.RepoError{File: f, Message: fmt.Sprintf("cannot read: %v", pathx.UnwrapPathError(err))})
				continue
			}
			parsed := manifest.Parse(f, data, "")
			res.Errors = append(res.Errors, parsed.Errs...)
			for _, d := range parsed.Docs {
				if p.keep != nil && !p.keep(d.Ingress.Kind) {
					continue
				}
				ing := d.Ingress
				if s.needNS && s.namespace == "" && ing.Namespace == "" {
					res.Errors = append(res.Errors, model.RepoError{File: f, Line: d.Origin.Line, Message: noNamespace(ing.Kind, ing.Name, g.via)})
					continue
				}
				if s.namespace != "" && ing.Namespace != "" && ing.Namespace != s.namespace {
					ing = ing.DeepCopy()
					ing.Namespace = s.namespace
				}
				j, err := json.Marshal(ing)
				if err != nil {
					res.Errors = append(res.Errors, model.RepoError{File: f, Line: d.Origin.Line, Message: err.Error()})
					continue
				}
				o := d.Origin
				o.GitOps = g.via
				res.Objects = append(res.Objects, Object{JSON: j, Origin: o, Namespace: cmp.Or(s.namespace, s.defaultNS)})
			}
		}
	}
	return res
}

// read reads a directory source's file: from the disk for the work tree,
// from Prepare's copy for a commit.
func (p *gitopsPlan) read(rel string) ([]byte, error) {
	if p.mem != nil {
		return memRead(p.mem, rel)
	}
	return readRepoFile(p.repoRoot, rel)
}

// noNamespace says why an object without a namespace that a Flux
// Kustomization without targetNamespace applies is not rendered.
func noNamespace(kind, name string, via *model.GitOpsOrigin) string {
	return fmt.Sprintf("%s %s sets no namespace and %s %s/%s sets no spec.targetNamespace: kustomize-controller does not apply it (namespace not specified), so it is not rendered",
		kind, name, via.Kind, via.Namespace, via.Name)
}

// memRead reads a file of a commit's copy in memory (Prepare's, for
// --rev): one it does not hold does not exist.
func memRead(mem map[string][]byte, rel string) ([]byte, error) {
	data, ok := mem[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}
