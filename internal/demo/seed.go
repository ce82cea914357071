package demo

import (
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

type commitStep struct {
	author  string
	subject string
	files   map[string]string
}

// legacy is committed last: an Ingress in an API version that no longer
// exists, so the demo shows an error entry.
const legacy = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old-wiki
  namespace: tools
spec:
  backend:
    serviceName: wiki
    servicePort: 80
`

// docsCopy is left uncommitted: a copy made during a refactor, so the demo
// shows a conflict and a dirty work tree.
const docsCopy = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: docs
  namespace: tools
spec:
  ingressClassName: nginx
  rules:
    - host: docs.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: docs
                port:
                  number: 80
`

// Options configure Seed.
type Options struct {
	// Kubeconfig is the cluster to seed.
	Kubeconfig string
	// Kubectl is the kubectl binary.
	Kubectl string
	// Repo is an empty (or absent) directory to make the Git repo in.
	Repo string
	// Out receives a line per step.
	Out io.Writer
	// Now anchors the commit times (the history spans the days before it).
	Now time.Time
}

// Namespaces are the namespaces the demo uses.
var Namespaces = []string{"shop", "payments", "blog", "tools", "api", "monitoring", "staging", "prod"}

// Seed builds the repo with its history, applies it to the cluster as a
// pipeline would, then drifts the cluster.
func Seed(ctx context.Context, o Options) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if err := MakeRepo(o.Repo, o.Now); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "demo: git repo with %d commits in %s\n", len(manifests)+1, o.Repo)
	kubectlIn := func(stdin string, args ...string) error {
		cmd := exec.CommandContext(ctx, o.Kubectl, append([]string{"--kubeconfig", o.Kubeconfig}, args...)...)
		cmd.Dir = o.Repo
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("kubectl %v: %w\n%s", args, err, out)
		}
		return nil
	}
	kubectl := func(args ...string) error { return kubectlIn("", args...) }
	for _, ns := range Namespaces {
		if err := kubectl("create", "namespace", ns); err != nil {
			return err
		}
	}
	// The pipeline: client-side apply for most, server-side apply (as a GitOps
	// controller would) for payments.
	for _, dir := range []string{"apps/shop", "apps/blog", "apps/api", "platform/tools.yaml", "platform/status-page.yaml"} {
		if err := kubectl("apply", "-f", dir); err != nil {
			return err
		}
	}
	if err := kubectl("apply", "-k", "platform/monitoring/overlays/prod"); err != nil {
		return err
	}
	if err := kubectl("apply", "--server-side", "--field-manager=argocd-controller", "-f", "apps/payments"); err != nil {
		return err
	}
	// The storefront chart, rendered and applied as Argo CD (staging) and
	// Flux's helm-controller (prod) do, under their field managers.
	for _, obj := range storefrontLive {
		args := []string{"create", "--field-manager=" + obj.manager, "-f", "-"}
		if obj.serverSide {
			args = []string{"apply", "--server-side", "--field-manager=" + obj.manager, "-f", "-"}
		}
		if err := kubectlIn(obj.yaml, args...); err != nil {
			return err
		}
	}
	fmt.Fprintln(o.Out, "demo: applied the manifests as the pipeline, Argo CD and Flux would")
	// managedFields times have one-second resolution: let the drift happen
	// visibly later than the deploy.
	time.Sleep(1100 * time.Millisecond)
	for _, d := range drift {
		if err := kubectl(d.args...); err != nil {
			return err
		}
		fmt.Fprintln(o.Out, "demo: drift:", d.why)
	}
	if err := os.WriteFile(filepath.Join(o.Repo, "platform", "docs-copy.yaml"), []byte(docsCopy), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(o.Out, "demo: left an uncommitted copy of the docs Ingress (a conflict)")
	return nil
}

// MakeRepo creates the demo's Git repo in dir with its commit history, the
// last commit at now minus one hour.
func MakeRepo(dir string, now time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r, err := git.PlainInit(dir, false)
	if err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	// A repo-local identity, so that "accept" with commit works in the demo
	// on a machine with no git configuration.
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	cfg.User.Name, cfg.User.Email = "Demo User", "demo@example.com"
	if err := r.SetConfig(cfg); err != nil {
		return err
	}
	wt, err := r.Worktree()
	if err != nil {
		return err
	}
	steps := append(slices.Clone(manifests), commitStep{
		author: "Old Timer <ot@example.com>", subject: "Import the wiki ingress from the old cluster",
		files: map[string]string{"legacy/wiki.yaml": legacy},
	})
	for i, st := range steps {
		for path, content := range st.files {
			full := filepath.Join(dir, filepath.FromSlash(path))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
				return err
			}
			if _, err := wt.Add(path); err != nil {
				return fmt.Errorf("git add %s: %w", path, err)
			}
		}
		addr, err := mail.ParseAddress(st.author)
		if err != nil {
			return err
		}
		when := now.Add(-time.Duration(len(steps)-i) * 26 * time.Hour).Add(23 * time.Hour)
		sig := &object.Signature{Name: addr.Name, Email: addr.Address, When: when}
		if _, err := wt.Commit(st.subject, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			return fmt.Errorf("git commit: %w", err)
		}
	}
	return nil
}
