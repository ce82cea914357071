package diffengine

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// -update writes want.yaml for NEW cases only: a case directory whose
// want.yaml is missing, or holds only a description and options (no
// "changes" or "ignored" key yet). It never rewrites an existing result.
// Regenerating a want file to make a failing case pass — hiding a change in
// behaviour — is forbidden: fix the code, or change the expectation by hand
// and say why in the commit. Every generated file is reviewed by hand before
// it is committed.
var update = flag.Bool("update", false, "write want.yaml for new testdata/diff cases (never overwrites results)")

const casesDir = "../testdata/diff"

// wantFile is the format of testdata/diff/<case>/want.yaml.
type wantFile struct {
	// Description says what the case covers (which bullet of the issue).
	Description string `json:"description,omitempty"`
	// Options of the Diff; absent means the zero Options.
	Options *caseOptions `json:"options,omitempty"`
	// Changes and Ignored are the expected Result.
	Changes []wantChange `json:"changes"`
	Ignored []wantChange `json:"ignored"`
}

type caseOptions struct {
	DefaultNamespace    string       `json:"defaultNamespace,omitempty"`
	DefaultIngressClass string       `json:"defaultIngressClass,omitempty"`
	NoBuiltinIgnores    bool         `json:"noBuiltinIgnores,omitempty"`
	Ignore              []caseIgnore `json:"ignore,omitempty"`
}

// caseIgnore is an IgnoreRule with its Source (which IgnoreRule does not
// encode).
type caseIgnore struct {
	IgnoreRule
	Source string `json:"source,omitempty"`
}

func (o *caseOptions) options() Options {
	if o == nil {
		return Options{}
	}
	opts := Options{DefaultNamespace: o.DefaultNamespace, DefaultIngressClass: o.DefaultIngressClass, NoBuiltinIgnores: o.NoBuiltinIgnores}
	for _, r := range o.Ignore {
		rule := r.IgnoreRule
		rule.Source = r.Source
		opts.Ignore = append(opts.Ignore, rule)
	}
	return opts
}

type wantChange struct {
	Path      string   `json:"path"`
	Field     []string `json:"field"`
	Op        Op       `json:"op"`
	Category  Category `json:"category"`
	Severity  Severity `json:"severity"`
	Rule      string   `json:"rule"`
	Advisory  string   `json:"advisory,omitempty"`
	Git       any      `json:"git"`
	Live      any      `json:"live"`
	IgnoredBy string   `json:"ignoredBy,omitempty"`
}

func toWant(c Change, by string) wantChange {
	return wantChange{Path: c.Path, Field: c.Field, Op: c.Op, Category: c.Category, Severity: c.Severity, Rule: c.Rule, Advisory: c.Advisory, Git: c.Git, Live: c.Live, IgnoredBy: by}
}

func readIngress(t *testing.T, file string) *networkingv1.Ingress {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var ing networkingv1.Ingress
	if err := yaml.UnmarshalStrict(b, &ing); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &ing
}

// resultFile is the Result in want.yaml form, passed through YAML so numbers
// compare the way the file decodes them.
func resultFile(t *testing.T, res Result) wantFile {
	t.Helper()
	w := wantFile{Changes: []wantChange{}, Ignored: []wantChange{}}
	for _, c := range res.Changes {
		w.Changes = append(w.Changes, toWant(c, ""))
	}
	for _, c := range res.Ignored {
		w.Ignored = append(w.Ignored, toWant(c.Change, c.IgnoredBy))
	}
	b, err := yaml.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back wantFile
	if err := yaml.UnmarshalStrict(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// checkJSONShaped fails unless v holds only the documented value types.
func checkJSONShaped(t *testing.T, where string, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil, string, int64, bool:
	case map[string]any:
		for k, e := range x {
			checkJSONShaped(t, where+"."+k, e)
		}
	case []any:
		for i, e := range x {
			checkJSONShaped(t, fmt.Sprintf("%s[%d]", where, i), e)
		}
	default:
		t.Errorf("%s: value of type %T is not JSON-shaped", where, v)
	}
}

func TestCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(casesDir, "*", "git.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 40 {
		t.Errorf("only %d cases under %s, want at least 40", len(dirs), casesDir)
	}
	for _, g := range dirs {
		dir := filepath.Dir(g)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			git := readIngress(t, filepath.Join(dir, "git.yaml"))
			live := readIngress(t, filepath.Join(dir, "live.yaml"))
			wantPath := filepath.Join(dir, "want.yaml")
			var want wantFile
			raw, err := os.ReadFile(wantPath)
			isNew := os.IsNotExist(err)
			if err != nil && !isNew {
				t.Fatal(err)
			}
			if !isNew {
				if err := yaml.UnmarshalStrict(raw, &want); err != nil {
					t.Fatalf("%s: %v", wantPath, err)
				}
				var keys map[string]any
				_ = yaml.Unmarshal(raw, &keys)
				_, hasC := keys["changes"]
				_, hasI := keys["ignored"]
				isNew = !hasC && !hasI
			}
			gitCopy, liveCopy := git.DeepCopy(), live.DeepCopy()
			res := Diff(git, live, want.Options.options())
			if d := cmp.Diff(gitCopy, git); d != "" {
				t.Errorf("Diff modified git (-before +after):\n%s", d)
			}
			if d := cmp.Diff(liveCopy, live); d != "" {
				t.Errorf("Diff modified live (-before +after):\n%s", d)
			}
			g, l := NormalizePair(git, live, want.Options.options())
			for _, c := range res.Changes {
				checkJSONShaped(t, c.Path+" git", c.Git)
				checkJSONShaped(t, c.Path+" live", c.Live)
				checkLocator(t, c, g, l)
			}
			for _, c := range res.Ignored {
				checkLocator(t, c.Change, g, l)
			}
			got := resultFile(t, res)
			if isNew {
				if !*update {
					t.Fatalf("%s has no result yet: run with -update once, then review the file", wantPath)
				}
				// Description and options first, as a person reads the file.
				head, err := yaml.Marshal(struct {
					Description string       `json:"description,omitempty"`
					Options     *caseOptions `json:"options,omitempty"`
				}{want.Description, want.Options})
				if err != nil {
					t.Fatal(err)
				}
				body, err := yaml.Marshal(struct {
					Changes []wantChange `json:"changes"`
					Ignored []wantChange `json:"ignored"`
				}{got.Changes, got.Ignored})
				if err != nil {
					t.Fatal(err)
				}
				out := append(head, body...)
				if err := os.WriteFile(wantPath, out, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s: review it by hand", wantPath)
				return
			}
			if want.Changes == nil {
				want.Changes = []wantChange{}
			}
			if want.Ignored == nil {
				want.Ignored = []wantChange{}
			}
			got.Description, got.Options = want.Description, want.Options
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s: result differs (-want +got):\n%s", dir, d)
			}
			// The same result with the roles checked the other way: a case
			// without changes must be without changes both ways.
			if len(res.Changes) == 0 && want.Options.options().DefaultIngressClass == "" {
				if back := Diff(live, git, want.Options.options()); len(back.Changes) != 0 {
					t.Errorf("Diff(live, git) has changes though Diff(git, live) has none: %v", back.Changes)
				}
			}
		})
	}
}

// TestCasesCoverEveryRow checks that every row of the severity table is
// the rule of some change in some testdata/diff case, with the row's
// severity and advisory, so each row is shown working on real API-server
// output.
func TestCasesCoverEveryRow(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(casesDir, "*", "want.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]SeverityRule{}
	for _, r := range SeverityRules() {
		rows[r.Name] = r
	}
	seen := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w wantFile
		if err := yaml.UnmarshalStrict(raw, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range append(w.Changes, w.Ignored...) {
			r, ok := rows[c.Rule]
			if !ok {
				t.Errorf("%s: %s has rule %q, which is no row", f, c.Path, c.Rule)
				continue
			}
			if c.Severity != r.Severity || c.Advisory != r.Advisory {
				t.Errorf("%s: %s is %s with advisory %q; row %s is %s with %q", f, c.Path, c.Severity, c.Advisory, r.Name, r.Severity, r.Advisory)
			}
			seen[c.Rule] = true
		}
	}
	for _, r := range SeverityRules() {
		if !seen[r.Name] {
			t.Errorf("severity row %s is the rule of no change in %s", r.Name, casesDir)
		}
	}
}
