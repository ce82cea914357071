package render

import (
	"fmt"
	"testing"
)

// BenchmarkGitOpsDiscovery: the discovery every scan runs, over 3,000
// manifest files on disk (Ingresses and Deployments, 30 of them Argo CD
// Applications): the byte prefilter reads each file and parses only the
// 30.
func BenchmarkGitOpsDiscovery(b *testing.B) {
	dir := b.TempDir()
	var list []string
	for i := range 3000 {
		rel := fmt.Sprintf("team-%02d/m-%04d.yaml", i%50, i)
		content := ingressDoc(fmt.Sprintf("ns-%02d", i%50), fmt.Sprintf("ing-%04d", i)) +
			"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n"
		if i%100 == 0 {
			content = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a" + fmt.Sprint(i) +
				"\nspec:\n  destination:\n    namespace: x\n  source:\n    path: team-01\n"
		}
		write(b, dir, rel, content)
		list = append(list, rel)
	}
	files := listDisk(b, dir) // helm_test.go
	b.Run("discover", func(b *testing.B) {
		for b.Loop() {
			d := discover(files, newListingFacts(files))
			if len(d.objects) != 30 {
				b.Fatalf("%d objects", len(d.objects))
			}
		}
	})
	// What reading alone costs, one goroutine: the floor discovery is
	// measured against.
	b.Run("read-only", func(b *testing.B) {
		for b.Loop() {
			for _, rel := range list {
				if _, err := files.Read(rel); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
