package cluster_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// twoContexts is a kubeconfig with two clusters, users and contexts. The
// contexts carry namespaces, which Resolve must not use as the scope.
const twoContexts = `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: alpha
  cluster: {server: "https://alpha.example:6443"}
- name: beta
  cluster: {server: "https://beta.example:6443"}
users:
- name: alice
  user: {token: alice-token}
- name: bob
  user: {token: bob-token}
contexts:
- name: alpha
  context: {cluster: alpha, user: alice, namespace: team-a}
- name: beta
  context: {cluster: beta, user: bob, namespace: team-b}
`

// Split over two files, as KUBECONFIG=a:b merges them.
const (
	alphaOnly = `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: alpha
  cluster: {server: "https://alpha.example:6443"}
users:
- name: alice
  user: {token: alice-token}
contexts:
- name: alpha
  context: {cluster: alpha, user: alice}
`
	betaOnly = `apiVersion: v1
kind: Config
current-context: beta
clusters:
- name: beta
  cluster: {server: "https://beta.example:6443"}
users:
- name: bob
  user: {token: bob-token}
contexts:
- name: beta
  context: {cluster: beta, user: bob}
`
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	kc := writeFile(t, dir, "config", twoContexts)
	tests := []struct {
		name               string
		context, namespace string
		all                bool
		want               cluster.Target
	}{
		{name: "current context, all namespaces by default",
			want: cluster.Target{Context: "alpha", Server: "https://alpha.example:6443", User: "alice"}},
		{name: "--context picks the other", context: "beta",
			want: cluster.Target{Context: "beta", Server: "https://beta.example:6443", User: "bob"}},
		{name: "-n scopes", context: "beta", namespace: "shop",
			want: cluster.Target{Context: "beta", Server: "https://beta.example:6443", User: "bob", Namespace: "shop"}},
		{name: "-A", all: true,
			want: cluster.Target{Context: "alpha", Server: "https://alpha.example:6443", User: "alice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cluster.Resolve(flags(kc, tc.context, tc.namespace), tc.all)
			if err != nil {
				t.Fatal(err)
			}
			if got.Config == nil || got.Config.Host != tc.want.Server {
				t.Errorf("Config = %+v, want host %s", got.Config, tc.want.Server)
			}
			// The context's own credentials are in use.
			if want := map[string]string{"alice": "alice-token", "bob": "bob-token"}[tc.want.User]; got.Config.BearerToken != want {
				t.Errorf("bearer token %q, want %q", got.Config.BearerToken, want)
			}
			got.Config = nil
			if *got != tc.want {
				t.Errorf("Resolve = %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestResolveKubeconfigEnvMergesFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a", alphaOnly)
	b := writeFile(t, dir, "b", betaOnly)
	t.Setenv("KUBECONFIG", a+string(filepath.ListSeparator)+b)

	// The first file's current-context wins, as in kubectl.
	got, err := cluster.Resolve(flags("", "", ""), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Context != "alpha" || got.Server != "https://alpha.example:6443" || got.User != "alice" {
		t.Errorf("default = %+v, want context alpha from the first file", got)
	}
	// A context that only the second file defines.
	got, err = cluster.Resolve(flags("", "beta", "x"), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Context != "beta" || got.Server != "https://beta.example:6443" || got.User != "bob" || got.Namespace != "x" {
		t.Errorf("--context beta = %+v, want beta from the second file, namespace x", got)
	}
}

func TestResolveErrors(t *testing.T) {
	dir := t.TempDir()
	kc := writeFile(t, dir, "config", twoContexts)
	missing := filepath.Join(dir, "nope.yaml")
	tests := []struct {
		name      string
		kc, ctx   string
		ns        string
		all       bool
		wantParts []string
	}{
		{name: "missing kubeconfig", kc: missing, wantParts: []string{missing, "no such file"}},
		{name: "unknown context", kc: kc, ctx: "gamma", wantParts: []string{kc, `"gamma"`, "does not exist"}},
		{name: "-n with -A", kc: kc, ns: "x", all: true, wantParts: []string{"-n/--namespace", "-A/--all-namespaces"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cluster.Resolve(flags(tc.kc, tc.ctx, tc.ns), tc.all)
			if err == nil {
				t.Fatal("Resolve succeeded, want an error")
			}
			for _, p := range tc.wantParts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not mention %q", err, p)
				}
			}
			t.Logf("error: %v", err)
		})
	}
}
