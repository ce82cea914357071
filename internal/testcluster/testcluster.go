package testcluster

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/ingress-drift/ingress-drift/internal/localcluster"
)

// Env is the control plane shared by the tests of one package.
type Env struct {
	// Cluster is the running control plane.
	Cluster *localcluster.Cluster
	// Config is an admin client config.
	Config *rest.Config
	// Client is an admin clientset.
	Client kubernetes.Interface
	// Kubeconfig is an admin kubeconfig file (for kubectl and for the
	// binary under test).
	Kubeconfig string
	// Dir is a temporary directory removed when the control plane stops.
	Dir string
}

var current atomic.Pointer[Env]

// Main starts the control plane, runs the tests and stops it. Call it from
// TestMain:
//
//	func TestMain(m *testing.M) { testcluster.Main(m) }
//
// With -short it runs the tests without a control plane (Get then skips
// the tests that need one). A fuzzing worker (the processes `go test
// -fuzz` starts to run the fuzz function) gets none either: it runs only
// that function, and one control plane per worker, restarted with every
// worker, would cost more than the fuzzing. The fuzz targets of packages
// with a control plane (FuzzReadLiveFile) need none; one that called Get
// would fail in the worker, saying why.
//
// Unless -parallel is given, Main lets Parallel t.Parallel tests run at
// once.
func Main(m *testing.M) {
	flag.Parse()
	widenParallel()
	if testing.Short() || fuzzWorker() {
		os.Exit(m.Run())
	}
	env, err := start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testcluster:", err)
		os.Exit(1)
	}
	current.Store(env)
	code := m.Run()
	if err := env.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "testcluster: stop:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Parallel is how many t.Parallel tests Main lets run at once, unless
// -parallel says otherwise. Go's default is GOMAXPROCS (2 here), but these
// tests spend most of their time waiting for the API server, for a
// deadline against a silent server, or for an API server of their own to
// start, so two at a time would leave the cores idle.
const Parallel = 8

// widenParallel sets -test.parallel to Parallel when the command line did
// not set it and the run does not fuzz (there -parallel is the number of
// fuzzing workers, which should stay one per core).
func widenParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) {
		set = set || f.Name == "test.parallel" || (f.Name == "test.fuzz" && f.Value.String() != "")
	})
	if !set && !fuzzWorker() {
		_ = flag.Set("test.parallel", fmt.Sprint(Parallel))
	}
}

// fuzzWorker reports whether this process is a fuzzing worker (the
// testing package's -test.fuzzworker flag, set by cmd/go).
func fuzzWorker() bool {
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

func start() (*Env, error) {
	dir, err := os.MkdirTemp("", "ingress-drift-test-")
	if err != nil {
		return nil, err
	}
	var out *os.File
	if os.Getenv("TESTCLUSTER_LOG") != "" {
		out = os.Stderr
	}
	opts := localcluster.Options{StartTimeout: 2 * time.Minute}
	if out != nil {
		opts.Output = out
	}
	c, err := localcluster.Start(opts)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	kc := filepath.Join(dir, "kubeconfig")
	if err := c.WriteKubeconfig(kc); err != nil {
		_ = c.Stop()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		_ = c.Stop()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &Env{Cluster: c, Config: c.Config, Client: cs, Kubeconfig: kc, Dir: dir}, nil
}

func (e *Env) stop() error {
	err := e.Cluster.Stop()
	if rmErr := os.RemoveAll(e.Dir); err == nil {
		err = rmErr
	}
	return err
}

// Get returns the package's control plane. Under -short it skips the test;
// otherwise, if Main did not start one, the test fails (a real-cluster test
// must never pass without a cluster).
func Get(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the local API server (not run with -short)")
	}
	env := current.Load()
	if env == nil && fuzzWorker() {
		t.Fatal("no control plane in a fuzzing worker: fuzz only what needs no API server")
	}
	if env == nil {
		t.Fatal("no control plane: call testcluster.Main from TestMain")
	}
	return env
}

var nsSeq atomic.Int64

// Namespace creates a fresh namespace for the test, named after it, and
// deletes it when the test ends.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	base := strings.ToLower(t.Name())
	base = strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, base)
	if len(base) > 40 {
		base = base[:40]
	}
	name := fmt.Sprintf("%s-%d", strings.Trim(base, "-"), nsSeq.Add(1))
	ctx := context.Background()
	_, err := e.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		// No namespace controller runs here, so the namespace itself stays
		// Terminating; its Ingresses must not leak into other tests that
		// list across namespaces, so delete them explicitly.
		_ = e.Client.NetworkingV1().Ingresses(name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		_ = e.Client.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	})
	return name
}

// Kubectl runs the cluster's kubectl as admin and fails the test on error.
// It returns the combined output.
func (e *Env) Kubectl(t testing.TB, args ...string) string {
	t.Helper()
	out, err := e.Cluster.Kubectl(e.Kubeconfig, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// SilentServer listens on 127.0.0.1, accepts TCP connections and never
// says anything (no TLS handshake, no HTTP), as a wrong port behind a load
// balancer does, until the test ends. It returns the https URL.
func SilentServer(t testing.TB) string {
	t.Helper()
	server, _ := SilentServerConns(t)
	return server
}

// SilentServerConns is SilentServer, and also returns the remote
// addresses of the connections it has accepted so far, in order: a
// client that gives up on it and tries again shows as a second
// connection.
func SilentServerConns(t testing.TB) (server string, accepted func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	var from []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			from = append(from, c.RemoteAddr().String())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return "https://" + ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(from)
	}
}

// RefusingServer returns an https URL on 127.0.0.1 whose port refuses every
// connection until the test ends: a socket bound to it but not listening
// holds the port, so no other process can take it between the test choosing
// the port and dialling it (as with a listener bound, then closed).
func RefusingServer(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("https://127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
