package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/fastpath"
	"github.com/keiretsu/keiretsu/graph/generated"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/service"
)

// screenFields is the full selection of CONTRACT section 4's Screening, with
// the fields of section 5.4 (seed, site) and the entities' hqCountry.
const screenFields = `subjectId asOf verdict
  results { regime { id name } verdict
    findings { verdict entity { id name type country hqCountry aliases } listedEntity { id name type country hqCountry aliases }
      basis seed aggregatePercent path { kind from to percent source site } } }
  gaps { productId reason }
  dataVersion`

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runScreen(ctx context.Context, args []string) error {
	c := newFlags("screen", "screen [STORE] (--product ID | --entity ID) [--as-of YYYY-MM-DD] [--regime R]... [--data-version V] [--json]",
		"Screens like the API does. Exit status: 0 CLEAR, 1 error, 2 UNKNOWN, 3 CAUTION, 4 POSSIBLE, 5 EXPOSED.")
	c.defaultLevel = "warn"
	product := c.fs.String("product", "", "product id to screen")
	entity := c.fs.String("entity", "", "entity id to screen")
	asOf := c.fs.String("as-of", "", "the day (default today, UTC)")
	asJSON := c.fs.Bool("json", false, "print the Screening object exactly as the API returns it")
	regimesFile := c.fs.String("regimes", "", "a regimes file to add to the built-in and stored regimes")
	dataVersion := c.fs.String("data-version", "", "screen the state of the data a retained run produced (see keiretsu history; default the current data)")
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
	var day *model.Date
	if *asOf != "" {
		d, err := model.ParseDate(*asOf)
		if err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		day = &d
	}
	log, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	opt, err := serviceOptions(ctx, st, *regimesFile, log)
	if err != nil {
		return err
	}
	view, done, err := service.OpenAt(ctx, st, *dataVersion, opt)
	if err != nil {
		return err
	}
	// After the answer is printed, the projection file is written if the
	// projection was built: the next screen reads it.
	defer done()
	kind, id, screen := "product", *product, view.ScreenProduct
	if *entity != "" {
		kind, id, screen = "entity", *entity, view.ScreenEntity
	}
	s, err := screen(ctx, id, day, regimes)
	if err != nil {
		return err
	}
	if *asJSON {
		out, err := screeningJSON(ctx, view, s)
		if err != nil {
			return err
		}
		os.Stdout.Write(append(out, '\n'))
	} else {
		fmt.Printf("%s %s: %s\n", kind, id, s.Verdict)
		for _, r := range s.Results {
			fmt.Printf("  %-16s %-8s %d finding(s)\n", r.Regime.ID, r.Verdict, len(r.Findings))
		}
		if len(s.Gaps) > 0 {
			fmt.Printf("  %d gap(s): products with no known producer\n", len(s.Gaps))
		}
	}
	if code := s.Verdict.ExitCode(); code != 0 {
		return exitError{code}
	}
	return nil
}

// screeningJSON renders s as the API renders the Screening of a query with
// the full selection (screenFields), by the API's own writer.
func screeningJSON(ctx context.Context, view *service.View, s *rules.Screening) ([]byte, error) {
	res := &graph.Resolver{Views: graph.ViewFunc(func() graph.View { return view })}
	path, err := fastpath.Wrap(generated.NewExecutableSchema(generated.Config{Resolvers: res}), res, fastpath.Options{})
	if err != nil {
		return nil, err
	}
	sel, err := path.ParseSelection(screenFields)
	if err != nil {
		return nil, err
	}
	ans, err := graph.Answers(ctx, view, graph.WantedBy(sel.Op, sel.Set), s)
	if err != nil {
		return nil, err
	}
	return path.WriteScreening(ctx, sel, ans[0])
}
