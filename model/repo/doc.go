// Package repo is the desired side of ingress-drift: it discovers the
// Ingress manifests under a directory (--repo), has model/render render
// kustomize roots, tells what git says about each file, and keeps all of it
// current with fsnotify. It feeds a model.RepoSink (the Inventory).
//
// Discovery. Every *.yaml, *.yml and *.json file under the root is read,
// except .git directories, the config's exclude patterns and files that
// belong to kustomize, up to MaxFileSize (a larger one is an error).
// model/manifest parses each one (manifest.Parse: which documents and
// kinds count, strict decoding, errors at their lines, origins within the
// file as manifest.Document counts them).
//
// Origins. File is relative to the root, slash-separated. Kustomize
// output: File is the root's kustomization file, Kustomization the root
// directory, Doc the index in the render output, Line 0.
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
// Git. What git says and does is model/git's; repo does not import
// go-git (its tests do, to build repositories). Per file, the status from the file's blob hash, the
// index entry and HEAD's tree — for the files of interest only, never
// with Worktree.Status, which walks the whole tree; the last commit of
// every file from one walk of the history (bounded by git.MaxLogCommits);
// --rev read from that commit's tree without a checkout (gitTree adapts
// git.Rev), where all files are clean and last commits relative to it.
// Repo.CommitFile and Repo.CheckCommit check the path and open the work
// tree, then call model/git.
package repo
