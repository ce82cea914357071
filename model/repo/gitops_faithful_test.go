package repo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A value file that a release tolerates missing (ignoreMissingValueFiles)
// deleted while watching: the release renders without it, with no error,
// as a fresh scan of the tree renders it; not as an unreadable value file.
func TestWatchToleratedValueFileGone(t *testing.T) {
	dir := t.TempDir()
	files := helmFiles()
	delete(files, "flux/web.yaml")
	files["apps/web.yaml"] = strings.Replace(files["apps/web.yaml"], "valueFiles: [$values/envs/prod.yaml]",
		"valueFiles: [$values/envs/prod.yaml]\n        ignoreMissingValueFiles: true", 1)
	for rel, c := range files {
		write(t, dir, rel, c)
	}
	r, err := Open(Options{Root: dir})
	must(t, err)
	s := startWatch(t, r)
	state := func(s *recSink) []string {
		out := errStrings(s.errs())
		for _, d := range s.docs() {
			out = append(out, d.Key().String()+" "+d.Ingress.Spec.Rules[0].Host)
		}
		slices.Sort(out)
		return out
	}
	waitFor(t, "the first render", func() bool { return slices.Equal(state(s), []string{"web-prod/web prod.example.com"}) })

	must(t, os.Remove(filepath.Join(dir, "envs/prod.yaml")))
	want := []string{"web-prod/web default.example.com"}
	waitFor(t, "the render without the value file", func() bool { return slices.Equal(state(s), want) })
	_, fresh := scan(t, Options{Root: dir})
	if diff := cmp.Diff(state(fresh), state(s)); diff != "" {
		t.Errorf("watch against a fresh scan (-fresh +watch):\n%s", diff)
	}
}
