// Package gitrepo is the desired side of ingress-drift: it discovers the
// Ingress manifests under a directory (--repo), renders kustomize roots,
// tells what git says about each file, and keeps all of it current with
// fsnotify. It feeds a model.RepoSink (the Inventory).
//
// Discovery. Every *.yaml, *.yml and *.json file under the root is read,
// except .git directories, the config's exclude patterns and files that
// belong to kustomize. YAML files may hold several documents; a List
// (kind List or IngressList) holds items. Only networking.k8s.io/v1
// Ingresses are kept; other kinds are skipped silently (a document that
// does not mention "Ingress" is not even parsed, nor checked for Helm
// templates). Ingresses are decoded strictly, as the API server does: an
// unknown or duplicated field is an error at the field's line.
//
// Origins. File is relative to the root, slash-separated. Doc is the index
// of the document among the file's documents as a person counts them (see
// Document: a header comment before the first "---" is not a document).
// Line is the line where the document's content starts (the apiVersion
// line, not a comment or the "---"); for a JSON file, the line of its
// opening brace; for a List item, the item's line. Item is the index in a
// List, -1 otherwise. Offset and End delimit the document's bytes for a
// writer. Kustomize output: File is the root's kustomization file,
// Kustomization the root directory, Doc the index in the render output,
// Line 0.
//
// Sources (model.RepoSink.SetSource). A plain manifest file is a source
// named by its path; a kustomize root is KustomizeSource(dir)
// ("kustomize:overlays/prod"); the config file is a source for its own
// errors, and so is a path with a walk problem (a symlink leaving the
// repo). Sources with neither documents nor errors are not reported.
//
// Kustomize. A directory with a kustomization.yaml (.yml, Kustomization)
// is a kustomization; one that another kustomization in the repo names
// (resources, components, bases) is a base, the others are roots — unless
// the config lists roots; kustomizations only included by each other (a
// cycle) get a root of their own, the first by name, whose error names the
// cycle. Roots are rendered in-process with krusty (built-in plugins only,
// no Helm, no network: a remote base is an error, and so is a missing
// local one, which kustomize would try as a remote). Every path kustomize
// opens stays in the repo: a kustomization naming one outside it (up past
// the root, absolute, or through a symlink) is an error, and the file
// system krusty reads (repoFS) refuses the rest.
// Files under any kustomization's directory, and files a kustomization
// names, are never read as plain manifests. Namespace: the manifest's own,
// else the kustomization's (set by the render), else --default-namespace.
//
// Git. What git says and does is model/git's; gitrepo does not import
// go-git (its tests do, to build repositories). Per file, the status from the file's blob hash, the
// index entry and HEAD's tree — for the files of interest only, never
// with Worktree.Status, which walks the whole tree; the last commit of
// every file from one walk of the history (bounded by git.MaxLogCommits);
// --rev read from that commit's tree without a checkout (gitTree adapts
// git.Rev), where all files are clean and last commits relative to it.
// Repo.CommitFile and Repo.CheckCommit check the path and open the work
// tree, then call model/git.
package gitrepo
