// Package scenario loads worked screening examples: NAME.jsonl (native records)
// with NAME.expect.json (expected answers), the format of ../shared/scenarios. The
// examples shipped with Keiretsu are embedded, so every package's tests can run
// them against their own layer.
package scenario

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed testdata
var embedded embed.FS

// Case is one expected answer.
type Case struct {
	Screen          string   `json:"screen"` // "product" or "entity"
	ID              string   `json:"id"`
	AsOf            string   `json:"asOf"`
	Regime          string   `json:"regime"`
	Verdict         string   `json:"verdict"`
	ExposedEntities []string `json:"exposedEntities"`
	HasExposed      bool     `json:"-"`
}

// Scenario is one worked example.
type Scenario struct {
	Name  string
	About string
	JSONL []byte
	Cases []Case
}

// Embedded returns the scenarios shipped in the repository.
func Embedded() ([]Scenario, error) {
	sub, err := fs.Sub(embedded, "testdata")
	if err != nil {
		return nil, err
	}
	return load(sub)
}

func load(fsys fs.FS) ([]Scenario, error) {
	names, err := fs.Glob(fsys, "*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Scenario
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".jsonl")
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		exp, err := fs.ReadFile(fsys, name+".expect.json")
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		var e struct {
			About string            `json:"about"`
			Cases []json.RawMessage `json:"cases"`
		}
		if err := json.Unmarshal(exp, &e); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		sc := Scenario{Name: name, About: e.About, JSONL: data}
		for _, raw := range e.Cases {
			var c Case
			if err := json.Unmarshal(raw, &c); err != nil {
				return nil, fmt.Errorf("scenario %s: %w", name, err)
			}
			var probe map[string]json.RawMessage
			_ = json.Unmarshal(raw, &probe)
			_, c.HasExposed = probe["exposedEntities"]
			sc.Cases = append(sc.Cases, c)
		}
		out = append(out, sc)
	}
	return out, nil
}
