package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/web"
)

// Chromium is Debian's browser, which the tests drive (never a downloaded one).
const Chromium = "/usr/bin/chromium"

var screenshots = flag.Bool("screenshots", false, "write docs/entity.png and docs/product.png from the browser test")

// workbench is the demo served over HTTP and one headless Chromium tab on it,
// recording every console error, uncaught exception, browser log error (CSP
// violations among them) and request to another origin.
type workbench struct {
	t    *testing.T
	url  string
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

func newWorkbench(t *testing.T) *workbench {
	t.Helper()
	return newWorkbenchOver(t, string(demo.JSONL))
}

// newWorkbenchOver serves the native JSONL data to a fresh Chromium tab.
func newWorkbenchOver(t *testing.T, jsonl string) *workbench {
	t.Helper()
	if _, err := os.Stat(Chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true (apt-get install -y chromium): %v", Chromium, err)
		}
		t.Skipf("no %s: browser tests skip (they never skip under CI=true)", Chromium)
	}
	svc, _ := e2e.Service(t, jsonl)
	h, err := server.Handler(svc, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	w := &workbench{t: t, url: srv.URL, ctx: ctx}
	listen := func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				w.fail("console error: " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			w.fail("exception: " + ev.ExceptionDetails.Text + " " + fmt.Sprint(ev.ExceptionDetails.Exception))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				w.fail("browser log: " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			u := ev.Request.URL
			if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				w.fail("request to another origin: " + u)
			}
		}
	}
	// Listen opens the tab; chromedp enables the runtime, log and network
	// domains on it.
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *workbench) fail(msg string) {
	w.mu.Lock()
	w.errs = append(w.errs, msg)
	w.mu.Unlock()
}

// errors returns and forgets what went wrong in the page so far.
func (w *workbench) errors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.errs
	w.errs = nil
	return out
}

func (w *workbench) run(actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, actions...); err != nil {
		w.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](w *workbench, expr string, opts ...chromedp.EvaluateOption) T {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		w.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// open loads path and waits until the page has drawn itself.
func (w *workbench) open(path string) {
	w.t.Helper()
	w.run(chromedp.Navigate(w.url+path), chromedp.WaitVisible(chromedp.CSS(`main[data-ready="true"]`)))
	w.clean(path)
}

func (w *workbench) clean(what string) {
	w.t.Helper()
	for _, e := range w.errors() {
		w.t.Errorf("%s: %s", what, e)
	}
	alert, _ := chromedp.Run(w.ctx, chromedp.Evaluate[string](`document.querySelector('[role=alert]')?.textContent ?? ''`))
	if alert != "" {
		w.t.Errorf("%s shows an error: %s", what, alert)
	}
}

// api posts a GraphQL query to the server the browser uses.
func (w *workbench) api(query string, vars map[string]any, out any) {
	w.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(w.url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		w.t.Fatalf("%s: %v %v", raw, err, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		w.t.Fatal(err)
	}
}

// TestBrowser drives the workbench over the demo data in Chromium.
func TestBrowser(t *testing.T) {
	w := newWorkbench(t)

	// First load of the demo entity page in a fresh profile (nothing cached):
	// from navigation start to the page drawn (graph laid out, verdicts shown).
	start := time.Now()
	w.open("/entity/hisilicon?asOf=2024-06-01")
	wall := time.Since(start)
	ready := eval[float64](w, `performance.getEntriesByName('keiretsu-ready')[0].startTime`)
	// Bytes over the wire (headers and encoded bodies) and decoded, of the page,
	// its assets and its API requests.
	sizes := eval[[]float64](w, `(() => { const es = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
		return [es.length, es.reduce((s, e) => s + e.transferSize, 0), es.reduce((s, e) => s + e.decodedBodySize, 0)]; })()`)
	t.Logf("first load of /entity/hisilicon: %.0f ms from navigation start to drawn (%.0f ms wall, with the test's polling); %.0f requests, %.0f bytes transferred, %.0f decoded",
		ready, float64(wall.Milliseconds()), sizes[0], sizes[1], sizes[2])

	t.Run("precompressed assets decode to the originals", func(t *testing.T) {
		var names []string
		want := map[string]string{}
		err := fs.WalkDir(web.Assets(), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || path.Ext(p) != ".br" {
				return err
			}
			name := strings.TrimSuffix(p, ".br")
			b, err := fs.ReadFile(web.Assets(), name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			names = append(names, name)
			want[name] = hex.EncodeToString(sum[:]) + " br"
			return nil
		})
		if err != nil || len(names) == 0 {
			t.Fatalf("no Brotli forms embedded: %v", err)
		}
		js, _ := json.Marshal(names)
		got := eval[map[string]string](w, `Promise.all(`+string(js)+`.map(async (n) => {
			const r = await fetch('/' + n, { cache: 'no-store' });
			const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await r.arrayBuffer()));
			return [n, [...d].map((x) => x.toString(16).padStart(2, '0')).join('') + ' ' + r.headers.get('content-encoding')];
		})).then(Object.fromEntries)`, chromedp.EvalAwaitPromise)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("digests and codings of the assets as Chromium decodes them (-originals +fetched):\n%s", diff)
		}
	})

	t.Run("every page loads clean", func(t *testing.T) {
		for _, p := range []string{"/", "/search?q=huawei", "/entity/huawei?asOf=2024-06-01&depth=3", "/product/prod-er8000?asOf=2024-06-01",
			"/batch", "/document", "/impact/huawei?asOf=2024-06-01&regime=US-NDAA-889", "/report/entity/larchmere?asOf=2024-06-01",
			"/report/product/prod-er8000?asOf=2024-06-01&regime=US-NDAA-889", "/entity/no%2Fsuch%20id"} {
			w.open(p)
		}
		w.run(chromedp.Navigate(w.url+"/graphiql"), chromedp.WaitVisible(chromedp.CSS(`.graphiql-container`)))
		w.run(chromedp.Sleep(500 * time.Millisecond)) // GraphiQL fetches the schema after drawing
		w.clean("/graphiql")
	})

	t.Run("search, entity, finding path", func(t *testing.T) {
		w.open("/search?q=hisilicon")
		w.run(chromedp.Click(chromedp.CSS(`#search-results a[href="/entity/hisilicon"]`)),
			chromedp.WaitVisible(chromedp.CSS(`main[data-ready="true"] .screening`)))
		path := eval[string](w, `location.pathname`)
		if path != "/entity/hisilicon" {
			t.Fatalf("at %s", path)
		}
		w.run(chromedp.Click(chromedp.CSS(`button.finding[data-regime="US-NDAA-889"]`)))
		drawn := eval[[]string](w, `window.keiretsuGraph.cy.edges('.path').map(e => e.id())`)
		slices.Sort(drawn)
		// HiSilicon is 889-exposed as Huawei's subsidiary: ownership, then Huawei's listing.
		if len(drawn) < 2 || !slices.ContainsFunc(drawn, func(s string) bool { return strings.HasPrefix(s, "LISTING|huawei|") }) {
			t.Errorf("finding path drawn: %v", drawn)
		}
		w.clean("entity finding")
		if *screenshots {
			w.screenshot("../docs/entity.png")
		}
	})

	t.Run("product tree colours are the API's verdicts", func(t *testing.T) {
		w.open("/product/prod-nvr-kit?asOf=2024-06-01")
		type pnode struct {
			Ref, Verdict string
			Gap          bool
		}
		nodes := eval[[]pnode](w, `window.keiretsuGraph.cy.nodes('[kind = "product"]').map(n => ({ref: n.data('ref'), verdict: n.data('verdict'), gap: n.data('gap')}))`)
		var ids []string
		drawn := map[string]string{}
		var gaps []string
		for _, n := range nodes {
			ids = append(ids, n.Ref)
			drawn[n.Ref] = n.Verdict
			if n.Gap {
				gaps = append(gaps, n.Ref)
			}
		}
		var d struct {
			ScreenBatch struct {
				Screenings []struct {
					SubjectID, Verdict string
					Gaps               []struct{ ProductID string }
				}
			}
		}
		w.api(`query($ids: [ID!]!) { screenBatch(ids: $ids, asOf: "2024-06-01") { screenings { subjectId verdict gaps { productId } } } }`, map[string]any{"ids": ids}, &d)
		want := map[string]string{}
		var wantGaps []string
		for _, s := range d.ScreenBatch.Screenings {
			want[s.SubjectID] = s.Verdict
			if s.SubjectID == "prod-nvr-kit" {
				for _, g := range s.Gaps {
					wantGaps = append(wantGaps, g.ProductID)
				}
			}
		}
		if len(ids) < 3 || want["prod-nvr-kit"] != "EXPOSED" {
			t.Fatalf("tree %v, API %v", ids, want)
		}
		if diff := cmp.Diff(want, drawn); diff != "" {
			t.Errorf("colours (-API +page):\n%s", diff)
		}
		slices.Sort(gaps)
		slices.Sort(wantGaps)
		if diff := cmp.Diff(wantGaps, gaps); diff != "" || len(gaps) == 0 {
			t.Errorf("gaps marked (-API +page):\n%s", diff)
		}
		w.run(chromedp.Click(chromedp.CSS(`button.finding[data-regime="US-NDAA-889"]`)))
		onPath := eval[[]string](w, `window.keiretsuGraph.cy.nodes('.path').map(n => n.id())`)
		if !slices.Contains(onPath, "p:prod-nvr-kit") || !slices.Contains(onPath, "r:US-NDAA-889") {
			t.Errorf("path from the product to the listing: %v", onPath)
		}
		w.clean("product")
		if *screenshots {
			w.screenshot("../docs/product.png")
		}
	})

	t.Run("CSV batch round trip", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "parts.csv")
		if err := os.WriteFile(in, []byte("id,note\nprod-er8000,router\nprod-sw48,switch\nnot-a-product,typo\nprod-kiosk,kiosk\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		w.open("/batch")
		if _, err := chromedp.CallBrowser(w.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
			t.Fatal(err)
		}
		w.run(chromedp.SetUploadFiles(chromedp.CSS(`#batch-file`), []string{in}),
			chromedp.Poll[chromedp.Void](`document.querySelector('#batch-ids').value.includes('prod-kiosk')`),
			chromedp.SetValue(chromedp.CSS(`#batch-asof`), "2024-06-01"),
			chromedp.Click(chromedp.CSS(`#batch-run`)),
			chromedp.WaitVisible(chromedp.CSS(`#batch-table`)),
			chromedp.Click(chromedp.CSS(`#batch-csv`)))
		var got []byte
		for i := 0; i < 100 && got == nil; i++ {
			got, _ = os.ReadFile(filepath.Join(dir, "screenings.csv"))
			time.Sleep(50 * time.Millisecond)
		}
		rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
		if err != nil || len(rows) != 5 {
			t.Fatalf("downloaded CSV %q: %v", got, err)
		}
		var d struct {
			ScreenBatch struct {
				Screenings []struct{ SubjectID, Verdict string }
				Unknown    []string
			}
		}
		w.api(`{ screenBatch(ids: ["prod-er8000", "prod-sw48", "not-a-product", "prod-kiosk"], asOf: "2024-06-01") { screenings { subjectId verdict } unknown } }`, nil, &d)
		want := [][]string{}
		for _, s := range d.ScreenBatch.Screenings {
			want = append(want, []string{s.SubjectID, s.Verdict})
		}
		for _, u := range d.ScreenBatch.Unknown {
			want = append(want, []string{u, "NOT_FOUND"})
		}
		var have [][]string
		for _, r := range rows[1:] {
			have = append(have, r[:2])
		}
		if diff := cmp.Diff(want, have); diff != "" || rows[0][0] != "id" {
			t.Errorf("CSV (-API +download):\n%s", diff)
		}
		// Filtering by verdict keeps only that verdict's rows.
		w.run(chromedp.SetValue(chromedp.CSS(`#batch-filter`), "EXPOSED"))
		eval[bool](w, `document.querySelector('#batch-filter').dispatchEvent(new Event('change'))`)
		shown := eval[[]string](w, `[...document.querySelectorAll('#batch-table tbody tr')].map(r => r.dataset.verdict)`)
		if len(shown) == 0 || slices.ContainsFunc(shown, func(v string) bool { return v != "EXPOSED" }) {
			t.Errorf("filtered rows: %v", shown)
		}
		w.clean("batch")
	})

	t.Run("document upload", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "gadget.cdx.json")
		if err := os.WriteFile(f, []byte(gadget), 0o644); err != nil {
			t.Fatal(err)
		}
		w.open("/document")
		w.run(chromedp.SetUploadFiles(chromedp.CSS(`#doc-file`), []string{f}),
			chromedp.Poll[chromedp.Void](`document.querySelector('#doc-text').value.includes('CycloneDX')`),
			chromedp.SetValue(chromedp.CSS(`#doc-asof`), "2024-06-01"),
			chromedp.Click(chromedp.CSS(`#doc-form input[value="US-BIS-ENTITY"]`)),
			chromedp.Click(chromedp.CSS(`#doc-run`)),
			chromedp.WaitVisible(chromedp.CSS(`#doc-unresolved`)))
		unresolved := eval[string](w, `document.querySelector('#doc-unresolved').textContent`)
		verdict := eval[string](w, `document.querySelector('.doc-root .screening').dataset.verdict`)
		if !strings.Contains(unresolved, "Obscure Power Widgets Ltd") || verdict != "EXPOSED" {
			t.Errorf("unresolved %q, verdict %q", unresolved, verdict)
		}
		w.clean("document")
	})

	t.Run("report", func(t *testing.T) {
		w.open("/report/product/prod-er8000?asOf=2024-06-01&regime=US-NDAA-889")
		text := eval[string](w, `document.querySelector('#report').innerText`)
		var d struct{ DataVersion string }
		w.api(`{ dataVersion }`, nil, &d)
		for _, want := range []string{"prod-er8000", "2024-06-01", "US-NDAA-889", "EXPOSED", d.DataVersion, "is listed on", "source:"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		w.clean("report")
	})
}

func (w *workbench) screenshot(path string) {
	w.t.Helper()
	w.run(chromedp.Sleep(300 * time.Millisecond))
	png, err := chromedp.Run(w.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// gadget is a supplier's CycloneDX HBOM: a HiSilicon chip and a power supply
// from a supplier the demo does not know.
const gadget = `{
  "bomFormat": "CycloneDX", "specVersion": "1.5",
  "metadata": {"component": {"bom-ref": "gw", "type": "device", "name": "Acme Gateway", "version": "1"}},
  "components": [
    {"bom-ref": "soc", "type": "device", "name": "Acme SoC", "supplier": {"name": "HiSilicon Technologies Co., Ltd."}},
    {"bom-ref": "psu", "type": "device", "name": "Acme PSU", "supplier": {"name": "Obscure Power Widgets Ltd"}}
  ],
  "dependencies": [{"ref": "gw", "dependsOn": ["soc", "psu"]}]
}`

// holding is a listed holding company owning 5,000 subsidiaries outright.
func holding(n int) string {
	var b strings.Builder
	b.WriteString(`{"kind":"entity","id":"mega","name":"Mega Holdings"}` + "\n")
	b.WriteString(`{"kind":"listing","regime":"US-OFAC-SDN","entity":"mega","source":"sdn-mega"}` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"entity","id":"sub-%04d","name":"Subsidiary %d"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"kind":"ownership","owner":"mega","owned":"sub-%04d","percent":100,"source":"reg"}`+"\n", i)
	}
	return b.String()
}

// TestBrowserLargeHolding: the entity page of a holding with 5,000
// subsidiaries draws a page of them with the rest collapsed into one "more"
// node, coloured as the API screens them; clicking the "more" node draws the
// next page, and the page goes on answering: a finding's path is drawn and a
// node's details shown after it.
func TestBrowserLargeHolding(t *testing.T) {
	const subs = 5000
	w := newWorkbenchOver(t, holding(subs))
	w.open("/entity/mega?asOf=2025-01-01")

	type gnode struct{ ID, Kind, Label, Verdict string }
	nodes := func() []gnode {
		return eval[[]gnode](w, `window.keiretsuGraph.cy.nodes().map(n => ({id: n.id(), kind: n.data('kind'), label: n.data('label'), verdict: n.data('verdict')}))`)
	}
	// check says what the graph must hold after pages pages of holdings: the
	// holding, pages x 25 subsidiaries, each coloured with its verdict, and
	// one "more" node for the rest.
	check := func(pages int) {
		t.Helper()
		var subsDrawn []string
		var more []gnode
		verdicts := map[string]string{}
		for _, n := range nodes() {
			switch {
			case n.Kind == "more":
				more = append(more, n)
			case strings.HasPrefix(n.ID, "e:sub-"):
				subsDrawn = append(subsDrawn, strings.TrimPrefix(n.ID, "e:"))
				verdicts[strings.TrimPrefix(n.ID, "e:")] = n.Verdict
			}
		}
		shown := 25 * pages
		if len(subsDrawn) != shown {
			t.Fatalf("after %d pages: %d subsidiaries drawn, want %d", pages, len(subsDrawn), shown)
		}
		wantMore := fmt.Sprintf("+%d more holdings", subs-shown)
		if len(more) != 1 || more[0].ID != "more:down:mega" || more[0].Label != wantMore {
			t.Errorf("after %d pages: more nodes %+v, want one labelled %q", pages, more, wantMore)
		}
		// The page colours by the verdict under every loaded regime.
		var rs struct{ Regimes []struct{ ID string } }
		w.api(`{ regimes { id } }`, nil, &rs)
		var all []string
		for _, r := range rs.Regimes {
			all = append(all, r.ID)
		}
		var d struct {
			ScreenBatch struct {
				Screenings []struct{ SubjectID, Verdict string }
			}
		}
		w.api(`query($ids: [ID!]!, $r: [ID!]) { screenBatch(ids: $ids, asOf: "2025-01-01", regimes: $r, subjects: ENTITY) { screenings { subjectId verdict } } }`,
			map[string]any{"ids": subsDrawn, "r": all}, &d)
		want := map[string]string{}
		for _, s := range d.ScreenBatch.Screenings {
			want[s.SubjectID] = s.Verdict
		}
		if diff := cmp.Diff(want, verdicts); diff != "" {
			t.Errorf("after %d pages: colours (-API +page):\n%s", pages, diff)
		}
	}
	check(1)
	if got := eval[int](w, `document.querySelectorAll('.screening').length`); got != 1 {
		t.Errorf("%d screening panels", got)
	}

	// The "more" node draws the next page when clicked.
	w.run(chromedp.Evaluate[chromedp.Void](`window.keiretsuGraph.cy.getElementById('more:down:mega').emit('tap'), undefined`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#graph[data-pages="1"][data-loading="false"], [role=alert]') !== null`))
	w.clean("the next page of holdings")
	check(2)

	// And the page still answers: a finding's path is drawn, a node's details shown.
	w.run(chromedp.Click(chromedp.CSS(`button.finding[data-regime="US-OFAC-SDN"]`)))
	onPath := eval[[]string](w, `window.keiretsuGraph.cy.nodes('.path').map(n => n.id())`)
	if !slices.Contains(onPath, "e:mega") || !slices.Contains(onPath, "r:US-OFAC-SDN") {
		t.Errorf("the finding's path: %v", onPath)
	}
	var last gnode
	for _, n := range nodes() {
		if strings.HasPrefix(n.ID, "e:sub-") {
			last = n // one of the second page's
		}
	}
	w.run(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.keiretsuGraph.cy.getElementById(%q).emit('tap'), undefined`, last.ID)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('#detail').textContent.includes(%q)`, last.Label)))
	w.clean("the entity page of a large holding")
}
