package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ingress-drift/ingress-drift/internal/localcluster"
)

// config is the command line.
type config struct {
	sizes     []int
	runs      int
	out       string
	gobench   string
	bin       string
	maxrss    string
	slowRun   time.Duration
	rate      float64
	watchFor  time.Duration
	workers   int
	command   string
	skipDiff  bool
	skipWatch bool
	hold      bool
	fromJSON  string
}

func parseFlags(args []string) (config, error) {
	// Own flag set: controller-runtime (through envtest) registers a global
	// --kubeconfig flag at init.
	fs := flag.NewFlagSet("benchdrift", flag.ContinueOnError)
	var c config
	sizes := fs.String("sizes", "1000,10000", "comma-separated numbers of Ingresses")
	fs.IntVar(&c.runs, "runs", 3, "runs per tool and size (the median is reported, with min and max)")
	fs.StringVar(&c.out, "out", "bench", "directory for RESULTS.md and e2e.json")
	fs.StringVar(&c.gobench, "gobench", "", "output of `go test -bench . -benchmem ./...` to include in RESULTS.md")
	fs.StringVar(&c.bin, "bin", "bin/ingress-drift", "the ingress-drift binary (built by `make build`)")
	fs.StringVar(&c.maxrss, "maxrss", "", "the maxrss helper that times the tools (default: maxrss next to this binary)")
	fs.DurationVar(&c.slowRun, "slow-run", 200*time.Second, "a tool whose first run at a size takes longer is measured only once there (keeps kubectl diff at 10,000 near 10 minutes)")
	fs.Float64Var(&c.rate, "watch-rate", 200, "edits per second for the watch measurement")
	fs.DurationVar(&c.watchFor, "watch-duration", 10*time.Second, "how long to edit at -watch-rate")
	fs.IntVar(&c.workers, "workers", 32, "concurrent client calls for seeding and drifting")
	fs.StringVar(&c.command, "command", "", "the command to record in RESULTS.md (default: this command line)")
	fs.BoolVar(&c.skipDiff, "skip-kubectl-diff", false, "do not measure kubectl diff (for quick trials; RESULTS.md says so)")
	fs.BoolVar(&c.skipWatch, "skip-watch", false, "do not measure the watch path (for quick trials)")
	fs.BoolVar(&c.hold, "hold", false, "after seeding and drifting the first size, print the kubeconfig and repo and wait for ctrl+c (for profiling by hand); measures nothing")
	fs.StringVar(&c.fromJSON, "from-json", "", "measure nothing: render RESULTS.md again from a saved e2e.json (after a change to the report's layout)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return c, fmt.Errorf("-sizes: %q is not a number ≥ 10", s)
		}
		c.sizes = append(c.sizes, n)
	}
	if c.runs < 1 || c.rate <= 0 || c.workers < 1 {
		return c, errors.New("-runs, -watch-rate and -workers must be positive")
	}
	if c.maxrss == "" {
		self, err := os.Executable()
		if err != nil {
			return c, err
		}
		c.maxrss = filepath.Join(filepath.Dir(self), "maxrss")
	}
	if c.command == "" {
		c.command = strings.Join(append([]string{os.Args[0]}, args...), " ")
	}
	return c, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdrift:", err)
		os.Exit(3)
	}
	if cfg.fromJSON != "" {
		if err := rerender(cfg.fromJSON, cfg.out); err != nil {
			fmt.Fprintln(os.Stderr, "benchdrift:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err = run(ctx, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdrift:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s benchdrift: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// run does the whole benchmark; every resource it makes is released before
// it returns.
func run(ctx context.Context, cfg config) (err error) {
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%w (run `make build`)", err)
	}
	if _, err := os.Stat(cfg.maxrss); err != nil {
		return fmt.Errorf("%w (go build -o bin/ ./internal/cmd/benchdrift/...)", err)
	}
	tmp, err := os.MkdirTemp("", "benchdrift-")
	if err != nil {
		return err
	}
	defer func() {
		if rerr := os.RemoveAll(tmp); rerr != nil && err == nil {
			err = rerr
		}
	}()
	logf("starting the local control plane")
	cl, err := localcluster.Start(localcluster.Options{})
	if err != nil {
		return err
	}
	defer func() {
		logf("stopping the control plane")
		if serr := cl.Stop(); serr != nil && err == nil {
			err = fmt.Errorf("stop control plane: %w", serr)
		}
	}()
	kubeconfig := filepath.Join(tmp, "kubeconfig")
	if err := cl.WriteKubeconfig(kubeconfig); err != nil {
		return err
	}
	rc := *cl.Config
	rc.QPS, rc.Burst = 5000, 10000
	cs, err := kubernetes.NewForConfig(&rc)
	if err != nil {
		return err
	}
	ver, err := cs.Discovery().ServerVersion()
	if err != nil {
		return err
	}
	for _, ns := range namespaces {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create namespace %s: %w", ns, err)
		}
	}
	b := &bench{cfg: cfg, ctx: ctx, cs: cs, tmp: tmp, kubeconfig: kubeconfig,
		kubectl: filepath.Join(cl.BinDir, "kubectl"), bin: bin}
	// kubectl keeps a discovery cache; a person's is warm. Ours lives in
	// tmp and is filled once here, outside the measurements.
	if _, err := timed(ctx, cfg.maxrss, filepath.Join(tmp, "warm.out"), b.kubectlArgs("api-resources"), 0); err != nil {
		return err
	}
	// The floor of the RSS measurement: the helper's own high-water mark,
	// which its child inherits (see the maxrss command).
	floor, err := timed(ctx, cfg.maxrss, filepath.Join(tmp, "true.out"), []string{"/bin/true"}, 0)
	if err != nil {
		return err
	}
	// The binary's own start-up cost, the median of three runs (the first
	// after a build maps more of the binary while the page cache is cold).
	var base []int64
	for range 3 {
		r, err := timed(ctx, cfg.maxrss, filepath.Join(tmp, "version.out"), []string{bin, "version"}, 0)
		if err != nil {
			return err
		}
		base = append(base, r.MaxRSSKiB)
	}
	slices.Sort(base)
	res := Results{BaselineKiB: base[1], Started: time.Now(), Machine: machine(ver.GitVersion), Command: cfg.command,
		Runs: cfg.runs, SlowRun: cfg.slowRun, SkippedDiff: cfg.skipDiff, RSSFloorKiB: floor.MaxRSSKiB, LoadStart: loadavg()}
	for i, n := range cfg.sizes {
		if i > 0 {
			if err := deleteAll(ctx, cs); err != nil {
				return err
			}
		}
		sr, err := b.size(n)
		if err != nil {
			return fmt.Errorf("N=%d: %w", n, err)
		}
		res.Sizes = append(res.Sizes, sr)
	}
	res.Finished = time.Now()
	res.LoadEnd = loadavg()
	if cfg.gobench != "" {
		res.GoBench, err = parseGoBenchFile(cfg.gobench)
		if err != nil {
			return err
		}
	}
	return writeResults(cfg.out, res)
}

// bench holds what every size needs.
type bench struct {
	cfg        config
	ctx        context.Context
	cs         kubernetes.Interface
	tmp        string
	kubeconfig string
	kubectl    string
	bin        string
}

func (b *bench) kubectlArgs(args ...string) []string {
	return append([]string{b.kubectl, "--kubeconfig", b.kubeconfig, "--cache-dir", filepath.Join(b.tmp, "kube-cache")}, args...)
}

// Tool names, as in RESULTS.md.
const (
	toolCheck   = "ingress-drift check"
	toolGet     = "kubectl get (floor)"
	toolDiff    = "kubectl diff"
	toolCheckID = "check"
	toolGetID   = "get"
	toolDiffID  = "diff"
)

// size measures one N.
func (b *bench) size(n int) (SizeResult, error) {
	ctx := b.ctx
	sr := SizeResult{N: n}
	objs := generate(n)
	repo := filepath.Join(b.tmp, fmt.Sprintf("repo-%d", n))
	t := time.Now()
	files, err := writeRepo(repo, objs)
	if err != nil {
		return sr, err
	}
	sr.Files = files
	logf("N=%d: wrote %d manifest files in %s and committed them (%s)", n, files, repo, time.Since(t).Round(time.Millisecond))
	t = time.Now()
	if err := seed(ctx, b.cs, objs, b.cfg.workers); err != nil {
		return sr, err
	}
	sr.SeedTime = time.Since(t)
	logf("N=%d: created %d Ingresses in %s", n, n, sr.SeedTime.Round(time.Millisecond))
	want, err := applyDrift(ctx, b.cs, objs, b.cfg.workers)
	if err != nil {
		return sr, err
	}
	sr.Drifted = map[string]int{}
	for _, kind := range want {
		sr.Drifted[kind]++
	}
	logf("N=%d: drifted %d objects live %v", n, len(want), sr.Drifted)
	if b.cfg.hold {
		fmt.Printf("export KUBECONFIG=%s REPO=%s KUBECTL=%s\n", b.kubeconfig, repo, b.kubectl)
		logf("holding until ctrl+c")
		<-ctx.Done()
		return sr, ctx.Err()
	}

	tools := []*ToolResult{
		{ID: toolGetID, Name: toolGet, Command: "kubectl get ingress -A -o json"},
		{ID: toolCheckID, Name: toolCheck, Command: "ingress-drift check -A -o json --kubeconfig K --repo R"},
	}
	if !b.cfg.skipDiff {
		tools = append(tools, &ToolResult{ID: toolDiffID, Name: toolDiff, Command: "kubectl diff -R -f R"})
	}
	argv := map[string][]string{
		toolGetID:   b.kubectlArgs("get", "ingress", "-A", "-o", "json"),
		toolCheckID: {b.bin, "check", "-A", "-o", "json", "--kubeconfig", b.kubeconfig, "--repo", repo},
		toolDiffID:  b.kubectlArgs("diff", "-R", "-f", repo),
	}
	// exit codes that mean "ran fine": check 1 and kubectl diff 1 mean
	// "drift found".
	okExit := map[string][]int{toolGetID: {0}, toolCheckID: {0, 1}, toolDiffID: {0, 1}}
	// Rounds interleave the tools so that a disturbance on the machine
	// does not land on one tool only.
	for round := range b.cfg.runs {
		for _, tr := range tools {
			if round > 0 && len(tr.Runs) > 0 && tr.Runs[0].Wall > b.cfg.slowRun {
				continue
			}
			out := filepath.Join(b.tmp, fmt.Sprintf("%s-%d.out", tr.ID, n))
			r, err := timed(ctx, b.cfg.maxrss, out, argv[tr.ID], okExit[tr.ID]...)
			if err != nil {
				return sr, fmt.Errorf("%s: %w", tr.Name, err)
			}
			tr.Runs = append(tr.Runs, r)
			logf("N=%d: %s run %d: %s, peak RSS %d KiB, exit %d", n, tr.Name, round+1, r.Wall.Round(time.Millisecond), r.MaxRSSKiB, r.Exit)
			if err := b.judge(tr, out, n, want); err != nil {
				return sr, err
			}
		}
	}
	for _, tr := range tools {
		if len(tr.Runs) < b.cfg.runs {
			tr.Notes = append(tr.Notes, fmt.Sprintf("measured %d time(s): the first run took longer than -slow-run=%s", len(tr.Runs), b.cfg.slowRun))
		}
		sr.Tools = append(sr.Tools, *tr)
	}
	if !b.cfg.skipWatch {
		logf("N=%d: watch path: %g edits/s for %s", n, b.cfg.rate, b.cfg.watchFor)
		w, err := measureWatch(ctx, b.cs, b.kubeconfig, repo, objs, b.cfg.rate, b.cfg.watchFor, b.cfg.workers)
		if err != nil {
			return sr, fmt.Errorf("watch: %w", err)
		}
		logf("N=%d: watch: %d edits at %.1f/s, p50 %s p99 %s max %s, unseen %d", n, w.Edits, w.Rate, w.AfterReturn.P50, w.AfterReturn.P99, w.AfterReturn.Max, w.Unseen)
		sr.Watch = &w
	}
	return sr, nil
}

// judge records what one run found. Every run is checked: a tool that
// found the drift once and not the next time would be a result too.
func (b *bench) judge(tr *ToolResult, out string, n int, want map[string]string) error {
	var f Found
	switch tr.ID {
	case toolGetID:
		items, err := countListItems(out)
		if err != nil {
			return err
		}
		if items != n {
			return fmt.Errorf("kubectl get listed %d Ingresses, want %d", items, n)
		}
		return nil
	case toolCheckID:
		reported, objects, err := parseCheck(out)
		if err != nil {
			return err
		}
		if objects != n {
			tr.addNote(fmt.Sprintf("listed %d objects, want %d", objects, n))
		}
		f = compare(reported, want)
	case toolDiffID:
		fh, err := os.Open(out)
		if err != nil {
			return err
		}
		reported, err := parseKubectlDiff(fh)
		fh.Close()
		if err != nil {
			return err
		}
		f = compare(reported, want)
	}
	if tr.Found == nil {
		tr.Found = &f
		return nil
	}
	if !reflect.DeepEqual(*tr.Found, f) {
		tr.addNote("runs disagree on what was found")
	}
	return nil
}

func (tr *ToolResult) addNote(s string) {
	for _, n := range tr.Notes {
		if n == s {
			return
		}
	}
	tr.Notes = append(tr.Notes, s)
}

// rerender writes RESULTS.md from a saved e2e.json; the numbers are the
// saved ones.
func rerender(path, dir string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "RESULTS.md"), []byte(renderResults(res)), 0o644); err != nil {
		return err
	}
	logf("wrote %s from %s", filepath.Join(dir, "RESULTS.md"), path)
	return nil
}

// writeResults writes RESULTS.md and e2e.json.
func writeResults(dir string, res Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "e2e.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	md := renderResults(res)
	if err := os.WriteFile(filepath.Join(dir, "RESULTS.md"), []byte(md), 0o644); err != nil {
		return err
	}
	logf("wrote %s and %s", filepath.Join(dir, "RESULTS.md"), filepath.Join(dir, "e2e.json"))
	return nil
}
