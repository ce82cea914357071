package model

import "slices"

// source is what one source contributes, sorted by key: the recompute of
// one key finds that key's documents and errors by binary search. A
// generated bundle of 40,000 documents in one file would otherwise be
// scanned once per key of the file, which is quadratic (minutes).
type source struct {
	// docs are sorted by key; documents of the same key keep file order.
	docs []Desired
	// errs are sorted by key; errKeys[i] is the key of errs[i] (ErrorKey
	// formats a string, so it is computed once, not at every comparison).
	errs    []RepoError
	errKeys []Key
}

// newSource sorts docs and errs by key. docs is copied when it is not
// sorted already: the caller's slice is never reordered.
func newSource(docs []Desired, errs []RepoError) *source {
	byKey := func(a, b Desired) int { return CompareKeys(a.Key(), b.Key()) }
	if !slices.IsSortedFunc(docs, byKey) {
		docs = slices.Clone(docs)
		slices.SortStableFunc(docs, byKey)
	}
	src := &source{docs: docs}
	if len(errs) == 0 {
		return src
	}
	order := make([]int, len(errs))
	keys := make([]Key, len(errs))
	for i, e := range errs {
		order[i] = i
		if e.Key != nil {
			keys[i] = *e.Key
		} else {
			keys[i] = ErrorKey(e)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return CompareKeys(keys[a], keys[b]) })
	src.errs = make([]RepoError, len(errs))
	src.errKeys = make([]Key, len(errs))
	for i, j := range order {
		src.errs[i], src.errKeys[i] = errs[j], keys[j]
	}
	return src
}

// docsOf returns the documents of k (a subslice: do not modify).
func (s *source) docsOf(k Key) []Desired {
	i, _ := slices.BinarySearchFunc(s.docs, k, func(d Desired, k Key) int { return CompareKeys(d.Key(), k) })
	j := i
	for j < len(s.docs) && s.docs[j].Key() == k {
		j++
	}
	return s.docs[i:j]
}

// errsOf returns the errors of k (a subslice: do not modify).
func (s *source) errsOf(k Key) []RepoError {
	i, _ := slices.BinarySearchFunc(s.errKeys, k, CompareKeys)
	j := i
	for j < len(s.errKeys) && s.errKeys[j] == k {
		j++
	}
	return s.errs[i:j]
}

// eachKey calls f for every key the source contributes to, once per
// document or error (so a key may come more than once).
func (s *source) eachKey(f func(Key)) {
	for _, d := range s.docs {
		f(d.Key())
	}
	for _, k := range s.errKeys {
		f(k)
	}
}

// keySetIndexed is the size above which a keySet keeps a position index.
const keySetIndexed = 8

// keySet is a set of keys with O(1) add and remove. It stays a plain slice
// while small (nearly every manifest file holds one or a few Ingresses, and
// a map per file would be much of the inventory's memory at 10,000 files)
// and gains a position index when large (a bundle of thousands of documents
// in one file, where a linear search per key is quadratic).
type keySet struct {
	list []Key
	// pos[k] is k's index in list; nil while list is small.
	pos map[Key]int
}

func (s *keySet) has(k Key) bool {
	if s.pos != nil {
		_, ok := s.pos[k]
		return ok
	}
	return slices.Contains(s.list, k)
}

func (s *keySet) add(k Key) {
	if s.has(k) {
		return
	}
	s.list = append(s.list, k)
	switch {
	case s.pos != nil:
		s.pos[k] = len(s.list) - 1
	case len(s.list) > keySetIndexed:
		s.pos = make(map[Key]int, len(s.list))
		for i, k := range s.list {
			s.pos[k] = i
		}
	}
}

// remove deletes k; the last key takes its place (order is not kept).
func (s *keySet) remove(k Key) {
	i := -1
	if s.pos != nil {
		if j, ok := s.pos[k]; ok {
			i = j
			delete(s.pos, k)
		}
	} else {
		i = slices.Index(s.list, k)
	}
	if i < 0 {
		return
	}
	last := len(s.list) - 1
	if i != last {
		s.list[i] = s.list[last]
		if s.pos != nil {
			s.pos[s.list[i]] = i
		}
	}
	s.list[last] = Key{}
	s.list = s.list[:last]
}
