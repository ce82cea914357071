package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/internal/testcluster"
)

// diffCasesDir holds diffengine's cases (testdata/diff/README.md).
const diffCasesDir = "../../testdata/diff"

// notApplicable are the diffengine cases the offline-equals-live test
// cannot set up, and why. Each must exist.
var notApplicable = map[string]string{
	"ignore-builtin-disabled": "needs options.noBuiltinIgnores, which neither a flag nor .ingress-drift.yaml can set",
}

// diffCase is one testdata/diff case, as the offline-equals-live test sets
// it up.
type diffCase struct {
	name string
	// git is git.yaml as written; live is live.yaml decoded.
	git  []byte
	live *networkingv1.Ingress
	// defaultClass, ignore and changes are from want.yaml: the default
	// IngressClass the case needs, its ignore rules (as
	// .ingress-drift.yaml takes them, source left out), and whether Diff
	// finds changes.
	defaultClass string
	ignore       []map[string]any
	changes      bool
}

func readDiffCases(t *testing.T) []diffCase {
	t.Helper()
	gits, err := filepath.Glob(filepath.Join(diffCasesDir, "*", "git.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []diffCase
	for _, g := range gits {
		dir := filepath.Dir(g)
		c := diffCase{name: filepath.Base(dir)}
		if c.git, err = os.ReadFile(g); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "live.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		c.live = &networkingv1.Ingress{}
		if err := sigsyaml.UnmarshalStrict(b, c.live); err != nil {
			t.Fatalf("%s/live.yaml: %v", dir, err)
		}
		var want struct {
			Options struct {
				DefaultNamespace    string           `json:"defaultNamespace"`
				DefaultIngressClass string           `json:"defaultIngressClass"`
				NoBuiltinIgnores    bool             `json:"noBuiltinIgnores"`
				Ignore              []map[string]any `json:"ignore"`
			} `json:"options"`
			Changes []any `json:"changes"`
		}
		if b, err = os.ReadFile(filepath.Join(dir, "want.yaml")); err != nil {
			t.Fatal(err)
		}
		if err := sigsyaml.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s/want.yaml: %v", dir, err)
		}
		o := want.Options
		c.defaultClass, c.changes = o.DefaultIngressClass, len(want.Changes) > 0
		for _, r := range o.Ignore {
			delete(r, "source") // the config's line is the source
			c.ignore = append(c.ignore, r)
		}
		if o.DefaultNamespace != "" && o.DefaultNamespace != c.live.Namespace {
			t.Fatalf("%s: defaultNamespace %s is not the live object's namespace %s: the test cannot map it", c.name, o.DefaultNamespace, c.live.Namespace)
		}
		if o.NoBuiltinIgnores && notApplicable[c.name] == "" {
			t.Fatalf("%s needs noBuiltinIgnores, which the CLI cannot take: list it in notApplicable", c.name)
		}
		cases = append(cases, c)
	}
	return cases
}

// TestOfflineEqualsLive: on the same state, `check --live-file` of a dump
// saved as the README says gives exactly the verdicts `check` gives live —
// over every testdata/diff case that can be set up on a real API server,
// each in its own namespace. Everything in the two reports but the
// cluster's (which says what was read, and how) must be equal.
//
// It stays serial: the cases that need a default IngressClass create one,
// and while it exists the API server fills it into every Ingress created
// without a class, other tests' too. The cases are two groups: without a
// default class, then with one; in each, the live checks run side by side,
// then one `kubectl get ingressclass,ingress -A` dumps them all, then the
// offline checks run side by side, on that dump and on one of `kubectl
// get --raw` (the API server's IngressClassList and IngressList, whose
// items say no kind) and on the first dump made the item of a List (a
// List of Lists): both shapes were skipped, every manifest missing-live.
func TestOfflineEqualsLive(t *testing.T) {
	env := testcluster.Get(t)
	cases := readDiffCases(t)
	if len(cases) < 79 {
		t.Fatalf("only %d cases under %s, want at least 79", len(cases), diffCasesDir)
	}
	names := map[string]bool{}
	groups := map[string][]diffCase{}
	for _, c := range cases {
		names[c.name] = true
		if notApplicable[c.name] == "" {
			groups[c.defaultClass] = append(groups[c.defaultClass], c)
		}
	}
	for n := range notApplicable {
		if !names[n] {
			t.Errorf("notApplicable names %s, which is no case", n)
		}
	}
	// check runs in this process: a case costs one process (kubectl's
	// dump), not three. check sets the process's soft memory limit
	// (memory.go); it is put back when the test ends.
	memLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(memLimit) })
	var ran atomic.Int32
	start := time.Now()
	runGroup := func(t *testing.T, cs []diffCase) {
		// One git repo for the group, a directory (--repo) per case: one
		// git init and commit, not one per case.
		nss := make([]string, len(cs))
		files := map[string]string{}
		for i, c := range cs {
			nss[i] = env.Namespace(t)
			for name, content := range caseFiles(t, nss[i], c) {
				files[c.name+"/"+name] = content
			}
		}
		repo := gittest.NewRepo(t, files, true)
		// Live first, every case side by side; then one dump of the whole
		// cluster, as the README says to make it (kubectl's start-up, not
		// the API server, is what a dump costs); then offline, each case
		// scoped to its namespace as it was live.
		lives := make([]liveCheck, len(cs))
		t.Run("live", func(t *testing.T) {
			for i, c := range cs {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					lives[i] = checkLive(t, env, nss[i], filepath.Join(repo, c.name), c)
				})
			}
		})
		dump, err := env.Cluster.Kubectl(env.Kubeconfig, "get", "ingressclass,ingress", "-A", "-o", "yaml", "--show-managed-fields").Output()
		if err != nil {
			t.Fatalf("kubectl get ingressclass,ingress -A: %v", err)
		}
		file := filepath.Join(t.TempDir(), "live.yaml")
		if err := os.WriteFile(file, dump, 0o644); err != nil {
			t.Fatal(err)
		}
		// The API server's own typed Lists, whose items say no kind: the
		// classes' IngressClassList, then the IngressList, one after the
		// other in one file.
		var raw []byte
		for _, res := range []string{"ingressclasses", "ingresses"} {
			out, err := env.Cluster.Kubectl(env.Kubeconfig, "get", "--raw", "/apis/networking.k8s.io/v1/"+res).Output()
			if err != nil {
				t.Fatalf("kubectl get --raw %s: %v", res, err)
			}
			raw = append(append(raw, out...), '\n')
		}
		rawFile := filepath.Join(t.TempDir(), "raw.json")
		if err := os.WriteFile(rawFile, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		// The YAML dump as the one item of a List: a List of Lists.
		nested := "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(string(dump), "\n"), "\n", "\n  ") + "\n"
		nestedFile := filepath.Join(t.TempDir(), "nested.yaml")
		if err := os.WriteFile(nestedFile, []byte(nested), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run("offline", func(t *testing.T) {
			for i, c := range cs {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					if lives[i].args == nil {
						t.Fatal("its live check failed")
					}
					checkOffline(t, env, lives[i], file, c)
					checkOffline(t, env, lives[i], rawFile, c)
					checkOffline(t, env, lives[i], nestedFile, c)
					ran.Add(1)
				})
			}
		})
	}
	t.Run("no default class", func(t *testing.T) {
		if got := admittedClass(t, env); got != "" {
			t.Fatalf("the API server fills in class %q before the test made a default", got)
		}
		runGroup(t, groups[""])
	})
	for class, cs := range groups {
		if class == "" {
			continue
		}
		t.Run("default class "+class, func(t *testing.T) {
			makeDefaultClass(t, env, class)
			runGroup(t, cs)
		})
	}
	t.Logf("%d cases in %v", ran.Load(), time.Since(start).Round(time.Millisecond))
	if want := len(cases) - len(notApplicable); int(ran.Load()) != want {
		t.Errorf("%d cases ran, want %d (%d cases, %d not applicable)", ran.Load(), want, len(cases), len(notApplicable))
	}
}

// checkHere runs ingress-drift with args in this process.
func checkHere(t *testing.T, args ...string) result {
	t.Helper()
	root := newRootCommand()
	var out, errb bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(t.Context())
	r := result{stdout: out.String(), stderr: errb.String(), code: exitCode(err)}
	if err != nil && !errors.As(err, new(exitError)) {
		r.stderr += "ingress-drift: " + err.Error() + "\n"
	}
	return r
}

// liveCheck is one case's live check: its arguments (without the live
// side's), the report without its cluster, and the exit code.
type liveCheck struct {
	args []string
	rep  map[string]any
	code int
}

// checkLive sets up one case in a new namespace and runs check on it live.
func checkLive(t *testing.T, env *testcluster.Env, ns, repo string, c diffCase) liveCheck {
	applyLive(t, env, ns, c.live)
	args := []string{"check", "-o", "json", "-n", ns, "--repo", repo, "--default-namespace", ns}
	live := checkHere(t, append(args, "--kubeconfig", env.Kubeconfig)...)
	liveRep := reportWithoutCluster(t, live)
	objs, _ := liveRep["objects"].([]any)
	if len(objs) != 1 {
		t.Fatalf("live: %d objects, want the case's one\n%s", len(objs), live.stdout)
	}
	status := objs[0].(map[string]any)["status"]
	if want := map[bool]string{false: "in-sync", true: "drifted"}[c.changes]; status != want {
		t.Errorf("live: %s, want %s as the case's want.yaml says: the case was not set up as it is\n%s", status, want, live.stdout)
	}
	return liveCheck{args: args, rep: liveRep, code: live.code}
}

// checkOffline runs the case's check on the dump and compares it with the
// live one.
func checkOffline(t *testing.T, env *testcluster.Env, live liveCheck, file string, c diffCase) {
	args := live.args
	offline := checkHere(t, append(args, "--live-file", file)...)
	if d := cmp.Diff(live.rep, reportWithoutCluster(t, offline)); d != "" {
		t.Errorf("check --live-file differs from check live (-live +offline):\n%s", d)
	}
	if live.code != offline.code {
		t.Errorf("exit %d live, %d offline", live.code, offline.code)
	}

	if c.name == "default-ingressclass-admission" {
		// --default-ingress-class wins over the cluster and the dump: with
		// "" (no default) the class admission filled in is drift, live and
		// offline.
		args = append(slices.Clone(args), "--default-ingress-class", "")
		for _, src := range [][]string{{"--kubeconfig", env.Kubeconfig}, {"--live-file", file}} {
			r := checkHere(t, append(args, src...)...)
			objs, _ := reportWithoutCluster(t, r)["objects"].([]any)
			if len(objs) != 1 || objs[0].(map[string]any)["status"] != "drifted" {
				t.Errorf("%s with --default-ingress-class \"\": want drifted\n%s", src[0], r.stdout)
			}
		}
	}
}

// reportWithoutCluster is check's JSON report without its cluster: what
// was read and how (a server or a file, warnings about the file) differs
// between live and offline by design.
func reportWithoutCluster(t *testing.T, r result) map[string]any {
	t.Helper()
	var rep map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check -o json printed no JSON (%v); exit %d\nstdout:\n%s\nstderr:\n%s", err, r.code, r.stdout, r.stderr)
	}
	delete(rep, "cluster")
	return rep
}

// applyLive makes the case's live object in ns: live.yaml without what the
// server sets, its status through the status subresource.
func applyLive(t *testing.T, env *testcluster.Env, ns string, from *networkingv1.Ingress) {
	t.Helper()
	ctx := context.Background()
	ing := from.DeepCopy()
	ing.Namespace = ns
	ing.UID, ing.ResourceVersion, ing.Generation, ing.CreationTimestamp, ing.ManagedFields = "", "", 0, metav1.Time{}, nil
	status := ing.Status
	ing.Status = networkingv1.IngressStatus{}
	c := env.Client.NetworkingV1().Ingresses(ns)
	got, err := c.Create(ctx, ing, metav1.CreateOptions{FieldManager: "kubectl-create"})
	if err != nil {
		t.Fatalf("the API server rejects live.yaml (list the case in notApplicable if it must): %v", err)
	}
	if len(ing.Finalizers) > 0 {
		// Nothing here removes a finalizer: the object would stay,
		// terminating, after its namespace's cleanup.
		t.Cleanup(func() {
			_, _ = c.Patch(ctx, ing.Name, types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
		})
	}
	if len(status.LoadBalancer.Ingress) > 0 {
		got.Status = status
		if _, err := c.UpdateStatus(ctx, got, metav1.UpdateOptions{FieldManager: "ingress-controller"}); err != nil {
			t.Fatal(err)
		}
	}
}

// namespaceLine is a metadata.namespace line of a manifest.
var namespaceLine = regexp.MustCompile(`^(\s*namespace:\s*)\S+\s*$`)

// caseFiles are the files of the case's --repo: its git.yaml, moved to
// ns, and its ignore rules in .ingress-drift.yaml.
func caseFiles(t *testing.T, ns string, c diffCase) map[string]string {
	t.Helper()
	git := c.git
	var doc yaml.Node
	if err := yaml.Unmarshal(git, &doc); err != nil {
		t.Fatal(err)
	}
	if n := yamlPath(doc.Content[0], "metadata", "namespace"); n != nil {
		// Only that line changes: the rest of the file is the case's.
		lines := strings.Split(string(git), "\n")
		l := lines[n.Line-1]
		if !namespaceLine.MatchString(l) {
			t.Fatalf("git.yaml:%d: %q is not a namespace line the test can rewrite", n.Line, l)
		}
		lines[n.Line-1] = namespaceLine.ReplaceAllString(l, "${1}"+ns)
		git = []byte(strings.Join(lines, "\n"))
	}
	files := map[string]string{"ingress.yaml": string(git)}
	if len(c.ignore) > 0 {
		var rules []map[string]any
		for _, r := range c.ignore {
			if r["namespace"] == c.live.Namespace {
				r = withKey(r, "namespace", ns)
			}
			rules = append(rules, r)
		}
		b, err := sigsyaml.Marshal(map[string]any{"ignore": rules})
		if err != nil {
			t.Fatal(err)
		}
		files[".ingress-drift.yaml"] = string(b)
	}
	return files
}

// withKey is m with key set to v (m itself is not changed).
func withKey(m map[string]any, key string, v any) map[string]any {
	out := map[string]any{key: v}
	for k, x := range m {
		if k != key {
			out[k] = x
		}
	}
	return out
}

// yamlPath is the value at keys under the mapping n, nil if absent.
func yamlPath(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		var next *yaml.Node
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// admittedClass is the class the API server's DefaultIngressClass
// admission fills into an Ingress created without one, asked with a
// server-side dry run (nothing is stored).
func admittedClass(t *testing.T, env *testcluster.Env) string {
	t.Helper()
	const ns = "default"
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: ns},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "probe", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}
	got, err := env.Client.NetworkingV1().Ingresses(ns).Create(context.Background(), ing, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Fatalf("dry-run create: %v", err)
	}
	if got.Spec.IngressClassName == nil {
		return ""
	}
	return *got.Spec.IngressClassName
}

// makeDefaultClass creates a default IngressClass name until the test
// ends, and waits, both ways, until the admission plugin (which reads
// IngressClasses through an informer) acts on it.
func makeDefaultClass(t *testing.T, env *testcluster.Env, name string) {
	t.Helper()
	ctx := context.Background()
	ic := &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}},
		Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"}}
	if _, err := env.Client.NetworkingV1().IngressClasses().Create(ctx, ic, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitAdmitted(t, env, name)
	t.Cleanup(func() {
		if err := env.Client.NetworkingV1().IngressClasses().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("delete ingressclass %s: %v", name, err)
		}
		waitAdmitted(t, env, "")
	})
}

// waitAdmitted polls until admission fills in want ("" = nothing).
func waitAdmitted(t *testing.T, env *testcluster.Env, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := admittedClass(t, env)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("admission fills in %q after 30s, want %q", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
