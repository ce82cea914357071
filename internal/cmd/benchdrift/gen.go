package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	gitobject "github.com/go-git/go-git/v5/plumbing/object"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// namespaces the generated Ingresses are spread over, like the demo's teams.
var namespaces = []string{"shop", "blog", "payments", "tools", "api", "monitoring", "search", "media", "auth", "platform"}

// apps name the services; each namespace cycles through them.
var apps = []string{"storefront", "checkout", "ghost", "grafana", "docs", "search", "media", "sso", "status", "webhooks", "admin", "cart"}

// Drift kinds, applied live to 10% of the objects, round-robin. The first
// two are the ones `kubectl diff` cannot see: fields added live that the
// manifest never mentioned.
const (
	driftAnnotation = "annotation-added"
	driftLabel      = "label-added"
	driftPort       = "backend-port"
	driftTLS        = "tls-removed"
	driftPath       = "path-added"
	driftClass      = "ingress-class"
)

// driftKinds in the order they are dealt out.
var driftKinds = []string{driftAnnotation, driftPort, driftTLS, driftPath, driftLabel, driftClass}

// lastApplied is the annotation `kubectl apply` keeps.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// object is one generated Ingress: its manifest text, the typed object the
// pipeline creates from it, and the drift it gets (if any).
type object struct {
	index int
	ns    string
	name  string
	// file is the manifest file relative to the repo root.
	file     string
	manifest string
	// drift is "" for an object that stays in sync.
	drift string
}

func (o *object) key() string { return o.ns + "/" + o.name }

// driftOf says which drift object i gets: every tenth object, with the kinds
// dealt out in turn.
func driftOf(i int) string {
	if i%10 != 7 {
		return ""
	}
	return driftKinds[(i/10)%len(driftKinds)]
}

// generate returns n objects with deterministic, varied shapes: 1–3 rules
// of 1–2 paths, TLS on about 60%, a few nginx/cert-manager annotations,
// team labels on most. Object i lives in namespace (i + i/10) mod 10 so
// that the drifted tenth is spread over every namespace.
func generate(n int) []*object {
	objs := make([]*object, n)
	// lastSingle is, per namespace, the last file that holds one document:
	// every tenth object joins it, making a two-document file.
	lastSingle := map[string]*object{}
	for i := range n {
		ns := namespaces[(i+i/10)%len(namespaces)]
		app := apps[(i/len(namespaces))%len(apps)]
		o := &object{index: i, ns: ns, name: fmt.Sprintf("%s-%05d", app, i), drift: driftOf(i)}
		o.manifest = renderManifest(o, app)
		o.file = filepath.ToSlash(filepath.Join("apps", ns, o.name+".yaml"))
		if prev := lastSingle[ns]; i%10 == 3 && prev != nil {
			o.file = prev.file
			delete(lastSingle, ns)
		} else {
			lastSingle[ns] = o
		}
		objs[i] = o
	}
	return objs
}

// renderManifest writes the object the way people write manifests: the
// usual key order, flow lists for hosts, a comment here and there.
func renderManifest(o *object, app string) string {
	i := o.index
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\n", o.name, o.ns)
	if i%4 != 3 {
		fmt.Fprintf(&b, "  labels:\n    team: %s\n    app.kubernetes.io/name: %s\n", o.ns, app)
	}
	tls := i%5 < 3 || o.drift == driftTLS
	var ann []string
	if i%3 == 0 {
		ann = append(ann, `nginx.ingress.kubernetes.io/proxy-body-size: 8m`)
	}
	if tls && i%2 == 0 {
		ann = append(ann, `cert-manager.io/cluster-issuer: letsencrypt`, `nginx.ingress.kubernetes.io/force-ssl-redirect: "true"`)
	}
	if i%7 == 2 {
		ann = append(ann, `nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8`)
	}
	if i%11 == 5 {
		ann = append(ann, `nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth`)
	}
	if len(ann) > 0 {
		b.WriteString("  annotations:\n")
		for _, a := range ann {
			b.WriteString("    " + a + "\n")
		}
	}
	b.WriteString("spec:\n  ingressClassName: nginx\n")
	nrules := 1 + i%3
	hosts := make([]string, nrules)
	for r := range nrules {
		hosts[r] = fmt.Sprintf("%s%d.%s.example.com", []string{"www", "api", "admin"}[r], i, o.ns)
	}
	if tls {
		fmt.Fprintf(&b, "  tls:\n    - hosts: [%s]\n      secretName: %s-tls\n", strings.Join(hosts, ", "), o.name)
	}
	b.WriteString("  rules:\n")
	for r, h := range hosts {
		fmt.Fprintf(&b, "    - host: %s\n      http:\n        paths:\n", h)
		npaths := 1 + (i+r)%2
		for p := range npaths {
			path, typ := "/", "Prefix"
			if p == 1 {
				path, typ = "/api", []string{"Prefix", "Exact", "ImplementationSpecific"}[i%3]
			}
			fmt.Fprintf(&b, "          - path: %s\n            pathType: %s\n            backend:\n              service:\n                name: %s\n                port:\n", path, typ, app)
			// The first backend always has a number: the port-change drift
			// edits it.
			if (r == 0 && p == 0) || (i+p)%4 != 1 {
				port := []int{80, 8080, 443, 2368, 3000}[(i+r+p)%5]
				comment := ""
				if port == 8080 && i%9 == 0 {
					comment = "   # the API listens on 8080"
				}
				fmt.Fprintf(&b, "                  number: %d%s\n", port, comment)
			} else {
				b.WriteString("                  name: http\n")
			}
		}
	}
	return b.String()
}

// decode turns a manifest into the typed object a pipeline's client-side
// apply creates: the manifest plus kubectl's last-applied annotation,
// computed as kubectl does (the unstructured object without the annotation,
// encoded as JSON), so that `kubectl diff` sees no change on objects in
// sync.
func decode(manifest string) (*networkingv1.Ingress, error) {
	j, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		return nil, err
	}
	applied, err := runtime.Encode(unstructured.UnstructuredJSONScheme, u)
	if err != nil {
		return nil, err
	}
	ing := &networkingv1.Ingress{}
	if err := json.Unmarshal(j, ing); err != nil {
		return nil, err
	}
	if ing.Annotations == nil {
		ing.Annotations = map[string]string{}
	}
	ing.Annotations[lastApplied] = string(applied)
	return ing, nil
}

// writeRepo writes the manifests into dir and commits them once.
func writeRepo(dir string, objs []*object) (files int, err error) {
	contents := map[string][]string{}
	for _, o := range objs {
		contents[o.file] = append(contents[o.file], o.manifest)
	}
	names := make([]string, 0, len(contents))
	for f := range contents {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		docs := contents[f]
		text := docs[0]
		if len(docs) > 1 {
			text = "# Two Ingresses of the same team, one file.\n---\n" + strings.Join(docs, "---\n")
		}
		full := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			return 0, fmt.Errorf("write %s: %w", full, err)
		}
	}
	r, err := git.PlainInit(dir, false)
	if err != nil {
		return 0, fmt.Errorf("git init %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return 0, err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return 0, fmt.Errorf("git add in %s: %w", dir, err)
	}
	sig := &gitobject.Signature{Name: "Bench Pipeline", Email: "bench@example.com", When: time.Now().Add(-time.Hour)}
	if _, err := wt.Commit(fmt.Sprintf("Add %d ingresses", len(objs)), &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		return 0, fmt.Errorf("git commit in %s: %w", dir, err)
	}
	return len(names), nil
}

// parallel runs fn for every object on workers goroutines and returns the
// first error.
func parallel(ctx context.Context, objs []*object, workers int, fn func(context.Context, *object) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *object)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for o := range work {
				if err := fn(ctx, o); err != nil {
					cancel(err)
				}
			}
		})
	}
	for _, o := range objs {
		select {
		case work <- o:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}

// seed creates the objects as a pipeline's client-side apply would (field
// manager kubectl-client-side-apply, last-applied annotation).
func seed(ctx context.Context, cs kubernetes.Interface, objs []*object, workers int) error {
	return parallel(ctx, objs, workers, func(ctx context.Context, o *object) error {
		ing, err := decode(o.manifest)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", o.key(), o.file, err)
		}
		_, err = cs.NetworkingV1().Ingresses(o.ns).Create(ctx, ing, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
		if err != nil {
			return fmt.Errorf("create ingress %s: %w", o.key(), err)
		}
		return nil
	})
}

// driftPatch is the live edit of one drift kind, as the kubectl command a
// person would type sends it.
func driftPatch(kind string) (types.PatchType, string, string) {
	switch kind {
	case driftAnnotation: // kubectl annotate … ssl-redirect=false
		return types.MergePatchType, `{"metadata":{"annotations":{"nginx.ingress.kubernetes.io/ssl-redirect":"false"}}}`, "kubectl-annotate"
	case driftLabel: // kubectl label … debug=true
		return types.MergePatchType, `{"metadata":{"labels":{"debug":"true"}}}`, "kubectl-label"
	case driftPort:
		return types.JSONPatchType, `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":9090}]`, "kubectl-patch"
	case driftTLS:
		return types.JSONPatchType, `[{"op":"remove","path":"/spec/tls"}]`, "kubectl-patch"
	case driftPath:
		return types.JSONPatchType, `[{"op":"add","path":"/spec/rules/0/http/paths/-","value":{"path":"/debug","pathType":"Prefix","backend":{"service":{"name":"debug","port":{"number":8081}}}}}]`, "kubectl-edit"
	case driftClass:
		return types.MergePatchType, `{"spec":{"ingressClassName":"nginx-internal"}}`, "kubectl-edit"
	}
	panic("unknown drift kind " + kind)
}

// applyDrift edits the drifted objects live and returns the expected drift
// kind per key.
func applyDrift(ctx context.Context, cs kubernetes.Interface, objs []*object, workers int) (map[string]string, error) {
	var drifted []*object
	want := map[string]string{}
	for _, o := range objs {
		if o.drift != "" {
			drifted = append(drifted, o)
			want[o.key()] = o.drift
		}
	}
	err := parallel(ctx, drifted, workers, func(ctx context.Context, o *object) error {
		pt, patch, manager := driftPatch(o.drift)
		_, err := cs.NetworkingV1().Ingresses(o.ns).Patch(ctx, o.name, pt, []byte(patch), metav1.PatchOptions{FieldManager: manager})
		if err != nil {
			return fmt.Errorf("drift %s (%s): %w", o.key(), o.drift, err)
		}
		return nil
	})
	return want, err
}

// deleteAll removes every Ingress in the bench namespaces (between sizes).
func deleteAll(ctx context.Context, cs kubernetes.Interface) error {
	for _, ns := range namespaces {
		if err := cs.NetworkingV1().Ingresses(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			return fmt.Errorf("delete ingresses in %s: %w", ns, err)
		}
	}
	l, err := cs.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil {
		return err
	}
	if len(l.Items) != 0 {
		return fmt.Errorf("ingresses left after delete: %s/%s", l.Items[0].Namespace, l.Items[0].Name)
	}
	return nil
}
