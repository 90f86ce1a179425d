package load

// SetSpill sets how many ids the reference count keeps in a map and how many
// bytes a sorter keeps in memory before spilling; the returned function puts
// back the defaults.
func SetSpill(mapMax, limit int) func() {
	oldMax, oldLimit := refMapMax, spillLimit
	refMapMax, spillLimit = mapMax, limit
	return func() { refMapMax, spillLimit = oldMax, oldLimit }
}

// Spilled counts the sorted runs written to disk so far.
func Spilled() int64 { return spilledRuns.Load() }
