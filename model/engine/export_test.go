package engine

// SetAfterWrite sets the hook run between an accept's write and its
// commit, for the tests of package engine_test; f nil removes it.
func SetAfterWrite(f func()) { afterWrite = f }
