package render

import (
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// namespacedKinds are the built-in kinds that live in a namespace: the
// ones a rendered object of which gets the release's namespace when it sets
// none, as `helm install -n` puts it there. Other kinds (cluster-scoped
// ones, custom resources whose scope only the cluster knows) are left as
// rendered.
var namespacedKinds = map[string]bool{
	"Ingress": true, "Service": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"Pod": true, "Job": true, "CronJob": true, "ConfigMap": true, "Secret": true, "ServiceAccount": true,
	"Role": true, "RoleBinding": true, "PersistentVolumeClaim": true, "NetworkPolicy": true,
	"HorizontalPodAutoscaler": true, "PodDisruptionBudget": true, "Endpoints": true, "EndpointSlice": true,
	"LimitRange": true, "ResourceQuota": true, "Lease": true,
}

// listKinds hold their objects in items.
var listKinds = map[string]bool{"List": true, "IngressList": true}

// keepObject decides whether a rendered object is returned (Input.Keep)
// and gives the kept ones without a namespace the release's. ok is false
// for documents that are no object (only comments, or null).
func (p *helmPlan) keepObject(j []byte, ns string) (out []byte, ok bool, err error) {
	var obj any
	if err := json.Unmarshal(j, &obj); err != nil {
		return nil, false, err
	}
	if obj == nil {
		return nil, false, nil
	}
	m, isMap := obj.(map[string]any)
	if !isMap {
		return nil, false, errors.New("not a Kubernetes object (a mapping)")
	}
	kind, _ := m["kind"].(string)
	if p.keep != nil && !p.keep(kind) {
		return nil, false, nil
	}
	changed := setNamespace(m, kind, ns)
	if items, isList := m["items"].([]any); isList && listKinds[kind] {
		for _, it := range items {
			if im, isMap := it.(map[string]any); isMap {
				ik, _ := im["kind"].(string)
				changed = setNamespace(im, ik, ns) || changed
			}
		}
	}
	if !changed {
		return j, true, nil
	}
	out, err = json.Marshal(m)
	return out, err == nil, err
}

// setNamespace sets metadata.namespace of an object of a namespaced kind
// that sets none.
func setNamespace(m map[string]any, kind, ns string) bool {
	if !namespacedKinds[kind] || ns == "" {
		return false
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	if s, _ := meta["namespace"].(string); s != "" {
		return false
	}
	meta["namespace"] = ns
	return true
}

// tplLocation is a template name with a line (and column) in Helm's error
// texts: "web/templates/ingress.yaml:12" or "…:12:5".
var tplLocation = regexp.MustCompile(`([^\s():"<>]+):(\d+)(?::\d+)?`)

// templateError finds, in the text of Helm's template error, the template
// and line it names (the innermost one: where the failing call is) and
// makes its template names repo paths; file is "" when it names none.
func templateError(msg string, tpls map[string]tplSource) (file string, line int, out string) {
	for _, m := range tplLocation.FindAllStringSubmatch(msg, -1) {
		s, ok := tpls[m[1]]
		if !ok {
			continue
		}
		file, line = s.file, 0
		if s.file == s.template {
			line, _ = strconv.Atoi(m[2])
		}
	}
	names := make([]string, 0, len(tpls))
	for n := range tpls {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		pairs = append(pairs, n, tpls[n].template)
	}
	fields := strings.Fields(strings.NewReplacer(pairs...).Replace(msg))
	return file, line, strings.Join(fields, " ")
}

// yamlLine is the line a YAML error names.
var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// yamlErrLine is the line a YAML error text names, or 0.
func yamlErrLine(msg string) int {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// renderedLine is the line of the template file whose text is that of line
// n of a document it rendered, when exactly one line of the template reads
// so (a line without template actions); else 0: the rendered text has no
// other way back to its source.
func (p *helmPlan) renderedLine(file, doc string, n int) int {
	lines := strings.Split(doc, "\n")
	if n < 1 || n > len(lines) {
		return 0
	}
	want := strings.TrimSpace(lines[n-1])
	data, err := p.read(file)
	if want == "" || err != nil {
		return 0
	}
	found := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == want {
			if found != 0 {
				return 0
			}
			found = i + 1
		}
	}
	return found
}
