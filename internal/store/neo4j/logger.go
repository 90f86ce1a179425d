package neo4j

import (
	"fmt"

	"github.com/rs/zerolog"
)

// driverLog passes the driver's messages to the store's logger, one level down
// (the driver reports as errors what it then retries), with constant messages
// and the driver's text in a field.
type driverLog struct{ l zerolog.Logger }

func (d driverLog) Error(name, id string, err error) {
	d.l.Debug().Str("component", name).Str("conn", id).Err(err).Msg("neo4j driver error")
}

func (d driverLog) Warnf(name, id string, msg string, args ...any) {
	emit(d.l.Warn(), name, id, "neo4j driver warning", msg, args)
}

func (d driverLog) Infof(name, id string, msg string, args ...any) {
	emit(d.l.Debug(), name, id, "neo4j driver info", msg, args)
}

func (d driverLog) Debugf(name, id string, msg string, args ...any) {
	emit(d.l.Trace(), name, id, "neo4j driver debug", msg, args)
}

func emit(e *zerolog.Event, name, id, what, msg string, args []any) {
	if !e.Enabled() {
		return
	}
	e.Str("component", name).Str("conn", id).Str("detail", fmt.Sprintf(msg, args...)).Msg(what)
}
