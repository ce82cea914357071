package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/ingress-drift/ingress-drift/internal/testcluster"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/engine"
)

func TestMain(m *testing.M) { testcluster.Main(m) }

// shopFile is a multi-document manifest with comments everywhere, as
// people write them; NS is replaced by the test's namespace.
const shopFile = `# Shop: public storefront and API.
# Owned by team-shop.
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: NS
  labels:
    team: shop
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  number: 80
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: shop-api
                port:
                  number: 8080   # the API listens on 8080
---
# Admin UI, office network only.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: admin
  namespace: NS
spec:
  ingressClassName: nginx
  rules:
    - host: admin.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: admin
                port:
                  name: http
`

// fixture is a namespace on the real API server, a git repo holding its
// manifests, and an engine watching both.
type fixture struct {
	env  *testcluster.Env
	ns   string
	repo string
	eng  *engine.Engine
	// audit is the audit log of this engine.
	audit string
}

func newFixture(t *testing.T, files map[string]string, kubeconfig string) *fixture {
	t.Helper()
	env := testcluster.Get(t)
	f := &fixture{env: env, ns: env.Namespace(t), repo: t.TempDir()}
	f.audit = filepath.Join(t.TempDir(), "audit.log")
	r, err := git.PlainInit(f.repo, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := r.Config()
	cfg.User.Name, cfg.User.Email = "Test Ops", "ops@example.com"
	if err := r.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	for name, content := range files {
		f.write(t, name, content)
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
		env.Kubectl(t, "apply", "-f", filepath.Join(f.repo, name))
	}
	sig := &object.Signature{Name: "Dana", Email: "dana@example.com", When: time.Now().Add(-time.Hour)}
	if _, err := wt.Commit("manifests", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if kubeconfig == "" {
		kubeconfig = env.Kubeconfig
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Namespace = &kubeconfig, &f.ns
	f.eng, err = engine.Open(engine.Options{Kube: flags, Repo: f.repo, DefaultNamespace: f.ns, AuditLog: f.audit})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.eng.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine: %v", err)
		}
	})
	f.waitFor(t, "the first sync", func() bool {
		s := f.eng.Inv.Snapshot()
		return s.Cluster.Phase == model.ConnLive && !s.Repo.Scanning
	})
	return f
}

func (f *fixture) write(t *testing.T, name, content string) {
	t.Helper()
	p := filepath.Join(f.repo, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "NS", f.ns)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.repo, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) key(name string) model.Key { return model.Key{Namespace: f.ns, Name: name} }

// waitFor polls until ok holds (a deadline for the watchers, not a timing
// assertion).
func (f *fixture) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fixture) status(t *testing.T, name string, want model.Status) model.Entry {
	t.Helper()
	var e model.Entry
	f.waitFor(t, name+" "+string(want), func() bool {
		var ok bool
		e, ok = f.eng.Inv.Get(f.key(name))
		return ok && e.Status == want
	})
	return e
}

// drifted waits until name is drifted in exactly n fields: several kubectl
// edits reach the watch one by one, and a plan made in between previews
// only the first.
func (f *fixture) drifted(t *testing.T, name string, n int) model.Entry {
	t.Helper()
	var e model.Entry
	f.waitFor(t, fmt.Sprintf("%s drifted in %d fields", name, n), func() bool {
		var ok bool
		e, ok = f.eng.Inv.Get(f.key(name))
		return ok && e.Status == model.StatusDrifted && len(e.Changes) == n
	})
	return e
}

func (f *fixture) plan(t *testing.T, name string, action model.Action) *model.Plan {
	t.Helper()
	p, err := f.eng.Plan(context.Background(), f.key(name), action)
	if err != nil {
		t.Fatalf("plan %s %s: %v", action, name, err)
	}
	return p
}

func (f *fixture) execute(t *testing.T, p *model.Plan, opts model.ExecOptions) *model.Outcome {
	t.Helper()
	out, err := f.eng.Execute(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("execute %s %s: %v", p.Action, p.Key, err)
	}
	return out
}

func (f *fixture) auditRecords(t *testing.T) []engine.AuditRecord {
	t.Helper()
	file, err := os.Open(f.audit)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var out []engine.AuditRecord
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var r engine.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func paths(cs []model.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Op)+" "+c.Path)
	}
	return out
}

// TestRevertDriftedRemovesFieldsAddedLive: a hand-added annotation, an
// added path and an added defaultBackend (owned by other field managers)
// are removed by a revert, and a changed port is put back. The preview is
// the server's dry run; the inventory shows in-sync afterwards on its own.
func TestRevertDriftedRemovesFieldsAddedLive(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.status(t, "shop", model.StatusInSync)
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "nginx.ingress.kubernetes.io/configuration-snippet=return 200;")
	f.env.Kubectl(t, "-n", f.ns, "patch", "ingress", "shop", "--type=json", "-p",
		`[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/port/number","value":8081},
		  {"op":"add","path":"/spec/rules/0/http/paths/-","value":{"path":"/debug","pathType":"Prefix","backend":{"service":{"name":"debug","port":{"number":80}}}}},
		  {"op":"add","path":"/spec/defaultBackend","value":{"service":{"name":"catchall","port":{"number":80}}}}]`)
	f.drifted(t, "shop", 4)
	before, err := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}

	p := f.plan(t, "shop", model.ActionRevert)
	if p.Operation != model.OpUpdateLive || len(p.Changes) != 4 || len(p.Remaining) != 0 {
		t.Fatalf("plan = %s, changes %v, remaining %v; want update-live with 4 changes, none remaining", p.Operation, paths(p.Changes), paths(p.Remaining))
	}
	if p.ResourceVersion != before.ResourceVersion {
		t.Errorf("plan carries resourceVersion %s, the user saw %s", p.ResourceVersion, before.ResourceVersion)
	}
	// The preview wrote nothing.
	after, _ := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if after.ResourceVersion != before.ResourceVersion {
		t.Fatalf("the preview changed the object: resourceVersion %s → %s", before.ResourceVersion, after.ResourceVersion)
	}

	out := f.execute(t, p, model.ExecOptions{})
	if !strings.Contains(out.Message, "reverted") {
		t.Errorf("message = %q", out.Message)
	}
	got, _ := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if _, ok := got.Annotations["nginx.ingress.kubernetes.io/configuration-snippet"]; ok {
		t.Error("the annotation added live survived the revert")
	}
	if got.Spec.DefaultBackend != nil || len(got.Spec.Rules[0].HTTP.Paths) != 2 || got.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number != 8080 {
		t.Errorf("spec after revert = %+v", got.Spec)
	}
	managers := map[string]bool{}
	for _, m := range got.ManagedFields {
		managers[m.Manager] = true
	}
	if !managers["ingress-drift"] {
		t.Errorf("managedFields do not name ingress-drift: %v", managers)
	}
	f.status(t, "shop", model.StatusInSync) // without any refresh

	recs := f.auditRecords(t)
	if len(recs) != 1 || recs[0].Result != "ok" || recs[0].Action != "revert" || recs[0].Object != f.ns+"/shop" || len(recs[0].Paths) != 4 || recs[0].After == "" {
		t.Errorf("audit = %+v", recs)
	}
}

func changesOf(e model.Entry) []model.Change {
	var out []model.Change
	for _, c := range e.Changes {
		out = append(out, c.Change)
	}
	return out
}

// TestRevertRefusesAfterConcurrentEdit: the object changes between preview
// and confirmation — nothing is written, and the error says so.
func TestRevertRefusesAfterConcurrentEdit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "touched=1")
	f.status(t, "shop", model.StatusDrifted)
	p := f.plan(t, "shop", model.ActionRevert)
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "touched=2", "--overwrite")
	// Execute at once, before the watch catches up: the server's
	// resourceVersion precondition must refuse it.
	_, err := f.eng.Execute(context.Background(), p, model.ExecOptions{})
	if !errors.Is(err, model.ErrStale) {
		t.Fatalf("execute after a concurrent edit = %v, want a stale refusal", err)
	}
	got, _ := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if got.Annotations["touched"] != "2" {
		t.Errorf("the concurrent edit was overwritten: touched=%q", got.Annotations["touched"])
	}
	if r := f.auditRecords(t); len(r) != 1 || r[0].Result != "stale" {
		t.Errorf("audit = %+v, want one stale record", r)
	}
	// Once the watch shows the new state, a new plan works.
	f.waitFor(t, "the new version", func() bool {
		e, _ := f.eng.Inv.Get(f.key("shop"))
		return e.Live != nil && e.Live.Ingress.ResourceVersion == got.ResourceVersion
	})
	f.execute(t, f.plan(t, "shop", model.ActionRevert), model.ExecOptions{})
	f.status(t, "shop", model.StatusInSync)
}

// TestRevertCreateAndDelete: missing-live is created; missing-git is
// deleted only with the typed name.
func TestRevertCreateAndDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "delete", "ingress", "admin")
	f.env.Kubectl(t, "-n", f.ns, "create", "ingress", "handmade", "--class=nginx", "--rule=debug.example.com/*=debug:80")
	f.status(t, "admin", model.StatusMissingLive)
	f.status(t, "handmade", model.StatusMissingGit)

	p := f.plan(t, "admin", model.ActionRevert)
	if p.Operation != model.OpCreateLive || p.ConfirmName != "" || len(p.Changes) == 0 {
		t.Fatalf("plan = %+v", p)
	}
	f.execute(t, p, model.ExecOptions{})
	f.status(t, "admin", model.StatusInSync)

	p = f.plan(t, "handmade", model.ActionRevert)
	if p.Operation != model.OpDeleteLive || p.ConfirmName != "handmade" {
		t.Fatalf("plan = %+v, want a delete that needs the name typed", p)
	}
	var refused *model.RefusedError
	if _, err := f.eng.Execute(context.Background(), p, model.ExecOptions{Confirm: "handmad"}); !errors.As(err, &refused) {
		t.Fatalf("delete with a mistyped name = %v, want refused", err)
	}
	if _, err := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "handmade", metav1.GetOptions{}); err != nil {
		t.Fatalf("the object is gone after a refused delete: %v", err)
	}
	f.execute(t, p, model.ExecOptions{Confirm: "handmade"})
	f.waitFor(t, "handmade to leave the inventory", func() bool { _, ok := f.eng.Inv.Get(f.key("handmade")); return !ok })
}

// TestAcceptDriftedKeepsEveryOtherByte: the live values go into the exact
// document; comments, the other document and the file mode stay; the commit
// holds only that file with the agreed message.
func TestAcceptDriftedKeepsEveryOtherByte(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile, "apps/other.yaml": strings.Replace(shopFile, "name: shop\n", "name: other\n", 1)}, "")
	if err := os.Chmod(filepath.Join(f.repo, "apps/shop.yaml"), 0o640); err != nil {
		t.Fatal(err)
	}
	// Someone else's staged work must stay staged and out of our commit.
	f.write(t, "apps/other.yaml", strings.Replace(shopFile, "name: shop\n", "name: other\n", 1)+"# staged note\n")
	if out, err := exec.Command("git", "-C", f.repo, "add", "apps/other.yaml").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "nginx.ingress.kubernetes.io/ssl-redirect=false", "--overwrite")
	f.env.Kubectl(t, "-n", f.ns, "patch", "ingress", "shop", "--type=json", "-p",
		`[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/port/number","value":8081}]`)
	f.drifted(t, "shop", 2)
	original := f.read(t, "apps/shop.yaml")

	p := f.plan(t, "shop", model.ActionAccept)
	if p.Operation != model.OpEditManifest || p.File != "apps/shop.yaml" || !strings.Contains(p.FileDiff, "+    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"") {
		t.Fatalf("plan = %s %s\n%s", p.Operation, p.File, p.FileDiff)
	}
	out := f.execute(t, p, model.ExecOptions{Commit: true, Confirm: "shop"})
	if out.Commit == "" {
		t.Fatalf("no commit: %+v", out)
	}
	got := f.read(t, "apps/shop.yaml")
	want := strings.Replace(strings.Replace(original,
		`nginx.ingress.kubernetes.io/ssl-redirect: "true"`, `nginx.ingress.kubernetes.io/ssl-redirect: "false"`, 1),
		"number: 8080   # the API listens on 8080", "number: 8081   # the API listens on 8080", 1)
	if got != want {
		t.Errorf("file after accept:\n%s\nwant (every other byte kept):\n%s", got, want)
	}
	if fi, _ := os.Stat(filepath.Join(f.repo, "apps/shop.yaml")); fi.Mode().Perm() != 0o640 {
		t.Errorf("file mode = %v, want 0640 kept", fi.Mode().Perm())
	}
	show, err := exec.Command("git", "-C", f.repo, "show", "--name-only", "--format=%an <%ae>%n%B", "HEAD").CombinedOutput()
	if err != nil {
		t.Fatalf("git show: %v\n%s", err, show)
	}
	for _, w := range []string{"Test Ops <ops@example.com>", "ingress-drift: accept live state of " + f.ns + "/shop",
		"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", "port.number", "apps/shop.yaml"} {
		if !strings.Contains(string(show), w) {
			t.Errorf("commit lacks %q:\n%s", w, show)
		}
	}
	if strings.Contains(string(show), "apps/other.yaml") {
		t.Errorf("the commit took someone else's staged file:\n%s", show)
	}
	staged, _ := exec.Command("git", "-C", f.repo, "diff", "--cached", "--name-only").CombinedOutput()
	if strings.TrimSpace(string(staged)) != "apps/other.yaml" {
		t.Errorf("staged after commit = %q, want only apps/other.yaml still staged", staged)
	}
	f.status(t, "shop", model.StatusInSync)
}

// TestAcceptRefusesWhenFileChangedUnderneath: the file changes between
// preview and confirmation — nothing is written.
func TestAcceptRefusesWhenFileChangedUnderneath(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "team-note=hotfix")
	f.status(t, "shop", model.StatusDrifted)
	p := f.plan(t, "shop", model.ActionAccept)
	edited := f.read(t, "apps/shop.yaml") + "# edited by a person meanwhile\n"
	f.write(t, "apps/shop.yaml", edited)
	_, err := f.eng.Execute(context.Background(), p, model.ExecOptions{})
	if !errors.Is(err, model.ErrStale) {
		t.Fatalf("execute after the file changed = %v, want a stale refusal", err)
	}
	if f.read(t, "apps/shop.yaml") != strings.ReplaceAll(edited, "NS", f.ns) {
		t.Error("the person's edit was overwritten")
	}
}

// TestAcceptNewAndRemove: missing-git gets a new file without server
// fields; missing-live is removed from its multi-document file after the
// typed name, leaving the other document byte for byte.
func TestAcceptNewAndRemove(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "create", "ingress", "handmade", "--class=nginx", "--rule=debug.example.com/*=debug:80")
	f.env.Kubectl(t, "-n", f.ns, "delete", "ingress", "admin")
	f.status(t, "handmade", model.StatusMissingGit)
	f.status(t, "admin", model.StatusMissingLive)

	p := f.plan(t, "handmade", model.ActionAccept)
	wantFile := f.ns + "/handmade.yaml"
	if p.Operation != model.OpNewManifest || p.File != wantFile {
		t.Fatalf("plan = %s %s, want new-manifest %s", p.Operation, p.File, wantFile)
	}
	f.execute(t, p, model.ExecOptions{})
	content := f.read(t, wantFile)
	for _, server := range []string{"resourceVersion", "uid:", "managedFields", "creationTimestamp", "status", "generation"} {
		if strings.Contains(content, server) {
			t.Errorf("new manifest holds server field %s:\n%s", server, content)
		}
	}
	f.status(t, "handmade", model.StatusInSync)

	before := f.read(t, "apps/shop.yaml")
	p = f.plan(t, "admin", model.ActionAccept)
	if p.Operation != model.OpRemoveManifest || p.ConfirmName != "admin" {
		t.Fatalf("plan = %+v", p)
	}
	if _, err := f.eng.Execute(context.Background(), p, model.ExecOptions{}); err == nil {
		t.Fatal("removal without the typed name was not refused")
	}
	f.execute(t, p, model.ExecOptions{Confirm: "admin"})
	after := f.read(t, "apps/shop.yaml")
	cut := before[:strings.Index(before, "---\n# Admin UI")]
	if after != cut {
		t.Errorf("after removing admin:\n%s\nwant the first document untouched:\n%s", after, cut)
	}
	f.waitFor(t, "admin to leave the inventory", func() bool { _, ok := f.eng.Inv.Get(f.key("admin")); return !ok })
}

// TestRefusals: statuses and origins no action applies to are refused with
// a reason that says what to do.
func TestRefusals(t *testing.T) {
	t.Parallel()
	kust := map[string]string{
		"kust/kustomization.yaml": "namespace: NS\nresources:\n  - ingress.yaml\n",
		"kust/ingress.yaml":       strings.Replace(strings.Split(shopFile, "---\n")[2], "  namespace: NS\n", "", 1),
	}
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	for name, content := range kust {
		f.write(t, name, content)
	}
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "admin", "touched=1")
	f.write(t, "apps/copy.yaml", strings.Split(shopFile, "---\n")[1])
	f.status(t, "shop", model.StatusConflict)
	f.status(t, "admin", model.StatusConflict)
	for _, tc := range []struct {
		name   string
		action model.Action
		want   string
	}{
		{"shop", model.ActionRevert, "defined 2 times in Git"},
		{"shop", model.ActionAccept, "remove one first"},
	} {
		_, err := f.eng.Plan(context.Background(), f.key(tc.name), tc.action)
		var refused *model.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("plan %s %s = %v, want refused: %q", tc.action, tc.name, err, tc.want)
		}
	}
	// Accepting into a kustomize-rendered object names the kustomization.
	if err := os.Remove(filepath.Join(f.repo, "apps/copy.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.repo, "apps/shop.yaml"), []byte(strings.ReplaceAll(strings.Split(shopFile, "---\n# Admin")[0], "NS", f.ns)), 0o644); err != nil {
		t.Fatal(err)
	}
	f.status(t, "admin", model.StatusDrifted)
	_, err := f.eng.Plan(context.Background(), f.key("admin"), model.ActionAccept)
	if err == nil || !strings.Contains(err.Error(), "kustomize") || !strings.Contains(err.Error(), "kust/kustomization.yaml") {
		t.Errorf("accept of a kustomize-rendered object = %v, want refused naming kust/kustomization.yaml", err)
	}
	f.status(t, "shop", model.StatusInSync)
	if _, err := f.eng.Plan(context.Background(), f.key("shop"), model.ActionRevert); err == nil || !strings.Contains(err.Error(), "in sync") {
		t.Errorf("revert of an in-sync object = %v, want refused", err)
	}
}

// TestRevertForbidden: a user who may only read gets a refusal that says
// who cannot do what where, and the object is untouched.
func TestRevertForbidden(t *testing.T) {
	t.Parallel()
	env := testcluster.Get(t)
	_, kc, err := env.Cluster.AddUser("viewer-" + strings.ToLower(t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "viewer.kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	// The viewer may read Ingresses in every namespace and nothing else.
	user := "viewer-" + strings.ToLower(t.Name())
	env.Kubectl(t, "create", "clusterrole", user, "--verb=get,list,watch", "--resource=ingresses.networking.k8s.io")
	env.Kubectl(t, "create", "clusterrolebinding", user, "--clusterrole="+user, "--user="+user)
	t.Cleanup(func() {
		env.Kubectl(t, "delete", "clusterrolebinding", user)
		env.Kubectl(t, "delete", "clusterrole", user)
	})
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, kubeconfig)
	env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "touched=1")
	f.status(t, "shop", model.StatusDrifted)
	if revert, _ := f.eng.Disabled(context.Background()); !strings.Contains(revert, user) || !strings.Contains(revert, f.ns) {
		t.Errorf("Disabled() revert reason = %q, want it to name %s and %s", revert, user, f.ns)
	}
	_, err = f.eng.Plan(context.Background(), f.key("shop"), model.ActionRevert)
	var refused *model.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "forbidden") || !strings.Contains(err.Error(), user) {
		t.Fatalf("plan as a viewer = %v, want a forbidden refusal naming the user", err)
	}
	got, _ := env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "shop", metav1.GetOptions{})
	if got.Annotations["touched"] != "1" {
		t.Error("the object changed")
	}
}

// TestAcceptRefusesAliasWithFileLine: an edit that cannot be made in place
// (the value is anchored and another key aliases it, so editing it would
// change both) is refused with the file's line, not the document's, and
// nothing is written.
func TestAcceptRefusesAliasWithFileLine(t *testing.T) {
	t.Parallel()
	aliased := strings.Replace(shopFile, `    nginx.ingress.kubernetes.io/ssl-redirect: "true"`,
		`    nginx.ingress.kubernetes.io/ssl-redirect: &redirect "true"`+"\n    nginx.ingress.kubernetes.io/force-ssl-redirect: *redirect", 1)
	f := newFixture(t, map[string]string{"apps/shop.yaml": aliased}, "")
	f.env.Kubectl(t, "-n", f.ns, "annotate", "ingress", "shop", "nginx.ingress.kubernetes.io/ssl-redirect=false", "--overwrite")
	f.status(t, "shop", model.StatusDrifted)
	before := f.read(t, "apps/shop.yaml")
	_, err := f.eng.Plan(context.Background(), f.key("shop"), model.ActionAccept)
	var refused *model.RefusedError
	// ssl-redirect is on line 12 of the file (line 9 of its document).
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "apps/shop.yaml:12:") || !strings.Contains(err.Error(), "alias") {
		t.Fatalf("accept into an anchored value = %v, want refused at apps/shop.yaml:12 naming the alias", err)
	}
	if f.read(t, "apps/shop.yaml") != before {
		t.Error("the file changed")
	}
}

// TestDefaultIngressClassIsNotDrift: with a default IngressClass, the API
// server fills in ingressClassName where the manifest names none; the
// engine looks the class up, so that is not drift — while another class
// set by hand still is.
//
// Not parallel: a default IngressClass is cluster-wide (every engine
// opened meanwhile would look it up, every Ingress created without a
// class would get it); the other tests own their namespace, repo and
// audit log, and run in parallel after this one.
func TestDefaultIngressClassIsNotDrift(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	ic := &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "house-default-engine",
		Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}},
		Spec: networkingv1.IngressClassSpec{Controller: "example.com/ingress"}}
	if _, err := env.Client.NetworkingV1().IngressClasses().Create(ctx, ic, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Client.NetworkingV1().IngressClasses().Delete(ctx, ic.Name, metav1.DeleteOptions{}) }()
	noClass := strings.Replace(strings.Split(shopFile, "---\n")[2], "  ingressClassName: nginx\n", "", 1)
	f := newFixture(t, map[string]string{"admin.yaml": noClass}, "")
	live, err := env.Client.NetworkingV1().Ingresses(f.ns).Get(ctx, "admin", metav1.GetOptions{})
	if err != nil || live.Spec.IngressClassName == nil || *live.Spec.IngressClassName != ic.Name {
		t.Fatalf("the admission plugin did not fill in the class: %v %v", live.Spec.IngressClassName, err)
	}
	f.status(t, "admin", model.StatusInSync)
	f.env.Kubectl(t, "-n", f.ns, "patch", "ingress", "admin", "--type=merge", "-p", `{"spec":{"ingressClassName":"other"}}`)
	e := f.status(t, "admin", model.StatusDrifted)
	if len(e.Changes) != 1 || e.Changes[0].Path != "spec.ingressClassName" {
		t.Errorf("changes = %v, want spec.ingressClassName", paths(changesOf(e)))
	}
}

// TestPlanRefusesWhileLiveUnknown: with the cluster never listed (here:
// unreachable), a manifest looks missing live; accepting that "removal"
// would delete a good manifest, so Plan refuses both directions.
func TestPlanRefusesWhileLiveUnknown(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "shop.yaml"), []byte(strings.ReplaceAll(shopFile, "NS", "shop")), 0o644); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	kc := "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: x}}]\n"
	if err := os.WriteFile(kubeconfig, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &kubeconfig
	eng, err := engine.Open(engine.Options{Kube: flags, Repo: repo, AuditLog: filepath.Join(t.TempDir(), "audit.log")})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Repo.Scan(context.Background(), eng.Inv); err != nil {
		t.Fatal(err)
	}
	k := model.Key{Namespace: "shop", Name: "shop"}
	if e, ok := eng.Inv.Get(k); !ok || e.Status != model.StatusMissingLive || !e.LiveUnknown {
		t.Fatalf("entry = %+v, want missing-live with the live side unknown", e)
	}
	for _, a := range []model.Action{model.ActionRevert, model.ActionAccept} {
		_, err := eng.Plan(context.Background(), k, a)
		var refused *model.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "not been listed") {
			t.Errorf("plan %s = %v, want refused: the cluster has not been listed", a, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(repo, "shop.yaml")); !strings.Contains(string(b), "name: admin") {
		t.Error("the manifest changed")
	}
}

// TestPlanRefusesWhileGitUnknown: a document of a manifest file gets a
// YAML error. Its live object is in no manifest as far as anyone can tell,
// but the broken document may well define it (and any other): revert (a delete) and accept (a second
// manifest) are refused, naming the file and line, and the objects stay.
// A delete planned before a file broke is refused at execute.
func TestPlanRefusesWhileGitUnknown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"apps/shop.yaml": shopFile}, "")
	f.env.Kubectl(t, "-n", f.ns, "create", "ingress", "handmade", "--class=nginx", "--rule=debug.example.com/*=debug:80")
	f.status(t, "handmade", model.StatusMissingGit)
	early := f.plan(t, "handmade", model.ActionRevert)

	// A stray tab in the indentation: the file no longer parses.
	f.write(t, "apps/shop.yaml", strings.Replace(shopFile, "  labels:", "\tlabels:", 1))
	f.waitFor(t, "shop to be unknown", func() bool {
		e, ok := f.eng.Inv.Get(f.key("shop"))
		return ok && e.Status == model.StatusMissingGit && e.GitUnknown
	})
	e, _ := f.eng.Inv.Get(f.key("shop"))
	if len(e.BlockedBy) != 1 || e.BlockedBy[0].File != "apps/shop.yaml" || e.BlockedBy[0].Line == 0 {
		t.Fatalf("BlockedBy = %v, want apps/shop.yaml with its line", e.BlockedBy)
	}
	place := e.BlockedBy[0].Place()
	// admin, the file's second document, still reads: it keeps its verdict.
	f.status(t, "admin", model.StatusInSync)
	for _, name := range []string{"shop", "handmade"} {
		for _, a := range []model.Action{model.ActionRevert, model.ActionAccept} {
			_, err := f.eng.Plan(context.Background(), f.key(name), a)
			var refused *model.RefusedError
			if !errors.As(err, &refused) || !strings.Contains(err.Error(), place) {
				t.Errorf("plan %s %s = %v, want refused naming %s", a, name, err, place)
			}
		}
	}
	var refused *model.RefusedError
	if _, err := f.eng.Execute(context.Background(), early, model.ExecOptions{Confirm: "handmade"}); !errors.As(err, &refused) || !strings.Contains(err.Error(), place) {
		t.Errorf("execute of a delete planned before the file broke = %v, want refused naming %s", err, place)
	}
	for _, name := range []string{"shop", "admin", "handmade"} {
		if _, err := f.env.Client.NetworkingV1().Ingresses(f.ns).Get(context.Background(), name, metav1.GetOptions{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(f.repo, f.ns, "shop.yaml")); !os.IsNotExist(err) {
		t.Errorf("a new manifest was written for shop: %v", err)
	}

	// Fixed: the verdicts are facts again.
	f.write(t, "apps/shop.yaml", shopFile)
	f.status(t, "shop", model.StatusInSync)
	if e := f.status(t, "handmade", model.StatusMissingGit); e.GitUnknown {
		t.Error("handmade is still unknown after the fix")
	}
}
