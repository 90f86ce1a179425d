// Package web holds the workbench and GraphiQL as built assets (dist/, built by
// `make web` from the TypeScript sources beside this file and committed, like
// gqlgen's output), so that the binary serves them on a machine without Node
// and without network.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets is the built site: index.html (the workbench), graphiql.html and
// assets/.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time: it always exists
	}
	return sub
}
