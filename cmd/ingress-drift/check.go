package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
)

func newCheckCommand(g *globalFlags) *cobra.Command {
	var output string
	var failOnFindings bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Report drift once, for CI (exit 0 in sync, 1 drift, 2 unreadable input, 3 fatal)",
		Long: `check reads both sides once, prints every object with its drift status, and
exits with:
  0  every object is in sync (findings alone keep 0 unless --fail-on-findings)
  1  drift, a missing object or a conflict was found; with --fail-on-findings,
     also when everything is in sync but some object has a finding
  2  some input could not be read (everything else is still reported); a live
     object that input could define is "unknown", not missing-git, and so is
     a manifest missing from a --live-file that is not a whole dump
  3  fatal: no cluster, bad flags
--fail-on-findings never lowers 1, 2 or 3.

Findings are what live Ingresses do to each other or to themselves, read
from the live objects: a route (host, path, pathType) claimed twice in one
IngressClass, a host without TLS beside hosts with it, a TLS host no rule
serves, a backend drifted to a service or port nothing else uses. They are
never drift: the table's output lists them on "finding:" lines after the
table, -o json under each object's "findings", and no summary counts them.

--live-file reads the live side from a saved dump instead of a cluster (for
postmortems). Dump with

  ` + cluster.DumpCommand + `

(or -o json): the IngressClasses say the default class (a manifest without
ingressClassName is in sync with the class admission filled in), the
managedFields who changed what. For a dump that holds no IngressClass, name the
default with --default-ingress-class NAME ("" for none); otherwise the
verdicts are those of a cluster without a default class, with a warning.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("-o %q: want table or json", output)
			}
			snap, err := loadSnapshot(cmd, g)
			if err != nil {
				return err
			}
			return findingsExit(writeCheck(cmd.OutOrStdout(), snap, output), snap, failOnFindings)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().BoolVar(&failOnFindings, "fail-on-findings", false, "exit 1 instead of 0 when some object has a finding (never lowers 1, 2 or 3)")
	addLiveFileFlags(cmd, g)
	return cmd
}

// writeCheck prints the report of snap as a table or JSON and returns
// check's exit code as an exitError (nil for 0).
func writeCheck(out io.Writer, snap model.Snapshot, output string) error {
	if output == "json" {
		if err := model.WriteReportJSON(out, snap); err != nil {
			return err
		}
	} else if err := printTable(out, snap); err != nil {
		return err
	}
	if code := snap.ExitCode(); code != 0 {
		return exitError{code}
	}
	return nil
}

func printTable(out io.Writer, snap model.Snapshot) error {
	w := printers.GetNewTabWriter(out)
	fmt.Fprintln(w, "STATUS\tSEVERITY\tNAMESPACE/NAME\tCATEGORIES\tCHANGES\tORIGIN")
	for i := range snap.Entries {
		e := &snap.Entries[i]
		sev, cats := "-", "-"
		if e.Severity > 0 {
			sev = e.Severity.String()
		}
		if len(e.Categories) > 0 {
			cats = strings.Join(e.CategoryNames(), ",")
		}
		origin := "-"
		if o := e.Origin(); o != nil {
			origin = originText(o)
		} else if len(e.Errors) > 0 {
			origin = e.Errors[0].Place()
		} else if e.GitUnknown {
			origin = "? " + cmp.Or(e.BlockedPlaces(1), "repo not read")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", e.ReportStatus(), sev, e.Key.Display(), cats, len(e.Changes), origin)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for i := range snap.Entries {
		if e := &snap.Entries[i]; e.GitUnknown || e.LiveUnknown || e.Status != model.StatusInSync && e.Status != model.StatusMissingLive && e.Status != model.StatusMissingGit {
			fmt.Fprintln(out)
			printEntry(out, e)
		}
	}
	printCheckFindings(out, snap)
	// Notices come after the errors, one short line each: they are not
	// errors and change neither the summary nor the exit code.
	if len(snap.Notices) > 0 {
		fmt.Fprintln(out)
	}
	for _, n := range snap.Notices {
		fmt.Fprintf(out, "notice: %s\n", n.Error())
	}
	s := snap.Summary()
	var parts []string
	for _, st := range model.Statuses {
		parts = append(parts, fmt.Sprintf("%d %s", s[st], st))
	}
	if n := s[model.StatusUnknown]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", n, model.StatusUnknown))
	}
	_, err := fmt.Fprintf(out, "\n%s\n", strings.Join(parts, ", "))
	return err
}

// printEntry explains one entry in text: its changes with attribution, its
// conflicting origins, or its read errors.
func printEntry(out io.Writer, e *model.Entry) {
	switch e.Status {
	case model.StatusDrifted:
		fmt.Fprintf(out, "%s drifted (%s):\n", e.Key, e.Severity)
		for _, c := range e.Changes {
			who := ""
			if len(c.Managers) > 0 {
				who = "  (" + c.Managers[0].String() + ")"
			}
			fmt.Fprintf(out, "  %-8s %-8s %s: %s → %s%s\n", c.Severity, c.Op, c.Path, model.FormatValue(c.Git), model.FormatValue(c.Live), who)
			// Why a change is critical, and the advisory of its row, so a
			// CI log says it without the JSON.
			if c.Advisory != "" || c.Severity == diffengine.SeverityCritical {
				fmt.Fprintf(out, "           why %s\n", strings.Join(slices.DeleteFunc([]string{c.Rule, c.Advisory}, func(s string) bool { return s == "" }), "; "))
			}
		}
	case model.StatusConflict:
		fmt.Fprintf(out, "%s is defined %d times in Git:\n", e.Key, len(e.Desired))
		for _, d := range e.Desired {
			fmt.Fprintf(out, "  %s\n", d.Origin)
		}
	case model.StatusError:
		for _, re := range e.Errors {
			fmt.Fprintf(out, "error: %s\n", re.Error())
		}
	case model.StatusMissingLive:
		if e.LiveUnknown {
			fmt.Fprintf(out, "%s is in Git (%s) and not in what was read of the cluster, which is not all of it (see the warnings): whether it is live is not known\n", e.Key, originText(e.Origin()))
			break
		}
		fmt.Fprintf(out, "%s is in Git (%s) but not in the cluster\n", e.Key, originText(e.Origin()))
	case model.StatusMissingGit:
		if e.GitUnknown {
			fmt.Fprintf(out, "%s is in the cluster; %s\n", e.Key, e.GitUnknownReason())
			break
		}
		fmt.Fprintf(out, "%s is in the cluster but in no manifest\n", e.Key)
	case model.StatusInSync:
		fmt.Fprintf(out, "%s is in sync with %s\n", e.Key, originText(e.Origin()))
	}
	for _, c := range e.Ignored {
		fmt.Fprintf(out, "  ignored  %s: %s → %s  (%s)\n", c.Path, model.FormatValue(c.Git), model.FormatValue(c.Live), c.IgnoredBy)
	}
}

// originText is the origin as Origin.String says it, and for an object a
// GitOps object renders, that object, compactly: "... via argocd NAME
// FILE:LINE" (an Argo CD object is always an Application), "... via flux
// HelmRelease NAME FILE:LINE". The JSON report has every field.
func originText(o *model.Origin) string {
	if o == nil {
		return "-"
	}
	s := o.String()
	if g := o.GitOps; g != nil {
		kind := " " + g.Kind
		if g.Controller == model.ControllerArgoCD && g.Kind == "Application" {
			kind = ""
		}
		s += fmt.Sprintf(" via %s%s %s %s:%d", g.Controller, kind, g.Name, g.File, g.Line)
	}
	return s
}
