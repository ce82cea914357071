package repo

import (
	"slices"
	"sort"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/git"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/render"
)

// fileInfo is what git says about one tracked file.
func (r *Repo) fileInfo(rel string) model.FileInfo {
	st := r.st
	if st.facts == nil {
		return model.FileInfo{}
	}
	info := model.FileInfo{LastCommit: st.commits[rel]}
	if fs := st.files[rel]; fs != nil {
		info.Status = fs.status
	}
	return info
}

// configErrs are the config file's problems: its own and those of the
// roots it lists.
func (r *Repo) configErrs() []model.RepoError {
	errs := append([]model.RepoError(nil), r.cfgErrs...)
	if r.st != nil {
		errs = append(errs, r.st.layErrs...)
	}
	return errs
}

// emitSource reports one source, or removes it when it has nothing left.
func (r *Repo) emitSource(sink model.RepoSink, source string, p manifest.Result) {
	if len(p.Docs) == 0 && len(p.Errs) == 0 {
		if r.st.sources[source] {
			delete(r.st.sources, source)
			sink.RemoveSource(source)
		}
		return
	}
	r.st.sources[source] = true
	sink.SetSource(source, p.Docs, p.Errs)
}

// statusRank orders statuses for a kustomize root, whose status is the
// most telling status of the files it renders from.
var statusRank = map[model.FileStatus]int{
	model.FileUnknown: 0, model.FileIgnored: 1, model.FileClean: 2,
	model.FileUntracked: 3, model.FileStaged: 4, model.FileModified: 5,
}

// rootInfo is a kustomize root's FileInfo: the most telling status and the
// newest last commit of the files it renders from.
func (r *Repo) rootInfo(root render.Root) model.FileInfo {
	var out model.FileInfo
	for rel := range r.st.files {
		if !r.st.layout.Owns(rel) || !slices.Contains(r.st.layout.RootsOf(rel), root) {
			continue
		}
		fi := r.fileInfo(rel)
		if statusRank[fi.Status] > statusRank[out.Status] {
			out.Status = fi.Status
		}
		if fi.LastCommit != nil && (out.LastCommit == nil || fi.LastCommit.Time.After(out.LastCommit.Time)) {
			out.LastCommit = fi.LastCommit
		}
	}
	return out
}

// emitInfo reports the FileInfo of every source's file that changed since
// it was last reported: plain files', roots' files (a root without one,
// a GitOps object's, has no info of its own), and the files roots read
// that are no root's file, since objects rendered from them name them (a
// GitOps directory source's documents).
func (r *Repo) emitInfo(sink model.RepoSink) {
	if r.st.facts == nil {
		return
	}
	st := r.st
	var files []string
	for s := range st.sources {
		if st.plain[s] {
			files = append(files, s)
		}
	}
	sort.Strings(files)
	for _, rel := range files {
		r.sendInfo(sink, rel, r.fileInfo(rel))
	}
	rootFiles := map[string]bool{}
	for _, root := range st.layout.Roots() {
		rootFiles[root.File] = true
		if root.File != "" && st.sources[root.Source()] {
			r.sendInfo(sink, root.File, r.rootInfo(root))
		}
	}
	var read []string
	for rel := range st.files {
		if !st.plain[rel] && !rootFiles[rel] && st.layout.Reads(rel) {
			read = append(read, rel)
		}
	}
	sort.Strings(read)
	for _, rel := range read {
		r.sendInfo(sink, rel, r.fileInfo(rel))
	}
}

// emitInfoFor reports the FileInfo of some files (plain files that are
// sources, and kustomization files of roots).
func (r *Repo) emitInfoFor(sink model.RepoSink, files []string) {
	if r.st.facts == nil {
		return
	}
	st := r.st
	// A batch names a root's kustomization file once per changed file
	// under it; its info (a walk over every file) is computed once.
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		switch {
		case st.plain[f] && st.sources[f]:
			r.sendInfo(sink, f, r.fileInfo(f))
		default:
			roots := st.layout.DefinedBy(f)
			if len(roots) == 0 && st.files[f] != nil && st.layout.Reads(f) {
				r.sendInfo(sink, f, r.fileInfo(f)) // see emitInfo
			}
			for _, root := range roots {
				if f != "" && st.sources[root.Source()] {
					r.sendInfo(sink, f, r.rootInfo(root))
				}
			}
		}
	}
}

func (r *Repo) sendInfo(sink model.RepoSink, file string, info model.FileInfo) {
	if old, ok := r.st.info[file]; ok && infoEqual(old, info) {
		return
	}
	r.st.info[file] = info
	sink.SetFileInfo(file, info)
}

func infoEqual(a, b model.FileInfo) bool {
	if a.Status != b.Status || (a.LastCommit == nil) != (b.LastCommit == nil) {
		return false
	}
	return a.LastCommit == nil || *a.LastCommit == *b.LastCommit
}

// gitState fills the git facts of the repo state.
func (r *Repo) gitState(rs model.RepoState) model.RepoState {
	rs.Head, rs.Branch, rs.Dirty = "", "", false
	if r.st.facts == nil {
		return rs
	}
	f := r.st.facts
	rs.Branch = f.Head.Branch
	rs.Head = git.ShortHash(f.Head.Hash)
	if r.rev != nil {
		rs.Head = git.ShortHash(r.rev.Hash())
		return rs
	}
	rs.Dirty = r.st.dirty > 0
	return rs
}

func (r *Repo) setRepo(sink model.RepoSink, rs model.RepoState) {
	r.st.repo = rs
	sink.SetRepo(rs)
}
