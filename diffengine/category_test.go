package diffengine

import (
	"testing"
)

// TestControllerPrefixRows checks every row of the controller prefix table:
// an annotation under the prefix is controller configuration, found by
// ControllerOf, and reported as such by Diff.
func TestControllerPrefixRows(t *testing.T) {
	seen := map[string]bool{}
	for _, row := range ControllerPrefixes() {
		t.Run(row.Prefix, func(t *testing.T) {
			if seen[row.Prefix] {
				t.Fatalf("prefix %s listed twice", row.Prefix)
			}
			seen[row.Prefix] = true
			if row.Controller == "" {
				t.Error("row names no controller")
			}
			key := row.Prefix + "some-setting"
			got, ok := ControllerOf(key)
			if !ok || got != row {
				t.Errorf("ControllerOf(%q) = %+v, %v; want %+v", key, got, ok, row)
			}
			res := Diff(ing(nil), ing(map[string]string{key: "v"}), Options{NoBuiltinIgnores: true})
			if len(res.Changes) != 1 || res.Changes[0].Category != CategoryController || res.Changes[0].Severity != SeverityMedium {
				t.Errorf("Diff with %s added: %+v, want one medium controller change", key, res.Changes)
			}
		})
	}
}

func TestAnnotationCategoryOthers(t *testing.T) {
	for key, want := range map[string]Category{
		"example.com/owner":                        CategoryMetadata,
		"kubernetes.io/change-cause":               CategoryMetadata,
		"kubernetes.io/ingress.class":              CategoryController,
		"kubernetes.io/ingress.allow-http":         CategoryController,
		"ingress.kubernetes.io/ssl-redirect":       CategoryController,
		"nginx.ingress.kubernetes.io":              CategoryMetadata, // no "/": not the prefix
		"xnginx.ingress.kubernetes.io/rewrite":     CategoryMetadata,
		"traefik.ingress.kubernetes.io/router.tls": CategoryController,
		"description":                              CategoryMetadata,
	} {
		if got := AnnotationCategory(key); got != want {
			t.Errorf("AnnotationCategory(%q) = %s, want %s", key, got, want)
		}
	}
	if p, _ := ControllerOf("traefik.ingress.kubernetes.io/router.tls"); p.Controller != "Traefik" {
		t.Errorf("traefik key attributed to %q", p.Controller)
	}
}

func TestControllerPrefixesCopy(t *testing.T) {
	rows := ControllerPrefixes()
	rows[0].Prefix = "changed/"
	if ControllerPrefixes()[0].Prefix == "changed/" {
		t.Error("ControllerPrefixes returned the table itself")
	}
}
