package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/server"
)

// screenFields is the full selection of CONTRACT section 4's Screening.
const screenFields = `subjectId asOf verdict
  results { regime { id name } verdict
    findings { verdict entity { id name type country aliases } listedEntity { id name type country aliases }
      basis aggregatePercent path { kind from to percent source } } }
  gaps { productId reason }
  dataVersion`

const (
	screenProductQuery = `query($id: ID!, $asOf: Date, $regimes: [ID!]) { screenProduct(id: $id, asOf: $asOf, regimes: $regimes) { ` + screenFields + ` } }`
	screenEntityQuery  = `query($id: ID!, $asOf: Date, $regimes: [ID!]) { screenEntity(id: $id, asOf: $asOf, regimes: $regimes) { ` + screenFields + ` } }`
)

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runScreen(ctx context.Context, args []string) error {
	c := newFlags("screen", "screen [STORE] (--product ID | --entity ID) [--as-of YYYY-MM-DD] [--regime R]... [--json]",
		"Screens like the API does. Exit status: 0 CLEAR, 1 error, 2 UNKNOWN, 3 CAUTION, 4 POSSIBLE, 5 EXPOSED.")
	c.defaultLevel = "warn"
	product := c.fs.String("product", "", "product id to screen")
	entity := c.fs.String("entity", "", "entity id to screen")
	asOf := c.fs.String("as-of", "", "the day (default today, UTC)")
	asJSON := c.fs.Bool("json", false, "print the Screening object exactly as the API returns it")
	regimesFile := c.fs.String("regimes", "", "a regimes file to add to the built-in and stored regimes")
	var regimes stringList
	c.fs.Var(&regimes, "regime", "screen under this regime (repeatable; default all)")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if (*product == "") == (*entity == "") {
		return errors.New("give exactly one of --product ID and --entity ID")
	}
	vars := map[string]any{}
	if *asOf != "" {
		if _, err := model.ParseDate(*asOf); err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		vars["asOf"] = *asOf
	}
	if len(regimes) > 0 {
		vars["regimes"] = []string(regimes)
	}
	query, field := screenProductQuery, "screenProduct"
	vars["id"] = *product
	if *entity != "" {
		query, field = screenEntityQuery, "screenEntity"
		vars["id"] = *entity
	}
	log, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := openService(ctx, st, *regimesFile, log)
	if err != nil {
		return err
	}
	raw, err := execute(ctx, server.Handler(svc, zerolog.Nop()), query, vars, field)
	if err != nil {
		return err
	}
	var s struct {
		Verdict string `json:"verdict"`
		Results []struct {
			Regime struct {
				ID string `json:"id"`
			} `json:"regime"`
			Verdict  string            `json:"verdict"`
			Findings []json.RawMessage `json:"findings"`
		} `json:"results"`
		Gaps []struct {
			ProductID string `json:"productId"`
		} `json:"gaps"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	if *asJSON {
		var out bytes.Buffer
		_ = json.Indent(&out, raw, "", "  ")
		out.WriteByte('\n')
		os.Stdout.Write(out.Bytes())
	} else {
		fmt.Printf("%s %s: %s\n", field[len("screen"):], vars["id"], s.Verdict)
		for _, r := range s.Results {
			fmt.Printf("  %-16s %-8s %d finding(s)\n", r.Regime.ID, r.Verdict, len(r.Findings))
		}
		if len(s.Gaps) > 0 {
			fmt.Printf("  %d gap(s): products with no known producer\n", len(s.Gaps))
		}
	}
	for i, name := range []string{"CLEAR", "UNKNOWN", "CAUTION", "POSSIBLE", "EXPOSED"} {
		if s.Verdict == name {
			if code := model.Verdict(i).ExitCode(); code != 0 {
				return exitError{code}
			}
			return nil
		}
	}
	return fmt.Errorf("unexpected verdict %q", s.Verdict)
}

// execute runs one GraphQL request through the API handler in process and returns
// data[field] as the API rendered it.
func execute(ctx context.Context, h http.Handler, query string, vars map[string]any, field string) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("api answered %d: %s", rec.Code, rec.Body.String())
	}
	if len(resp.Errors) > 0 {
		e := resp.Errors[0]
		return nil, fmt.Errorf("%s (%v)", e.Message, e.Extensions["code"])
	}
	return resp.Data[field], nil
}
