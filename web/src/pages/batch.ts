// Batch screening: paste ids or upload a CSV, screen them in chunks with
// progress, sort and filter by verdict, download CSV and JSON.
import { gql, regimes, verdictRank, verdicts, type Screening } from '../api';
import { badge, download, entityPath, errorBox, h, link, productPath, today } from '../dom';
import { regimePicker } from '../screening';

/** chunk is how many ids one request screens. */
const chunk = 250;

/** parseIDs reads ids from pasted text or a CSV: the first column of each line, a header row "id" skipped. */
export function parseIDs(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    let cell = raw.trim();
    if (!cell) continue;
    if (cell.startsWith('"')) {
      const end = cell.indexOf('"', 1);
      cell = end > 0 ? cell.slice(1, end) : cell.slice(1);
    } else {
      cell = cell.split(/[,;\t]/)[0].trim();
    }
    if (!cell || (out.length === 0 && /^(id|ids|product|entity)$/i.test(cell))) continue;
    if (!seen.has(cell)) {
      seen.add(cell);
      out.push(cell);
    }
  }
  return out;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

interface Row {
  id: string;
  verdict: string;
  regimes: Record<string, string>;
  gaps: number;
  findings: number;
}

export async function batchPage(app: HTMLElement) {
  const all = await regimes();
  const text = h('textarea', { id: 'batch-ids', rows: 8, cols: 60, placeholder: 'one id per line, or upload a CSV (first column)', 'aria-label': 'ids' });
  const file = h('input', { type: 'file', id: 'batch-file', accept: '.csv,.txt,text/csv,text/plain', 'aria-label': 'CSV file' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (f) text.value = await f.text();
  });
  const kind = h('select', { id: 'batch-kind', 'aria-label': 'subjects' }, h('option', { value: 'PRODUCT' }, 'products'), h('option', { value: 'ENTITY' }, 'entities'));
  const dateIn = h('input', { type: 'date', id: 'batch-asof', value: today(), 'aria-label': 'as of' });
  const picker = regimePicker(all, []);
  const progress = h('progress', { id: 'batch-progress', max: 1, value: 0 });
  const status = h('span', { id: 'batch-status', class: 'muted' });
  const out = h('div', { id: 'batch-out' });
  let rows: Row[] = [];
  let unknown: string[] = [];
  let answers: Screening[] = [];
  let sortKey = 'id';
  let sortDesc = false;
  const filter = h('select', { id: 'batch-filter', 'aria-label': 'filter by verdict' }, h('option', { value: '' }, 'every verdict'), verdicts.map((v) => h('option', { value: v }, v)));
  filter.addEventListener('change', () => draw());
  const regimeIDs = () => (rows.length > 0 ? Object.keys(rows[0].regimes) : []);

  function draw() {
    const shown = rows.filter((r) => !filter.value || r.verdict === filter.value);
    const val = (r: Row) => (sortKey === 'id' ? r.id : sortKey === 'verdict' ? verdictRank(r.verdict as never) : sortKey === 'gaps' ? r.gaps : sortKey === 'findings' ? r.findings : verdictRank(r.regimes[sortKey] as never));
    shown.sort((a, b) => {
      const x = val(a), y = val(b);
      const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
      return sortDesc ? -c : c;
    });
    const th = (key: string, label: string) => h('th', { 'data-sort': key, class: 'sortable', onclick: (() => { sortDesc = sortKey === key ? !sortDesc : key !== 'id'; sortKey = key; draw(); }) as EventListener }, label, sortKey === key ? (sortDesc ? ' ▼' : ' ▲') : '');
    const path = kind.value === 'ENTITY' ? entityPath : productPath;
    out.replaceChildren(
      h('p', {}, `${rows.length} screened, ${unknown.length} unknown. `, filter, ' ',
        h('button', { type: 'button', id: 'batch-csv', onclick: (() => download('screenings.csv', 'text/csv', toCSV())) as EventListener }, 'Download CSV'), ' ',
        h('button', { type: 'button', id: 'batch-json', onclick: (() => download('screenings.json', 'application/json', JSON.stringify({ screenings: answers, unknown }, null, 2))) as EventListener }, 'Download JSON')),
      h('table', { class: 'results', id: 'batch-table' },
        h('thead', {}, h('tr', {}, th('id', 'id'), th('verdict', 'verdict'), regimeIDs().map((r) => th(r, r)), th('findings', 'findings'), th('gaps', 'gaps'))),
        h('tbody', {}, shown.map((r) => h('tr', { 'data-id': r.id, 'data-verdict': r.verdict }, h('td', {}, link(path(r.id), r.id)), h('td', {}, badge(r.verdict)),
          regimeIDs().map((k) => h('td', {}, badge(r.regimes[k]))), h('td', {}, r.findings), h('td', {}, r.gaps))))),
      unknown.length > 0 ? h('p', { id: 'batch-unknown' }, 'Unknown ids: ', unknown.join(', ')) : '',
    );
  }

  function toCSV(): string {
    const head = ['id', 'verdict', ...regimeIDs(), 'findings', 'gaps'];
    const lines = [head.join(',')];
    for (const r of rows) lines.push([r.id, r.verdict, ...regimeIDs().map((k) => r.regimes[k]), String(r.findings), String(r.gaps)].map(csvCell).join(','));
    for (const u of unknown) lines.push([u, 'NOT_FOUND', ...regimeIDs().map(() => ''), '', ''].map(csvCell).join(','));
    return lines.join('\n') + '\n';
  }

  async function run(ev: Event) {
    ev.preventDefault();
    const ids = parseIDs(text.value);
    rows = [];
    unknown = [];
    answers = [];
    out.replaceChildren();
    progress.max = Math.max(ids.length, 1);
    progress.value = 0;
    const rs = picker.value();
    try {
      for (let i = 0; i < ids.length; i += chunk) {
        const part = ids.slice(i, i + chunk);
        const d = await gql<{ screenBatch: { screenings: Screening[]; unknown: string[] } }>(
          `query($ids: [ID!]!, $asOf: Date, $r: [ID!], $k: SubjectKind) { screenBatch(ids: $ids, asOf: $asOf, regimes: $r, subjects: $k) {
             screenings { subjectId asOf verdict dataVersion gaps { productId reason } results { regime { id } verdict findings { verdict basis entity { id } listedEntity { id } path { kind from to } } } }
             unknown } }`,
          { ids: part, asOf: dateIn.value || null, r: rs.length > 0 ? rs : null, k: kind.value });
        answers.push(...d.screenBatch.screenings);
        unknown.push(...d.screenBatch.unknown);
        for (const s of d.screenBatch.screenings) {
          rows.push({ id: s.subjectId, verdict: s.verdict, regimes: Object.fromEntries(s.results.map((r) => [r.regime.id, r.verdict])), gaps: s.gaps.length, findings: s.results.reduce((n, r) => n + r.findings.length, 0) });
        }
        progress.value = Math.min(ids.length, i + chunk);
        status.textContent = `${progress.value} / ${ids.length}`;
      }
      status.textContent = `done: ${ids.length} ids`;
      draw();
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  }

  app.append(h('h1', {}, 'Batch screening'),
    h('form', { id: 'batch-form', class: 'controls', onsubmit: run as EventListener },
      h('p', {}, text), h('p', {}, h('label', {}, 'or a CSV file ', file)),
      h('p', {}, h('label', {}, 'screen ', kind), ' ', h('label', {}, 'as of ', dateIn)), picker.el,
      h('p', {}, h('button', { type: 'submit', id: 'batch-run' }, 'Screen'), ' ', progress, ' ', status)),
    out);
}
