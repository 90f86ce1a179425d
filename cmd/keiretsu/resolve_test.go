package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// resolveData: a router sourced from Huawei as a CycloneDX supplier would name it,
// Huawei's CMIC listing under OFAC's own id, section 889's spelling, and two traps.
const resolveData = `{"kind":"product","id":"p:router","name":"Edge router","category":"telecom"}
{"kind":"entity","id":"org:huawei-technologies","name":"Huawei Technologies Co., Ltd.","source":"CycloneDX supplier"}
{"kind":"sourcing","product":"p:router","entity":"org:huawei-technologies","role":"supplier"}
{"kind":"entity","id":"ofac:30947","name":"HUAWEI TECHNOLOGIES CO., LTD.","country":"CN","aliases":["HUAWEI INVESTMENT & HOLDING CO LTD"],"identifiers":{"uscc":"914403001922038216"},"source":"OFAC CMIC 2025"}
{"kind":"listing","regime":"US-OFAC-CMIC","entity":"ofac:30947","reference":"CMIC-EO13959","from":"2021-06-03"}
{"kind":"entity","id":"ofac:32087","name":"HUAWEI INVESTMENT & HOLDING CO., LTD.","country":"CN","identifiers":{"uscc":"91440300746645251H"},"source":"OFAC CMIC 2025"}
{"kind":"entity","id":"889:huawei","name":"Huawei Technologies Company","source":"NDAA section 889"}
{"kind":"entity","id":"dpl:dahua-electronics","name":"DAHUA ELECTRONICS CORPORATION","country":"US","source":"BIS DPL"}
{"kind":"entity","id":"fcc:dahua","name":"Zhejiang Dahua Technology Co., Ltd.","country":"CN","aliases":["Dahua"],"source":"FCC covered list"}
{"kind":"entity","id":"ofac:13062","name":"BOZTEPE, Omer","type":"person","country":"TR","source":"OFAC SDN 2019"}
{"kind":"entity","id":"fcc:zte","name":"ZTE Corporation","country":"CN","source":"FCC covered list"}
`

type resolveJSON struct {
	Total     int `json:"total"`
	Proposals []struct {
		ID     string  `json:"id"`
		Score  float64 `json:"score"`
		Reason string  `json:"reason"`
		A, B   struct {
			ID, Name, Country, Source string
		}
	} `json:"proposals"`
}

// capture runs fn with stdout going to a buffer.
func capture(t *testing.T, fn func() error) string {
	t.Helper()
	var buf bytes.Buffer
	old := stdout
	stdout = &buf
	defer func() { stdout = old }()
	if err := fn(); err != nil {
		t.Fatalf("%v\noutput: %s", err, buf.String())
	}
	return buf.String()
}

func listProposals(t *testing.T, dir string) resolveJSON {
	t.Helper()
	out := capture(t, func() error { return runResolve(context.Background(), []string{dir, "--json"}) })
	var r resolveJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return r
}

func proposalsWaiting(t *testing.T, dir string) int {
	t.Helper()
	out := capture(t, func() error { return runStats(context.Background(), []string{dir, "--json"}) })
	var s struct {
		ProposalsWaiting *int `json:"proposalsWaiting"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.ProposalsWaiting == nil {
		t.Fatalf("stats --json: %v: %s", err, out)
	}
	return *s.ProposalsWaiting
}

// screenRouter screens p:router under US-OFAC-CMIC on 2025-01-01 from the store.
func screenRouter(t *testing.T, dir string) (model.Verdict, []string) {
	t.Helper()
	st, err := embedded.Open(dir, embedded.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := e2e.Engine(t, st)
	s, err := eng.ScreenProduct("p:router", model.MustDate("2025-01-01"), []*rules.Regime{eng.Regimes().Get("US-OFAC-CMIC")})
	if err != nil {
		t.Fatal(err)
	}
	var hops []string
	for _, f := range s.Results[0].Findings {
		for _, h := range f.Path.All() {
			hops = append(hops, h.Kind.String()+" "+h.From+"->"+h.To)
		}
	}
	return s.Verdict, hops
}

func TestResolveEndToEnd(t *testing.T) {
	t.Setenv("KEIRETSU_REJECTIONS", "")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")
	data := writeFile(t, tmp, "data.jsonl", resolveData)
	if code := run([]string{"ingest", dir, data, "--log-level", "error"}); code != 0 {
		t.Fatalf("ingest: exit %d", code)
	}
	if v, _ := screenRouter(t, dir); v != model.Clear {
		t.Fatalf("before resolving: %s, want CLEAR (the supplier is not known to be the listed entity)", v)
	}

	// The supplier and the listed entity are proposed; the traps are not (above the default minimum).
	list := listProposals(t, dir)
	var id string
	for _, p := range list.Proposals {
		pair := p.A.ID + " " + p.B.ID
		switch pair {
		case "ofac:30947 org:huawei-technologies":
			id = p.ID
			if p.A.Name != "HUAWEI TECHNOLOGIES CO., LTD." || p.A.Country != "CN" || p.B.Source != "CycloneDX supplier" || p.Score < 0.9 || p.Score >= resolve.AutoAcceptLevel {
				t.Errorf("proposal %+v", p)
			}
		case "dpl:dahua-electronics fcc:dahua", "fcc:zte ofac:13062", "ofac:30947 ofac:32087":
			t.Errorf("trap proposed: %s %.3f %s", pair, p.Score, p.Reason)
		}
	}
	if id == "" {
		t.Fatalf("ofac:30947 ~ org:huawei-technologies not proposed: %+v", list)
	}
	if got := proposalsWaiting(t, dir); got != list.Total || got == 0 {
		t.Errorf("stats proposalsWaiting = %d, resolve lists %d", got, list.Total)
	}

	// Accept it by a prefix of its id.
	out := capture(t, func() error {
		return runResolve(context.Background(), []string{dir, "--accept", id[:6], "--by", "tester"})
	})
	if !strings.Contains(out, "accepted "+id+": same_as ofac:30947 org:huawei-technologies") {
		t.Errorf("accept output: %s", out)
	}
	st, err := embedded.Open(dir, embedded.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := st.Get(context.Background(), []model.Key{{Kind: model.KindSameAs, Src: "ofac:30947", Dst: "org:huawei-technologies", From: model.MinDate}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[0]; r == nil || r.Source != "keiretsu resolve" || !strings.Contains(r.Reason, "accepted by tester on "+model.Today().String()) ||
		!strings.Contains(r.Reason, `same normalised name "huaweitechnology"`) {
		t.Fatalf("same_as record: %+v", r)
	}

	// Screening follows the accepted link, and the path shows it.
	v, hops := screenRouter(t, dir)
	if v != model.Exposed {
		t.Errorf("after accepting: %s, want EXPOSED", v)
	}
	want := []string{"sourcing p:router->org:huawei-technologies", "same_as ofac:30947->org:huawei-technologies", "listing ofac:30947->US-OFAC-CMIC"}
	if strings.Join(hops, " | ") != strings.Join(want, " | ") {
		t.Errorf("path %q, want %q", hops, want)
	}
	if code := run([]string{"screen", dir, "--product", "p:router", "--regime", "US-OFAC-CMIC", "--as-of", "2025-01-01", "--log-level", "error"}); code != 5 {
		t.Errorf("screen exit %d, want 5 (EXPOSED)", code)
	}

	// The accepted pair is gone; section 889's Huawei is now one proposal with the class.
	list = listProposals(t, dir)
	var hw889 string
	for _, p := range list.Proposals {
		if p.A.ID == "ofac:30947" && p.B.ID == "org:huawei-technologies" {
			t.Errorf("accepted pair still proposed")
		}
		if p.A.ID == "889:huawei" {
			if hw889 != "" {
				t.Errorf("889:huawei proposed twice with one class: %s and %s", hw889, p.B.ID)
			}
			hw889 = p.ID
		}
	}
	if hw889 == "" {
		t.Fatalf("889:huawei not proposed: %+v", list)
	}

	// Rejecting it records it beside the store and stops proposing it.
	before := proposalsWaiting(t, dir)
	out = capture(t, func() error {
		return runResolve(context.Background(), []string{dir, "--reject", hw889, "--by", "tester", "--reason", "checked: not the same"})
	})
	if !strings.Contains(out, "rejected "+hw889) {
		t.Errorf("reject output: %s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, RejectionsFile))
	if err != nil {
		t.Fatal(err)
	}
	rej, err := resolve.ReadRejections(RejectionsFile, bytes.NewReader(b))
	if err != nil || len(rej) != 1 || rej[0].Proposal != hw889 || rej[0].By != "tester" || rej[0].Reason != "checked: not the same" {
		t.Errorf("rejections file: %v %+v", err, rej)
	}
	if after := proposalsWaiting(t, dir); after != before-1 {
		t.Errorf("proposals waiting %d after a rejection, want %d", after, before-1)
	}
	for _, p := range listProposals(t, dir).Proposals {
		if p.A.ID == "889:huawei" {
			t.Errorf("rejected class still proposed: %s %s", p.A.ID, p.B.ID)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	t.Setenv("KEIRETSU_REJECTIONS", "")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")
	data := writeFile(t, tmp, "data.jsonl", resolveData)
	if code := run([]string{"ingest", dir, data, "--log-level", "error"}); code != 0 {
		t.Fatalf("ingest: exit %d", code)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{dir, "--accept", "abc"}, "at least 4 characters"},
		{[]string{dir, "--accept", "ffffffffffff"}, "not among the proposals"},
		{[]string{dir, "--accept", "abcd1234", "--reject", "abcd"}, "both accepted and rejected"},
		{[]string{dir, "--min-score", "2"}, "outside 0..1"},
		{[]string{dir, "extra"}, "unexpected arguments"},
	} {
		err := runResolve(context.Background(), tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	// The text listing names both entities and the commands.
	out := capture(t, func() error { return runResolve(context.Background(), []string{dir, "--limit", "1"}) })
	for _, want := range []string{"score 0.", "why: ", "(showing 1; --limit 0 shows all)", "keiretsu resolve --accept ID"} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
}
