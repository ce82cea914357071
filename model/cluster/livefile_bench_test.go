package cluster_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/yaml"

	"github.com/ingress-drift/ingress-drift/model/cluster"
)

// dumpN is the size of the live-file benchmarks' dumps: typical Ingresses
// (four managedFields entries, the last-applied annotation), about 40 MB of
// JSON as kubectl writes it.
const dumpN = 10000

// writeDump writes a `kubectl get ingress -A -o json|yaml
// --show-managed-fields` of dumpN copies of the typical fixture.
func writeDump(b *testing.B, format string) (path string, size int) {
	b.Helper()
	ing := loadFixture(b)
	items := make([]networkingv1.Ingress, dumpN)
	for i := range items {
		items[i] = *ing.DeepCopy()
		items[i].APIVersion, items[i].Kind = "networking.k8s.io/v1", "Ingress"
		items[i].Name = fmt.Sprintf("shop-%05d", i)
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": items, "metadata": map[string]any{"resourceVersion": ""}}
	var data []byte
	var err error
	if format == "json" {
		data, err = json.MarshalIndent(list, "", "    ")
	} else {
		data, err = yaml.Marshal(list)
	}
	if err != nil {
		b.Fatal(err)
	}
	path = filepath.Join(b.TempDir(), "live."+format)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, len(data)
}

// heapGrowth samples the live heap every millisecond until stop is called
// and returns how far it rose above where it was at the start, in MB: what
// reading the dump costs, without the fixture built before.
func heapGrowth() (stop func() float64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		peak := base
		for t := time.NewTicker(time.Millisecond); ; {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				t.Stop()
				result <- peak - base
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-result) / (1 << 20)
	}
}

// benchDumps runs read (which returns how many objects it found) over a
// JSON and a YAML dump of dumpN objects.
func benchDumps(b *testing.B, read func(path string) (int, error)) {
	for _, format := range []string{"json", "yaml"} {
		b.Run(format, func(b *testing.B) {
			path, size := writeDump(b, format)
			stop := heapGrowth()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n, err := read(path)
				if err != nil {
					b.Fatal(err)
				}
				if n != dumpN {
					b.Fatalf("%d objects", n)
				}
			}
			b.ReportMetric(stop(), "peak-heap-MB")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// BenchmarkReadLiveDump reads a dump of dumpN typical Ingresses, as
// `check --live-file` does. peak-heap-MB should be the objects kept, not
// the file.
func BenchmarkReadLiveDump(b *testing.B) {
	benchDumps(b, func(path string) (int, error) {
		d, err := cluster.ReadLiveDump(path)
		if err != nil {
			return 0, err
		}
		return len(d.Objects), nil
	})
}

// BenchmarkKubectlParseDump is the floor ReadLiveDump is measured against:
// kubectl's own reading of the same file offline (the local resource
// builder behind `kubectl ... --local -f FILE`: every object decoded as
// unstructured), without kubectl's process start.
func BenchmarkKubectlParseDump(b *testing.B) {
	benchDumps(b, func(path string) (int, error) {
		infos, err := resource.NewLocalBuilder().Unstructured().
			FilenameParam(false, &resource.FilenameOptions{Filenames: []string{path}}).
			Flatten().Do().Infos()
		return len(infos), err
	})
}
