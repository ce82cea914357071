// Package gitrepo is the desired side of ingress-drift: it discovers the
// Ingress manifests under a directory (--repo), has model/render render
// kustomize roots, tells what git says about each file, and keeps all of it
// current with fsnotify. It feeds a model.RepoSink (the Inventory).
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
// named by its path; a kustomize root is render.KustomizeSource(dir)
// ("kustomize:overlays/prod"); the config file is a source for its own
// errors, and so is a path with a walk problem (a symlink leaving the
// repo). Sources with neither documents nor errors are not reported.
//
// Kustomize. Which directories are kustomize roots, what each reads and
// how it renders is model/render's (see its doc): the scan gives it the
// walk's listing (renderFiles, from the work tree or the --rev commit),
// never reads the files it owns as plain manifests, renders every root
// beside the plain files and decodes the rendered Ingresses as plain ones
// (Repo.render); the watch renders again only the roots that read a
// changed file, and scans again when a kustomization changes. Namespace:
// the manifest's own, else the kustomization's (set by the render), else
// --default-namespace.
//
// Git (go-git). Per file, the status is computed from the file's blob hash,
// the index entry and HEAD's tree — for the files of interest only, never
// with Worktree.Status, which walks the whole tree. The last commit of
// every file comes from one walk of the history (bounded by
// MaxLogCommits). --rev reads the files from that commit's tree, without a
// checkout; all files are then clean and last commits relative to it.
package gitrepo
