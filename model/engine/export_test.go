package engine

// SetAfterWrite sets the hook e runs between an accept's write and its
// commit, for the tests of package engine_test; f nil removes it.
func SetAfterWrite(e *Engine, f func()) { e.afterWrite = f }
