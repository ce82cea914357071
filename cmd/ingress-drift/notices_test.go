package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingress-drift/ingress-drift/diffengine"
	"github.com/ingress-drift/ingress-drift/model"
)

// noticeSnapshot is a read inventory, fed by hand as the renderers will:
// one object in sync from a chart, one error, and two notices.
func noticeSnapshot(withError bool) model.Snapshot {
	inv := model.NewInventory(diffengine.Options{})
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}
	live := ing.DeepCopy()
	live.Annotations = map[string]string{"meta.helm.sh/release-name": "web-prod", "meta.helm.sh/release-namespace": "shop"}
	inv.UpsertLive(&model.LiveObject{Ingress: live})
	helm := &model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Template: "charts/web/templates/ingress.yaml"}
	inv.SetSource("helm:charts/web", []model.Desired{{Ingress: ing, Namespace: "shop",
		Origin: model.Origin{File: helm.Template, Line: 1, Item: -1, Helm: helm}}}, []model.RepoError{
		{File: "apps/web.yaml", Line: 3, Message: "values not all known: valuesFrom Secret web-values is never read", Notice: true},
	})
	inv.SetSource("charts", nil, []model.RepoError{{File: "charts/legacy", Message: "no release renders this chart", Notice: true}})
	if withError {
		k := model.Key{Namespace: "wiki", Name: "old"}
		inv.SetSource("apps/old.yaml", nil, []model.RepoError{{File: "apps/old.yaml", Line: 1, Message: "extensions/v1beta1 is gone", Key: &k}})
	}
	inv.SetRepo(model.RepoState{Root: "/repo"})
	inv.SetCluster(model.ConnState{Phase: model.ConnLive})
	return inv.Snapshot()
}

func exitCode(err error) int {
	var e exitError
	if errors.As(err, &e) {
		return e.code
	}
	if err != nil {
		return 3
	}
	return 0
}

// TestCheckNotices: check prints each notice on a short line after the
// errors, lists them under notices in -o json (file, line, message), and
// neither the error counts nor the exit code count them: notices alone
// exit 0, beside an error 2.
func TestCheckNotices(t *testing.T) {
	var out strings.Builder
	err := writeCheck(&out, noticeSnapshot(true), "table")
	text := out.String()
	errAt, n1, n2, sum := strings.Index(text, "error: apps/old.yaml:1: extensions/v1beta1 is gone"),
		strings.Index(text, "\nnotice: apps/web.yaml:3: values not all known: valuesFrom Secret web-values is never read\n"),
		strings.Index(text, "\nnotice: charts/legacy: no release renders this chart\n"),
		strings.Index(text, "1 in-sync, 0 drifted, 0 missing-live, 0 missing-git, 0 conflict, 1 error")
	if errAt < 0 || n1 < errAt || n2 < n1 || sum < n2 {
		t.Errorf("want the error, then the notices, then the summary counting 1 error:\n%s", text)
	}
	if code := exitCode(err); code != 2 {
		t.Errorf("with an error: exit %d, want 2", code)
	}

	out.Reset()
	if code := exitCode(writeCheck(&out, noticeSnapshot(false), "table")); code != 0 {
		t.Errorf("notices only: exit %d, want 0\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "\nnotice: charts/legacy: no release renders this chart\n") {
		t.Errorf("notices only:\n%s", out.String())
	}

	out.Reset()
	err = writeCheck(&out, noticeSnapshot(false), "json")
	if code := exitCode(err); code != 0 {
		t.Errorf("-o json, notices only: exit %d, want 0", code)
	}
	var rep struct {
		Errors  []map[string]any `json:"errors"`
		Notices []map[string]any `json:"notices"`
		Summary map[string]int   `json:"summary"`
		Objects []struct {
			Status string `json:"status"`
			Origin struct {
				Helm struct {
					Chart, Release, Template string
				} `json:"helm"`
			} `json:"origin"`
			Ignored []struct {
				Path string `json:"path"`
			} `json:"ignored"`
		} `json:"objects"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(rep.Errors) != 0 || rep.Summary["error"] != 0 || len(rep.Notices) != 2 ||
		rep.Notices[0]["file"] != "apps/web.yaml" || rep.Notices[0]["line"] != 3.0 || rep.Notices[1]["message"] != "no release renders this chart" {
		t.Errorf("errors %v, summary %v, notices %v", rep.Errors, rep.Summary, rep.Notices)
	}
	if len(rep.Objects) != 1 || rep.Objects[0].Status != "in-sync" || rep.Objects[0].Origin.Helm.Template != "charts/web/templates/ingress.yaml" ||
		rep.Objects[0].Origin.Helm.Release != "web-prod" || len(rep.Objects[0].Ignored) != 2 {
		t.Errorf("objects = %+v: want shop/web in sync from its template, Helm's annotations ignored", rep.Objects)
	}
}

// TestPlanGitOpsNote: the CLI's preview says what the action means for
// the GitOps controller, right after the summary; a refused accept of a
// chart-rendered object says which files to edit, as the TUI does.
func TestPlanGitOpsNote(t *testing.T) {
	var out strings.Builder
	printPlan(&out, &model.Plan{Action: model.ActionRevert, Summary: "update shop/web in the cluster: 1 field(s) back to apps/web.yaml:1",
		GitOps: "Argo CD Application argocd/web self-heals: this revert is what it will do anyway on its next sync."})
	if want := "update shop/web in the cluster: 1 field(s) back to apps/web.yaml:1\n" +
		"gitops: Argo CD Application argocd/web self-heals: this revert is what it will do anyway on its next sync.\n"; out.String() != want {
		t.Errorf("preview:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	h := model.HelmOrigin{Chart: "charts/web", Release: "web-prod", Template: "charts/web/templates/ingress.yaml", ValueFiles: []string{"envs/prod/values.yaml"}}
	if code := exitCode(refusal(&out, &model.RefusedError{Reason: h.EditHint()})); code != exitDrift ||
		out.String() != "refused: rendered by Helm chart charts/web (release web-prod): edit charts/web/templates/ingress.yaml or the values (each later one wins): charts/web/values.yaml (defaults), envs/prod/values.yaml\n" {
		t.Errorf("refusal: exit %d, %q", code, out.String())
	}
}
