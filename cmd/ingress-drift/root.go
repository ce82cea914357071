package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/ingress-drift/ingress-drift/model/cluster"
	"github.com/ingress-drift/ingress-drift/model/engine"
	"github.com/ingress-drift/ingress-drift/themes"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// the module version from the build info is used.
var version = ""

// globalFlags are shared by every command.
type globalFlags struct {
	kube             *genericclioptions.ConfigFlags
	allNamespaces    bool
	repo             string
	rev              string
	defaultNamespace string
	liveFile         string
	// defaultIngressClass is --default-ingress-class (check, diff).
	defaultIngressClass optionalString
	readOnly            bool
	// liveCount is called by one-shot commands' engines (see memory.go).
	liveCount func(n int)
}

func (g *globalFlags) engineOptions() engine.Options {
	return engine.Options{
		LiveCount:           g.liveCount,
		Kube:                g.kube,
		AllNamespaces:       g.allNamespaces,
		Repo:                g.repo,
		Rev:                 g.rev,
		DefaultNamespace:    g.defaultNamespace,
		LiveFile:            g.liveFile,
		DefaultIngressClass: g.defaultIngressClass.ptr(),
		ReadOnly:            g.readOnly,
	}
}

// optionalString is a string flag that knows whether it was given: an
// explicit --default-ingress-class "" (the cluster has no default) is not
// the same as leaving it out.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

// Set records the value given on the command line.
func (o *optionalString) Set(v string) error { o.value, o.set = v, true; return nil }

// Type names the value in help texts.
func (o *optionalString) Type() string { return "string" }

// ptr is the value, nil when the flag was not given.
func (o *optionalString) ptr() *string {
	if !o.set {
		return nil
	}
	v := o.value
	return &v
}

// addLiveFileFlags adds the flags of the commands that can read the live
// side from a file: --live-file and --default-ingress-class.
func addLiveFileFlags(cmd *cobra.Command, g *globalFlags) {
	cmd.Flags().StringVar(&g.liveFile, "live-file", "", "read the live side from a saved '"+cluster.DumpCommand+"' (or -o json) instead of a cluster")
	cmd.Flags().Var(&g.defaultIngressClass, "default-ingress-class", "the cluster's default IngressClass `NAME` (\"\" = none), for a --live-file that holds no IngressClass; given, it wins over what the dump or the cluster says")
}

func newRootCommand() *cobra.Command {
	g := &globalFlags{kube: cluster.NewConfigFlags()}
	var theme string
	root := &cobra.Command{
		Use:   "ingress-drift",
		Short: "See and fix drift between the Ingresses in a cluster and their manifests in Git",
		Long: `ingress-drift watches every Ingress in the cluster and every Ingress manifest
in a local Git repo, and shows which ones drifted, how (field by field, by
category and severity), and who changed them. Run without a command for the
terminal UI.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), g, theme)
		},
	}
	pf := root.PersistentFlags()
	g.kube.AddFlags(pf)
	pf.BoolVarP(&g.allNamespaces, "all-namespaces", "A", false, "watch Ingresses in every namespace (the default when -n is not given)")
	pf.StringVar(&g.repo, "repo", ".", "directory of the Git repo (or a subdirectory) holding the manifests")
	pf.StringVar(&g.rev, "rev", "", "compare against this Git revision (branch, tag, commit) instead of the work tree")
	pf.StringVar(&g.defaultNamespace, "default-namespace", "default", "namespace of manifests that name none and are not in a kustomization that sets one")
	pf.BoolVar(&g.readOnly, "read-only", false, "never write to the cluster or the repo; actions are shown disabled")
	root.Flags().StringVar(&theme, "theme", themes.NameAuto, "colour theme: "+strings.Join(themes.Names(), ", ")+" (NO_COLOR turns colour off)")

	root.AddCommand(
		newVersionCommand(),
		newCheckCommand(g),
		newDiffCommand(g),
		newRevertCommand(g),
		newAcceptCommand(g),
	)
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "ingress-drift", buildVersion())
		},
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// stderrf prints a line to standard error.
func stderrf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
