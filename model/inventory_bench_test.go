package model_test

import (
	"fmt"
	"runtime"
	"slices"
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

// join makes an inventory of the live objects and the sources (files[i]
// holds docs[i]).
func join(lives []*model.LiveObject, files []string, docs [][]model.Desired) *model.Inventory {
	inv := model.NewInventory(diffengine.Options{})
	for _, l := range lives {
		inv.UpsertLive(l)
	}
	for i, f := range files {
		inv.SetSource(f, docs[i], nil)
	}
	return inv
}

// BenchmarkInitialJoin is the start-up cost: n live objects and n manifests
// joined and diffed.
func BenchmarkInitialJoin(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		lives, files, docs := fixture(n)
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				join(lives, files, docs)
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

// BenchmarkBigSource is a generated bundle of 40,000 documents in one file
// (source), against the same documents in 20 files of 2,000: joining them,
// and one document of the big file changed (the file is read again whole).
// Both must be linear in the documents: per key, the recompute looks up its
// documents and the file index without scanning the file.
func BenchmarkBigSource(b *testing.B) {
	const n = 40000
	for _, nfiles := range []int{1, 20} {
		lives := make([]*model.LiveObject, n)
		files := make([]string, nfiles)
		docs := make([][]model.Desired, nfiles)
		for f := range files {
			files[f] = fmt.Sprintf("bundle-%02d.yaml", f)
		}
		for i := range n {
			name := fmt.Sprint("app", i)
			f := i % nfiles
			lives[i] = live(ingress("default", name, name+".example.com", 80))
			docs[f] = append(docs[f], desired(ingress("default", name, name+".example.com", 80), files[f], 1+6*len(docs[f])))
		}
		b.Run(fmt.Sprintf("join/files=%d", nfiles), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				join(lives, files, docs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/doc")
		})
		if nfiles != 1 {
			continue
		}
		inv := join(lives, files, docs)
		edited := slices.Clone(docs[0])
		edited[7] = desired(ingress("default", "app7", "app7.example.com", 81), files[0], edited[7].Origin.Line)
		alt := [][]model.Desired{edited, docs[0]}
		status := []model.FileStatus{model.FileModified, model.FileClean}
		b.Run("one-doc-changed/files=1", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				inv.SetSource(files[0], alt[i%2], nil)
				inv.SetFileInfo(files[0], model.FileInfo{Status: status[i%2]})
				i++
			}
		})
	}
}

// BenchmarkFindingsWatchEvent is one watch event in the bad cases of the
// findings' indexes, in an inventory of n objects: all on one host with
// distinct paths (the event moves one object's path and back), and all
// sharing one backend (the event moves one object's port and back, so it
// drifts to a backend nothing else uses). Neither must grow with n.
func BenchmarkFindingsWatchEvent(b *testing.B) {
	for _, n := range []int{100, 10000} {
		for _, shape := range []string{"one-host", "one-backend"} {
			inv := model.NewInventory(diffengine.Options{})
			var lives []*model.LiveObject
			for i := range n {
				name := fmt.Sprint("app", i)
				host, path, port := name+".example.com", "/", int32(80)
				if shape == "one-host" {
					host, path, port = "shop.example.com", fmt.Sprint("/p", i), int32(80+i%1000)
				}
				ing := ingress("default", name, host, port)
				ing.Spec.Rules[0].HTTP.Paths[0].Path = path
				lives = append(lives, live(ing))
				inv.UpsertLive(lives[i])
				f := name + ".yaml"
				inv.SetSource(f, []model.Desired{desired(ing, f, 1)}, nil)
			}
			ch, cancel := inv.Subscribe()
			go func() {
				for range ch {
				}
			}()
			ing := lives[7].Ingress.DeepCopy()
			if shape == "one-host" {
				ing.Spec.Rules[0].HTTP.Paths[0].Path = "/moved"
			} else {
				ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number = 81
			}
			edited := []*model.LiveObject{live(ing), lives[7]}
			b.Run(fmt.Sprintf("%s/N=%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					inv.UpsertLive(edited[i%2])
					i++
				}
			})
			// What the event does: a hint on the drifted backend, none back.
			for i, want := range []int{1, 0} {
				inv.UpsertLive(edited[i])
				if e, _ := inv.Get(model.Key{Namespace: "default", Name: "app7"}); shape == "one-backend" && len(e.Findings) != want {
					b.Fatalf("app7 (event %d) has findings %+v, want %d", i, e.Findings, want)
				}
			}
			cancel()
		}
	}
}
