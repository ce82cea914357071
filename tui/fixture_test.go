package tui

import (
	"fmt"
	"sync"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// fixedNow is the clock of every test: relative times are stable.
var fixedNow = time.Date(2026, 11, 2, 14, 5, 11, 0, time.UTC)

func clockFixed() time.Time { return fixedNow }

// ago is a time d before fixedNow.
func ago(d time.Duration) time.Time { return fixedNow.Add(-d) }

type pathSpec struct {
	path, svc string
	port      int32
}

// ingress builds a networking/v1 Ingress: one rule per host, each with
// the given paths (Prefix), optional TLS.
func ingress(ns, name string, ann map[string]string, host string, tls string, paths ...pathSpec) *networkingv1.Ingress {
	class := "nginx"
	pt := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: ann},
		Spec:       networkingv1.IngressSpec{IngressClassName: &class},
	}
	var hp []networkingv1.HTTPIngressPath
	for _, p := range paths {
		hp = append(hp, networkingv1.HTTPIngressPath{
			Path: p.path, PathType: &pt,
			Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: p.svc, Port: networkingv1.ServiceBackendPort{Number: p.port}}},
		})
	}
	ing.Spec.Rules = []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
		HTTP: &networkingv1.HTTPIngressRuleValue{Paths: hp}}}}
	if tls != "" {
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: tls}}
	}
	return ing
}

func live(ing *networkingv1.Ingress, managers ...model.Manager) *model.LiveObject {
	l := ing.DeepCopy()
	l.ResourceVersion = "4711"
	l.UID = "0b0e5f8e-1111-4e0b-9a1c-000000000001"
	return &model.LiveObject{Ingress: l, Managers: managers}
}

func desired(ing *networkingv1.Ingress, file string, line int) []model.Desired {
	return []model.Desired{{Ingress: ing, Namespace: ing.Namespace, Origin: model.Origin{File: file, Line: line, Item: -1}}}
}

var (
	mgrApply  = model.Manager{Manager: "kubectl-client-side-apply", Operation: "Update", Time: ago(26 * time.Hour)}
	mgrPatch  = model.Manager{Manager: "kubectl-patch", Operation: "Update", Time: ago(3 * time.Minute)}
	mgrAnnot  = model.Manager{Manager: "kubectl-annotate", Operation: "Update", Time: ago(7 * time.Minute)}
	mgrCreate = model.Manager{Manager: "kubectl-create", Operation: "Update", Time: ago(42 * time.Minute)}
	mgrCtrl   = model.Manager{Manager: "nginx-ingress-controller", Operation: "Update", Time: ago(26 * time.Hour), Subresource: "status"}
)

var (
	commitShop = &model.Commit{Hash: "1a2b3c4d5e6f7a8b9c0d", Author: "Dana Ops", Time: ago(49 * time.Hour), Subject: "Add shop and blog ingresses"}
	commitPay  = &model.Commit{Hash: "2b3c4d5e6f7a8b9c0d1e", Author: "Sam Reliability", Time: ago(30 * time.Hour), Subject: "payments: terminate TLS at the ingress"}
	commitPlat = &model.Commit{Hash: "3c4d5e6f7a8b9c0d1e2f", Author: "Alex Platform", Time: ago(28 * time.Hour), Subject: "Add internal tools (grafana, docs)"}
	commitBlog = &model.Commit{Hash: "4d5e6f7a8b9c0d1e2f3a", Author: "Dana Ops", Time: ago(27 * time.Hour), Subject: "blog: serve /assets from the CDN origin"}
)

// fixtureEntries is the demo story as entries: shop with ssl-redirect
// turned off and /api pointed at another port, shop-admin opened to the
// world, checkout without TLS, status deleted live, shop-debug created by
// hand, docs defined twice, old-wiki unreadable, and several in sync (one
// with an ignored difference).
func fixtureEntries() []model.Entry {
	var out []model.Entry
	v := uint64(0)
	add := func(e model.Entry) {
		v++
		e.Version = v
		out = append(out, e)
	}

	// shop/shop: drifted in two categories (controller and routing), plus
	// a metadata label added live.
	shopGit := ingress("shop", "shop", map[string]string{
		"nginx.ingress.kubernetes.io/ssl-redirect":    "true",
		"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
	}, "shop.example.com", "shop-tls", pathSpec{"/", "storefront", 80}, pathSpec{"/api", "shop-api", 8080})
	shopGit.Labels = map[string]string{"team": "shop"}
	shopLive := shopGit.DeepCopy()
	shopLive.Annotations = map[string]string{
		"nginx.ingress.kubernetes.io/ssl-redirect":    "false",
		"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
	}
	shopLive.Labels = map[string]string{"team": "shop", "hotfix": "INC-4711"}
	shopLive.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number = 8081
	add(model.Entry{
		Key: model.Key{Namespace: "shop", Name: "shop"}, Status: model.StatusDrifted,
		Live: live(shopLive, mgrPatch, mgrAnnot, mgrApply, mgrCtrl), Desired: desired(shopGit, "apps/shop/ingress.yaml", 3),
		Changes: []model.AttributedChange{
			{Change: model.Change{Path: "metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", Op: diffengine.OpChanged,
				Category: diffengine.CategoryController, Severity: diffengine.SeverityCritical, Git: "true", Live: "false",
				Rule: "ssl-redirect turned off: HTTP traffic no longer upgraded"}, Managers: []model.Manager{mgrAnnot}},
			{Change: model.Change{Path: "metadata.labels[hotfix]", Op: diffengine.OpAdded,
				Category: diffengine.CategoryMetadata, Severity: diffengine.SeverityLow, Git: nil, Live: "INC-4711",
				Rule: "label"}, Managers: []model.Manager{mgrPatch}},
			{Change: model.Change{Path: "spec.rules[host=shop.example.com].http.paths[path=/api].backend.service.port.number", Op: diffengine.OpChanged,
				Category: diffengine.CategoryRouting, Severity: diffengine.SeverityHigh, Git: int64(8080), Live: int64(8081),
				Rule: "backend changed"}, Managers: []model.Manager{mgrPatch}},
		},
		Ignored: []model.IgnoredChange{{Change: model.Change{Path: "metadata.annotations[field.cattle.io/publicEndpoints]", Op: diffengine.OpAdded,
			Category: diffengine.CategoryMetadata, Severity: diffengine.SeverityLow, Live: `[{"addresses":["10.0.0.7"]}]`},
			IgnoredBy: ".ingress-drift.yaml:4: annotations field.cattle.io/* (all objects)"}},
		Severity:   diffengine.SeverityCritical,
		Categories: []model.Category{diffengine.CategoryRouting, diffengine.CategoryController, diffengine.CategoryMetadata},
		Git:        model.FileInfo{Status: model.FileClean, LastCommit: commitShop},
	})

	// shop/shop-admin: allow-list widened to the world.
	adminGit := ingress("shop", "shop-admin", map[string]string{"nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8"},
		"admin.shop.example.com", "shop-admin-tls", pathSpec{"/", "shop-admin", 80})
	adminLive := adminGit.DeepCopy()
	adminLive.Annotations = map[string]string{"nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0"}
	add(model.Entry{
		Key: model.Key{Namespace: "shop", Name: "shop-admin"}, Status: model.StatusDrifted,
		Live: live(adminLive, mgrAnnot, mgrApply), Desired: desired(adminGit, "apps/shop/ingress.yaml", 39),
		Changes: []model.AttributedChange{{Change: model.Change{Path: "metadata.annotations[nginx.ingress.kubernetes.io/whitelist-source-range]",
			Op: diffengine.OpChanged, Category: diffengine.CategoryController, Severity: diffengine.SeverityCritical,
			Git: "10.0.0.0/8", Live: "0.0.0.0/0", Rule: "source allow-list widened"}, Managers: []model.Manager{mgrAnnot}}},
		Severity: diffengine.SeverityCritical, Categories: []model.Category{diffengine.CategoryController},
		Git: model.FileInfo{Status: model.FileClean, LastCommit: commitShop},
	})

	// payments/checkout: TLS removed live.
	payGit := ingress("payments", "checkout", map[string]string{
		"nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
		"cert-manager.io/cluster-issuer":                 "letsencrypt",
	}, "pay.example.com", "pay-tls", pathSpec{"/", "checkout", 443})
	payLive := payGit.DeepCopy()
	payLive.Spec.TLS = nil
	add(model.Entry{
		Key: model.Key{Namespace: "payments", Name: "checkout"}, Status: model.StatusDrifted,
		Live: live(payLive, mgrPatch, mgrApply), Desired: desired(payGit, "apps/payments/ingress.yaml", 1),
		Changes: []model.AttributedChange{{Change: model.Change{Path: "spec.tls[secretName=pay-tls]", Op: diffengine.OpRemoved,
			Category: diffengine.CategoryTLS, Severity: diffengine.SeverityCritical,
			Git: map[string]any{"hosts": []any{"pay.example.com"}, "secretName": "pay-tls"}, Live: nil,
			Rule: "TLS removed: traffic served in clear text"}}},
		Severity: diffengine.SeverityCritical, Categories: []model.Category{diffengine.CategoryTLS},
		Git: model.FileInfo{Status: model.FileModified, LastCommit: commitPay},
	})

	// tools/status: deleted live.
	statusGit := ingress("tools", "status", nil, "status.example.com", "", pathSpec{"/", "status-page", 8080})
	add(model.Entry{
		Key: model.Key{Namespace: "tools", Name: "status"}, Status: model.StatusMissingLive,
		Desired: desired(statusGit, "platform/status-page.yaml", 1),
		Git:     model.FileInfo{Status: model.FileClean, LastCommit: commitPlat},
	})

	// shop/shop-debug: created by hand.
	debugLive := ingress("shop", "shop-debug", nil, "debug.shop.example.com", "", pathSpec{"/", "shop-api", 8080})
	add(model.Entry{
		Key: model.Key{Namespace: "shop", Name: "shop-debug"}, Status: model.StatusMissingGit,
		Live: live(debugLive, mgrCreate),
	})

	// tools/docs: defined twice.
	docsA := ingress("tools", "docs", nil, "docs.internal.example.com", "", pathSpec{"/", "docs", 80})
	docsB := ingress("tools", "docs", nil, "docs.internal.example.com", "", pathSpec{"/", "docs-v2", 8080})
	add(model.Entry{
		Key: model.Key{Namespace: "tools", Name: "docs"}, Status: model.StatusConflict,
		Live: live(docsA, mgrApply),
		Desired: append(desired(docsA, "platform/tools.yaml", 22),
			desired(docsB, "platform/docs-v2.yaml", 1)...),
		Git: model.FileInfo{Status: model.FileClean, LastCommit: commitPlat},
	})

	// wiki/old-wiki: still served live, but its manifest is an
	// extensions/v1beta1 Ingress that cannot be read.
	wiki := ingress("wiki", "old-wiki", nil, "wiki.example.com", "", pathSpec{"/", "mediawiki", 80})
	add(model.Entry{
		Key: model.Key{Namespace: "wiki", Name: "old-wiki"}, Status: model.StatusError,
		Live: live(wiki, model.Manager{Manager: "kubectl-client-side-apply", Operation: "Update", Time: ago(400 * 24 * time.Hour)}),
		Errors: []model.RepoError{{File: "apps/wiki/ingress.yaml", Line: 1,
			Message: `apiVersion extensions/v1beta1 is no longer served for Ingress; use networking.k8s.io/v1`,
			Key:     &model.Key{Namespace: "wiki", Name: "old-wiki"}}},
	})

	// In sync.
	blog := ingress("blog", "blog", nil, "blog.example.com", "", pathSpec{"/", "ghost", 2368}, pathSpec{"/assets", "assets", 80})
	add(model.Entry{Key: model.Key{Namespace: "blog", Name: "blog"}, Status: model.StatusInSync,
		Live: live(blog, mgrApply), Desired: desired(blog, "apps/blog/ingress.yaml", 1),
		Git: model.FileInfo{Status: model.FileClean, LastCommit: commitBlog}})
	hooks := ingress("payments", "webhooks", nil, "hooks.pay.example.com", "", pathSpec{"/stripe", "webhooks", 8080})
	add(model.Entry{Key: model.Key{Namespace: "payments", Name: "webhooks"}, Status: model.StatusInSync,
		Live: live(hooks, mgrApply), Desired: desired(hooks, "apps/payments/webhooks.json", 1),
		Git: model.FileInfo{Status: model.FileClean, LastCommit: commitPay}})
	grafana := ingress("tools", "grafana", map[string]string{"nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/oauth2/auth"},
		"grafana.internal.example.com", "", pathSpec{"/", "grafana", 3000})
	grafanaLive := grafana.DeepCopy()
	grafanaLive.Annotations["ingress.kubernetes.io/backends"] = `{"k8s-be-30000":"HEALTHY"}`
	add(model.Entry{Key: model.Key{Namespace: "tools", Name: "grafana"}, Status: model.StatusInSync,
		Live: live(grafanaLive, mgrApply, mgrCtrl), Desired: desired(grafana, "platform/tools.yaml", 1),
		Ignored: []model.IgnoredChange{{Change: model.Change{Path: "metadata.annotations[ingress.kubernetes.io/backends]", Op: diffengine.OpAdded,
			Category: diffengine.CategoryMetadata, Severity: diffengine.SeverityLow, Live: `{"k8s-be-30000":"HEALTHY"}`},
			IgnoredBy: "built-in: ingress-gce status annotation"}},
		Git: model.FileInfo{Status: model.FileClean, LastCommit: commitPlat}})
	return out
}

// fixtureSnapshot is the fixture with both sides' states.
func fixtureSnapshot() model.Snapshot {
	return model.Snapshot{
		Entries: fixtureEntries(),
		Cluster: model.ConnState{Phase: model.ConnLive, Since: ago(time.Hour), Context: "kind-prod", Server: "https://127.0.0.1:6443"},
		Repo: model.RepoState{Root: "/home/dana/src/infra", GitRoot: "/home/dana/src/infra", Head: "4d5e6f7",
			Branch: "main", Dirty: true},
	}
}

// entryByKey finds a fixture entry.
func entryByKey(entries []model.Entry, ns, name string) model.Entry {
	for _, e := range entries {
		if e.Key.Namespace == ns && e.Key.Name == name {
			return e
		}
	}
	panic(fmt.Sprintf("no fixture entry %s/%s", ns, name))
}

// syntheticEntries makes n entries with a spread of statuses and
// severities, for benchmarks and ordering tests.
func syntheticEntries(n int) []model.Entry {
	statuses := []model.Status{model.StatusInSync, model.StatusInSync, model.StatusInSync, model.StatusDrifted,
		model.StatusMissingLive, model.StatusMissingGit, model.StatusConflict, model.StatusError}
	out := make([]model.Entry, n)
	for i := range out {
		ns := fmt.Sprintf("team-%03d", i%97)
		name := fmt.Sprintf("app-%05d", i)
		ing := ingress(ns, name, nil, name+".example.com", "", pathSpec{"/", name, 80})
		st := statuses[i%len(statuses)]
		e := model.Entry{Key: model.Key{Namespace: ns, Name: name}, Status: st, Version: uint64(i + 1)}
		if st != model.StatusMissingLive {
			e.Live = live(ing, model.Manager{Manager: "kubectl-patch", Operation: "Update", Time: ago(time.Duration(i%300) * time.Minute)})
		}
		if st != model.StatusMissingGit {
			e.Desired = desired(ing, fmt.Sprintf("apps/%s/ingress.yaml", ns), 1+i%40)
		}
		if st == model.StatusDrifted {
			e.Severity = model.Severity(1 + i%4)
			e.Categories = []model.Category{diffengine.CategoryRouting}
		}
		out[i] = e
	}
	return out
}

// fakeSource is a Source whose batches the test sends by hand.
type fakeSource struct {
	mu       sync.Mutex
	snap     model.Snapshot
	ch       chan model.Batch
	canceled bool
}

func newFakeSource(s model.Snapshot) *fakeSource {
	return &fakeSource{snap: s, ch: make(chan model.Batch)}
}

func (f *fakeSource) Snapshot() model.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fakeSource) Subscribe() (<-chan model.Batch, func()) {
	return f.ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !f.canceled {
			f.canceled = true
			close(f.ch)
		}
	}
}
