package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/manifest"
)

// The reconcile rules, against the in-memory edges of fakes_test.go:
// what is refused and why, the preconditions from Plan to Execute, what
// each operation writes, the commit and the audit log. The same flows
// against a real API server and git repo are in actions_test.go and
// precommit_test.go.

const shopDoc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
    team: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80   # the web port
`

// shopFile holds shop and admin, with comments around them.
var shopFile = "# Shop, owned by team-shop.\n---\n" + shopDoc + "---\n# Admin UI.\n" +
	strings.NewReplacer("name: shop", "name: admin", "shop.example.com", "admin.example.com").Replace(shopDoc)

var (
	shop      = model.Key{Namespace: "shop", Name: "shop"}
	admin     = model.Key{Namespace: "shop", Name: "admin"}
	handmade  = model.Key{Namespace: "shop", Name: "handmade"}
	manifests = map[string]string{"apps/shop.yaml": shopFile}
)

// liveOf is the Ingress of doc, changed by edit, as the cluster would
// hold it.
func liveOf(t *testing.T, name string, edit func(*networkingv1.Ingress)) *networkingv1.Ingress {
	t.Helper()
	ing := decode(t, strings.Replace(shopDoc, "name: shop", "name: "+name, 1))
	if edit != nil {
		edit(ing)
	}
	return ing
}

// annotated adds an annotation by hand.
func annotated(ing *networkingv1.Ingress) {
	ing.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"
}

// drifted is the usual unit: shop drifted (an annotation added live),
// admin in sync, handmade only live.
func drifted(t *testing.T) *unit {
	t.Helper()
	return newUnit(t, manifests, liveOf(t, "shop", annotated), liveOf(t, "admin", func(i *networkingv1.Ingress) {
		i.Spec.Rules[0].Host = "admin.example.com"
	}), liveOf(t, "handmade", nil))
}

func refusedWith(t *testing.T, what string, err error, want string) {
	t.Helper()
	var refused *model.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s = %v, want refused: %q", what, err, want)
	}
}

// TestUnitPlanRefusals: every status, side and origin no action applies
// to is refused with its reason, and nothing is written.
func TestUnitPlanRefusals(t *testing.T) {
	both := []model.Action{model.ActionRevert, model.ActionAccept}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T) *unit
		key     model.Key
		actions []model.Action
		want    string
	}{
		{"read-only", func(t *testing.T) *unit { u := drifted(t); u.e.opts.ReadOnly = true; return u }, shop, both, "read-only mode (--read-only)"},
		{"unknown key", drifted, model.Key{Namespace: "shop", Name: "nowhere"}, both, "neither in the cluster nor in a manifest under /unit/repo"},
		{"in sync", drifted, admin, both, "shop/admin is in sync: nothing to reconcile"},
		{"error", func(t *testing.T) *unit {
			u := drifted(t)
			u.e.Inv.SetSource("apps/broken.yaml", nil, []model.RepoError{{File: "apps/broken.yaml", Line: 7, Message: "extensions/v1beta1 is gone", Key: &shop}})
			return u
		}, shop, both, "the manifest cannot be read; fix it first: apps/broken.yaml:7: extensions/v1beta1 is gone"},
		{"conflict", func(t *testing.T) *unit {
			u := drifted(t)
			u.st.files["apps/copy.yaml"] = []byte(shopDoc)
			u.refresh(t, "apps/copy.yaml")
			return u
		}, shop, both, "shop/shop is defined 2 times in Git (apps/copy.yaml:1, apps/shop.yaml:3): remove one first"},
		{"live unknown", func(t *testing.T) *unit {
			// The repo is read, the cluster never listed.
			u := &unit{cl: newFakeCluster(), st: newFakeStore(manifests)}
			u.e = &Engine{Inv: model.NewInventory(diffengine.Options{DefaultNamespace: "default"}), writer: u.cl, store: u.st}
			u.refresh(t, "apps/shop.yaml")
			u.e.Inv.SetRepo(model.RepoState{Root: u.st.Root()})
			return u
		}, shop, both, "the cluster has not been listed yet"},
		{"git unknown, delete and new manifest", func(t *testing.T) *unit {
			u := drifted(t)
			u.st.files["apps/broken.yaml"] = []byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n\tname: x\n")
			u.refresh(t, "apps/broken.yaml")
			return u
		}, handmade, both, "nothing deleted or written: apps/broken.yaml:1:"},
		{"live file", func(t *testing.T) *unit { u := drifted(t); u.e.writer, u.e.opts.LiveFile = nil, "dump.yaml"; return u },
			shop, []model.Action{model.ActionRevert}, "the live side was read from --live-file dump.yaml: there is no cluster to revert"},
		{"rev", func(t *testing.T) *unit { u := drifted(t); u.e.opts.Rev = "HEAD~1"; return u },
			shop, []model.Action{model.ActionAccept}, "comparing against --rev HEAD~1"},
		{"forbidden", func(t *testing.T) *unit { u := drifted(t); u.cl.access.Delete = false; return u },
			handmade, []model.Action{model.ActionRevert}, "forbidden: user unit-user cannot delete ingresses in namespace shop"},
		{"kustomize", func(t *testing.T) *unit {
			u := drifted(t)
			e, _ := u.e.Inv.Get(shop)
			d := e.Desired[0]
			d.Origin = model.Origin{File: "kust/kustomization.yaml", Line: 1, Item: -1, Kustomization: "kust"}
			u.e.Inv.RemoveSource("apps/shop.yaml")
			u.e.Inv.SetSource("kustomize:kust", []model.Desired{d}, nil)
			return u
		}, shop, []model.Action{model.ActionAccept}, "shop/shop is rendered by kustomize from kust/kustomization.yaml"},
		{"List item", func(t *testing.T) *unit {
			u := drifted(t)
			e, _ := u.e.Inv.Get(shop)
			d := e.Desired[0]
			d.Origin.Item = 2
			u.e.Inv.SetSource("apps/shop.yaml", []model.Desired{d}, nil)
			return u
		}, shop, []model.Action{model.ActionAccept}, "shop/shop is item 2 of a List in apps/shop.yaml:3: edit it by hand"},
		{"read-only file", func(t *testing.T) *unit { u := drifted(t); u.st.readOnly["apps/shop.yaml"] = true; return u },
			shop, []model.Action{model.ActionAccept}, "apps/shop.yaml is read-only"},
		{"new manifest exists", func(t *testing.T) *unit {
			u := drifted(t)
			u.st.files["shop/handmade.yaml"] = []byte("# taken\n")
			return u
		},
			handmade, []model.Action{model.ActionAccept}, "shop/handmade.yaml already exists (set newManifestPath in .ingress-drift.yaml"},
		{"edit refused in place", func(t *testing.T) *unit {
			u := newUnit(t, map[string]string{"apps/shop.yaml": strings.Replace(shopDoc, "    team: shop\n",
				"    team: &team shop\n    owner: *team\n", 1)}, liveOf(t, "shop", func(i *networkingv1.Ingress) {
				i.Annotations = map[string]string{"team": "web", "owner": "shop"}
			}))
			return u
		}, shop, []model.Action{model.ActionAccept}, "apps/shop.yaml:7: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.setup(t)
			u.st.calls = nil
			files := map[string]string{}
			for name, b := range u.st.files {
				files[name] = string(b)
			}
			for _, a := range tc.actions {
				p, err := u.e.Plan(context.Background(), tc.key, a)
				refusedWith(t, "plan "+string(a), err, tc.want)
				if p != nil {
					t.Errorf("plan %s: a refusal came with a plan: %+v", a, p)
				}
			}
			if w := u.cl.writes(); len(w) != 0 {
				t.Errorf("the cluster was written: %v", w)
			}
			for name, b := range u.st.files {
				if files[name] != string(b) {
					t.Errorf("%s was written", name)
				}
			}
			if len(u.st.calls) != 0 {
				t.Errorf("the store was asked to write: %v", u.st.calls)
			}
		})
	}
}

// TestUnitUnknownAction: an action that is neither revert nor accept is
// an error, not a refusal.
func TestUnitUnknownAction(t *testing.T) {
	u := drifted(t)
	_, err := u.e.Plan(context.Background(), shop, model.Action("merge"))
	var refused *model.RefusedError
	if err == nil || errors.As(err, &refused) || !strings.Contains(err.Error(), `unknown action "merge" (want revert or accept)`) {
		t.Errorf("plan merge = %v, want an unknown-action error", err)
	}
}

// TestUnitExecutePreconditions: whatever moved between the preview and
// the confirmation refuses the write, and nothing is written.
func TestUnitExecutePreconditions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		key    model.Key
		action model.Action
		opts   model.ExecOptions
		// change runs between Plan and Execute.
		change func(t *testing.T, u *unit)
		stale  bool
		want   string
	}{
		{"live moved, seen by the watch", shop, model.ActionRevert, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.cl.put(liveOf(t, "shop", func(i *networkingv1.Ingress) { annotated(i); i.Annotations["touched"] = "2" }))
			u.sync()
		}, true, `shop/shop in the cluster (resourceVersion "101" → "104")`},
		{"live moved, not seen yet", shop, model.ActionRevert, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.cl.put(liveOf(t, "shop", func(i *networkingv1.Ingress) { annotated(i); i.Annotations["touched"] = "2" }))
		}, true, "shop/shop (resourceVersion 101 is no longer current)"},
		{"live moved before an accept", shop, model.ActionAccept, model.ExecOptions{Confirm: "shop"}, func(t *testing.T, u *unit) {
			u.cl.put(liveOf(t, "shop", annotated))
			u.sync()
		}, true, "shop/shop in the cluster"},
		{"deleted and recreated before a delete", handmade, model.ActionRevert, model.ExecOptions{Confirm: "handmade"}, func(t *testing.T, u *unit) {
			delete(u.cl.objs, handmade)
			u.cl.put(liveOf(t, "handmade", nil))
		}, true, "shop/handmade"},
		{"manifest changed on disk, revert", shop, model.ActionRevert, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.st.files["apps/shop.yaml"] = append(u.st.files["apps/shop.yaml"], "# a person's note\n"...)
		}, true, "apps/shop.yaml (changed on disk since the preview)"},
		{"manifest changed on disk, accept", shop, model.ActionAccept, model.ExecOptions{Confirm: "shop"}, func(t *testing.T, u *unit) {
			u.st.files["apps/shop.yaml"] = append(u.st.files["apps/shop.yaml"], "# a person's note\n"...)
		}, true, "apps/shop.yaml"},
		{"manifest changed in the inventory", shop, model.ActionRevert, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.st.files["apps/shop.yaml"] = []byte(strings.Replace(string(u.st.files["apps/shop.yaml"]), "number: 80", "number: 81", 1))
			u.refresh(t, "apps/shop.yaml")
		}, true, "the manifest of shop/shop"},
		{"new manifest written meanwhile", handmade, model.ActionAccept, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.st.files["shop/handmade.yaml"] = []byte("# someone else's\n")
		}, true, "shop/handmade.yaml"},
		{"became unknown after the preview", handmade, model.ActionRevert, model.ExecOptions{Confirm: "handmade"}, func(t *testing.T, u *unit) {
			u.st.files["apps/broken.yaml"] = []byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n\tname: x\n")
			u.refresh(t, "apps/broken.yaml")
		}, false, "nothing deleted or written: apps/broken.yaml:1:"},
		{"new manifest after it became unknown", handmade, model.ActionAccept, model.ExecOptions{}, func(t *testing.T, u *unit) {
			u.st.files["apps/broken.yaml"] = []byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n\tname: x\n")
			u.refresh(t, "apps/broken.yaml")
		}, false, "nothing deleted or written: apps/broken.yaml:1:"},
		{"read-only since", shop, model.ActionRevert, model.ExecOptions{}, func(t *testing.T, u *unit) { u.e.opts.ReadOnly = true }, false, "read-only mode"},
		{"delete not confirmed", handmade, model.ActionRevert, model.ExecOptions{Confirm: "handmad"}, nil, false, `not confirmed: type the name "handmade" to delete-live`},
		{"removal not confirmed", admin, model.ActionAccept, model.ExecOptions{}, nil, false, `not confirmed: type the name "admin" to remove-manifest`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := drifted(t)
			if tc.key == admin { // admin missing live
				delete(u.cl.objs, admin)
				u.sync()
			}
			p := u.plan(t, tc.key, tc.action)
			if tc.change != nil {
				tc.change(t, u)
			}
			live := map[model.Key]string{}
			for k, o := range u.cl.objs {
				live[k] = o.ResourceVersion
			}
			files := map[string]string{}
			for name, b := range u.st.files {
				files[name] = string(b)
			}
			u.cl.calls, u.st.calls = nil, nil
			out, err := u.e.Execute(context.Background(), p, tc.opts)
			if out != nil {
				t.Errorf("a refused execute has an outcome: %+v", out)
			}
			result := "refused"
			if tc.stale {
				result = "stale"
				if !errors.Is(err, model.ErrStale) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("execute = %v, want stale: %q", err, tc.want)
				}
			} else {
				refusedWith(t, "execute", err, tc.want)
			}
			for k, o := range u.cl.objs {
				if live[k] != o.ResourceVersion {
					t.Errorf("%s was written", k)
				}
			}
			if len(u.cl.objs) != len(live) {
				t.Errorf("objects %d → %d", len(live), len(u.cl.objs))
			}
			for name, b := range u.st.files {
				if files[name] != string(b) {
					t.Errorf("%s was written", name)
				}
			}
			if len(u.st.files) != len(files) {
				t.Errorf("files %d → %d", len(files), len(u.st.files))
			}
			if r := u.records(t); len(r) != 1 || r[0].Result != result || r[0].Error != err.Error() {
				t.Errorf("audit = %+v, want one %s record", r, result)
			}
		})
	}
}

// TestUnitForeignPlan: a plan this engine did not make (no payload, as
// after a JSON round trip) is not executed.
func TestUnitForeignPlan(t *testing.T) {
	u := drifted(t)
	p := u.plan(t, shop, model.ActionRevert)
	p.Payload = nil
	if _, err := u.e.Execute(context.Background(), p, model.ExecOptions{}); err == nil || !strings.Contains(err.Error(), "not made by this engine") {
		t.Errorf("execute of a foreign plan = %v", err)
	}
	if w := u.cl.writes(); len(w) != 0 {
		t.Errorf("the cluster was written: %v", w)
	}
}

// TestUnitRevertWrites: each revert operation previews with a dry run
// and writes, carrying the preconditions the user saw, exactly what it
// previewed.
func TestUnitRevertWrites(t *testing.T) {
	t.Run("update", func(t *testing.T) {
		u := newUnit(t, manifests, liveOf(t, "shop", func(i *networkingv1.Ingress) {
			annotated(i)
			i.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number = 8080
		}))
		p := u.plan(t, shop, model.ActionRevert)
		if p.Operation != model.OpUpdateLive || p.File != "apps/shop.yaml" || p.ResourceVersion != "101" || p.FileHash == "" || len(p.Changes) != 2 || len(p.Remaining) != 0 ||
			p.Summary != "update shop/shop in the cluster (context unit, https://unit.test): 2 field(s) back to apps/shop.yaml:3" {
			t.Fatalf("plan = %+v", p)
		}
		if want := []string{"access shop", "get shop/shop", "dry-run update shop/shop"}; !slices.Equal(u.cl.calls, want) {
			t.Errorf("plan called %v, want %v", u.cl.calls, want)
		}
		out := u.execute(t, p, model.ExecOptions{})
		if out.Message != "reverted shop/shop to apps/shop.yaml (resourceVersion 102)" {
			t.Errorf("message = %q", out.Message)
		}
		got := u.cl.objs[shop]
		if _, ok := got.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]; ok || got.Annotations["team"] != "shop" || got.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Number != 80 {
			t.Errorf("after the revert: %v %+v", got.Annotations, got.Spec)
		}
		r := u.records(t)
		if len(r) != 1 || r[0].Before == "" || r[0].After != fingerprint(got) || len(r[0].Paths) != 2 {
			t.Errorf("audit = %+v", r)
		}
		// Before is the object sent (the live one with the manifest's
		// fields), After the one stored.
		if len(u.cl.sent) != 1 || len(r) != 1 || r[0].Before != fingerprint(u.cl.sent[0]) || r[0].Before == r[0].After {
			t.Errorf("audit = %+v, %d sent: want before = the fingerprint of the object sent", r, len(u.cl.sent))
		}
	})
	t.Run("create", func(t *testing.T) {
		u := newUnit(t, manifests, liveOf(t, "shop", nil))
		p := u.plan(t, admin, model.ActionRevert)
		if p.Operation != model.OpCreateLive || p.ConfirmName != "" || p.ResourceVersion != "" || len(p.Changes) == 0 ||
			p.Summary != "create shop/admin in the cluster (context unit, https://unit.test) from apps/shop.yaml:25" {
			t.Fatalf("plan = %+v", p)
		}
		if _, ok := u.cl.objs[admin]; ok {
			t.Fatal("the preview created the object")
		}
		if want := []string{"access shop", "dry-run create shop/admin"}; !slices.Equal(u.cl.calls, want) {
			t.Errorf("plan called %v, want %v", u.cl.calls, want)
		}
		out := u.execute(t, p, model.ExecOptions{})
		got, ok := u.cl.objs[admin]
		if !ok || got.Spec.Rules[0].Host != "admin.example.com" || out.Message != "created shop/admin from apps/shop.yaml" {
			t.Errorf("after the create: %v %+v, message %q", ok, got, out.Message)
		}
		if r := u.records(t); len(r) != 1 || r[0].Before != "" || r[0].After != fingerprint(got) {
			t.Errorf("audit = %+v, want after = the fingerprint of the object created", r)
		}
	})
	t.Run("create, no namespace in the manifest", func(t *testing.T) {
		// The object goes to the key's namespace (the default one here),
		// which the API server needs: it has no default of its own.
		doc := strings.Replace(strings.Replace(shopDoc, "  namespace: shop\n", "", 1), "name: shop", "name: plain", 1)
		u := newUnit(t, map[string]string{"apps/plain.yaml": doc})
		plain := model.Key{Namespace: "default", Name: "plain"}
		p := u.plan(t, plain, model.ActionRevert)
		if p.Operation != model.OpCreateLive || len(p.Remaining) != 0 ||
			p.Summary != "create default/plain in the cluster (context unit, https://unit.test) from apps/plain.yaml:1" {
			t.Fatalf("plan = %+v", p)
		}
		u.execute(t, p, model.ExecOptions{})
		if got, ok := u.cl.objs[plain]; !ok || got.Namespace != "default" || len(u.cl.objs) != 1 {
			t.Errorf("after the create: %v %+v", ok, u.cl.objs)
		}
		if len(u.cl.sent) != 1 || u.cl.sent[0].Namespace != "default" {
			t.Errorf("created %+v, want it sent with namespace default", u.cl.sent)
		}
	})
	t.Run("delete", func(t *testing.T) {
		u := drifted(t)
		uid := string(u.cl.objs[handmade].UID)
		p := u.plan(t, handmade, model.ActionRevert)
		if p.Operation != model.OpDeleteLive || p.ConfirmName != "handmade" || p.UID != uid || p.File != "" ||
			p.Summary != "delete shop/handmade from the cluster (context unit, https://unit.test): it is in no manifest under /unit/repo" {
			t.Fatalf("plan = %+v", p)
		}
		if want := []string{"access shop", "get shop/handmade", "dry-run delete shop/handmade"}; !slices.Equal(u.cl.calls, want) {
			t.Errorf("plan called %v, want %v", u.cl.calls, want)
		}
		if _, ok := u.cl.objs[handmade]; !ok {
			t.Fatal("the preview deleted the object")
		}
		out := u.execute(t, p, model.ExecOptions{Confirm: "handmade"})
		if _, ok := u.cl.objs[handmade]; ok || out.Message != "deleted shop/handmade from the cluster" {
			t.Errorf("after the delete: still there %v, message %q", ok, out.Message)
		}
		if r := u.records(t); len(r) != 1 || r[0].Before != p.ResourceVersion || r[0].After != "" {
			t.Errorf("audit = %+v", r)
		}
	})
}

// TestUnitAcceptWrites: each accept operation writes its file as
// previewed and refreshes the inventory.
func TestUnitAcceptWrites(t *testing.T) {
	t.Run("edit", func(t *testing.T) {
		u := drifted(t)
		before := string(u.st.files["apps/shop.yaml"])
		p := u.plan(t, shop, model.ActionAccept)
		// ssl-redirect "false" is critical: the accept needs the name typed.
		if p.Operation != model.OpEditManifest || p.File != "apps/shop.yaml" || p.ConfirmName != "shop" || len(p.Changes) != 1 ||
			!strings.Contains(p.FileDiff, `+    nginx.ingress.kubernetes.io/ssl-redirect: "false"`) ||
			p.Summary != "write 1 live field(s) of shop/shop into apps/shop.yaml:3 (document 1); 1 critical change(s) become the desired state: type the name to confirm" {
			t.Fatalf("plan = %+v", p)
		}
		out := u.execute(t, p, model.ExecOptions{Confirm: "shop"})
		want := strings.Replace(before, "    team: shop\n", "    team: shop\n    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\n", 1)
		if got := string(u.st.files["apps/shop.yaml"]); got != want {
			t.Errorf("file after the accept:\n%s\nwant every other byte kept:\n%s", got, want)
		}
		if out.Message != "wrote the live state of shop/shop into apps/shop.yaml" || out.Commit != "" {
			t.Errorf("outcome = %+v", out)
		}
		if e, _ := u.e.Inv.Get(shop); e.Status != model.StatusInSync {
			t.Errorf("after the refresh shop is %s", e.Status)
		}
		if slices.Contains(u.st.calls, "check-commit apps/shop.yaml") || len(u.st.commits) != 0 {
			t.Errorf("an accept without --commit asked git: %v", u.st.calls)
		}
	})
	t.Run("new", func(t *testing.T) {
		u := drifted(t)
		p := u.plan(t, handmade, model.ActionAccept)
		if p.Operation != model.OpNewManifest || p.File != "shop/handmade.yaml" || p.FileHash != "" || !strings.HasPrefix(p.FileDiff, "--- /dev/null\n") ||
			p.Summary != "write the live state of shop/handmade to a new manifest shop/handmade.yaml" {
			t.Fatalf("plan = %+v", p)
		}
		out := u.execute(t, p, model.ExecOptions{})
		content := string(u.st.files["shop/handmade.yaml"])
		for _, server := range []string{"resourceVersion", "uid:"} {
			if strings.Contains(content, server) {
				t.Errorf("new manifest holds %s:\n%s", server, content)
			}
		}
		if out.Message != "wrote shop/handmade.yaml from the live state of shop/handmade" {
			t.Errorf("message = %q", out.Message)
		}
		if r := u.records(t); len(r) != 1 || r[0].Before != "" || r[0].After != manifest.Hash([]byte(content)) {
			t.Errorf("audit = %+v, want after = the hash of the new file", r)
		}
		if e, _ := u.e.Inv.Get(handmade); e.Status != model.StatusInSync {
			t.Errorf("after the refresh handmade is %s", e.Status)
		}
	})
	t.Run("remove a document", func(t *testing.T) {
		u := newUnit(t, manifests, liveOf(t, "shop", nil))
		p := u.plan(t, admin, model.ActionAccept)
		if p.Operation != model.OpRemoveManifest || p.ConfirmName != "admin" ||
			p.Summary != "remove shop/admin (document 2) from apps/shop.yaml: it is not in the cluster" {
			t.Fatalf("plan = %+v", p)
		}
		out := u.execute(t, p, model.ExecOptions{Confirm: "admin"})
		if got, want := string(u.st.files["apps/shop.yaml"]), shopFile[:strings.Index(shopFile, "---\n# Admin UI")]; got != want {
			t.Errorf("after removing admin:\n%s\nwant the first document untouched:\n%s", got, want)
		}
		if out.Message != "removed shop/admin from apps/shop.yaml" {
			t.Errorf("message = %q", out.Message)
		}
		if _, ok := u.e.Inv.Get(admin); ok {
			t.Error("admin is still in the inventory")
		}
	})
	t.Run("remove the file", func(t *testing.T) {
		u := newUnit(t, map[string]string{"apps/shop.yaml": shopDoc})
		p := u.plan(t, shop, model.ActionAccept)
		if p.Operation != model.OpRemoveManifest || !strings.Contains(p.FileDiff, "+++ /dev/null") ||
			p.Summary != "delete apps/shop.yaml: its only Ingress, shop/shop, is not in the cluster" {
			t.Fatalf("plan = %+v", p)
		}
		out := u.execute(t, p, model.ExecOptions{Confirm: "shop"})
		if _, ok := u.st.files["apps/shop.yaml"]; ok || out.Message != "deleted apps/shop.yaml (shop/shop was its only Ingress)" {
			t.Errorf("file still there %v, message %q", ok, out.Message)
		}
		if r := u.records(t); len(r) != 1 || r[0].Before != p.FileHash || r[0].After != "" {
			t.Errorf("audit = %+v", r)
		}
	})
}

// TestUnitCommit: with --commit, the commit's preconditions are checked
// before the write; a refusal writes nothing; a commit that fails after
// the write is written, not committed; nothing to commit is said.
func TestUnitCommit(t *testing.T) {
	accept := func(t *testing.T, u *unit, k model.Key, confirm string) (*model.Plan, *model.Outcome, error) {
		t.Helper()
		p := u.plan(t, k, model.ActionAccept)
		u.st.calls = nil
		u.e.afterWrite = func() { u.st.calls = append(u.st.calls, "after-write") }
		out, err := u.e.Execute(context.Background(), p, model.ExecOptions{Commit: true, Confirm: confirm})
		return p, out, err
	}
	for _, tc := range []struct {
		name    string
		key     model.Key
		confirm string
		want    string
	}{
		{"edit", shop, "shop", "ingress-drift: accept live state of shop/shop\n\nChanged paths:\n- metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]\n"},
		{"new", handmade, "", "ingress-drift: accept live state of shop/handmade\n\nNew manifest shop/handmade.yaml, written from the cluster.\n"},
		{"remove", admin, "admin", "ingress-drift: accept live state of shop/admin\n\nRemoved from apps/shop.yaml: the object is not in the cluster.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := drifted(t)
			delete(u.cl.objs, admin)
			u.sync()
			p, out, err := accept(t, u, tc.key, tc.confirm)
			if err != nil || out.Commit != "c0ffee1" {
				t.Fatalf("execute = %+v, %v", out, err)
			}
			if got := u.st.commits[p.File]; got != tc.want {
				t.Errorf("commit message:\n%s\nwant:\n%s", got, tc.want)
			}
			if want := []string{"check-commit " + p.File, "write " + p.File, "refresh " + p.File, "after-write", "commit " + p.File}; !slices.Equal(u.st.calls, want) {
				t.Errorf("calls = %v, want %v", u.st.calls, want)
			}
			if r := u.records(t); len(r) != 1 || r[0].Result != "ok" || r[0].Commit != "c0ffee1" {
				t.Errorf("audit = %+v", r)
			}
		})
	}
	t.Run("refused before writing", func(t *testing.T) {
		u := drifted(t)
		u.st.checkErr = &model.RefusedError{Reason: "HEAD is detached"}
		before := string(u.st.files["apps/shop.yaml"])
		_, out, err := accept(t, u, shop, "shop")
		refusedWith(t, "execute", err, "HEAD is detached")
		if out != nil || string(u.st.files["apps/shop.yaml"]) != before || !slices.Equal(u.st.calls, []string{"check-commit apps/shop.yaml"}) {
			t.Errorf("outcome %+v, calls %v: the file was written although the commit was refused", out, u.st.calls)
		}
		if r := u.records(t); len(r) != 1 || r[0].Result != "refused" || r[0].After != "" {
			t.Errorf("audit = %+v", r)
		}
	})
	t.Run("nothing to commit", func(t *testing.T) {
		u := drifted(t)
		u.st.unchanged = true
		_, out, err := accept(t, u, shop, "shop")
		if err != nil || out.Commit != "" || out.Message != "wrote the live state of shop/shop into apps/shop.yaml; nothing to commit: apps/shop.yaml is now as in HEAD" {
			t.Errorf("execute = %+v, %v", out, err)
		}
		if slices.Contains(u.st.calls, "commit apps/shop.yaml") {
			t.Errorf("committed although nothing changed: %v", u.st.calls)
		}
	})
	t.Run("written, not committed", func(t *testing.T) {
		u := drifted(t)
		u.st.commitErr = &model.RefusedError{Reason: "another git process holds .git/index.lock"}
		_, out, err := accept(t, u, shop, "shop")
		var nc *model.NotCommittedError
		if !errors.As(err, &nc) || nc.File != "apps/shop.yaml" ||
			err.Error() != "written, not committed: apps/shop.yaml was written as previewed, but the commit failed: another git process holds .git/index.lock" {
			t.Fatalf("execute = %v, want written, not committed", err)
		}
		if out == nil || out.Message != "wrote the live state of shop/shop into apps/shop.yaml" || out.Commit != "" {
			t.Errorf("outcome = %+v, want what was written", out)
		}
		if !strings.Contains(string(u.st.files["apps/shop.yaml"]), "ssl-redirect") {
			t.Error("the file was not written")
		}
		if r := u.records(t); len(r) != 1 || r[0].Result != "not-committed" || r[0].After == "" || r[0].Error != err.Error() {
			t.Errorf("audit = %+v, want one not-committed record", r)
		}
	})
}

// TestUnitAuditRecord: a record names who did what where, with hashes
// and paths, never values; a log that cannot be written is said in the
// outcome.
func TestUnitAuditRecord(t *testing.T) {
	u := drifted(t)
	p := u.plan(t, shop, model.ActionAccept)
	u.execute(t, p, model.ExecOptions{Confirm: "shop"})
	r := u.records(t)
	if len(r) != 1 {
		t.Fatalf("audit = %+v", r)
	}
	got := r[0]
	if got.Time.IsZero() || got.KubeUser != "unit-kube-user" || got.Context != "unit" || got.Server != "https://unit.test" || got.Repo != "/unit/repo" ||
		got.Object != "shop/shop" || got.Action != "accept" || got.Operation != "edit-manifest" || got.File != "apps/shop.yaml" ||
		got.Before != p.FileHash || got.After != manifest.Hash(u.st.files["apps/shop.yaml"]) || got.After == got.Before || !slices.Equal(got.Paths, []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]"}) ||
		got.Result != "ok" || got.Error != "" || got.Commit != "" {
		t.Errorf("record = %+v", got)
	}
	if b, _ := json.Marshal(got); strings.Contains(string(b), "false") {
		t.Errorf("a value reached the audit log: %s", b)
	}

	// The log's directory is a file.
	u = drifted(t)
	if err := os.WriteFile(u.audit, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	u.e.opts.AuditLog = filepath.Join(u.audit, "audit.log")
	out := u.execute(t, u.plan(t, shop, model.ActionRevert), model.ExecOptions{})
	if !strings.Contains(out.Message, "(not recorded in the audit log: ") {
		t.Errorf("message = %q, want the audit failure said", out.Message)
	}
}

// TestUnitPlanStale: a preview is refused as stale, before any dry run,
// when what it would be made from is not what the inventory read — the
// live object moved since it was listed, or the manifest's document on
// disk no longer decodes to the one read or is no longer where it was.
func TestUnitPlanStale(t *testing.T) {
	edit := func(old, new string) func(t *testing.T, u *unit) {
		return func(t *testing.T, u *unit) {
			f := string(u.st.files["apps/shop.yaml"])
			if !strings.Contains(f, old) {
				t.Fatalf("apps/shop.yaml has no %q", old)
			}
			u.st.files["apps/shop.yaml"] = []byte(strings.Replace(f, old, new, 1))
		}
	}
	for _, tc := range []struct {
		name   string
		action model.Action
		// change runs before Plan, unseen by the inventory.
		change func(t *testing.T, u *unit)
		what   string
	}{
		{"live moved since the list", model.ActionRevert, func(t *testing.T, u *unit) {
			u.cl.put(liveOf(t, "shop", func(i *networkingv1.Ingress) { annotated(i); i.Annotations["touched"] = "2" }))
		}, "shop/shop (resourceVersion 101 → 104)"},
		{"document changed in place", model.ActionRevert, edit("number: 80", "number: 81"),
			"apps/shop.yaml (changed on disk; the list catches up in a moment)"},
		{"document no longer decodes", model.ActionRevert, edit("kind: Ingress", "kind: Ingresz"),
			"apps/shop.yaml (changed on disk; the list catches up in a moment)"},
		{"document moved, revert", model.ActionRevert, edit("# Shop", "# The shop"),
			"apps/shop.yaml (the document moved since it was read)"},
		{"document moved, accept", model.ActionAccept, edit("# Shop", "# The shop"),
			"apps/shop.yaml (the document moved since it was read)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := drifted(t)
			tc.change(t, u)
			u.cl.calls, u.st.calls = nil, nil
			p, err := u.e.Plan(context.Background(), shop, tc.action)
			var stale *model.StaleError
			if !errors.As(err, &stale) || !errors.Is(err, model.ErrStale) || stale.What != tc.what ||
				err.Error() != "refused: "+tc.what+" changed since the preview; nothing was written — review the new diff" {
				t.Errorf("plan = %v, want stale: %s", err, tc.what)
			}
			if p != nil {
				t.Errorf("a stale preview came with a plan: %+v", p)
			}
			for _, call := range u.cl.calls {
				if !strings.HasPrefix(call, "access ") && !strings.HasPrefix(call, "get ") {
					t.Errorf("the cluster was asked %q", call)
				}
			}
			if len(u.st.calls) != 0 {
				t.Errorf("the store was asked to write: %v", u.st.calls)
			}
		})
	}
}

// TestUnitRevertRemaining: a revert's preview says what would still
// differ from the manifest after the write — what a mutating webhook
// puts back — and not the differences the ignore rules hide, whose live
// values the write keeps.
func TestUnitRevertRemaining(t *testing.T) {
	const injected = "webhook.example.com/injected"
	paths := func(cs []model.Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Path)
		}
		return out
	}
	t.Run("a webhook adds an annotation", func(t *testing.T) {
		u := drifted(t)
		u.cl.mutate = func(i *networkingv1.Ingress) { i.Annotations[injected] = "yes" }
		p := u.plan(t, shop, model.ActionRevert)
		want := "metadata.annotations[" + injected + "]"
		if len(p.Remaining) != 1 || p.Remaining[0].Path != want || p.Remaining[0].Op != diffengine.OpAdded ||
			p.Remaining[0].Git != nil || p.Remaining[0].Live != "yes" {
			t.Errorf("remaining = %+v, want %s added live, yes", p.Remaining, want)
		}
		if got := paths(p.Changes); !slices.Equal(got, []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", want}) {
			t.Errorf("changes = %v", got)
		}
	})
	for _, tc := range []struct {
		name, key, value string
		rules            []diffengine.IgnoreRule
	}{
		{name: "a built-in ignore", key: "ingress.kubernetes.io/backends", value: `{"k8s-be-30080":"HEALTHY"}`},
		{name: "an ignore rule of the repo", key: "example.com/deployed-at", value: "monday",
			rules: []diffengine.IgnoreRule{{Annotations: []string{"example.com/deployed-at"}, Source: ".ingress-drift.yaml:2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := newUnit(t, manifests, liveOf(t, "shop", func(i *networkingv1.Ingress) {
				annotated(i)
				i.Annotations[tc.key] = tc.value
			}))
			u.st.cfg.Ignore = tc.rules
			u.e.Inv.SetIgnoreRules(tc.rules)
			if e, _ := u.e.Inv.Get(shop); len(e.Ignored) != 1 || len(e.Changes) != 1 {
				t.Fatalf("entry changes %+v, ignored %+v: want the ssl-redirect drift and %s ignored", e.Changes, e.Ignored, tc.key)
			}
			p := u.plan(t, shop, model.ActionRevert)
			if p.Remaining == nil || len(p.Remaining) != 0 {
				t.Errorf("remaining = %#v, want none: %s is ignored", p.Remaining, tc.key)
			}
			if got := paths(p.Changes); !slices.Equal(got, []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect]"}) {
				t.Errorf("changes = %v, want only the drift", got)
			}
			u.execute(t, p, model.ExecOptions{})
			if got := u.cl.objs[shop].Annotations; got[tc.key] != tc.value || len(got) != 2 {
				t.Errorf("after the revert: %v, want team and %s kept", got, tc.key)
			}
		})
	}
}

// TestUnitRefreshError: an accept whose inventory refresh fails is still
// done (the file is written), and its outcome says the refresh failed.
func TestUnitRefreshError(t *testing.T) {
	u := drifted(t)
	u.st.refreshErr = errors.New("apps/shop.yaml: permission denied")
	p := u.plan(t, shop, model.ActionAccept)
	out := u.execute(t, p, model.ExecOptions{Confirm: "shop"})
	if want := "wrote the live state of shop/shop into apps/shop.yaml (refresh: apps/shop.yaml: permission denied)"; out.Message != want {
		t.Errorf("message = %q, want %q", out.Message, want)
	}
	if !strings.Contains(string(u.st.files["apps/shop.yaml"]), "ssl-redirect") {
		t.Error("the file was not written")
	}
	if r := u.records(t); len(r) != 1 || r[0].Result != "ok" {
		t.Errorf("audit = %+v", r)
	}
}

// TestUnitAcceptCriticalNeedsName: an accept that writes a critical change
// into Git (a security regression made the desired state) names it and
// needs the object's name typed, as a delete does; one that writes only
// lesser changes needs a plain yes.
func TestUnitAcceptCriticalNeedsName(t *testing.T) {
	u := drifted(t)
	p := u.plan(t, shop, model.ActionAccept)
	want := []string{"metadata.annotations[nginx.ingress.kubernetes.io/ssl-redirect] (https-redirect-disabled)"}
	if p.ConfirmName != "shop" || !slices.Equal(p.Critical, want) {
		t.Fatalf("plan: confirm %q, critical %q; want shop, %q", p.ConfirmName, p.Critical, want)
	}
	before := string(u.st.files["apps/shop.yaml"])
	for _, typed := range []string{"", "sho"} {
		out, err := u.e.Execute(context.Background(), p, model.ExecOptions{Confirm: typed})
		refusedWith(t, "execute", err, `not confirmed: type the name "shop" to edit-manifest (it writes 1 critical change(s) into Git)`)
		if out != nil || string(u.st.files["apps/shop.yaml"]) != before {
			t.Errorf("typed %q: outcome %+v, file written: %v", typed, out, string(u.st.files["apps/shop.yaml"]) != before)
		}
	}
	if r := u.records(t); len(r) != 2 || r[0].Result != "refused" || r[1].Result != "refused" {
		t.Errorf("audit = %+v, want two refused records", r)
	}
	u.execute(t, p, model.ExecOptions{Confirm: "shop"})
	if !strings.Contains(string(u.st.files["apps/shop.yaml"]), `ssl-redirect: "false"`) {
		t.Error("confirmed, but the file was not written")
	}

	// A new manifest written from a hand-made object with a snippet makes
	// the snippet the desired state: the same.
	u = newUnit(t, manifests, liveOf(t, "handmade", func(i *networkingv1.Ingress) {
		i.Annotations["nginx.ingress.kubernetes.io/server-snippet"] = "location /debug { return 200; }"
	}))
	p = u.plan(t, handmade, model.ActionAccept)
	if want := []string{"metadata.annotations[nginx.ingress.kubernetes.io/server-snippet] (snippet-added-or-changed)"}; p.Operation != model.OpNewManifest ||
		p.ConfirmName != "handmade" || !slices.Equal(p.Critical, want) {
		t.Fatalf("new manifest plan: %s, confirm %q, critical %q; want new-manifest, handmade, %q", p.Operation, p.ConfirmName, p.Critical, want)
	}
	_, err := u.e.Execute(context.Background(), p, model.ExecOptions{})
	refusedWith(t, "execute new manifest", err, `type the name "handmade"`)
	u.execute(t, p, model.ExecOptions{Confirm: "handmade"})

	// A body-size change is medium: no name to type, nothing listed.
	m := newUnit(t, manifests, liveOf(t, "shop", func(i *networkingv1.Ingress) {
		i.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"] = "16m"
	}))
	p = m.plan(t, shop, model.ActionAccept)
	if p.ConfirmName != "" || p.Critical != nil || strings.Contains(p.Summary, "critical") {
		t.Errorf("medium accept: confirm %q, critical %q, summary %q; want none", p.ConfirmName, p.Critical, p.Summary)
	}
	m.execute(t, p, model.ExecOptions{})
}

// TestUnitDefaultClassByFlag: a default class fixed by
// --default-ingress-class stays, whatever the cluster's lookup, its
// IngressClass watch or a live file later says (they all go through
// setDefaultClass); without the flag what they say counts.
func TestUnitDefaultClassByFlag(t *testing.T) {
	noClass := strings.Replace(shopDoc, "  ingressClassName: nginx\n", "", 1)
	for _, byFlag := range []bool{false, true} {
		u := newUnit(t, map[string]string{"apps/shop.yaml": noClass}, liveOf(t, "shop", nil))
		u.e.classByFlag = byFlag
		u.e.setDefaultClass("nginx")
		want, class := model.StatusInSync, "nginx"
		if byFlag {
			want, class = model.StatusDrifted, ""
		}
		if e, _ := u.e.Inv.Get(shop); e.Status != want || u.e.DiffOptions().DefaultIngressClass != class {
			t.Errorf("by flag %v: shop is %s with class %q, want %s with %q", byFlag, e.Status, u.e.DiffOptions().DefaultIngressClass, want, class)
		}
	}
}
