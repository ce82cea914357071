package repo

import (
	"fmt"
	"path"
)

// MaxFileSize is the largest manifest file read. Real Ingress manifests are
// a few KiB; a multi-megabyte .yaml is a data dump or a vendored bundle,
// and reading it would cost memory and time for nothing. Larger files are
// reported as errors so that a person can exclude them.
const MaxFileSize = 5 << 20

// manifestExt reports whether a file name is a manifest by its extension.
func manifestExt(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
