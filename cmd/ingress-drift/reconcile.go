package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ingress-drift/ingress-drift/model"
)

// reconcileFlags are the confirmation flags of revert and accept.
type reconcileFlags struct {
	yes     bool
	confirm string
	commit  bool
}

func newRevertCommand(g *globalFlags) *cobra.Command {
	f := &reconcileFlags{}
	cmd := &cobra.Command{
		Use:   "revert NAMESPACE/NAME",
		Short: "Make one Ingress in the cluster match its manifest in Git (after a dry-run preview)",
		Long: `revert makes the live object equal to its manifest: a drifted object is
replaced (fields someone added live are removed too), a missing one is created,
and one that is in no manifest is deleted. It first shows the result of a
server-side dry run, then asks for confirmation (--yes in scripts; a delete
also needs --confirm NAME). The write carries the resourceVersion that was
previewed: if the object changed in between, nothing is written.

Exit codes: 0 done or nothing to do, 1 refused or not confirmed (nothing
written), 3 the write failed (nothing written) or bad flags.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return reconcile(cmd, g, f, args[0], model.ActionRevert)
		},
	}
	addReconcileFlags(cmd, f, false)
	return cmd
}

func newAcceptCommand(g *globalFlags) *cobra.Command {
	f := &reconcileFlags{}
	cmd := &cobra.Command{
		Use:   "accept NAMESPACE/NAME",
		Short: "Write the live state of one Ingress into its manifest in Git (comments and layout kept)",
		Long: `accept writes the live object into the exact document of its manifest file,
editing only the fields that differ: comments, key order, quoting, indentation
and the other documents of the file stay byte for byte. An object in no
manifest gets a new file (newManifestPath in .ingress-drift.yaml, default
<namespace>/<name>.yaml); one that is not in the cluster is removed from its
file (--confirm NAME). Accepting critical drift (a security regression such
as ssl-redirect turned off or a snippet added, into an existing manifest or a
new one) also needs --confirm NAME. The file is written atomically and only if it did not
change since it was read. --commit commits that file alone with go-git (never
pushed), with line endings as git add would store them; everything that would
stop the commit (detached HEAD, a merge in progress, commit.gpgSign, no
identity, the file staged, a split index, a git lock, a filter attribute such
as git-crypt) is checked before the file is written, and refuses the whole
accept.

Exit codes: 0 done or nothing to do, 1 refused or not confirmed (nothing
written), 3 the write failed (nothing written) or bad flags, 4 written but not
committed (--commit: a git running meanwhile made the commit fail after the
write; the file stays written).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return reconcile(cmd, g, f, args[0], model.ActionAccept)
		},
	}
	addReconcileFlags(cmd, f, true)
	return cmd
}

func addReconcileFlags(cmd *cobra.Command, f *reconcileFlags, commit bool) {
	cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, "do not ask: proceed after the preview")
	cmd.Flags().StringVar(&f.confirm, "confirm", "", "the object's name, required with --yes to delete or remove it, or to accept critical drift into Git")
	if commit {
		cmd.Flags().BoolVar(&f.commit, "commit", false, "commit the written file with go-git (only that file; never pushed)")
	}
}

func reconcile(cmd *cobra.Command, g *globalFlags, f *reconcileFlags, arg string, action model.Action) error {
	key, err := model.ParseKey(arg)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	eng, err := loadEngine(ctx, g)
	if err != nil {
		return err
	}
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if e, ok := eng.Inv.Get(key); ok && e.Status == model.StatusInSync {
		fmt.Fprintf(out, "%s is in sync with %s: nothing to do\n", key, e.Origin())
		return nil
	}
	plan, err := eng.Plan(ctx, key, action)
	if err != nil {
		return refusal(errOut, err)
	}
	printPlan(out, plan)
	confirmed, typed, err := confirm(cmd.InOrStdin(), out, f, plan)
	if err != nil {
		return refusal(errOut, err)
	}
	if !confirmed {
		fmt.Fprintln(errOut, "not confirmed: nothing was written")
		return exitError{exitDrift}
	}
	res, err := eng.Execute(ctx, plan, model.ExecOptions{Confirm: typed, Commit: f.commit})
	if err != nil {
		if res != nil {
			fmt.Fprintln(out, res.Message) // what was written
		}
		return refusal(errOut, err)
	}
	fmt.Fprintln(out, res.Message)
	if res.Commit != "" {
		fmt.Fprintf(out, "committed %s (not pushed)\n", res.Commit)
	}
	return nil
}

// exitNotCommitted is accept --commit's exit code when the file was
// written but the commit then failed.
const exitNotCommitted = 4

// refusal prints why nothing was written: exit 1 for a refusal or a stale
// preview, 3 for a failed write; or that the file was written but not
// committed: exit 4.
func refusal(w io.Writer, err error) error {
	var refused *model.RefusedError
	var notCommitted *model.NotCommittedError
	switch {
	case errors.As(err, &notCommitted):
		fmt.Fprintln(w, err)
		fmt.Fprintf(w, "the file stays written; commit it with git (git add %s && git commit, in the --repo directory) once the cause is gone\n", notCommitted.File)
		return exitError{exitNotCommitted}
	case errors.Is(err, model.ErrStale):
		fmt.Fprintln(w, err)
		fmt.Fprintln(w, "run the command again to see the new diff")
		return exitError{exitDrift}
	case errors.As(err, &refused):
		fmt.Fprintln(w, err)
		return exitError{exitDrift}
	}
	return err
}

// printPlan shows the preview: what will be written, field by field, and
// the file diff of an accept.
func printPlan(w io.Writer, p *model.Plan) {
	fmt.Fprintf(w, "%s\n", p.Summary)
	if p.GitOps != "" {
		fmt.Fprintf(w, "gitops: %s\n", p.GitOps)
	}
	for _, c := range p.Changes {
		before, after := c.Live, c.Git // a revert makes live → Git
		if p.Action == model.ActionAccept {
			before, after = c.Git, c.Live
		}
		fmt.Fprintf(w, "  %-8s %s: %s → %s\n", c.Severity, c.Path, model.FormatValue(before), model.FormatValue(after))
	}
	if len(p.Remaining) > 0 {
		fmt.Fprintln(w, "warning: after this, still different from Git (an admission webhook or default?):")
		for _, c := range p.Remaining {
			fmt.Fprintf(w, "  %s: Git %s, cluster %s\n", c.Path, model.FormatValue(c.Git), model.FormatValue(c.Live))
		}
	}
	if p.FileDiff != "" {
		fmt.Fprintf(w, "\n%s", p.FileDiff)
	}
}

// confirm asks the user, or reads the answer from the flags: --yes, and
// --confirm NAME when the plan needs the name typed.
func confirm(in io.Reader, w io.Writer, f *reconcileFlags, p *model.Plan) (ok bool, typed string, err error) {
	if f.yes {
		if p.ConfirmName != "" && f.confirm != p.ConfirmName {
			why := ""
			if len(p.Critical) > 0 {
				why = fmt.Sprintf(" (it writes %d critical change(s) into Git: %s)", len(p.Critical), strings.Join(p.Critical, ", "))
			}
			what := fmt.Sprintf("%s %s (%s)", p.Action, p.Key, p.Operation)
			if f.confirm != "" {
				what = fmt.Sprintf("--confirm %q is not the name: %s", f.confirm, what)
			}
			return false, "", &model.RefusedError{Reason: fmt.Sprintf("%s needs --confirm %s with --yes%s", what, p.ConfirmName, why)}
		}
		return true, f.confirm, nil
	}
	if in == os.Stdin && !term.IsTerminal(os.Stdin.Fd()) {
		return false, "", &model.RefusedError{Reason: "not confirmed: standard input is not a terminal; pass --yes (and --confirm NAME to delete, remove, or accept critical drift)"}
	}
	r := bufio.NewReader(in)
	if p.ConfirmName != "" {
		fmt.Fprintf(w, "\nType %q to confirm: ", p.ConfirmName)
		line, _ := r.ReadString('\n')
		typed = strings.TrimSpace(line)
		return typed == p.ConfirmName, typed, nil
	}
	fmt.Fprint(w, "\nProceed? [y/N] ")
	line, _ := r.ReadString('\n')
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes", "", nil
}
