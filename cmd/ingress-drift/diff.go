package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ingress-drift/ingress-drift/model"
)

func newDiffCommand(g *globalFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "diff NAMESPACE/NAME",
		Short: "Show the field-level drift of one Ingress (exit 0 in sync, 1 differs, 2 unreadable, 3 fatal)",
		Long: `diff compares one Ingress in the cluster with its manifest in Git and prints each
change with its semantic path, category, severity, the Git and live values, and
who changed the field (managedFields). Ignored differences are listed with the
rule that hid them, and the object's findings (what its live object does to
other Ingresses or to itself; never drift, no change to the exit code) on
"finding" lines after them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := model.ParseKey(args[0])
			if err != nil {
				return err
			}
			if output != "text" && output != "json" {
				return fmt.Errorf("-o %q: want text or json", output)
			}
			snap, err := loadSnapshot(cmd, g)
			if err != nil {
				return err
			}
			var entry *model.Entry
			for i := range snap.Entries {
				if snap.Entries[i].Key == key {
					entry = &snap.Entries[i]
				}
			}
			if entry == nil {
				return fmt.Errorf("%s: not in the cluster and in no manifest under %s", key, g.repo)
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(model.NewReportObject(entry)); err != nil {
					return err
				}
			} else {
				printDiff(out, entry)
			}
			switch entry.ReportStatus() {
			case model.StatusInSync:
				return nil
			case model.StatusError, model.StatusUnknown:
				return exitError{exitPartial}
			default:
				return exitError{exitDrift}
			}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	addLiveFileFlags(cmd, g)
	return cmd
}

// printDiff is diff's text output for one object: where its manifest is
// (for drift: the changes do not say), its explanation, its findings.
func printDiff(out io.Writer, e *model.Entry) {
	if o := e.Origin(); o != nil && e.Status == model.StatusDrifted {
		fmt.Fprintf(out, "origin: %s\n", originText(o))
	}
	printEntry(out, e)
	printEntryFindings(out, e)
}
