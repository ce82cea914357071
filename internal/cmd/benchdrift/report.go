package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Results is everything one benchdrift run measured (e2e.json).
type Results struct {
	Started     time.Time     `json:"started"`
	Finished    time.Time     `json:"finished"`
	Machine     Machine       `json:"machine"`
	Command     string        `json:"command"`
	Runs        int           `json:"runs"`
	SlowRun     time.Duration `json:"slowRunNs"`
	SkippedDiff bool          `json:"skippedKubectlDiff,omitempty"`
	// RSSFloorKiB is the peak RSS the helper reports for /bin/true: no
	// measured RSS can be below it.
	RSSFloorKiB int64 `json:"rssFloorKiB"`
	// LoadStart and LoadEnd are /proc/loadavg before and after: other
	// work on the machine shows there.
	LoadStart string `json:"loadStart"`
	LoadEnd   string `json:"loadEnd"`
	// BaselineKiB is the peak RSS of `ingress-drift version`: what the
	// binary costs before it reads anything.
	BaselineKiB int64        `json:"baselineKiB"`
	Sizes       []SizeResult `json:"sizes"`
	GoBench     *GoBench     `json:"goBench,omitempty"`
}

// Machine describes where the numbers come from.
type Machine struct {
	CPU           string `json:"cpu"`
	Cores         int    `json:"cores"`
	GoVersion     string `json:"goVersion"`
	KubeAPIServer string `json:"kubeApiserver"`
	Kernel        string `json:"kernel"`
	MemTotal      string `json:"memTotal"`
}

// SizeResult is the measurements for one N.
type SizeResult struct {
	N        int            `json:"n"`
	Files    int            `json:"files"`
	SeedTime time.Duration  `json:"seedNs"`
	Drifted  map[string]int `json:"drifted"`
	Tools    []ToolResult   `json:"tools"`
	Watch    *WatchResult   `json:"watch,omitempty"`
}

// ToolResult is one tool's runs at one N.
type ToolResult struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Command string   `json:"command"`
	Runs    []Run    `json:"runs"`
	Found   *Found   `json:"found,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Median returns the median wall time (the mean of the middle two for an
// even count), and the min and max.
func (tr ToolResult) Median() (med, lo, hi time.Duration) {
	if len(tr.Runs) == 0 {
		return 0, 0, 0
	}
	w := make([]time.Duration, len(tr.Runs))
	for i, r := range tr.Runs {
		w[i] = r.Wall
	}
	slices.Sort(w)
	m := len(w) / 2
	med = w[m]
	if len(w)%2 == 0 {
		med = (w[m-1] + w[m]) / 2
	}
	return med, w[0], w[len(w)-1]
}

// PeakRSSKiB is the largest peak RSS over the runs.
func (tr ToolResult) PeakRSSKiB() int64 {
	var p int64
	for _, r := range tr.Runs {
		p = max(p, r.MaxRSSKiB)
	}
	return p
}

func (sr SizeResult) tool(id string) *ToolResult {
	for i := range sr.Tools {
		if sr.Tools[i].ID == id {
			return &sr.Tools[i]
		}
	}
	return nil
}

// machine reads the CPU model, memory and kernel from /proc.
func machine(apiserver string) Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), KubeAPIServer: apiserver}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
					m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadavg returns the 1, 5 and 15 minute load averages.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// GoBench is a parsed `go test -bench` output.
type GoBench struct {
	// Header holds goos, goarch and cpu.
	Header map[string]string `json:"header"`
	// Lines are the benchmark result lines, in order.
	Lines []BenchLine `json:"lines"`
	// Failures are FAIL lines (a package whose benchmarks did not run).
	Failures []string `json:"failures,omitempty"`
}

// BenchLine is one benchmark result.
type BenchLine struct {
	Pkg        string `json:"pkg"`
	Name       string `json:"name"`
	Iterations int64  `json:"iterations"`
	// Metrics are value/unit pairs in the order printed (ns/op, B/op,
	// allocs/op, custom metrics).
	Metrics []Metric `json:"metrics"`
}

// Metric is one value with its unit.
type Metric struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Get returns the value of unit, and whether it is there.
func (b BenchLine) Get(unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

func parseGoBenchFile(path string) (*GoBench, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := parseGoBench(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// parseGoBench reads the text format of `go test -bench` (see
// golang.org/x/perf's benchfmt): "pkg:" and other "key: value" headers,
// then lines "BenchmarkName-P  iterations  value unit  value unit …".
func parseGoBench(r io.Reader) (*GoBench, error) {
	g := &GoBench{Header: map[string]string{}}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "goos: "), strings.HasPrefix(line, "goarch: "), strings.HasPrefix(line, "cpu: "):
			k, v, _ := strings.Cut(line, ": ")
			g.Header[k] = v
		case strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL"):
			g.Failures = append(g.Failures, line)
		case strings.HasPrefix(line, "Benchmark"):
			f := strings.Fields(line)
			if len(f) < 4 || len(f)%2 != 0 {
				// A benchmark's name printed alone (its result comes on a
				// later line, after log output) or a log line.
				continue
			}
			it, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				continue
			}
			b := BenchLine{Pkg: pkg, Name: f[0], Iterations: it}
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: value %q: %w", lineNo, f[i], err)
				}
				b.Metrics = append(b.Metrics, Metric{Value: v, Unit: f[i+1]})
			}
			g.Lines = append(g.Lines, b)
		}
	}
	return g, sc.Err()
}

// Targets from issue 4.
const (
	targetListRatio = 1.5
	targetDiffRatio = 30.0
	targetRSSBytes  = 150e6
	targetWatchP99  = 50 * time.Millisecond
	targetListN     = 10000
	targetDiffN     = 1000
)

// Verdict is one target's outcome.
type Verdict struct {
	// Target says what is asked, Measured what was found.
	Target   string
	Measured string
	// Pass is whether Measured meets Target.
	Pass bool
	// Done is false when the target could not be measured.
	Done bool
}

func (v Verdict) word() string {
	switch {
	case !v.Done:
		return "NOT MEASURED"
	case v.Pass:
		return "PASS"
	}
	return "FAIL"
}

func (res Results) size(n int) *SizeResult {
	for i := range res.Sizes {
		if res.Sizes[i].N == n {
			return &res.Sizes[i]
		}
	}
	return nil
}

// verdicts judges the targets.
func (res Results) verdicts() []Verdict {
	var out []Verdict
	v := Verdict{Target: fmt.Sprintf("check ≤ %.1f× the bare list (`kubectl get`) at %s", targetListRatio, thousands(targetListN))}
	if s := res.size(targetListN); s != nil && s.tool(toolCheckID) != nil && s.tool(toolGetID) != nil {
		c, _, _ := s.tool(toolCheckID).Median()
		g, _, _ := s.tool(toolGetID).Median()
		ratio := c.Seconds() / g.Seconds()
		v.Done, v.Pass = true, ratio <= targetListRatio
		v.Measured = fmt.Sprintf("%.2f× (%s vs %s, medians)", ratio, dur(c), dur(g))
	}
	out = append(out, v)
	v = Verdict{Target: fmt.Sprintf("check ≥ %.0f× faster than `kubectl diff` at %s", targetDiffRatio, thousands(targetDiffN))}
	if s := res.size(targetDiffN); s != nil && s.tool(toolCheckID) != nil && s.tool(toolDiffID) != nil {
		c, _, _ := s.tool(toolCheckID).Median()
		d, _, _ := s.tool(toolDiffID).Median()
		ratio := d.Seconds() / c.Seconds()
		v.Done, v.Pass = true, ratio >= targetDiffRatio
		v.Measured = fmt.Sprintf("%.1f× (%s vs %s, medians)", ratio, dur(d), dur(c))
	}
	out = append(out, v)
	v = Verdict{Target: fmt.Sprintf("check peak RSS ≤ 150 MB (%s KiB) at %s", thousands(int64(targetRSSBytes)/1024), thousands(targetListN))}
	if s := res.size(targetListN); s != nil && s.tool(toolCheckID) != nil {
		p := s.tool(toolCheckID).PeakRSSKiB()
		v.Done, v.Pass = true, float64(p)*1024 <= targetRSSBytes
		v.Measured = fmt.Sprintf("%s (max of %d runs)", rss(p), len(s.tool(toolCheckID).Runs))
	}
	out = append(out, v)
	for _, s := range res.Sizes {
		if s.Watch == nil {
			continue
		}
		w := s.Watch
		v = Verdict{Target: fmt.Sprintf("watch event → inventory batch p99 ≤ %s under %g edits/s (N=%s)", dur(targetWatchP99), w.TargetRate, thousands(s.N))}
		v.Done = true
		v.Pass = w.AfterReturn.P99 <= targetWatchP99 && w.Unseen == 0 && w.Rate >= 0.95*w.TargetRate
		v.Measured = fmt.Sprintf("p99 %s at %.1f edits/s achieved, %d of %s edits never seen", dur(w.AfterReturn.P99), w.Rate, w.Unseen, thousands(w.Edits))
		out = append(out, v)
	}
	return out
}

// renderResults writes RESULTS.md.
func renderResults(res Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `make bench` (internal/cmd/benchdrift) on %s; the run took %s. Raw data: [e2e.json](e2e.json), [gobench.txt](gobench.txt).\n\n",
		res.Started.UTC().Format("2006-01-02 15:04 MST"), res.Finished.Sub(res.Started).Round(time.Second))
	m := res.Machine
	p("- Machine: %s, %d cores, %s RAM, Linux %s\n", m.CPU, m.Cores, m.MemTotal, m.Kernel)
	p("- Go: %s; kube-apiserver %s (etcd and kube-apiserver built from source by hack/kube, on loopback on the same machine)\n", m.GoVersion, m.KubeAPIServer)
	p("- Command: `make bench`, which runs `go test -run '^$' -bench . -benchmem ./... | tee bench/gobench.txt`, then `%s`\n", res.Command)
	p("- Load average (1, 5, 15 min) before the end-to-end part: %s; after: %s (other work on this shared machine shows here).\n", res.LoadStart, res.LoadEnd)
	p("- Each tool ran %d times per size, interleaved (get, check, diff, then again); the table gives the median wall time with min–max, and the largest peak RSS (ru_maxrss from wait4, the process and the children it waited for, measured through a tiny helper process so that benchdrift's own memory does not leak into the figure: the floor, /bin/true, reads %s). A tool whose first run took longer than %s was run once at that size.\n", res.Runs, rss(res.RSSFloorKiB), res.SlowRun)
	p("- `ingress-drift version` (the binary starting and doing nothing) peaks at %s (median of 3 runs): part of every check figure below.\n", rss(res.BaselineKiB))
	p("- The tools' output goes to a file. kubectl uses a discovery cache warmed before the runs. `check` runs the binary `make build` makes.\n\n")

	p("## Targets (issue 4)\n\n| target | measured | result |\n|---|---|---|\n")
	for _, v := range res.verdicts() {
		p("| %s | %s | **%s** |\n", v.Target, orDash(v.Measured), v.word())
	}
	p("\n")

	for _, s := range res.Sizes {
		p("## N = %s Ingresses\n\n", thousands(s.N))
		total := 0
		var kinds []string
		for _, k := range driftKinds {
			if s.Drifted[k] > 0 {
				kinds = append(kinds, fmt.Sprintf("%s %d", k, s.Drifted[k]))
				total += s.Drifted[k]
			}
		}
		p("%s Ingresses in %d namespaces (created through client-go as a client-side apply would, with the last-applied annotation, in %s); %s manifest files in one commit (every tenth Ingress shares a two-document file). %s drifted live (%s).\n\n",
			thousands(s.N), len(namespaces), dur(s.SeedTime), thousands(s.Files), thousands(total), strings.Join(kinds, ", "))
		p("| tool | wall median (min–max) | peak RSS | drifts found / expected | notes |\n|---|---|---|---|---|\n")
		for _, tr := range s.Tools {
			med, lo, hi := tr.Median()
			found := "n/a (lists only)"
			var notes []string
			if tr.Found != nil {
				f, e := tr.Found.Total()
				found = fmt.Sprintf("%s / %s", thousands(f), thousands(e))
				if len(tr.Found.Missed) > 0 {
					var ms []string
					for _, k := range driftKinds {
						if n := tr.Found.Missed[k]; n > 0 {
							ms = append(ms, fmt.Sprintf("%s %d/%d", k, n, n+tr.Found.Found[k]))
						}
					}
					notes = append(notes, "missed "+strings.Join(ms, ", "))
				}
				if len(tr.Found.Extra) > 0 {
					ex := tr.Found.Extra
					more := ""
					if len(ex) > 3 {
						ex, more = ex[:3], fmt.Sprintf(" and %d more", len(tr.Found.Extra)-3)
					}
					notes = append(notes, fmt.Sprintf("%d reported but not drifted: %s%s", len(tr.Found.Extra), strings.Join(ex, ", "), more))
				}
			}
			notes = append(notes, tr.Notes...)
			p("| %s | %s (%s–%s) | %s | %s | %s |\n", tr.Name, dur(med), dur(lo), dur(hi), rss(tr.PeakRSSKiB()), found, orDash(strings.Join(notes, "; ")))
		}
		p("\n")
		if d := s.tool(toolDiffID); d != nil && d.Found != nil {
			p("What `kubectl diff` reported, by drift kind: ")
			var parts []string
			for _, k := range driftKinds {
				if n := d.Found.Found[k] + d.Found.Missed[k]; n > 0 {
					parts = append(parts, fmt.Sprintf("%s %d/%d", k, d.Found.Found[k], n))
				}
			}
			p("%s.\n\n", strings.Join(parts, ", "))
		}
	}

	p("## Watch path: cluster edit → inventory batch\n\n")
	p("An in-process engine (model/engine: Open + Run, all namespaces, on the same cluster and repo) is subscribed to the inventory; a client then updates objects round-robin (annotation `%s`, one PUT per edit, several goroutines driven by a ticker), and each edit is timed to the first batch carrying its value. The engine, the editing client, kube-apiserver and etcd share the machine's cores.\n\n", seqAnnotation)
	p("| N | edits | achieved rate | from | p50 | p90 | p99 | max | never seen |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range res.Sizes {
		if s.Watch == nil {
			continue
		}
		w := s.Watch
		p("| %s | %s | %.1f/s | Update returned | %s | %s | %s | %s | %d |\n", thousands(s.N), thousands(w.Edits), w.Rate, dur(w.AfterReturn.P50), dur(w.AfterReturn.P90), dur(w.AfterReturn.P99), dur(w.AfterReturn.Max), w.Unseen)
		p("| %s | | | before Update | %s | %s | %s | %s | |\n", thousands(s.N), dur(w.BeforeCall.P50), dur(w.BeforeCall.P90), dur(w.BeforeCall.P99), dur(w.BeforeCall.Max))
	}
	p("\n")
	for _, s := range res.Sizes {
		if w := s.Watch; w != nil {
			p("- N=%s: the engine synced in %s and saw %s drifted entries; %d batches during the edits; the Update call itself took p50 %s, p99 %s; %d edit(s) reached a batch before their Update call returned (counted as negative latencies).\n",
				thousands(s.N), dur(w.SyncTime), thousands(w.DriftedAtSync), w.Batches, dur(w.Write.P50), dur(w.Write.P99), w.Negative)
		}
	}
	p("\n")

	p("## Go micro-benchmarks\n\n")
	if res.GoBench == nil {
		p("Not run (no -gobench file).\n")
		return b.String()
	}
	g := res.GoBench
	p("`go test -run '^$' -bench . -benchmem ./...` (with KUBEBUILDER_ASSETS for the benchmarks that use the API server); goos %s, goarch %s, cpu %s.\n\n", g.Header["goos"], g.Header["goarch"], g.Header["cpu"])
	if len(g.Failures) > 0 {
		p("**Failures:** %s\n\n", strings.Join(g.Failures, "; "))
	}
	p("| package | benchmark | iterations | ns/op | B/op | allocs/op | other |\n|---|---|---|---|---|---|---|\n")
	for _, l := range g.Lines {
		var other []string
		for _, m := range l.Metrics {
			if m.Unit != "ns/op" && m.Unit != "B/op" && m.Unit != "allocs/op" {
				other = append(other, fmt.Sprintf("%s %s", num(m.Value), m.Unit))
			}
		}
		get := func(u string) string {
			if v, ok := l.Get(u); ok {
				return num(v)
			}
			return "–"
		}
		p("| %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(l.Pkg, "github.com/ingress-drift/ingress-drift/"), l.Name, thousands(l.Iterations), get("ns/op"), get("B/op"), get("allocs/op"), orDash(strings.Join(other, ", ")))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// dur prints a duration with three significant figures.
func dur(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d >= time.Minute:
		return neg + d.Round(time.Second).String()
	case d >= time.Second:
		return fmt.Sprintf("%s%.2f s", neg, d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%s%.1f ms", neg, float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%s%.0f µs", neg, float64(d)/float64(time.Microsecond))
}

// rss prints KiB as MiB and MB.
func rss(kib int64) string {
	if kib == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB (%.0f MB)", float64(kib)/1024, float64(kib)*1024/1e6)
}

// num prints a benchmark value without needless digits.
func num(v float64) string {
	if v == float64(int64(v)) {
		return thousands(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// thousands groups digits: 10000 → 10,000.
func thousands[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
