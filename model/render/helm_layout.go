package render

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	"helm.sh/helm/v4/pkg/ignore"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// helmPlan is the Helm kind's plan of one listing: the charts in it (a
// directory with a Chart.yaml that is not inside another chart: a chart's
// charts/ are part of it) and the releases that render them, one root
// each.
type helmPlan struct {
	// files is the listing planned from, until Prepare.
	files    Files
	repoRoot string
	keep     func(kind string) bool
	// kubeVersion replaces Helm's default .Capabilities.KubeVersion (nil:
	// the default).
	kubeVersion *common.KubeVersion
	// chartYAMLs are every Chart.yaml listed, subcharts' included; charts
	// are the directories of the charts, by directory.
	chartYAMLs map[string]bool
	charts     map[string]bool
	releases   []*helmRelease // by root name
	byName     map[string]*helmRelease
	// missing are value files some release names that do not exist: their
	// creation plans again.
	missing map[string]bool
	// valueFiles are the value files the releases name.
	valueFiles map[string]bool
	// byChart and byValue index the releases that render by the chart
	// directories and value files they read (RootsOf is asked for every
	// file of the repo, for every root).
	byChart, byValue map[string][]*helmRelease

	// fsys reads the work tree (Prepare); mem holds a commit's files the
	// renders read, memList their names, sorted.
	fsys    repoFS
	mem     map[string][]byte
	memList []string
}

// helmRelease is one release the plan renders.
type helmRelease struct {
	HelmRelease
	root Root
	// layers are the inline value layers as a value file would give them
	// (numbers as YAML read into JSON gives them): what Argo CD hands Helm.
	layers []map[string]any
	// errs stop the release from rendering (a chart or value file that is
	// not there): at the release's File and Line.
	errs []model.RepoError
}

// planHelm finds the charts and plans one root per release in in.Helm.
// Errors about the releases stop their renders; the returned errors are
// the plan's own (a Kubernetes version that does not parse) and one notice
// per chart nothing renders.
func planHelm(in Input) (*helmPlan, []model.RepoError) {
	t := in.Files
	p := &helmPlan{files: t, repoRoot: t.RootDir(), keep: in.Keep, chartYAMLs: map[string]bool{}, charts: map[string]bool{},
		byName: map[string]*helmRelease{}, missing: map[string]bool{}, valueFiles: map[string]bool{},
		byChart: map[string][]*helmRelease{}, byValue: map[string][]*helmRelease{}}
	cfgFile := in.Config.File
	if cfgFile == "" {
		cfgFile = ".ingress-drift.yaml"
	}
	var errs []model.RepoError
	if v := in.Config.KubeVersion; v != "" {
		kv, err := common.ParseKubeVersion(v)
		if err != nil {
			errs = append(errs, model.RepoError{File: cfgFile, Message: fmt.Sprintf("helm: Kubernetes version %q: %v; charts render with Helm's default", v, err)})
		} else {
			p.kubeVersion = kv
		}
	}
	var dirs []string
	for _, rel := range t.List() {
		if path.Base(rel) == "Chart.yaml" {
			p.chartYAMLs[rel] = true
			dirs = append(dirs, path.Dir(rel))
		}
	}
	sort.Strings(dirs) // a directory before those below it
	for _, d := range dirs {
		if !chartOwns(p.charts, path.Join(d, "Chart.yaml")) { // else a subchart
			p.charts[d] = true
		}
	}
	p.planReleases(t, in.Helm, cmp.Or(in.Config.DefaultNamespace, "default"))
	named := map[string]bool{}
	for _, r := range p.releases {
		named[r.Chart] = true
	}
	for _, d := range in.namedCharts {
		named[d] = true
	}
	for _, d := range slices.Sorted(maps.Keys(p.charts)) {
		if named[d] || p.isLibrary(t, path.Join(d, "Chart.yaml")) {
			continue
		}
		errs = append(errs, model.RepoError{Notice: true, File: path.Join(d, "Chart.yaml"), Line: 1, Message: fmt.Sprintf(
			"chart %s is not rendered: nothing names it, so its objects are not compared; to render it, add to %s "+
				"`helm: [{chart: %s, release: <name>, namespace: <namespace>, values: [<value files>]}]`, "+
				"or an Argo CD Application or Flux HelmRelease in the repo that names it would", d, cfgFile, d)})
	}
	return p, errs
}

// isLibrary reports whether a Chart.yaml says its chart is a library:
// one only other charts use, never rendered on its own.
func (p *helmPlan) isLibrary(t Files, chartFile string) bool {
	data, err := t.Read(chartFile)
	if err != nil {
		return false
	}
	var meta struct {
		Type string `json:"type"`
	}
	return yaml.Unmarshal(data, &meta) == nil && meta.Type == "library"
}

// planReleases names each release's root and checks what it names; a
// release that names no namespace is in defaultNS.
func (p *helmPlan) planReleases(t Files, rels []HelmRelease, defaultNS string) {
	plan := make([]*helmRelease, 0, len(rels))
	count := map[string]int{}
	for _, hr := range rels {
		r := &helmRelease{HelmRelease: hr}
		r.Chart = path.Clean(hr.Chart)
		if r.Release == "" {
			r.Release = path.Base(r.Chart)
		}
		if r.Namespace == "" {
			r.Namespace = defaultNS
		}
		r.ValueFiles = make([]string, len(hr.ValueFiles))
		for i, v := range hr.ValueFiles {
			r.ValueFiles[i] = path.Clean(v)
		}
		r.check(t, p)
		plan = append(plan, r)
		count[r.Namespace+"/"+r.Release]++
	}
	// Two releases of one name (the config's and an Application's, say)
	// are told apart by their charts, then by their order.
	seen := map[string]int{}
	for _, r := range plan {
		name := r.Namespace + "/" + r.Release
		if count[name] > 1 {
			name += "@" + r.Chart
		}
		if seen[name]++; seen[name] > 1 {
			name += fmt.Sprintf("#%d", seen[name])
		}
		r.root = Root{Kind: helmName, Name: name, File: path.Join(r.Chart, "Chart.yaml")}
		p.byName[name] = r
		p.releases = append(p.releases, r)
	}
	sort.Slice(p.releases, func(i, j int) bool { return p.releases[i].root.Name < p.releases[j].root.Name })
	for _, r := range p.releases {
		if len(r.errs) > 0 {
			continue
		}
		p.byChart[r.Chart] = append(p.byChart[r.Chart], r)
		for _, v := range r.ValueFiles {
			if !slices.Contains(p.byValue[v], r) {
				p.byValue[v] = append(p.byValue[v], r)
			}
		}
	}
}

// check finds what stops a release from rendering: a chart or value file
// outside the repo or not in it.
func (r *helmRelease) check(t Files, p *helmPlan) {
	fail := func(format string, args ...any) {
		r.errs = append(r.errs, model.RepoError{File: r.File, Line: r.Line,
			Message: fmt.Sprintf("helm release %s/%s: ", r.Namespace, r.Release) + fmt.Sprintf(format, args...)})
	}
	inRepo := func(field, rel string) bool {
		if pathx.Outside(rel) {
			fail("%s: %s is outside the repo", field, rel)
			return false
		}
		if target, ok := t.Escapes(rel); ok {
			fail("%s: %s is outside the repo (through a symlink, to %s)", field, rel, target)
			return false
		}
		return true
	}
	switch {
	case r.HelmRelease.Chart == "":
		fail("no chart: name the chart directory")
	case !inRepo("chart", r.Chart):
	case !p.chartYAMLs[path.Join(r.Chart, "Chart.yaml")]:
		if exists, isDir := t.Stat(r.Chart); !exists || !isDir {
			fail("chart: %s is not a directory in the repo", r.Chart)
		} else {
			fail("chart: %s has no Chart.yaml", r.Chart)
		}
	}
	for _, v := range r.ValueFiles {
		p.valueFiles[v] = true
		if !inRepo("values", v) {
			continue
		}
		if exists, isDir := t.Stat(v); !exists || isDir {
			p.missing[v] = true
			fail("values: %s does not exist", v)
		}
	}
	for i, layer := range r.Values {
		data, err := yaml.Marshal(layer)
		var m map[string]any
		if err == nil {
			err = yaml.Unmarshal(data, &m)
		}
		if err != nil {
			fail("values (layer %d): %v", i+1, err)
			continue
		}
		r.layers = append(r.layers, m)
	}
}

// Roots are the releases, by name.
func (p *helmPlan) Roots() []Root {
	out := make([]Root, 0, len(p.releases))
	for _, r := range p.releases {
		out = append(out, r.root)
	}
	return out
}

// Owns reports whether rel is a chart's (templates are not YAML) or a
// value file a release names (values, not objects).
func (p *helmPlan) Owns(rel string) bool { return chartOwns(p.charts, rel) || p.valueFiles[rel] }

// RootsOf returns the releases that read rel: a file of their chart
// (subcharts included) or one of their value files. A release that cannot
// render reads nothing: what would fix it plans again.
func (p *helmPlan) RootsOf(rel string) []Root {
	var rels []*helmRelease
	for d := rel; ; d = path.Dir(d) {
		rels = append(rels, p.byChart[d]...)
		if d == "." || d == "/" {
			break
		}
	}
	rels = append(rels, p.byValue[rel]...)
	if len(rels) == 0 {
		return nil
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].root.Name < rels[j].root.Name })
	rels = slices.Compact(rels)
	out := make([]Root, len(rels))
	for i, r := range rels {
		out[i] = r.root
	}
	return out
}

// Replans reports whether a change of rel changes the plan: a Chart.yaml
// created or changed, a value file created that a release missed, a
// Chart.yaml or value file, or a directory that held one, gone.
func (p *helmPlan) Replans(rel string, gone bool) bool {
	if !gone {
		return path.Base(rel) == "Chart.yaml" || p.missing[rel]
	}
	if p.chartYAMLs[rel] {
		return true
	}
	// A value file gone is planned again, not rendered as unreadable: a
	// release that tolerates it missing (ignoreMissingValueFiles) renders
	// without it, one that does not says so at its object, as a fresh
	// scan does.
	for f := range p.chartYAMLs {
		if pathx.Under(f, rel) {
			return true
		}
	}
	for f := range p.valueFiles {
		if pathx.Under(f, rel) {
			return true
		}
	}
	return false
}

// Prepare sets up what the renders read: the work tree through repoFS
// (confined to the repo root), or a commit's files the releases read, in
// memory. The listing is let go.
func (p *helmPlan) Prepare() error {
	files := p.files
	p.files = nil
	p.fsys = repoFS{root: p.repoRoot}
	if files.OnDisk() {
		return nil
	}
	p.mem = map[string][]byte{}
	for _, rel := range files.List() {
		if len(p.RootsOf(rel)) == 0 {
			continue
		}
		data, err := files.Read(rel)
		if err != nil {
			return fmt.Errorf("reading %s from git: %w", rel, err)
		}
		p.mem[rel] = data
		p.memList = append(p.memList, rel)
	}
	sort.Strings(p.memList)
	return nil
}

// read returns a file the renders read.
func (p *helmPlan) read(rel string) ([]byte, error) {
	if p.mem != nil {
		return memRead(p.mem, rel)
	}
	data, err := p.fsys.ReadFile(filepath.Join(p.repoRoot, filepath.FromSlash(rel)))
	return data, p.relErr(pathx.UnwrapPathError(err))
}

// relErr names paths in the repo relative to its root in an error.
func (p *helmPlan) relErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), p.repoRoot+string(filepath.Separator), ""))
}

// maxChartDepth bounds the directories below a chart read through
// symlinks (a link to a directory above it would never end).
const maxChartDepth = 64

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// chartFiles returns the files of the chart in dir, named relative to it,
// as Helm's directory loader reads them: without what its .helmignore
// (and Helm's defaults) leave out, symlinks followed as long as they stay
// in the repo, a byte-order mark dropped.
func (p *helmPlan) chartFiles(dir string) ([]*archive.BufferedFile, error) {
	rules := ignore.Empty()
	if data, err := p.read(path.Join(dir, ignore.HelmIgnore)); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(dir, ignore.HelmIgnore), err)
		}
	}
	rules.AddDefaults()
	var out []*archive.BufferedFile
	add := func(name string, data []byte) {
		out = append(out, &archive.BufferedFile{Name: name, Data: bytes.TrimPrefix(data, utf8BOM)})
	}
	if p.mem != nil {
		prefix := dir + "/"
		if dir == "." {
			prefix = ""
		}
		for _, rel := range p.memList {
			name, ok := strings.CutPrefix(rel, prefix)
			if ok && !ignored(rules, name) {
				add(name, p.mem[rel])
			}
		}
		return out, nil
	}
	abs := func(rel string) string { return filepath.Join(p.repoRoot, filepath.FromSlash(rel)) }
	var walk func(rel, name string, depth int) error
	walk = func(rel, name string, depth int) error {
		if depth > maxChartDepth {
			return fmt.Errorf("%s: directories nested deeper than %d (a symlink loop?)", rel, maxChartDepth)
		}
		names, err := p.fsys.ReadDir(abs(rel))
		if err != nil {
			return p.relErr(pathx.UnwrapPathError(err))
		}
		for _, n := range names {
			crel, cname := path.Join(rel, n), path.Join(name, n)
			isDir := p.fsys.IsDir(abs(crel))
			if rules.Ignore(cname, fileInfo{name: n, dir: isDir}) {
				continue
			}
			if isDir {
				if err := walk(crel, cname, depth+1); err != nil {
					return err
				}
				continue
			}
			data, err := p.fsys.ReadFile(abs(crel))
			if err != nil {
				return p.relErr(pathx.UnwrapPathError(err))
			}
			add(cname, data)
		}
		return nil
	}
	if err := walk(dir, "", 0); err != nil {
		return nil, err
	}
	return out, nil
}

// ignored applies .helmignore rules to a file listed in a commit as Helm's
// directory walk does: an ignored directory leaves out all below it.
func ignored(rules *ignore.Rules, name string) bool {
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		if rules.Ignore(strings.Join(parts[:i], "/"), fileInfo{name: parts[i-1], dir: true}) {
			return true
		}
	}
	return rules.Ignore(name, fileInfo{name: parts[len(parts)-1]})
}

// fileInfo is what .helmignore rules ask of a file: its name and whether
// it is a directory.
type fileInfo struct {
	name string
	dir  bool
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return 0 }
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }
func (f fileInfo) Mode() os.FileMode {
	if f.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}

// depLine is the line of Chart.yaml that declares the dependency name, or
// 0.
func (p *helmPlan) depLine(chartFile, name string) int {
	data, err := p.read(chartFile)
	if err != nil {
		return 0
	}
	re := regexp.MustCompile(`^\s*(?:-\s*)?name:\s*["']?` + regexp.QuoteMeta(name) + `["']?\s*$`)
	for i, l := range strings.Split(string(data), "\n") {
		if re.MatchString(l) {
			return i + 1
		}
	}
	return 0
}
