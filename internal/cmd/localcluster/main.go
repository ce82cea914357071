package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ingress-drift/ingress-drift/internal/localcluster"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: localcluster up|down|serve [--dir DIR]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", ".cache/cluster", "state directory (kubeconfig, pid, log)")
	_ = fs.Parse(os.Args[2:])
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fatal(err)
	}
	switch os.Args[1] {
	case "up":
		err = up(abs)
	case "down":
		err = down(abs)
	case "serve":
		err = serve(abs)
	default:
		err = fmt.Errorf("unknown command %q (want up, down or serve)", os.Args[1])
	}
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "localcluster:", err)
	os.Exit(1)
}

func paths(dir string) (kubeconfig, pidfile, logfile string) {
	return filepath.Join(dir, "kubeconfig"), filepath.Join(dir, "pid"), filepath.Join(dir, "cluster.log")
}

func running(dir string) (int, bool) {
	_, pidfile, _ := paths(dir)
	b, err := os.ReadFile(pidfile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, syscall.Kill(pid, 0) == nil
}

func up(dir string) error {
	kubeconfig, pidfile, logfile := paths(dir)
	if _, ok := running(dir); ok {
		if _, err := os.Stat(kubeconfig); err == nil {
			fmt.Println(kubeconfig)
			return nil
		}
	}
	if _, err := localcluster.ResolveBinDir(""); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	_ = os.Remove(kubeconfig)
	_ = os.Remove(pidfile)
	log, err := os.Create(logfile)
	if err != nil {
		return err
	}
	defer log.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "serve", "--dir", dir)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
	for {
		select {
		case err := <-exited:
			b, _ := os.ReadFile(logfile)
			return fmt.Errorf("control plane exited during start (%v); log %s:\n%s", err, logfile, b)
		case <-deadline:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return fmt.Errorf("control plane not ready after 3 minutes; log: %s", logfile)
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := os.Stat(kubeconfig); err == nil {
			fmt.Println(kubeconfig)
			return nil
		}
	}
}

func serve(dir string) error {
	kubeconfig, pidfile, _ := paths(dir)
	c, err := localcluster.Start(localcluster.Options{Output: os.Stderr})
	if err != nil {
		return err
	}
	stop := func() {
		_ = os.Remove(kubeconfig)
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop:", err)
		}
		_ = os.Remove(pidfile)
	}
	if err := os.WriteFile(pidfile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		stop()
		return err
	}
	if err := c.WriteKubeconfig(kubeconfig); err != nil {
		stop()
		return err
	}
	fmt.Fprintf(os.Stderr, "control plane ready at %s\n", c.Config.Host)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	<-sig
	stop()
	fmt.Fprintln(os.Stderr, "control plane stopped")
	return nil
}

func down(dir string) error {
	pid, ok := running(dir)
	if !ok {
		fmt.Println("no local cluster running")
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return err
	}
	for i := 0; i < 600; i++ {
		if syscall.Kill(pid, 0) != nil {
			fmt.Println("local cluster stopped")
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("control plane did not stop within 60 s; see " + filepath.Join(dir, "cluster.log"))
}
