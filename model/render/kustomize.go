package render

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ingress-drift/ingress-drift/model"
)

// kustomizeName is the kustomize kind's name, the prefix of its sources.
const kustomizeName = "kustomize"

// kustomizeKind renders kustomize roots in-process with krusty; its plan is
// a layout (kustomize_layout.go).
type kustomizeKind struct{}

func (kustomizeKind) Name() string { return kustomizeName }

func (kustomizeKind) Plan(in Input) (Plan, []model.RepoError) { return buildLayout(in) }

// krustyMu serializes renders: kustomize keeps some package-level state
// (its OpenAPI schema) that is not meant for concurrent builds, and roots
// are few.
var krustyMu sync.Mutex

// Prepare sets up the file system kustomize renders from, confined to the
// repo root: the disk for the work tree; for a commit, an in-memory copy of
// the files it needs (the directories of the kustomizations and the files
// they name), at the same absolute paths as on disk. The listing is let go.
func (l *layout) Prepare() error {
	files, root := l.files, l.repoRoot
	l.files = nil
	if files.OnDisk() {
		l.fsys = repoFS{root: root}
		return nil
	}
	mem := filesys.MakeFsInMemory()
	for _, rel := range files.List() {
		if !l.inClosure(rel) {
			continue
		}
		data, err := files.Read(rel)
		if err != nil {
			return fmt.Errorf("reading %s from git: %w", rel, err)
		}
		if err := mem.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), data); err != nil {
			return err
		}
	}
	l.fsys = repoFS{root: root, mem: mem}
	return nil
}

// Render builds one kustomize root in-process with krusty's defaults: no
// plugins other than the built-in ones, no Helm, and loads restricted to
// each kustomization's own directory. Remote bases, paths outside the repo
// and cycles never reach krusty: the layout refuses them first (closure
// errors). It reads Prepare's repoFS, confined to the repo root:
// kustomize's own restriction does not cover directory bases.
//
// Origins of rendered objects: File is the root's kustomization file,
// Kustomization the root directory, Doc the index of the object in the
// render output (all kinds counted), Line 0 (kustomize does not say which
// line of which base a rendered object came from).
//
// A root a GitOps object renders is rendered with its namespaces (the
// namespace of every namespaced object, as kustomize's namespace: sets it;
// the default of objects without one) and its origin.
func (l *layout) Render(r Root) Result {
	root := l.rootDir(r.Name)
	req := l.reqs[r.Name]
	k := l.kusts[root]
	c := l.closures[root]
	if len(c.errs) > 0 {
		return Result{Errors: append([]model.RepoError(nil), c.errs...)}
	}
	var res Result
	fail := func(line int, format string, args ...any) {
		res.Errors = append(res.Errors, model.RepoError{File: k.file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	repoRoot := l.repoRoot
	krustyMu.Lock()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(l.fsys, filepath.Join(repoRoot, filepath.FromSlash(root)))
	krustyMu.Unlock()
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), repoRoot+string(filepath.Separator), "")
		fail(refLine(k, msg), "kustomize build of %s failed: %s", root, msg)
		return res
	}
	for i, obj := range m.Resources() {
		if l.keep != nil && !l.keep(obj.GetKind()) {
			continue
		}
		if req.needNS && req.namespace == "" && obj.GetNamespace() == "" && !obj.GetGvk().IsClusterScoped() {
			fail(0, "kustomize build of %s: %s", root, noNamespace(obj.GetKind(), obj.GetName(), req.via))
			continue
		}
		if req.namespace != "" && !obj.GetGvk().IsClusterScoped() {
			if err := obj.SetNamespace(req.namespace); err != nil {
				fail(0, "kustomize build of %s: object %d: %v", root, i, err)
				continue
			}
		}
		j, err := obj.MarshalJSON()
		if err != nil {
			fail(0, "kustomize build of %s: object %d: %v", root, i, err)
			continue
		}
		res.Objects = append(res.Objects, Object{JSON: j, Namespace: req.defaultNS,
			Origin: model.Origin{File: k.file, Doc: i, Item: -1, Kustomization: root, GitOps: req.via}})
	}
	return res
}

// refLine is the line of the entry of k that an error message names, or 0.
func refLine(k *kustomization, msg string) int {
	for _, r := range k.refs {
		if strings.Contains(msg, r.value) {
			return r.line
		}
	}
	return 0
}
