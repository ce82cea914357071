package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ingress-drift/ingress-drift/internal/demo"
	"github.com/ingress-drift/ingress-drift/internal/localcluster"
)

func main() {
	// Own flag set: controller-runtime (through envtest) registers a global
	// --kubeconfig flag at init.
	fs := flag.NewFlagSet("demoseed", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the cluster to seed")
	repo := fs.String("repo", "", "directory to create the Git repo in")
	_ = fs.Parse(os.Args[1:])
	dir, err := localcluster.ResolveBinDir("")
	// kubectl runs in the repo directory: make the paths absolute.
	if err == nil {
		*kubeconfig, err = filepath.Abs(*kubeconfig)
	}
	if err == nil {
		*repo, err = filepath.Abs(*repo)
	}
	if err == nil {
		err = demo.Seed(context.Background(), demo.Options{
			Kubeconfig: *kubeconfig, Kubectl: filepath.Join(dir, "kubectl"),
			Repo: *repo, Out: os.Stdout, Now: time.Now(),
		})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demoseed:", err)
		os.Exit(1)
	}
}
