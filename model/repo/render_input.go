package repo

import (
	"cmp"
	"io/fs"
	"sync"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// renderInput is what rendering reads of one walk of rf.
func (r *Repo) renderInput(rf repoFiles, lst *listing) render.Input {
	return render.Input{
		Files:  newRenderFiles(rf, r.root, lst),
		Config: render.Config{File: ConfigFile, Roots: r.cfg.Roots, RootLines: r.cfg.rootLines, Helm: r.cfg.Helm, KubeVersion: r.kubeVersion, DefaultNamespace: r.opts.DefaultNamespace},
		Keep:   manifest.KindMayHoldIngress,
	}
}

// render renders one root and decodes its Ingresses as the plain
// manifests' are, in the root's namespace, else the object's default (a
// GitOps destination), else --default-namespace.
func (r *Repo) render(lay *render.Layout, root render.Root) manifest.Result {
	res := lay.Render(root)
	p := manifest.Result{Errs: res.Errors}
	for _, o := range res.Objects {
		p.DecodeObject(o.JSON, o.Origin, cmp.Or(o.Namespace, r.opts.DefaultNamespace))
	}
	return p
}

// renderFiles is what rendering reads of one walk (render.Files): the
// listing, read from the files it came from (rf.read is safe for
// concurrent use: the scan's workers call it too).
type renderFiles struct {
	rf    repoFiles
	root  string
	l     *listing
	files []string
	// byRel indexes the listing, on the first Read (once: Read is called
	// concurrently).
	index sync.Once
	byRel map[string]entry
}

func newRenderFiles(rf repoFiles, root string, l *listing) *renderFiles {
	f := &renderFiles{rf: rf, root: root, l: l, files: make([]string, len(l.files))}
	for i, e := range l.files {
		f.files[i] = e.rel
	}
	return f
}

func (f *renderFiles) RootDir() string { return f.root }

// OnDisk: the work tree is read from the disk, a commit's files are not.
func (f *renderFiles) OnDisk() bool {
	_, commit := f.rf.(revFiles)
	return !commit
}

func (f *renderFiles) List() []string { return f.files }

func (f *renderFiles) Stat(rel string) (bool, bool) { return f.rf.stat(rel) }

func (f *renderFiles) Escapes(rel string) (string, bool) { return f.rf.escapes(rel) }

func (f *renderFiles) Read(rel string) ([]byte, error) {
	f.index.Do(func() {
		f.byRel = make(map[string]entry, len(f.l.files))
		for _, e := range f.l.files {
			f.byRel[e.rel] = e
		}
	})
	e, ok := f.byRel[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	data, err := f.rf.read(e)
	return data, pathx.UnwrapPathError(err)
}
