package main

// The feed formats `keiretsu ingest --format` knows; each registers itself.
import (
	_ "github.com/keiretsu/keiretsu/ingest/bods"      // bods
	_ "github.com/keiretsu/keiretsu/ingest/csl"       // csl, bis-dpl
	_ "github.com/keiretsu/keiretsu/ingest/cyclonedx" // cyclonedx
	_ "github.com/keiretsu/keiretsu/ingest/fcc"       // fcc
	_ "github.com/keiretsu/keiretsu/ingest/ftm"       // ftm
	_ "github.com/keiretsu/keiretsu/ingest/gleif"     // gleif
	_ "github.com/keiretsu/keiretsu/ingest/ofac"      // ofac-sdn, ofac-cons
	_ "github.com/keiretsu/keiretsu/ingest/spdx"      // spdx
)
