package repo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/internal/gittest"
	"github.com/ingress-drift/ingress-drift/model"
)

// recSink is a model.RepoSink that records every call.
type recSink struct {
	mu       sync.Mutex
	sources  map[string]source
	infos    map[string]model.FileInfo
	repo     model.RepoState
	repos    []model.RepoState
	rules    []diffengine.IgnoreRule
	calls    []string
	setCount map[string]int
	setAt    map[string]time.Time
}

type source struct {
	docs []model.Desired
	errs []model.RepoError
}

func newSink() *recSink {
	return &recSink{sources: map[string]source{}, infos: map[string]model.FileInfo{}, setCount: map[string]int{}, setAt: map[string]time.Time{}}
}

func (s *recSink) SetSource(name string, docs []model.Desired, errs []model.RepoError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources[name] = source{docs: docs, errs: errs}
	s.setCount[name]++
	s.setAt[name] = time.Now()
	s.calls = append(s.calls, "SetSource "+name)
}

func (s *recSink) RemoveSource(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sources, name)
	s.calls = append(s.calls, "RemoveSource "+name)
}

func (s *recSink) SetFileInfo(file string, info model.FileInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.infos[file] = info
	s.calls = append(s.calls, "SetFileInfo "+file)
}

func (s *recSink) SetRepo(state model.RepoState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo = state
	s.repos = append(s.repos, state)
	s.calls = append(s.calls, "SetRepo")
}

func (s *recSink) SetIgnoreRules(rules []diffengine.IgnoreRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = rules
	s.calls = append(s.calls, "SetIgnoreRules")
}

// docs returns every document of every source, sorted by origin.
func (s *recSink) docs() []model.Desired {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.Desired
	for _, src := range s.sources {
		out = append(out, src.docs...)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Origin, out[j].Origin
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Doc != b.Doc {
			return a.Doc < b.Doc
		}
		return a.Item < b.Item
	})
	return out
}

// errs returns every error of every source, sorted by file and line.
func (s *recSink) errs() []model.RepoError {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.RepoError
	for _, src := range s.sources {
		out = append(out, src.errs...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

func (s *recSink) source(name string) (source, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.sources[name]
	return src, ok
}

func (s *recSink) info(file string) model.FileInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.infos[file]
}

func (s *recSink) state() model.RepoState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repo
}

// find returns the document with the given name.
func (s *recSink) find(t *testing.T, name string) model.Desired {
	t.Helper()
	for _, d := range s.docs() {
		if d.Ingress.Name == name {
			return d
		}
	}
	t.Fatalf("no document named %q; have %v", name, names(s.docs()))
	return model.Desired{}
}

func names(docs []model.Desired) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Ingress.Name)
	}
	return out
}

// write creates a file (and its directories) under dir.
var write = gittest.Write

// ingressYAML is a minimal valid Ingress.
func ingressYAML(ns, name, host string) string {
	s := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s + `spec:
  rules:
    - host: ` + host + `
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`
}

// gitRepoAt makes a git repository in dir.
func gitRepoAt(t testing.TB, dir string) *git.Repository {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

var baseTime = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// commit stages paths (relative to the work tree) and commits them as
// author at baseTime+minutes.
func commit(t testing.TB, repo *git.Repository, msg, author string, minutes int, paths ...string) plumbing.Hash {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if _, err := wt.Add(p); err != nil {
			t.Fatalf("git add %s: %v", p, err)
		}
	}
	sig := signature(author, minutes)
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatalf("git commit: %v", err)
	}
	return h
}

// signature is author at baseTime+minutes.
func signature(author string, minutes int) *object.Signature {
	when := baseTime.Add(time.Duration(minutes) * time.Minute)
	return &object.Signature{Name: author, Email: strings.ToLower(author) + "@example.com", When: when}
}

// scan opens dir with opts and scans it into a new recording sink.
func scan(t testing.TB, opts Options) (*Repo, *recSink) {
	t.Helper()
	r, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s := newSink()
	if err := r.Scan(context.Background(), s); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return r, s
}

// waitFor polls cond until it holds or a generous deadline passes
// (correctness, not timing).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func errStrings(errs []model.RepoError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func hasCall(s *recSink, call string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.calls, call)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = fmt.Sprintf

// dirOf is dir with symlinks resolved, as Repo.Root reports it.
var dirOf = gittest.Dir
