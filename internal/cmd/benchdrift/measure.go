package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Run is one timed run of an external command.
type Run struct {
	// Wall is the time from start to exit.
	Wall time.Duration `json:"wallNs"`
	// MaxRSSKiB is the peak resident set of the process (and of the
	// children it waited for), from wait4's rusage, in KiB.
	MaxRSSKiB int64 `json:"maxRssKiB"`
	// Exit is the exit code.
	Exit int `json:"exit"`
}

// timed runs argv through the maxrss helper, with stdout written to the
// file out (so that copying the output costs nothing to any process), and
// returns its wall time and peak RSS as the helper measured them. okExit
// lists the exit codes that are not failures.
func timed(ctx context.Context, helper, out string, argv []string, okExit ...int) (Run, error) {
	f, err := os.Create(out)
	if err != nil {
		return Run{}, err
	}
	defer f.Close()
	result := out + ".rusage"
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, helper, append([]string{result}, argv...)...)
	cmd.Stdout, cmd.Stderr = f, &limited{w: &stderr, n: 4096}
	// A process group of its own, so that ctrl+c reaches us first and we
	// stop the helper and its command (and kubectl diff's diff) together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err = cmd.Run()
	if ctx.Err() != nil {
		return Run{}, ctx.Err()
	}
	var r Run
	b, rerr := os.ReadFile(result)
	if rerr != nil {
		return r, fmt.Errorf("%s: %w (%v)\n%s", strings.Join(argv, " "), rerr, err, stderr.String())
	}
	var wall int64
	if _, serr := fmt.Sscan(string(b), &wall, &r.MaxRSSKiB, &r.Exit); serr != nil {
		return r, fmt.Errorf("%s: %q: %w", result, b, serr)
	}
	r.Wall = time.Duration(wall)
	if !slices.Contains(okExit, r.Exit) {
		return r, fmt.Errorf("%s: exit code %d\n%s", strings.Join(argv, " "), r.Exit, stderr.String())
	}
	return r, nil
}

// limited keeps the first n bytes written to it.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// checkReport is the part of `ingress-drift check -o json` the bench reads.
type checkReport struct {
	Objects []struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
		Status    string `json:"status"`
	} `json:"objects"`
	Errors  []json.RawMessage `json:"errors"`
	Summary map[string]int    `json:"summary"`
}

// Found compares what a tool reported drifted with what was drifted.
type Found struct {
	// Found and Missed count the drifted objects reported and not, by kind.
	Found  map[string]int `json:"found"`
	Missed map[string]int `json:"missed"`
	// Extra are objects reported drifted (or otherwise not in sync) that
	// were not drifted, with what was said about them.
	Extra []string `json:"extra,omitempty"`
}

// Total returns found and expected counts.
func (f Found) Total() (found, expected int) {
	for _, n := range f.Found {
		found += n
		expected += n
	}
	for _, n := range f.Missed {
		expected += n
	}
	return found, expected
}

// compare matches a reported set against the expected key → kind map.
func compare(reported map[string]string, want map[string]string) Found {
	f := Found{Found: map[string]int{}, Missed: map[string]int{}}
	for k, kind := range want {
		if _, ok := reported[k]; ok {
			f.Found[kind]++
		} else {
			f.Missed[kind]++
		}
	}
	for k, what := range reported {
		if _, ok := want[k]; !ok {
			f.Extra = append(f.Extra, k+" ("+what+")")
		}
	}
	slices.Sort(f.Extra)
	return f
}

// parseCheck reads check's JSON and returns every object not in sync, and
// the number of objects listed.
func parseCheck(path string) (map[string]string, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var r checkReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, 0, fmt.Errorf("check output %s: %w", path, err)
	}
	out := map[string]string{}
	for _, o := range r.Objects {
		if o.Status != "in-sync" {
			out[o.Namespace+"/"+o.Name] = o.Status
		}
	}
	for i, e := range r.Errors {
		out[fmt.Sprintf("error #%d", i)] = string(e)
	}
	return out, len(r.Objects), nil
}

// liveDiffPrefix starts the file name kubectl diff gives an Ingress in its
// LIVE and MERGED directories: networking.k8s.io.v1.Ingress.<ns>.<name>.
const liveDiffPrefix = "networking.k8s.io.v1.Ingress."

// parseKubectlDiff returns the objects `kubectl diff` reports, from the
// header lines the external diff prints per differing file:
//
//	diff -u -N /tmp/LIVE-123/networking.k8s.io.v1.Ingress.shop.web /tmp/MERGED-456/networking.k8s.io.v1.Ingress.shop.web
func parseKubectlDiff(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "diff ") {
			continue
		}
		fields := strings.Fields(line)
		live := ""
		for _, f := range fields[1:] {
			if strings.Contains(f, "/LIVE-") {
				live = f
			}
		}
		if live == "" {
			return nil, fmt.Errorf("kubectl diff header without a LIVE file: %q", line)
		}
		base := filepath.Base(live)
		rest, ok := strings.CutPrefix(base, liveDiffPrefix)
		ns, name, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 {
			return nil, fmt.Errorf("kubectl diff header names %q, not an Ingress", base)
		}
		out[ns+"/"+name] = "diff"
	}
	return out, sc.Err()
}

// countListItems returns the number of items in a `kubectl get -o json`
// list (a sanity check that the floor read everything).
func countListItems(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(f).Decode(&l); err != nil {
		return 0, fmt.Errorf("kubectl get output %s: %w", path, err)
	}
	return len(l.Items), nil
}
