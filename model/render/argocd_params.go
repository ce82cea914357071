package render

import (
	"fmt"
	"strings"

	"helm.sh/helm/v4/pkg/strvals"
)

// argoParam is one Argo CD helm parameter.
type argoParam struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value"`
	ForceString bool   `yaml:"forceString"`
}

// argoSets are Argo CD's helm parameters as the repo server passes them
// to helm: name=value for --set, or for --set-string those with
// forceString, with the commas of a value escaped unless it is a {list}.
// They are checked as Helm parses them (a bad name is an error here, at
// the Application).
func argoSets(params []argoParam) (set, setString []string, err error) {
	for _, p := range params {
		expr := p.Name + "=" + argoEscape(p.Value)
		if p.ForceString {
			setString = append(setString, expr)
		} else {
			set = append(set, expr)
		}
	}
	return set, setString, applySets(map[string]any{}, set, setString)
}

// applySets applies --set then --set-string expressions onto the merged
// values, as Helm's values.Options.MergeValues does after the value
// files: into them, so that hosts[1].host=c changes the second host of a
// list a file gave (a layer of its own would replace the list).
func applySets(vals map[string]any, set, setString []string) error {
	for _, s := range set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return fmt.Errorf("--set %s: %w", s, err)
		}
	}
	for _, s := range setString {
		if err := strvals.ParseIntoString(s, vals); err != nil {
			return fmt.Errorf("--set-string %s: %w", s, err)
		}
	}
	return nil
}

// argoEscape escapes the commas of a parameter value that are not
// escaped already, unless the value is a {list} (Argo CD's
// cleanSetParameters).
func argoEscape(v string) string {
	if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == ',' && (i == 0 || v[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
