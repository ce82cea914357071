package repo

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// The environment of a helper process of TestWriteManifestTwoProcesses.
const (
	procEnvDir  = "INGRESS_DRIFT_WRITE_HELPER_DIR"  // the repo root
	procEnvRole = "INGRESS_DRIFT_WRITE_HELPER_ROLE" // first or second
	procEnvHash = "INGRESS_DRIFT_WRITE_HELPER_HASH" // the hash both read
	procEnvData = "INGRESS_DRIFT_WRITE_HELPER_DATA" // what this one writes
	procEnvSync = "INGRESS_DRIFT_WRITE_HELPER_SYNC" // a directory of signal files
)

// TestWriteManifestTwoProcesses: two processes that read the same file
// (two accepts of two objects of it, or of the same object) write their
// edits at the same time. The race is made certain with the write's test
// seam: the first stops right before its rename, after its last hash check,
// until the second has either passed its own checks (and renamed) — which
// the code without an inter-process lock always does, losing the first
// one's change or the second's — or is waiting for the lock the first
// holds. With the lock, the second then checks after the first's rename,
// sees content it did not read, and is refused.
func TestWriteManifestTwoProcesses(t *testing.T) {
	const base = "a: 0\nb: 0\n"
	for _, tc := range []struct{ name, first, second string }{
		{"two objects of one file", "a: 1\nb: 0\n", "a: 0\nb: 1\n"},
		{"the same object", "a: 1\nb: 0\n", "a: 2\nb: 0\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range 10 {
				dir := dirOf(t, t.TempDir())
				write(t, dir, "m.yaml", base)
				hash := manifest.Hash([]byte(base))
				sync := t.TempDir()
				first := startWriter(t, dir, "first", hash, tc.first, sync)
				second := startWriter(t, dir, "second", hash, tc.second, sync)
				r1, r2 := first.wait(t), second.wait(t)
				got := readFile(t, dir, "m.yaml")
				if r1 == "ok" && r2 == "ok" {
					t.Fatalf("run %d: both writes succeeded from the same read; the file holds %q, one change was lost", i, got)
				}
				if r1 != "ok" || !strings.HasPrefix(r2, "stale: ") || !strings.Contains(r2, "changed since the preview") {
					t.Fatalf("run %d: first = %q, second = %q; want the first written and the second refused as changed since the preview", i, r1, r2)
				}
				if got != tc.first {
					t.Fatalf("run %d: file = %q, want the first write %q", i, got, tc.first)
				}
				if l := leftovers(t, dir); len(l) > 0 {
					t.Fatalf("run %d: temporary files left: %v", i, l)
				}
			}
		})
	}
}

type writer struct {
	cmd *exec.Cmd
	out strings.Builder
}

// startWriter runs this test binary as a helper process that writes data
// over m.yaml in dir, expecting hash.
func startWriter(t *testing.T, dir, role, hash, data, sync string) *writer {
	t.Helper()
	w := &writer{cmd: exec.Command(os.Args[0], "-test.run=^TestWriteManifestHelperProcess$", "-test.count=1")}
	w.cmd.Env = append(os.Environ(), procEnvDir+"="+dir, procEnvRole+"="+role, procEnvHash+"="+hash, procEnvData+"="+data, procEnvSync+"="+sync)
	w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.out
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

// wait returns the helper's result line: "ok", "stale: …" or "error: …".
func (w *writer) wait(t *testing.T) string {
	t.Helper()
	if err := w.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, w.out.String())
	}
	for _, l := range strings.Split(w.out.String(), "\n") {
		if r, ok := strings.CutPrefix(l, "result: "); ok {
			return r
		}
	}
	t.Fatalf("helper printed no result:\n%s", w.out.String())
	return ""
}

// TestWriteManifestHelperProcess is one writer of
// TestWriteManifestTwoProcesses; it does nothing in a normal test run.
func TestWriteManifestHelperProcess(t *testing.T) {
	dir := os.Getenv(procEnvDir)
	if dir == "" {
		t.Skip("helper process of TestWriteManifestTwoProcesses")
	}
	sync := os.Getenv(procEnvSync)
	signal := func(name string) error { return os.WriteFile(filepath.Join(sync, name), nil, 0o644) }
	await := func(name string) error {
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(filepath.Join(sync, name)); err == nil {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("timed out waiting for %s", name)
			}
			time.Sleep(time.Millisecond)
		}
	}
	switch os.Getenv(procEnvRole) {
	case "first":
		writeFault = func(step string) error {
			if step != "rename" {
				return nil
			}
			if err := signal("first-checked"); err != nil {
				return err
			}
			return await("second-waiting")
		}
	case "second":
		writeFault = func(step string) error {
			if step == "wait" || step == "rename" {
				return signal("second-waiting")
			}
			return nil
		}
		if err := await("first-checked"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Open(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = r.WriteManifest("m.yaml", os.Getenv(procEnvHash), []byte(os.Getenv(procEnvData)))
	switch {
	case err == nil:
		fmt.Println("result: ok")
	case errors.Is(err, model.ErrStale):
		fmt.Println("result: stale: " + err.Error())
	default:
		fmt.Println("result: error: " + err.Error())
	}
}
