package repo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// benchFiles is the size of the benchmark repo: one Ingress per file.
const benchFiles = 10000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchRepo builds, once per test binary, a git repo with benchFiles
// manifest files in 100 directories and one commit.
func benchRepo(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		benchDir, benchErr = os.MkdirTemp("", "repo-bench-")
		if benchErr != nil {
			return
		}
		for i := range benchFiles {
			rel := fmt.Sprintf("team-%02d/ingress-%05d.yaml", i%100, i)
			p := filepath.Join(benchDir, rel)
			if benchErr = os.MkdirAll(filepath.Dir(p), 0o755); benchErr != nil {
				return
			}
			content := "# generated\n" + ingressYAML(fmt.Sprintf("ns-%02d", i%100), fmt.Sprintf("ing-%05d", i), fmt.Sprintf("h%05d.example.com", i))
			if benchErr = os.WriteFile(p, []byte(content), 0o644); benchErr != nil {
				return
			}
		}
		var repo *git.Repository
		if repo, benchErr = git.PlainInit(benchDir, false); benchErr != nil {
			return
		}
		wt, err := repo.Worktree()
		if err != nil {
			benchErr = err
			return
		}
		if benchErr = wt.AddWithOptions(&git.AddOptions{All: true}); benchErr != nil {
			return
		}
		sig := &object.Signature{Name: "Bench", Email: "bench@example.com", When: baseTime}
		_, benchErr = wt.Commit("all", &git.CommitOptions{Author: sig, Committer: sig})
		fmt.Fprintf(os.Stderr, "bench repo: %d files committed in %v\n", benchFiles, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// scannedRepo opens dir and scans it once into a countSink: where the
// refresh benchmarks start from.
func scannedRepo(b *testing.B, dir string) (*Repo, *countSink) {
	b.Helper()
	r, err := Open(Options{Root: dir})
	if err != nil {
		b.Fatal(err)
	}
	s := &countSink{}
	if err := r.Scan(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	return r, s
}

// countSink counts calls and drops the documents.
type countSink struct{ sources, infos int }

func (s *countSink) SetSource(string, []model.Desired, []model.RepoError) { s.sources++ }
func (s *countSink) RemoveSource(string)                                  {}
func (s *countSink) SetFileInfo(string, model.FileInfo)                   { s.infos++ }
func (s *countSink) SetRepo(model.RepoState)                              {}
func (s *countSink) SetIgnoreRules([]diffengine.IgnoreRule)               {}

// peakHeap samples the live heap every millisecond until stop is called
// and returns the peak in MB: the scan's own footprint, whatever the
// process did before (building the benchmark repo).
func peakHeap() (stop func() float64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-result) / (1 << 20)
	}
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // KiB on Linux
}

// benchScan opens and scans the repo in dir b.N times into the sink
// newSink makes, checking each scan with check.
func benchScan[S model.RepoSink](b *testing.B, dir string, newSink func() S, check func(S) error) {
	runtime.GC()
	stop := peakHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := Open(Options{Root: dir})
		if err != nil {
			b.Fatal(err)
		}
		s := newSink()
		if err := r.Scan(context.Background(), s); err != nil {
			b.Fatal(err)
		}
		if err := check(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(stop(), "peak-heap-MB")
	b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
}

// BenchmarkScan10k: one full scan (walk, parallel parse, git status, the
// history walk) of 10,000 manifest files in a committed git repo.
func BenchmarkScan10k(b *testing.B) {
	benchScan(b, benchRepo(b), func() *countSink { return &countSink{} }, func(s *countSink) error {
		if s.sources != benchFiles || s.infos != benchFiles {
			return fmt.Errorf("%d sources, %d infos", s.sources, s.infos)
		}
		return nil
	})
}

// BenchmarkScan10kInventory is the same scan into a real model.Inventory
// (which keeps every document, as the program does).
func BenchmarkScan10kInventory(b *testing.B) {
	benchScan(b, benchRepo(b), func() *model.Inventory { return model.NewInventory(diffengine.Options{}) }, func(inv *model.Inventory) error {
		if inv.Len() != benchFiles {
			return fmt.Errorf("%d entries", inv.Len())
		}
		return nil
	})
}

// BenchmarkRefreshOneFile: the single-file-change path of the watch (read,
// parse, hash, git status, SetSource, SetFileInfo) in the 10,000-file repo.
func BenchmarkRefreshOneFile(b *testing.B) {
	dir := benchRepo(b)
	r, s := scannedRepo(b, dir)
	s.sources = 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := r.Refresh(context.Background(), s, "team-42/ingress-00042.yaml"); err != nil {
			b.Fatal(err)
		}
	}
	if s.sources == 0 {
		b.Fatal("Refresh reported nothing")
	}
}

// bigFileDocs is the size of the one-big-file benchmarks: a generated
// bundle of small Ingresses in one file, just under MaxFileSize.
const bigFileDocs = 40000

// writeBundle writes bigFileDocs small Ingress documents spread over files
// files in a new directory (no git: the cost under test is reading and
// joining, not history).
func writeBundle(b *testing.B, files int) string {
	b.Helper()
	dir := b.TempDir()
	bufs := make([][]byte, files)
	for i := range bigFileDocs {
		f := i % files
		bufs[f] = fmt.Appendf(bufs[f], "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-%05d\nspec: {rules: [{host: h%05d.example}]}\n", i, i)
	}
	for f, buf := range bufs {
		if len(buf) > MaxFileSize {
			b.Fatalf("bundle file %d is %d bytes, over MaxFileSize", f, len(buf))
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("bundle-%02d.yaml", f)), buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// benchLoadBundle scans a bundle of bigFileDocs documents in files files
// into a real inventory, as `check` does: the cost must be linear in the
// number of documents whatever the number of files.
func benchLoadBundle(b *testing.B, files int) {
	benchScan(b, writeBundle(b, files), func() *model.Inventory { return model.NewInventory(diffengine.Options{}) }, func(inv *model.Inventory) error {
		if inv.Len() != bigFileDocs {
			return fmt.Errorf("%d entries, want %d", inv.Len(), bigFileDocs)
		}
		return nil
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/bigFileDocs, "ns/doc")
}

// BenchmarkLoad40kDocsOneFile: 40,000 documents in one file.
func BenchmarkLoad40kDocsOneFile(b *testing.B) { benchLoadBundle(b, 1) }

// BenchmarkLoad40kDocs20Files: the same documents over 20 files of 2,000,
// the figure the one-file case is compared with.
func BenchmarkLoad40kDocs20Files(b *testing.B) { benchLoadBundle(b, 20) }

// helmBenchCharts and helmBenchEnvs size BenchmarkScanHelmRepo: each chart
// is rendered once per environment.
const (
	helmBenchCharts = 100
	helmBenchEnvs   = 3
)

// helmBenchRepo writes a committed repo of helmBenchCharts charts (helpers,
// one Ingress each) with a value file per environment, and the config
// naming a release of every chart in every environment.
func helmBenchRepo(b *testing.B) string {
	dir := b.TempDir()
	cfg := "helm:\n"
	for i := range helmBenchCharts {
		c := fmt.Sprintf("charts/app-%03d", i)
		write(b, dir, c+"/Chart.yaml", fmt.Sprintf("apiVersion: v2\nname: app-%03d\nversion: 0.1.0\n", i))
		write(b, dir, c+"/values.yaml", "host: app.example.com\nannotations: {}\n"+
			"http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}\n")
		write(b, dir, c+"/templates/_helpers.tpl", `{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end }}`+"\n")
		write(b, dir, c+"/templates/ingress.yaml", `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "app.fullname" . }}
  {{- with .Values.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  rules:
    - host: {{ .Values.host | quote }}
      http:
        {{- toYaml .Values.http | nindent 8 }}
`)
		for e := range helmBenchEnvs {
			v := fmt.Sprintf("envs/env-%d/app-%03d.yaml", e, i)
			write(b, dir, v, fmt.Sprintf("host: app-%03d.env-%d.example.com\nannotations:\n  team: t%d\n", i, e, i%10))
			cfg += fmt.Sprintf("  - chart: %s\n    release: app-%03d\n    namespace: env-%d\n    values: [%s]\n", c, i, e, v)
		}
	}
	write(b, dir, ConfigFile, cfg)
	commit(b, gitRepoAt(b, dir), "charts", "Bench", 0, ConfigFile, "charts", "envs")
	return dir
}

// BenchmarkScanHelmRepo: a full scan of a repo whose Ingresses all come
// from charts: 100 charts, each rendered for 3 environments (300 releases
// named in the config).
func BenchmarkScanHelmRepo(b *testing.B) {
	dir := helmBenchRepo(b)
	benchScan(b, dir, func() *model.Inventory { return model.NewInventory(diffengine.Options{}) }, func(inv *model.Inventory) error {
		if n := inv.Len(); n != helmBenchCharts*helmBenchEnvs {
			return fmt.Errorf("%d entries, want %d", n, helmBenchCharts*helmBenchEnvs)
		}
		return nil
	})
}

// BenchmarkRefreshHelmValueFile: the watch path of one changed value file
// in the BenchmarkScanHelmRepo repo (300 releases): only the one release
// that reads it is rendered and reported again (checked: one source per
// refresh), so the cost is one render, not 300.
func BenchmarkRefreshHelmValueFile(b *testing.B) {
	dir := helmBenchRepo(b)
	r, s := scannedRepo(b, dir)
	const changed = "envs/env-1/app-042.yaml"
	s.sources = 0
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n++
		write(b, dir, changed, fmt.Sprintf("host: app-042.env-1.example.com\nannotations:\n  team: t%d\n", n))
		if err := r.Refresh(context.Background(), s, changed); err != nil {
			b.Fatal(err)
		}
	}
	if s.sources != n {
		b.Fatalf("%d sources reported in %d refreshes, want one each (the release that reads %s)", s.sources, n, changed)
	}
}
