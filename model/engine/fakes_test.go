package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/cluster"
	"github.com/ingress-drift/ingress-drift/model/manifest"
	"github.com/ingress-drift/ingress-drift/model/manifest/yamledit"
	"github.com/ingress-drift/ingress-drift/model/repo"
)

// The in-memory edges of the unit tests (rules_test.go): a cluster and a
// manifest store that keep the preconditions the real ones keep (proved
// against a real API server and git repo by actions_test.go and
// precommit_test.go), and log every call so that a test can say what was
// written, and in which order.

// fakeCluster is a ClusterWriter over a map.
type fakeCluster struct {
	objs   map[model.Key]*networkingv1.Ingress
	rv     int
	access cluster.Access
	calls  []string
	// mutate, when set, is a mutating admission webhook: it changes what
	// Update and Create store (or, in a dry run, would store).
	mutate func(*networkingv1.Ingress)
	// sent are the objects the writes (not the dry runs) were given.
	sent []*networkingv1.Ingress
}

func newFakeCluster() *fakeCluster {
	return &fakeCluster{objs: map[model.Key]*networkingv1.Ingress{}, rv: 100,
		access: cluster.Access{User: "unit-user", Update: true, Patch: true, Create: true, Delete: true}}
}

// put stores obj as if someone wrote it: a new resourceVersion (and a uid
// for a new object).
func (c *fakeCluster) put(obj *networkingv1.Ingress) {
	obj = obj.DeepCopy()
	k := model.KeyOf(obj, "")
	c.rv++
	obj.ResourceVersion = strconv.Itoa(c.rv)
	if cur, ok := c.objs[k]; ok {
		obj.UID = cur.UID
	} else if obj.UID == "" {
		obj.UID = types.UID("uid-" + k.Name + "-" + obj.ResourceVersion)
	}
	c.objs[k] = obj
}

// writes are the calls that wrote (not dry runs, not reads).
func (c *fakeCluster) writes() []string {
	var out []string
	for _, call := range c.calls {
		if !strings.HasPrefix(call, "dry-run ") && !strings.HasPrefix(call, "get ") && !strings.HasPrefix(call, "access ") {
			out = append(out, call)
		}
	}
	return out
}

// log logs a call and returns its name as model/cluster's errors say it
// ("dry-run update").
func (c *fakeCluster) log(op string, dryRun bool, k model.Key) string {
	if dryRun {
		op = "dry-run " + op
	}
	c.calls = append(c.calls, op+" "+k.String())
	return op
}

// record keeps a copy of what a write (not a dry run) was given.
func (c *fakeCluster) record(obj *networkingv1.Ingress, dryRun bool) {
	if !dryRun {
		c.sent = append(c.sent, obj.DeepCopy())
	}
}

func (c *fakeCluster) CheckAccess(_ context.Context, namespace string) (cluster.Access, error) {
	c.calls = append(c.calls, "access "+namespace)
	a := c.access
	a.Namespace = namespace
	return a, nil
}

func (c *fakeCluster) Get(_ context.Context, k model.Key) (*networkingv1.Ingress, error) {
	c.calls = append(c.calls, "get "+k.String())
	cur, ok := c.objs[k]
	if !ok {
		return nil, fmt.Errorf("get ingress %s: not found", k)
	}
	return cur.DeepCopy(), nil
}

func (c *fakeCluster) Update(_ context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	k := model.KeyOf(obj, "")
	op := c.log("update", dryRun, k)
	c.record(obj, dryRun)
	if obj.ResourceVersion == "" {
		// cluster.Update refuses before asking the server, not as stale.
		return nil, fmt.Errorf("%s ingress %s: no resourceVersion: a revert must carry the version the user saw", op, k)
	}
	cur, ok := c.objs[k]
	if !ok || obj.ResourceVersion != cur.ResourceVersion || obj.UID != "" && obj.UID != cur.UID {
		return nil, &model.StaleError{What: fmt.Sprintf("%s (resourceVersion %s is no longer current)", k, obj.ResourceVersion)}
	}
	out := obj.DeepCopy()
	out.ManagedFields = nil
	if c.mutate != nil {
		c.mutate(out)
	}
	if !dryRun {
		c.rv++
		out.ResourceVersion = strconv.Itoa(c.rv)
		c.objs[k] = out.DeepCopy()
	}
	return out, nil
}

func (c *fakeCluster) Create(_ context.Context, obj *networkingv1.Ingress, dryRun bool) (*networkingv1.Ingress, error) {
	k := model.KeyOf(obj, "")
	op := c.log("create", dryRun, k)
	c.record(obj, dryRun)
	if obj.Namespace == "" {
		// cluster.Create sends the namespace it is given; the API server
		// has no default namespace to put the object in.
		return nil, fmt.Errorf("%s ingress %q: no namespace", op, obj.Name)
	}
	if _, ok := c.objs[k]; ok {
		return nil, &model.StaleError{What: k.String() + " (now exists)"}
	}
	out := obj.DeepCopy()
	out.ResourceVersion, out.UID = "", ""
	if c.mutate != nil {
		c.mutate(out)
	}
	if !dryRun {
		c.put(out)
		out = c.objs[k].DeepCopy()
	}
	return out, nil
}

func (c *fakeCluster) Delete(_ context.Context, k model.Key, uid, resourceVersion string, dryRun bool) error {
	op := c.log("delete", dryRun, k)
	if uid == "" || resourceVersion == "" {
		return fmt.Errorf("%s ingress %s: no uid or resourceVersion: a delete must carry the ones the user saw", op, k)
	}
	cur, ok := c.objs[k]
	if !ok || string(cur.UID) != uid || cur.ResourceVersion != resourceVersion {
		return &model.StaleError{What: k.String()}
	}
	if !dryRun {
		delete(c.objs, k)
	}
	return nil
}

// fakeStore is a ManifestStore over a map of files.
type fakeStore struct {
	files    map[string][]byte
	readOnly map[string]bool
	cfg      repo.Config
	// checkErr is what CheckCommit refuses with, unchanged what it says
	// otherwise; commitErr is what CommitFile fails with.
	checkErr  error
	unchanged bool
	commitErr error
	// refreshErr is what Refresh fails with, after refreshing.
	refreshErr error
	// commits are the commit messages made, by file.
	commits map[string]string
	calls   []string
}

func newFakeStore(files map[string]string) *fakeStore {
	s := &fakeStore{files: map[string][]byte{}, readOnly: map[string]bool{}, commits: map[string]string{}}
	for name, content := range files {
		s.files[name] = []byte(content)
	}
	return s
}

func (s *fakeStore) Root() string        { return "/unit/repo" }
func (s *fakeStore) Config() repo.Config { return s.cfg }

func (s *fakeStore) ReadManifest(rel string) ([]byte, string, error) {
	data, ok := s.files[rel]
	if !ok {
		return nil, "", &fs.PathError{Op: "open", Path: rel, Err: fs.ErrNotExist}
	}
	return data, manifest.Hash(data), nil
}

func (s *fakeStore) CheckWritable(rel string) error {
	if s.readOnly[rel] {
		return &model.RefusedError{Reason: rel + " is read-only (mode 0444); nothing was written"}
	}
	return nil
}

// precondition refuses a write of rel unless it has expectedHash ("" =
// absent).
func (s *fakeStore) precondition(rel, expectedHash string) error {
	if err := s.CheckWritable(rel); err != nil {
		return err
	}
	data, ok := s.files[rel]
	if ok && expectedHash == "" || !ok && expectedHash != "" || ok && manifest.Hash(data) != expectedHash {
		return &model.StaleError{What: rel}
	}
	return nil
}

func (s *fakeStore) WriteManifest(rel, expectedHash string, data []byte) error {
	s.calls = append(s.calls, "write "+rel)
	if err := s.precondition(rel, expectedHash); err != nil {
		return err
	}
	s.files[rel] = data
	return nil
}

func (s *fakeStore) RemoveManifest(rel, expectedHash string) error {
	s.calls = append(s.calls, "remove "+rel)
	if expectedHash == "" {
		// repo.RemoveManifest: a removal always knows what it read.
		return fmt.Errorf("removing %s: no hash of the content that was read", rel)
	}
	if err := s.precondition(rel, expectedHash); err != nil {
		return err
	}
	delete(s.files, rel)
	return nil
}

func (s *fakeStore) CheckCommit(rel string, _ []byte) (bool, error) {
	s.calls = append(s.calls, "check-commit "+rel)
	return s.unchanged, s.checkErr
}

func (s *fakeStore) CommitFile(_ context.Context, rel, message string) (string, error) {
	s.calls = append(s.calls, "commit "+rel)
	if s.commitErr != nil {
		return "", s.commitErr
	}
	s.commits[rel] = message
	return "c0ffee" + strconv.Itoa(len(s.commits)), nil
}

// Refresh parses the files as the repo side does, each document of a
// file one model.Desired with its place; a missing file is removed.
func (s *fakeStore) Refresh(_ context.Context, sink model.RepoSink, paths ...string) error {
	for _, rel := range paths {
		s.calls = append(s.calls, "refresh "+rel)
		data, ok := s.files[rel]
		if !ok {
			sink.RemoveSource(rel)
			continue
		}
		var docs []model.Desired
		var errs []model.RepoError
		for _, d := range manifest.SplitDocuments(data) {
			ing, err := yamledit.Decode(data[d.Offset:d.End])
			if err != nil {
				errs = append(errs, model.RepoError{File: rel, Line: d.Line, Message: err.Error()})
				continue
			}
			ns := ing.Namespace
			if ns == "" {
				ns = "default"
			}
			docs = append(docs, model.Desired{Ingress: ing, Namespace: ns,
				Origin: model.Origin{File: rel, Line: d.Line, Doc: d.Index, Item: -1, Offset: d.Offset, End: d.End}})
		}
		sink.SetSource(rel, docs, errs)
	}
	return s.refreshErr
}

// unit is an engine over the two fakes, its inventory fed from them.
type unit struct {
	e     *Engine
	cl    *fakeCluster
	st    *fakeStore
	audit string
}

// newUnit makes an engine whose repo holds files and whose cluster holds
// live, both read once into the inventory (the cluster listed, the repo
// scanned).
func newUnit(t *testing.T, files map[string]string, live ...*networkingv1.Ingress) *unit {
	t.Helper()
	u := &unit{cl: newFakeCluster(), st: newFakeStore(files), audit: filepath.Join(t.TempDir(), "audit.log")}
	opts := Options{DefaultNamespace: "default", AuditLog: u.audit}
	u.e = &Engine{opts: opts, Inv: model.NewInventory(diffengine.Options{DefaultNamespace: "default"}),
		Target: &cluster.Target{Context: "unit", Server: "https://unit.test", User: "unit-kube-user"},
		writer: u.cl, store: u.st}
	for _, o := range live {
		u.cl.put(o)
	}
	for name := range files {
		u.refresh(t, name)
	}
	u.e.Inv.SetRepo(model.RepoState{Root: u.st.Root()})
	u.sync()
	u.e.Inv.SetCluster(model.ConnState{Phase: model.ConnLive, Server: "https://unit.test"})
	u.st.calls, u.cl.calls = nil, nil
	return u
}

// sync tells the inventory what the cluster holds, as the informer would.
func (u *unit) sync() {
	for _, e := range u.e.Inv.Snapshot().Entries {
		if _, ok := u.cl.objs[e.Key]; !ok && e.Live != nil {
			u.e.Inv.DeleteLive(e.Key)
		}
	}
	for _, o := range u.cl.objs {
		u.e.Inv.UpsertLive(&model.LiveObject{Ingress: o.DeepCopy()})
	}
}

// refresh tells the inventory what the files hold, as the watch would.
func (u *unit) refresh(t *testing.T, files ...string) {
	t.Helper()
	if err := u.st.Refresh(context.Background(), u.e.Inv, files...); err != nil {
		t.Fatal(err)
	}
}

func (u *unit) plan(t *testing.T, k model.Key, a model.Action) *model.Plan {
	t.Helper()
	p, err := u.e.Plan(context.Background(), k, a)
	if err != nil {
		t.Fatalf("plan %s %s: %v", a, k, err)
	}
	return p
}

func (u *unit) execute(t *testing.T, p *model.Plan, opts model.ExecOptions) *model.Outcome {
	t.Helper()
	out, err := u.e.Execute(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("execute %s %s: %v", p.Operation, p.Key, err)
	}
	return out
}

func (u *unit) records(t *testing.T) []AuditRecord {
	t.Helper()
	f, err := os.Open(u.audit)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []AuditRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// decode reads one Ingress document.
func decode(t *testing.T, doc string) *networkingv1.Ingress {
	t.Helper()
	ing, err := yamledit.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return ing
}
