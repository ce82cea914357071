package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ingress-drift/ingress-drift/internal/demo"
	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

func TestMain(m *testing.M) { testcluster.Main(m) }

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binaryEnv names where binary builds the binary. make test points it at
// bin/ingress-drift, which its build step has just linked: go build then
// finds that file up to date and links nothing (linking it again costs
// several seconds of CPU). Unset, the binary goes to a temporary directory.
const binaryEnv = "INGRESS_DRIFT_TEST_BIN"

// binary builds the real ingress-drift binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = os.Getenv(binaryEnv)
		if binPath == "" {
			dir, err := os.MkdirTemp("", "ingress-drift-bin-")
			if err != nil {
				binErr = err
				return
			}
			binPath = filepath.Join(dir, "ingress-drift")
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG=/nonexistent", "NO_COLOR=1", "XDG_STATE_HOME="+stateDir(t))
	return runCmd(t, cmd)
}

// runCmd runs a prepared command and collects its output and exit code.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	return r
}

var (
	demoOnce sync.Once
	demoRepo string
	demoErr  error
)

// demoStory seeds the package's cluster with the demo's drift story once
// (fixed namespaces shop, payments, blog, tools, api, monitoring) and returns
// its repo. Tests that use it must not change those objects, and must not
// call t.Parallel: they check all namespaces, where the parallel tests'
// Ingresses would show up; Go runs the serial tests before the parallel
// ones, so these see the story alone.
func demoStory(t *testing.T) (env *testcluster.Env, repo string) {
	t.Helper()
	env = testcluster.Get(t)
	demoOnce.Do(func() {
		// Under env.Dir, which goes when the control plane stops.
		demoRepo = filepath.Join(env.Dir, "demo-repo")
		demoErr = demo.Seed(context.Background(), demo.Options{
			Kubeconfig: env.Kubeconfig, Kubectl: filepath.Join(env.Cluster.BinDir, "kubectl"),
			Repo: demoRepo, Now: time.Now(),
		})
	})
	if demoErr != nil {
		t.Fatalf("seed demo: %v", demoErr)
	}
	return env, demoRepo
}

// stateDir is the XDG state directory of one test: the audit log goes
// there, never into the real home.
func stateDir(t *testing.T) string {
	t.Helper()
	if d, ok := stateDirs.Load(t.Name()); ok {
		return d.(string)
	}
	d := t.TempDir()
	stateDirs.Store(t.Name(), d)
	return d
}

var stateDirs sync.Map
