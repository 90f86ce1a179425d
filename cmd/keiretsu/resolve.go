package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/live"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// stdout is where resolve and stats print their results (tests replace it).
var stdout io.Writer = os.Stdout

// RejectionsFile is the rejections file inside an embedded store's directory;
// with Neo4j it is ./keiretsu-rejections.jsonl. --rejections or
// $KEIRETSU_REJECTIONS name another.
const RejectionsFile = "rejections.jsonl"

func runResolve(ctx context.Context, args []string) error {
	c := newFlags("resolve", "resolve [STORE] [--min-score S] [--limit N] [--json] [--accept ID]... [--reject ID]... [--by NAME] [--reason TEXT]",
		"Proposes entities that may be the same (same normalised name or alias, shared words, country,\n"+
			"identifiers), best first, for a person to accept or reject. Nothing is merged without --accept:\n"+
			"only a shared strong identifier (LEI, USCC, DUNS, registration) links entities automatically,\n"+
			"at ingest.\n\n"+
			"  --accept ID   writes a same_as record for the proposal (one atomic run; repeatable, or ID,ID)\n"+
			"  --reject ID   records that the two entities are different: never proposed again\n\n"+
			fmt.Sprintf("Scores are 0..1. At %.2f and above a proposal is marked \"auto-accept level\"; it still needs --accept.\n", resolve.AutoAcceptLevel)+
			"IDs may be abbreviated to a unique prefix of at least 4 characters.")
	c.defaultLevel = "warn"
	minScore := c.fs.Float64("min-score", resolve.DefaultMinScore, "list (and accept or reject) proposals scoring at least this")
	limit := c.fs.Int("limit", 50, "list at most this many proposals (0: all)")
	asJSON := c.fs.Bool("json", false, "print one JSON object")
	by := c.fs.String("by", "", "who accepts or rejects (default $USER)")
	reason := c.fs.String("reason", "", "why, for --reject (kept in the rejections file)")
	rejPath := c.fs.String("rejections", "", "rejections file (default $KEIRETSU_REJECTIONS, else "+RejectionsFile+" in the embedded store's directory, else ./keiretsu-rejections.jsonl)")
	var accept, reject stringList
	c.fs.Var(&accept, "accept", "accept the proposal with this id (repeatable)")
	c.fs.Var(&reject, "reject", "reject the proposal with this id (repeatable)")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if *minScore < 0 || *minScore > 1 {
		return fmt.Errorf("--min-score: %v is outside 0..1", *minScore)
	}
	if *limit < 0 {
		return fmt.Errorf("--limit: %d is negative", *limit)
	}
	acceptIDs, rejectIDs := splitIDs(accept), splitIDs(reject)
	for _, a := range acceptIDs {
		for _, r := range rejectIDs {
			if strings.HasPrefix(a, r) || strings.HasPrefix(r, a) {
				return fmt.Errorf("proposal %s is both accepted and rejected", a)
			}
		}
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	writing := len(acceptIDs) > 0
	var cl *live.Client
	var st store.Store
	if writing {
		st, cl, err = c.openWriter(ctx, log)
		if cl != nil {
			// A serve holds the store: read it beside the serve, and send
			// the accepted links there (live.go).
			defer cl.Close()
			st, err = c.openStore(ctx, log, true)
		}
	} else {
		st, err = c.openStore(ctx, log, true)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	path := c.rejectionsPath(*rejPath)
	w, err := waiting(ctx, st, path, *minScore, log)
	if err != nil {
		return err
	}
	if len(acceptIDs) == 0 && len(rejectIDs) == 0 {
		return w.print(*limit, *minScore, *asJSON)
	}
	who := *by
	if who == "" {
		who = defaultUser()
	}
	accepted, err := w.find(acceptIDs, *minScore)
	if err != nil {
		return err
	}
	rejected, err := w.find(rejectIDs, *minScore)
	if err != nil {
		return err
	}
	today := model.Today()
	if len(rejected) > 0 {
		if err := appendRejections(path, rejected, who, *reason, today); err != nil {
			return err
		}
		for _, p := range rejected {
			fmt.Fprintf(stdout, "rejected %s: %s and %s are different entities (recorded in %s)\n", p.ID, p.A, p.B, path)
		}
	}
	if len(accepted) > 0 {
		var recs []*model.Record
		for _, p := range accepted {
			recs = append(recs, resolve.SameAs(p, who, today))
		}
		opt := load.Options{Extra: recs}
		describe := st.Describe()
		var sum load.Summary
		if cl != nil {
			// The read-only handle would keep the serve from committing.
			st.Close()
			sum, err = liveRun(ctx, cl, history.Info{}, opt, nil, nil)
		} else {
			opt.Events = watch.Options{Log: log}
			sum, err = load.Recorded(ctx, st, history.Info{}, nil, opt)
			err = eventsLater(log, err)
		}
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		for _, p := range accepted {
			fmt.Fprintf(stdout, "accepted %s: same_as %s %s\n", p.ID, p.A, p.B)
		}
		fmt.Fprintf(stdout, "resolve: wrote %d same_as records (store %s, dataVersion %s)\n", sum.Written, describe, sum.Version)
	}
	return nil
}

// splitIDs splits repeated and comma-separated ids.
func splitIDs(list []string) []string {
	var out []string
	for _, s := range list {
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// rejectionsPath applies --rejections, $KEIRETSU_REJECTIONS, then the store's default.
func (c *common) rejectionsPath(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("KEIRETSU_REJECTIONS"); env != "" {
		return env
	}
	if spec := c.resolveStore(); spec.dir != "" {
		return filepath.Join(spec.dir, RejectionsFile)
	}
	return "keiretsu-rejections.jsonl"
}

func defaultUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// proposals is what resolve and stats compute: the waiting proposals and the
// entities they name.
type proposals struct {
	list     []resolve.Proposal
	entities map[string]*model.Record
}

// waiting reads the store's entities and same_as links and the rejections file,
// and returns the proposals scoring at least minScore.
func waiting(ctx context.Context, st store.Store, rejPath string, minScore float64, log zerolog.Logger) (*proposals, error) {
	rejections, err := readRejections(rejPath)
	if err != nil {
		return nil, err
	}
	var ents []*model.Record
	var linked []resolve.Pair
	_, err = st.Scan(ctx, func(r *model.Record) error {
		switch r.Kind {
		case model.KindEntity:
			cp := *r // the store reuses r: keep a copy that shares nothing with it
			cp.Aliases, cp.Identifiers = slices.Clone(r.Aliases), slices.Clone(r.Identifiers)
			ents = append(ents, &cp)
		case model.KindSameAs:
			linked = append(linked, resolve.Pair{A: r.Src, B: r.Dst})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	list := resolve.Proposals(ents, linked, resolve.Options{MinScore: minScore, Rejected: resolve.RejectedPairs(rejections)})
	log.Debug().Int("entities", len(ents)).Int("same_as", len(linked)).Int("rejected", len(rejections)).
		Int("proposals", len(list)).Msg("resolve")
	out := &proposals{list: list, entities: make(map[string]*model.Record, 2*len(list))}
	byID := make(map[string]*model.Record, len(ents))
	for _, e := range ents {
		byID[e.ID] = e
	}
	for _, p := range list {
		out.entities[p.A], out.entities[p.B] = byID[p.A], byID[p.B]
	}
	return out, nil
}

// readRejections reads the rejections file; a missing file holds none.
func readRejections(path string) ([]resolve.Rejection, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rejections: %w", err)
	}
	defer f.Close()
	return resolve.ReadRejections(path, f)
}

// appendRejections appends one line per proposal to the rejections file.
func appendRejections(path string, ps []resolve.Proposal, by, reason string, on model.Date) error {
	var b []byte
	for _, p := range ps {
		why := reason
		if why == "" {
			why = "rejected proposal (score " + fmt.Sprintf("%.3f", p.Score) + ": " + p.Reason + ")"
		}
		b = resolve.Rejection{Pair: p.Pair(), Proposal: p.ID, Reason: why, By: by, On: on}.AppendLine(b)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("rejections: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("rejections: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("rejections: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("rejections: sync %s: %w", path, err)
	}
	return f.Close()
}

// find returns the proposals with the given ids (or unique prefixes of at least
// four characters).
func (w *proposals) find(ids []string, minScore float64) ([]resolve.Proposal, error) {
	var out []resolve.Proposal
	for _, id := range ids {
		if len(id) < 4 {
			return nil, fmt.Errorf("proposal id %q: give at least 4 characters", id)
		}
		var found []resolve.Proposal
		for _, p := range w.list {
			if strings.HasPrefix(p.ID, id) {
				found = append(found, p)
			}
		}
		switch len(found) {
		case 0:
			return nil, fmt.Errorf("proposal %s: not among the proposals scoring at least %.2f (already linked or rejected? listed with a lower --min-score?)", id, minScore)
		case 1:
			out = append(out, found[0])
		default:
			return nil, fmt.Errorf("proposal %s: ambiguous (%s, %s, ...): give more characters", id, found[0].ID, found[1].ID)
		}
	}
	return out, nil
}

type jsonEntity struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Country string `json:"country,omitempty"`
	Source  string `json:"source,omitempty"`
}

type jsonProposal struct {
	ID              string     `json:"id"`
	Score           float64    `json:"score"`
	AutoAcceptLevel bool       `json:"autoAcceptLevel"`
	Reason          string     `json:"reason"`
	A               jsonEntity `json:"a"`
	B               jsonEntity `json:"b"`
}

func (w *proposals) entity(id string) jsonEntity {
	e := jsonEntity{ID: id}
	if r := w.entities[id]; r != nil {
		e.Name, e.Type, e.Country, e.Source = r.Name, r.Type, r.Country, r.Source
	}
	return e
}

// print lists the proposals, best first.
func (w *proposals) print(limit int, minScore float64, asJSON bool) error {
	shown := w.list
	if limit > 0 && len(shown) > limit {
		shown = shown[:limit]
	}
	if asJSON {
		out := struct {
			Total           int            `json:"total"`
			MinScore        float64        `json:"minScore"`
			AutoAcceptLevel float64        `json:"autoAcceptLevel"`
			Proposals       []jsonProposal `json:"proposals"`
		}{Total: len(w.list), MinScore: minScore, AutoAcceptLevel: resolve.AutoAcceptLevel, Proposals: []jsonProposal{}}
		for _, p := range shown {
			out.Proposals = append(out.Proposals, jsonProposal{ID: p.ID, Score: p.Score, AutoAcceptLevel: p.AutoAcceptLevel(),
				Reason: p.Reason, A: w.entity(p.A), B: w.entity(p.B)})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	for _, p := range shown {
		flag := ""
		if p.AutoAcceptLevel() {
			flag = "  (auto-accept level: still needs --accept)"
		}
		fmt.Fprintf(stdout, "%s  score %.3f%s\n", p.ID, p.Score, flag)
		for _, id := range []string{p.A, p.B} {
			e := w.entity(id)
			country := e.Country
			if country == "" {
				country = "--"
			}
			fmt.Fprintf(stdout, "  %-30s %s  %q", e.ID, country, e.Name)
			if e.Source != "" {
				fmt.Fprintf(stdout, "  [%s]", e.Source)
			}
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "  why: %s\n\n", p.Reason)
	}
	fmt.Fprintf(stdout, "%d proposals scoring at least %.2f", len(w.list), minScore)
	if len(shown) < len(w.list) {
		fmt.Fprintf(stdout, " (showing %d; --limit 0 shows all)", len(shown))
	}
	fmt.Fprintln(stdout)
	if len(w.list) > 0 {
		fmt.Fprintln(stdout, "accept: keiretsu resolve --accept ID   reject: keiretsu resolve --reject ID")
	}
	return nil
}
