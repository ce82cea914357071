package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"

	"github.com/ingress-drift/ingress-drift/model"
	"github.com/ingress-drift/ingress-drift/model/engine"
)

// seqAnnotation carries the edit number through the watch path.
const seqAnnotation = "bench/seq"

// WatchResult is the watch path's latency under a steady edit rate.
type WatchResult struct {
	// Edits is the number of edits made; Rate the achieved edits/s (edits
	// over the time from the first start to the last return).
	Edits int     `json:"edits"`
	Rate  float64 `json:"rate"`
	// TargetRate is the rate asked for.
	TargetRate float64 `json:"targetRate"`
	// Unseen counts edits that never reached a batch.
	Unseen int `json:"unseen"`
	// AfterReturn is measured from the Update call returning (the API
	// server committed the edit); BeforeCall from just before the call.
	AfterReturn Percentiles `json:"afterReturn"`
	BeforeCall  Percentiles `json:"beforeCall"`
	// Write is the Update call's own latency.
	Write Percentiles `json:"write"`
	// Negative counts edits whose batch arrived before the Update call
	// returned (the watch event overtook the response).
	Negative int `json:"negative"`
	// SyncTime is how long the engine took from Run to a full, live
	// inventory.
	SyncTime time.Duration `json:"syncNs"`
	// DriftedAtSync is the number of drifted entries the engine saw once
	// synced (a cross-check of the watch path against check).
	DriftedAtSync int `json:"driftedAtSync"`
	// Batches is the number of batches received during the edits.
	Batches int `json:"batches"`
}

// Percentiles summarise a latency distribution.
type Percentiles struct {
	P50 time.Duration `json:"p50Ns"`
	P90 time.Duration `json:"p90Ns"`
	P99 time.Duration `json:"p99Ns"`
	Max time.Duration `json:"maxNs"`
	N   int           `json:"n"`
}

// percentiles uses the nearest-rank method on a copy of d.
func percentiles(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return Percentiles{P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), Max: s[len(s)-1], N: len(s)}
}

// edit is one timed edit.
type edit struct {
	before, after time.Time
	err           error
}

// measureWatch opens the engine on the cluster and the repo (all
// namespaces), waits for a full, live inventory, then edits objects
// round-robin at rate edits/s for dur, and times each edit from the Update
// call to the first batch that carries its sequence number.
func measureWatch(ctx context.Context, cs kubernetes.Interface, kubeconfig, repo string, objs []*object, rate float64, dur time.Duration, workers int) (WatchResult, error) {
	res := WatchResult{TargetRate: rate}
	kube := genericclioptions.NewConfigFlags(true)
	kube.KubeConfig = &kubeconfig
	eng, err := engine.Open(engine.Options{Kube: kube, AllNamespaces: true, Repo: repo})
	if err != nil {
		return res, fmt.Errorf("open engine: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	start := time.Now()
	go func() { runErr <- eng.Run(ctx) }()

	// Wait for the inventory to hold every object, with the cluster live
	// and the repo scanned.
	for {
		s := eng.Inv.Snapshot()
		if s.Cluster.Phase == model.ConnLive && !s.Repo.Scanning && len(s.Entries) >= len(objs) {
			res.SyncTime = time.Since(start)
			for _, e := range s.Entries {
				if e.Status == model.StatusDrifted {
					res.DriftedAtSync++
				}
			}
			break
		}
		select {
		case err := <-runErr:
			return res, fmt.Errorf("engine stopped before sync: %w", err)
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Since(start) > 5*time.Minute {
			return res, errors.New("engine did not sync within 5 minutes")
		}
	}

	// The objects to edit, with their current resourceVersions: each edit
	// is one Update (PUT), like `kubectl edit`.
	total := int(rate * dur.Seconds())
	targets := make([]*networkingv1.Ingress, min(total, len(objs)))
	locks := make([]sync.Mutex, len(targets))
	for i := range targets {
		o := objs[i*len(objs)/len(targets)]
		ing, err := cs.NetworkingV1().Ingresses(o.ns).Get(ctx, o.name, metav1.GetOptions{})
		if err != nil {
			return res, fmt.Errorf("get %s: %w", o.key(), err)
		}
		targets[i] = ing
	}

	seen := make([]time.Time, total)
	var seenMu sync.Mutex
	batches, stop := eng.Inv.Subscribe()
	defer stop()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for b := range batches {
			now := time.Now()
			seenMu.Lock()
			res.Batches++
			for _, e := range b.Changed {
				if e.Live == nil {
					continue
				}
				v, ok := e.Live.Ingress.Annotations[seqAnnotation]
				if !ok {
					continue
				}
				if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < total && seen[n].IsZero() {
					seen[n] = now
				}
			}
			seenMu.Unlock()
		}
	}()

	edits := make([]edit, total)
	work := make(chan int, total)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for n := range work {
				i := n % len(targets)
				locks[i].Lock()
				ing := targets[i].DeepCopy()
				ing.Annotations[seqAnnotation] = strconv.Itoa(n)
				before := time.Now()
				out, err := cs.NetworkingV1().Ingresses(ing.Namespace).Update(ctx, ing, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
				edits[n] = edit{before: before, after: time.Now(), err: err}
				if err == nil {
					targets[i] = out
				}
				locks[i].Unlock()
			}
		})
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	for n := range total {
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
		work <- n
	}
	tick.Stop()
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}

	// Give stragglers time to arrive; an edit not seen by then is reported.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		seenMu.Lock()
		missing := slices.ContainsFunc(seen, time.Time.IsZero)
		seenMu.Unlock()
		if !missing {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-readerDone
	cancel()
	if err := <-runErr; err != nil {
		return res, fmt.Errorf("engine: %w", err)
	}

	var after, before, write []time.Duration
	first, last := edits[0].before, edits[0].after
	for n, e := range edits {
		if e.err != nil {
			return res, fmt.Errorf("edit %d: %w", n, e.err)
		}
		first = minTime(first, e.before)
		last = maxTime(last, e.after)
		write = append(write, e.after.Sub(e.before))
		if seen[n].IsZero() {
			res.Unseen++
			continue
		}
		d := seen[n].Sub(e.after)
		if d < 0 {
			res.Negative++
		}
		after = append(after, d)
		before = append(before, seen[n].Sub(e.before))
	}
	res.Edits = total
	res.Rate = float64(total) / last.Sub(first).Seconds()
	res.AfterReturn, res.BeforeCall, res.Write = percentiles(after), percentiles(before), percentiles(write)
	return res, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
