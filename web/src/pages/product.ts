// A product: its bill of materials as a tree coloured by each part's verdict
// under the chosen regimes on a date, gaps marked (dashed border), a finding's
// path drawn from the product through components and suppliers to the listing.
import { gql, regimes, screeningFields, verdictRank, type Screening, type Verdict } from '../api';
import { badge, h, link, productPath, today } from '../dom';
import { Graph, type GEdge, type GNode } from '../graph';
import { navigate } from '../main';
import { regimePicker, screeningPanel } from '../screening';

interface PNode {
  id: string;
  name: string;
  category: string | null;
  components: { child: { id: string; name: string }; quantity: number | null; essential: boolean; from: string | null; to: string | null; source: string | null }[];
  sources: { entity: { id: string; name: string }; role: string; site: string | null; from: string | null; to: string | null; source: string | null }[];
}

/** maxDepth bounds the tree the page draws. */
const maxDepth = 12;

async function level(ids: string[], asOf: string): Promise<PNode[]> {
  const vars: Record<string, unknown> = { asOf };
  const defs = ids.map((id, i) => {
    vars[`i${i}`] = id;
    return `$i${i}: ID!`;
  });
  const sel = ids.map((_, i) => `n${i}: product(id: $i${i}) { id name category components(asOf: $asOf) { child { id name } quantity essential from to source } sources(asOf: $asOf) { entity { id name } role site from to source } }`);
  const d = await gql<Record<string, PNode | null>>(`query Level($asOf: Date, ${defs.join(', ')}) { ${sel.join(' ')} }`, vars);
  return Object.values(d).filter((n): n is PNode => n !== null);
}

export async function productPage(app: HTMLElement, q: URLSearchParams, id: string) {
  const asOf = q.get('asOf') || today();
  const chosen = q.getAll('regime');
  const all = await regimes();
  const root = (await level([id], asOf))[0];
  if (!root) {
    app.append(h('h1', {}, 'Unknown product'), h('p', {}, `No product has the id “${id}”.`));
    return;
  }
  const dateIn = h('input', { type: 'date', name: 'asOf', value: asOf, 'aria-label': 'as of' });
  const picker = regimePicker(all, chosen);
  const rq = chosen.map((r) => `&regime=${encodeURIComponent(r)}`).join('');
  app.append(
    h('h1', {}, root.name, root.category ? h('small', { class: 'muted' }, ` ${root.category}`) : ''),
    h('p', { class: 'facts' }, h('code', {}, root.id)),
    h('form', {
      class: 'controls no-print',
      onsubmit: ((ev: Event) => {
        ev.preventDefault();
        navigate(`${productPath(id)}?asOf=${dateIn.value}${picker.value().map((r) => `&regime=${encodeURIComponent(r)}`).join('')}`);
      }) as EventListener,
    }, h('label', {}, 'as of ', dateIn), picker.el, h('button', { type: 'submit' }, 'Screen'),
    ' ', link(`/report/product/${encodeURIComponent(id)}?asOf=${asOf}${rq}`, 'Report')),
  );
  const layout = h('div', { class: 'split' });
  const canvas = h('div', { id: 'graph', class: 'graph' });
  const side = h('div', { class: 'side' });
  const detail = h('div', { class: 'detail' });
  layout.append(canvas, side);
  app.append(layout);
  const graph = new Graph(canvas);
  (window as unknown as { keiretsuGraph: Graph }).keiretsuGraph = graph;
  graph.onSelect = (d) => detail.replaceChildren(h('p', {}, String(d.label)), d.detail ? h('p', {}, String(d.detail)) : '');

  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  const seen = new Set<string>([root.id]);
  const suppliers = new Set<string>();
  let frontier: PNode[] = [root];
  for (let d = 0; d <= maxDepth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const p of frontier) {
      nodes.push({ id: p.id, label: p.name || p.id, kind: 'product', root: p.id === root.id });
      for (const c of p.components) {
        edges.push({ kind: 'COMPONENT', from: p.id, to: c.child.id, label: `${c.quantity ?? ''}${c.essential ? '' : ' non-essential'}`.trim(),
          detail: `component${c.quantity !== null ? ' ×' + c.quantity : ''}${c.essential ? '' : ' (not essential)'} ${c.from ?? ''}${c.to ? ' → ' + c.to : ''} ${c.source ? 'source: ' + c.source : ''}` });
        if (!seen.has(c.child.id)) {
          seen.add(c.child.id);
          next.push(c.child.id);
        }
      }
      for (const s of p.sources) {
        if (!suppliers.has(s.entity.id)) {
          suppliers.add(s.entity.id);
          nodes.push({ id: s.entity.id, label: s.entity.name || s.entity.id, kind: 'entity' });
        }
        edges.push({ kind: 'SOURCING', from: p.id, to: s.entity.id, label: s.role + (s.site ? ` @${s.site}` : ''),
          detail: `${s.role}${s.site ? ' at ' + s.site : ''} ${s.from ?? ''}${s.to ? ' → ' + s.to : ''} ${s.source ? 'source: ' + s.source : ''}` });
      }
    }
    frontier = next.length > 0 ? await level(next, asOf) : [];
  }
  graph.add(nodes, edges);

  const ids = [...seen];
  const d = await gql<{ screenBatch: { screenings: Screening[]; unknown: string[] } }>(
    `query($ids: [ID!]!, $asOf: Date, $r: [ID!]) { screenBatch(ids: $ids, asOf: $asOf, regimes: $r) { screenings { ${screeningFields} } unknown } }`,
    { ids, asOf, r: chosen.length > 0 ? chosen : null });
  const byID = new Map(d.screenBatch.screenings.map((s) => [s.subjectId, s]));
  for (const pid of ids) {
    const s = byID.get(pid);
    if (s) graph.colour('product', pid, s.verdict);
  }
  const top = byID.get(root.id)!;
  for (const g of top.gaps) graph.add([{ id: g.productId, label: nodes.find((n) => n.id === g.productId && n.kind === 'product')?.label ?? g.productId, kind: 'product', verdict: byID.get(g.productId)?.verdict, gap: true }], []);
  const worst = new Map<string, Verdict>();
  for (const r of top.results) for (const f of r.findings) {
    const v = worst.get(f.entity.id);
    if (!v || verdictRank(f.verdict) > verdictRank(v)) worst.set(f.entity.id, f.verdict);
  }
  for (const [eid, v] of worst) graph.colour('entity', eid, v);
  graph.layout();
  side.append(screeningPanel(top, (path) => graph.highlight(path)), detail,
    h('p', { class: 'legend' }, ['CLEAR', 'UNKNOWN', 'CAUTION', 'POSSIBLE', 'EXPOSED'].map((v) => badge(v)), ' rectangles: products (colour: its own screening) · rounded: suppliers · dashed border: gap'));
}
