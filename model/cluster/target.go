package cluster

import (
	"errors"
	"fmt"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
)

// Target is the resolved cluster target.
type Target struct {
	// Config is the client configuration, including credentials (exec
	// plugins and auth providers are already wired in by client-go).
	Config *rest.Config
	// Context is the kubeconfig context name in use ("" when the
	// configuration did not come from a kubeconfig context, e.g. in-cluster).
	Context string
	// Server is the API server URL.
	Server string
	// Namespace is the scope: one namespace, or "" for all namespaces.
	Namespace string
	// User is the kubeconfig user (authinfo) name, for the audit log.
	User string

	// tuning is left zero outside tests.
	tuning watchTuning
}

// Scope renders the namespace scope for people: the namespace, or
// "all namespaces".
func (t *Target) Scope() string {
	if t.Namespace == "" {
		return "all namespaces"
	}
	return "namespace " + t.Namespace
}

// Resolve resolves the kubeconfig exactly like kubectl, from cli-runtime
// ConfigFlags: --kubeconfig, the KUBECONFIG list of files (merged), the
// default ~/.kube/config, --context, --user, --cluster, --server and the
// other kubectl connection flags. Exec credential plugins and auth
// providers work because ConfigFlags.ToRESTConfig sets them up.
//
// Scope: -A means all namespaces; -n X means X; neither means all
// namespaces (the CLI's documented default: a drift tool looks at every
// namespace unless told otherwise, so the context's namespace is not used).
// -n together with -A is an error.
func Resolve(flags *genericclioptions.ConfigFlags, allNamespaces bool) (*Target, error) {
	if flags == nil {
		flags = NewConfigFlags()
	}
	ns := deref(flags.Namespace)
	if ns != "" && allNamespaces {
		return nil, errors.New("-n/--namespace and -A/--all-namespaces cannot be used together")
	}
	cfg, err := flags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig%s: %w", describeSource(flags), err)
	}
	t := &Target{Config: cfg, Server: cfg.Host, Namespace: ns}
	// ToRESTConfig succeeded, so the raw configuration loads too; it can
	// still be empty when the config came from in-cluster service account
	// files, in which case there is no context or user name to show.
	raw, err := flags.ToRawKubeConfigLoader().RawConfig()
	if err == nil {
		t.Context = deref(flags.Context)
		if t.Context == "" {
			t.Context = raw.CurrentContext
		}
		t.User = deref(flags.AuthInfoName)
		if c, ok := raw.Contexts[t.Context]; ok && t.User == "" {
			t.User = c.AuthInfo
		}
	}
	return t, nil
}

// describeSource names the kubeconfig file given with --kubeconfig, so that
// errors say which file they are about (client-go already names files from
// KUBECONFIG when it cannot read them).
func describeSource(flags *genericclioptions.ConfigFlags) string {
	if p := deref(flags.KubeConfig); p != "" {
		return " " + p
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
