package model_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// fixture builds n live objects and n manifests (one file each), every
// tenth one drifted (another port live).
func fixture(n int) ([]*model.LiveObject, []string, [][]model.Desired) {
	lives := make([]*model.LiveObject, n)
	files := make([]string, n)
	docs := make([][]model.Desired, n)
	for i := range n {
		ns, name := fmt.Sprint("ns", i%50), fmt.Sprint("app", i)
		port := int32(80)
		if i%10 == 0 {
			port = 8080
		}
		lives[i] = live(ingress(ns, name, name+".example.com", port))
		files[i] = fmt.Sprintf("%s/%s.yaml", ns, name)
		docs[i] = []model.Desired{desired(ingress(ns, name, name+".example.com", 80), files[i], 1)}
	}
	return lives, files, docs
}

// BenchmarkInitialJoin is the start-up cost: n live objects and n manifests
// joined and diffed.
func BenchmarkInitialJoin(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		lives, files, docs := fixture(n)
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				inv := model.NewInventory(diffengine.Options{})
				for _, l := range lives {
					inv.UpsertLive(l)
				}
				for i, f := range files {
					inv.SetSource(f, docs[i], nil)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/object")
		})
	}
}

// BenchmarkWatchEvent is the cost of one watch event in an inventory of n
// objects with a subscriber: it must not grow with n.
func BenchmarkWatchEvent(b *testing.B) {
	for _, n := range []int{100, 10000} {
		lives, files, docs := fixture(n)
		inv := model.NewInventory(diffengine.Options{})
		for i, l := range lives {
			inv.UpsertLive(l)
			inv.SetSource(files[i], docs[i], nil)
		}
		ch, cancel := inv.Subscribe()
		go func() {
			for range ch {
			}
		}()
		edited := []*model.LiveObject{live(ingress("ns7", "app7", "app7.example.com", 81)), lives[7]}
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				inv.UpsertLive(edited[i%2])
				i++
			}
		})
		cancel()
	}
}

// BenchmarkFileChange is the cost of one manifest file re-read in an
// inventory of n objects.
func BenchmarkFileChange(b *testing.B) {
	for _, n := range []int{100, 10000} {
		lives, files, docs := fixture(n)
		inv := model.NewInventory(diffengine.Options{})
		for i, l := range lives {
			inv.UpsertLive(l)
			inv.SetSource(files[i], docs[i], nil)
		}
		alt := [][]model.Desired{{desired(ingress("ns7", "app7", "app7.example.com", 81), files[7], 1)}, docs[7]}
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				inv.SetSource(files[7], alt[i%2], nil)
				i++
			}
		})
	}
}

// BenchmarkRetained measures the heap an inventory of n joined objects
// keeps (after a GC), per object: what holding entries costs, as opposed
// to the work of building them.
func BenchmarkRetained(b *testing.B) {
	const n = 10000
	lives, files, docs := fixture(n)
	b.ReportAllocs()
	var retained float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		inv := model.NewInventory(diffengine.Options{})
		for i, l := range lives {
			inv.UpsertLive(l)
			inv.SetSource(files[i], docs[i], nil)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained = float64(after.HeapAlloc) - float64(before.HeapAlloc)
		runtime.KeepAlive(inv)
	}
	b.ReportMetric(retained/n, "retained-B/object")
}
