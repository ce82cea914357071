package model

import "time"

// subscriber accumulates what changed since its last batch. Its pending set
// is bounded by the number of keys, so a slow reader costs memory
// proportional to the inventory, never to the event rate, and never blocks
// the sides that feed the inventory.
type subscriber struct {
	inv     *Inventory
	out     chan Batch
	notify  chan struct{}
	done    chan struct{}
	pending map[Key]struct{}
	cluster bool
	repo    bool
	notices bool
}

// Callers of mark* hold inv.mu.
func (s *subscriber) markKey(k Key) { s.pending[k] = struct{}{}; s.wake() }
func (s *subscriber) markCluster()  { s.cluster = true; s.wake() }
func (s *subscriber) markRepo()     { s.repo = true; s.wake() }
func (s *subscriber) markNotices()  { s.notices = true; s.wake() }

func (s *subscriber) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Subscribe returns a channel of coalesced batches and a function that ends
// the subscription (and closes the channel). At most one batch is sent per
// FrameInterval; a batch carries the latest state of every key that changed
// since the previous one. Call Snapshot after Subscribe to get the starting
// state without missing an update.
func (inv *Inventory) Subscribe() (<-chan Batch, func()) {
	s := &subscriber{
		inv:     inv,
		out:     make(chan Batch),
		notify:  make(chan struct{}, 1),
		done:    make(chan struct{}),
		pending: make(map[Key]struct{}),
	}
	inv.mu.Lock()
	inv.subs[s] = struct{}{}
	inv.mu.Unlock()
	go s.run()
	var once bool
	cancel := func() {
		inv.mu.Lock()
		defer inv.mu.Unlock()
		if once {
			return
		}
		once = true
		delete(inv.subs, s)
		close(s.done)
	}
	return s.out, cancel
}

func (s *subscriber) run() {
	defer close(s.out)
	var last time.Time
	for {
		select {
		case <-s.done:
			return
		case <-s.notify:
		}
		if wait := FrameInterval - time.Since(last); wait > 0 {
			select {
			case <-s.done:
				return
			case <-time.After(wait):
			}
		}
		b, ok := s.take()
		if !ok {
			continue
		}
		select {
		case <-s.done:
			return
		case s.out <- b:
			last = time.Now()
		}
	}
}

// take builds a batch from the pending set and the inventory's current
// state, and resets the set.
func (s *subscriber) take() (Batch, bool) {
	inv := s.inv
	inv.mu.Lock()
	defer inv.mu.Unlock()
	var b Batch
	for k := range s.pending {
		if e, ok := inv.entries[k]; ok {
			b.Changed = append(b.Changed, *e)
		} else {
			b.Removed = append(b.Removed, k)
		}
	}
	clear(s.pending)
	if s.cluster {
		c := inv.cluster
		b.Cluster = &c
		s.cluster = false
	}
	if s.repo {
		r := inv.repo
		b.Repo = &r
		s.repo = false
	}
	if s.notices {
		b.Notices, b.NoticesChanged = inv.noticeList, true
		s.notices = false
	}
	return b, len(b.Changed) > 0 || len(b.Removed) > 0 || b.Cluster != nil || b.Repo != nil || b.NoticesChanged
}
