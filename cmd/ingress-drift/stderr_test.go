package main

import (
	"log"
	"log/slog"
	"os"
	"strings"
	"testing"
)

// TestDivertStderrCatchesLoggers: while the TUI owns the terminal, what
// libraries print through the standard logger or slog's default (Helm's
// value merging warns with log.Printf) goes to the capture, not over the
// screen, and is printed once after.
func TestDivertStderrCatchesLoggers(t *testing.T) {
	w, err := os.Create(t.TempDir() + "/terminal")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	log.SetOutput(w)
	t.Cleanup(func() { os.Stderr = saved; log.SetOutput(saved) })

	restore := divertStderr()
	log.Printf("coalesce.go: warning: skipped value for web.tls: Not a table.")
	slog.Warn("missing required value")
	log.Printf("coalesce.go: warning: skipped value for web.tls: Not a table.")
	if fi, err := w.Stat(); err != nil || fi.Size() != 0 {
		t.Fatalf("the terminal got output while diverted (%v)", err)
	}
	restore()
	log.Printf("after")
	out, _ := os.ReadFile(w.Name())
	got := string(out)
	for i, want := range []string{"skipped value for web.tls", "missing required value", "after"} {
		if !strings.Contains(got, want) {
			t.Errorf("line %d: %q not in what stderr got:\n%s", i, want, got)
		}
	}
	if n := strings.Count(got, "skipped value"); n != 1 {
		t.Errorf("the repeated warning was printed %d times, want once:\n%s", n, got)
	}
}

// TestASCIILocale: the TUI draws ASCII symbols when the locale that counts
// (LC_ALL, then LC_CTYPE, then LANG) names no UTF-8 charset.
func TestASCIILocale(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"LANG": "C.UTF-8"}, false},
		{map[string]string{"LANG": "en_US.utf8"}, false},
		{map[string]string{"LANG": "C"}, true},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "C"}, true},
		{map[string]string{"LANG": "C", "LC_CTYPE": "de_DE.UTF-8"}, false},
		{map[string]string{"LC_ALL": "en_US.ISO-8859-1"}, true},
	} {
		if got := asciiLocale(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: ascii %v, want %v", tc.env, got, tc.want)
		}
	}
}
