package model

import "fmt"

// Verdict is a screening outcome. Verdicts are ordered mildest first, so the worst of
// two is their maximum.
type Verdict uint8

// The verdicts, mildest first.
const (
	Clear Verdict = iota
	Unknown
	Caution
	Possible
	Exposed
)

var verdictNames = [...]string{"CLEAR", "UNKNOWN", "CAUTION", "POSSIBLE", "EXPOSED"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// ParseVerdict returns the verdict named s (as String writes it).
func ParseVerdict(s string) (Verdict, bool) {
	for i, n := range verdictNames {
		if n == s {
			return Verdict(i), true
		}
	}
	return 0, false
}

// ExitCode is the `keiretsu screen` exit status for the verdict.
func (v Verdict) ExitCode() int {
	switch v {
	case Clear:
		return 0
	case Unknown:
		return 2
	case Caution:
		return 3
	case Possible:
		return 4
	default:
		return 5
	}
}

// Worst returns the worse of two verdicts.
func Worst(a, b Verdict) Verdict { return max(a, b) }
