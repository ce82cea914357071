package render

import (
	"strings"

	"helm.sh/helm/v4/pkg/strvals"
)

// argoParam is one Argo CD helm parameter.
type argoParam struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value"`
	ForceString bool   `yaml:"forceString"`
}

// parametersLayer is the value layer of Argo CD's helm parameters, as the
// repo server passes them to helm: every parameter as --set name=value,
// then those with forceString as --set-string (Helm applies all --set
// before any --set-string), with the commas of a value escaped unless it
// is a {list}.
func parametersLayer(params []argoParam) (map[string]any, error) {
	layer := map[string]any{}
	for _, force := range []bool{false, true} {
		for _, p := range params {
			if p.ForceString != force {
				continue
			}
			expr := p.Name + "=" + argoEscape(p.Value)
			var err error
			if force {
				err = strvals.ParseIntoString(expr, layer)
			} else {
				err = strvals.ParseInto(expr, layer)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return layer, nil
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
