package localcluster

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// AssetsEnv is the environment variable that names the directory holding
// kube-apiserver, etcd and kubectl (the name envtest uses).
const AssetsEnv = "KUBEBUILDER_ASSETS"

// Options configure Start.
type Options struct {
	// BinDir holds kube-apiserver, etcd and kubectl. Empty means
	// $KUBEBUILDER_ASSETS.
	BinDir string
	// Output, when set, receives the control plane's logs.
	Output io.Writer
	// StartTimeout bounds each component's start (default 60 s: this is a
	// 2-core machine and tests may run in parallel).
	StartTimeout time.Duration
}

// Cluster is a running local control plane.
type Cluster struct {
	env *envtest.Environment
	// Config is an admin (system:masters) client config.
	Config *rest.Config
	// BinDir is the directory of the binaries in use.
	BinDir string

	// users serializes AddUser: envtest's CA counts its serial numbers
	// without a lock, and tests running in parallel add users.
	users sync.Mutex
}

// ResolveBinDir returns dir, or $KUBEBUILDER_ASSETS, after checking that
// the three binaries are there.
func ResolveBinDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv(AssetsEnv)
	}
	if dir == "" {
		return "", fmt.Errorf("%s is not set: run `make kube-bin` and export %s=$(make -s kube-bin-dir)", AssetsEnv, AssetsEnv)
	}
	for _, b := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			return "", fmt.Errorf("%s: %w (run `make kube-bin`)", filepath.Join(dir, b), err)
		}
	}
	return dir, nil
}

// Start starts etcd and kube-apiserver and returns when the API server
// answers.
func Start(opts Options) (*Cluster, error) {
	dir, err := ResolveBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    dir,
		ControlPlaneStartTimeout: timeout,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	env.ControlPlane.KubectlPath = filepath.Join(dir, "kubectl")
	if opts.Output != nil {
		api := env.ControlPlane.GetAPIServer()
		api.Out, api.Err = opts.Output, opts.Output
	}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("start local control plane from %s: %w", dir, err)
	}
	return &Cluster{env: env, Config: cfg, BinDir: dir}, nil
}

// Stop stops the API server and etcd and removes their temporary
// directories.
func (c *Cluster) Stop() error {
	if c == nil || c.env == nil {
		return nil
	}
	return c.env.Stop()
}

// Environment exposes the envtest environment (for tests that stop and
// restart the API server).
func (c *Cluster) Environment() *envtest.Environment { return c.env }

// AddUser provisions a user with the given groups and returns its client
// config and an equivalent kubeconfig. Use group "system:masters" for an
// admin; any other user is bound only by the RBAC rules you create.
func (c *Cluster) AddUser(name string, groups ...string) (*rest.Config, []byte, error) {
	c.users.Lock()
	u, err := c.env.ControlPlane.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	c.users.Unlock()
	if err != nil {
		return nil, nil, fmt.Errorf("add user %s: %w", name, err)
	}
	kc, err := u.KubeConfig()
	if err != nil {
		return nil, nil, fmt.Errorf("kubeconfig for %s: %w", name, err)
	}
	return u.Config(), kc, nil
}

// WriteKubeconfig provisions an admin user and writes its kubeconfig to
// path (mode 0600), creating the directory.
func (c *Cluster) WriteKubeconfig(path string) error {
	_, kc, err := c.AddUser("admin", "system:masters")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, kc, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Kubectl returns a command running the cluster's kubectl with kubeconfig.
func (c *Cluster) Kubectl(kubeconfig string, args ...string) *exec.Cmd {
	return exec.Command(filepath.Join(c.BinDir, "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
}
