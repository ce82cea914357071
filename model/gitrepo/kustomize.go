package gitrepo

import (
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// krustyMu serializes renders: kustomize keeps some package-level state
// (its OpenAPI schema) that is not meant for concurrent builds, and roots
// are few.
var krustyMu sync.Mutex

// render builds one kustomize root in-process with krusty's defaults: no
// plugins other than the built-in ones, no Helm, and loads restricted to
// each kustomization's own directory. Remote bases, paths outside the repo
// and cycles never reach krusty: the layout refuses them first (closure
// errors). fsys is kustomizeFS's (a repoFS, confined to the repo root:
// kustomize's own restriction does not cover directory bases).
//
// Origins of rendered Ingresses: File is the root's kustomization file,
// Kustomization the root directory, Doc the index of the object in the
// render output (all kinds counted), Line 0 (kustomize does not say which
// line of which base a rendered object came from).
func render(fsys filesys.FileSystem, repoRoot string, lay *layout, root, defaultNS string) manifest.Result {
	k := lay.kusts[root]
	c := lay.closures[root]
	if len(c.errs) > 0 {
		return manifest.Result{Errs: append([]model.RepoError(nil), c.errs...)}
	}
	var p manifest.Result
	krustyMu.Lock()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, filepath.Join(repoRoot, filepath.FromSlash(root)))
	krustyMu.Unlock()
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), repoRoot+string(filepath.Separator), "")
		p.Fail(k.file, refLine(k, msg), nil, "kustomize build of %s failed: %s", root, msg)
		return p
	}
	for i, res := range m.Resources() {
		if !manifest.KindMayHoldIngress(res.GetKind()) {
			continue
		}
		j, err := res.MarshalJSON()
		if err != nil {
			p.Fail(k.file, 0, nil, "kustomize build of %s: object %d: %v", root, i, err)
			continue
		}
		p.DecodeObject(j, model.Origin{File: k.file, Doc: i, Item: -1, Kustomization: root}, defaultNS)
	}
	return p
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
