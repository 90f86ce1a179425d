// An entity: owners and controllers upward, holdings downward to a chosen
// depth, its listings, and its verdict under every regime on a date with each
// finding's path drawn on the graph.
import { gql, regimes, screeningFields, type Screening, type Verdict } from '../api';
import { badge, entityPath, h, link, percent, period, today } from '../dom';
import { Graph, type GEdge, type GNode } from '../graph';
import { navigate } from '../main';
import { screeningPanel } from '../screening';

/** perNode is how many edges of one direction the graph draws at a node before collapsing the rest into one node. */
const perNode = 25;

interface Brief {
  id: string;
  name: string;
  type?: string;
}
interface Own { owner: Brief; owned: Brief; percent: number | null; percentMin: number; percentMax: number; from: string | null; to: string | null; source: string | null }
interface Ctl { controller: Brief; controlled: Brief; basis: string | null; from: string | null; to: string | null; source: string | null }
interface Node {
  id: string;
  name: string;
  owners?: Own[];
  controllers?: Ctl[];
  owned?: Own[];
  controlled?: Ctl[];
}

const edgeFields = 'percent percentMin percentMax from to source';
const up = `owners(asOf: $asOf) { owner { id name type } owned { id } ${edgeFields} } controllers(asOf: $asOf) { controller { id name type } controlled { id } basis from to source }`;
const down = `owned(asOf: $asOf) { owner { id } owned { id name type } ${edgeFields} } controlled(asOf: $asOf) { controller { id } controlled { id name type } basis from to source }`;

/** level fetches one level of the neighbourhood: the edges of every node in ids, in one request. */
async function level(ids: string[], asOf: string, dir: 'up' | 'down'): Promise<Node[]> {
  if (ids.length === 0) return [];
  const vars: Record<string, unknown> = { asOf };
  const defs = ids.map((id, i) => {
    vars[`i${i}`] = id;
    return `$i${i}: ID!`;
  });
  const sel = ids.map((_, i) => `n${i}: entity(id: $i${i}) { id name ${dir === 'up' ? up : down} }`);
  const d = await gql<Record<string, Node | null>>(`query Level($asOf: Date, ${defs.join(', ')}) { ${sel.join(' ')} }`, vars);
  return Object.values(d).filter((n): n is Node => n !== null);
}

export async function entityPage(app: HTMLElement, q: URLSearchParams, id: string) {
  const asOf = q.get('asOf') || today();
  const depth = Math.max(1, Math.min(6, Number(q.get('depth') || 2)));
  const [info, rs] = await Promise.all([
    gql<{ entity: { id: string; name: string; type: string; country: string | null; hqCountry: string | null; aliases: string[]; identifiers: { scheme: string; value: string }[]; source: string | null; listings: { regime: { id: string }; reference: string | null; categories: string[]; from: string | null; to: string | null; source: string | null }[] } | null }>(
      `query($id: ID!) { entity(id: $id) { id name type country hqCountry aliases identifiers { scheme value } source listings { regime { id } reference categories from to source } } }`, { id }),
    regimes(),
  ]);
  const e = info.entity;
  if (!e) {
    app.append(h('h1', {}, 'Unknown entity'), h('p', {}, `No entity has the id “${id}”.`));
    return;
  }
  const dateIn = h('input', { type: 'date', name: 'asOf', value: asOf, 'aria-label': 'as of' });
  const depthIn = h('input', { type: 'number', name: 'depth', min: 1, max: 6, value: depth, 'aria-label': 'depth' });
  app.append(
    h('h1', {}, e.name, ' ', h('small', { class: 'muted' }, e.type)),
    h('p', { class: 'facts' }, h('code', {}, e.id), e.country ? ` · country ${e.country}` : '', e.hqCountry ? ` · HQ ${e.hqCountry}` : '',
      e.identifiers.map((x) => ` · ${x.scheme} ${x.value}`).join(''), e.aliases.length ? ` · also ${e.aliases.join(', ')}` : ''),
    h('form', {
      class: 'controls no-print',
      onsubmit: ((ev: Event) => {
        ev.preventDefault();
        navigate(`${entityPath(id)}?asOf=${dateIn.value}&depth=${depthIn.value}`);
      }) as EventListener,
    }, h('label', {}, 'as of ', dateIn), h('label', {}, ' depth ', depthIn), h('button', { type: 'submit' }, 'Show'),
    ' ', link(`/impact/${encodeURIComponent(id)}?asOf=${asOf}`, 'Impact'), ' · ', link(`/report/entity/${encodeURIComponent(id)}?asOf=${asOf}`, 'Report')),
  );
  const layout = h('div', { class: 'split' });
  const canvas = h('div', { id: 'graph', class: 'graph' });
  const side = h('div', { class: 'side' });
  const detail = h('div', { class: 'detail', id: 'detail' }, h('p', { class: 'muted' }, 'Click a node or an edge for its details; click a finding to draw its path.'));
  layout.append(canvas, side);
  app.append(layout);

  const graph = new Graph(canvas);
  (window as unknown as { keiretsuGraph: Graph }).keiretsuGraph = graph;
  graph.onSelect = (d) => {
    detail.replaceChildren(h('p', {}, d.kind === 'entity' ? link(entityPath(String(d.ref)), String(d.label)) : String(d.label)), d.detail ? h('p', {}, String(d.detail)) : '');
  };
  const nodes: GNode[] = [{ id: e.id, label: e.name, kind: 'entity', root: true }];
  const edges: GEdge[] = [];
  const ownEdge = (o: Own): GEdge => ({ kind: 'OWNERSHIP', from: o.owner.id, to: o.owned.id, label: percent(o.percent, o.percentMin, o.percentMax),
    detail: `ownership ${percent(o.percent, o.percentMin, o.percentMax)} ${period(o.from, o.to)} ${o.source ? 'source: ' + o.source : ''}` });
  const ctlEdge = (c: Ctl): GEdge => ({ kind: 'CONTROL', from: c.controller.id, to: c.controlled.id, label: c.basis ?? 'control',
    detail: `control (${c.basis ?? 'unspecified'}) ${period(c.from, c.to)} ${c.source ? 'source: ' + c.source : ''}` });
  const seen = new Set([e.id]);
  for (const dir of ['up', 'down'] as const) {
    let frontier = [e.id];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const n of await level(frontier, asOf, dir)) {
        const pairs: [Brief, GEdge][] = dir === 'up'
          ? [...(n.owners ?? []).map((o): [Brief, GEdge] => [o.owner, ownEdge(o)]), ...(n.controllers ?? []).map((c): [Brief, GEdge] => [c.controller, ctlEdge(c)])]
          : [...(n.owned ?? []).map((o): [Brief, GEdge] => [o.owned, ownEdge(o)]), ...(n.controlled ?? []).map((c): [Brief, GEdge] => [c.controlled, ctlEdge(c)])];
        pairs.slice(0, perNode).forEach(([b, edge]) => {
          edges.push(edge);
          if (!seen.has(b.id)) {
            seen.add(b.id);
            nodes.push({ id: b.id, label: b.name || b.id, kind: 'entity' });
            next.push(b.id);
          }
        });
        if (pairs.length > perNode) {
          const more = `more:${dir}:${n.id}`;
          nodes.push({ id: more, label: `+${pairs.length - perNode} more ${dir === 'up' ? 'owners' : 'holdings'}`, kind: 'more' });
          edges.push(dir === 'up' ? { kind: 'MORE', from: more, to: `e:${n.id}` } : { kind: 'MORE', from: `e:${n.id}`, to: more });
        }
      }
      frontier = next;
    }
  }
  graph.add(nodes, edges);

  const ids = rs.map((r) => r.id);
  const [scr, others] = await Promise.all([
    gql<{ screenEntity: Screening }>(`query($id: ID!, $asOf: Date, $r: [ID!]) { screenEntity(id: $id, asOf: $asOf, regimes: $r) { ${screeningFields} } }`, { id, asOf, r: ids }),
    gql<{ screenBatch: { screenings: { subjectId: string; verdict: Verdict }[] } }>(
      `query($ids: [ID!]!, $asOf: Date, $r: [ID!]) { screenBatch(ids: $ids, asOf: $asOf, regimes: $r, subjects: ENTITY) { screenings { subjectId verdict } } }`,
      { ids: [...seen], asOf, r: ids }),
  ]);
  for (const s of others.screenBatch.screenings) graph.colour('entity', s.subjectId, s.verdict);
  graph.layout();
  side.append(screeningPanel(scr.screenEntity, (path) => graph.highlight(path)), detail);
  if (e.listings.length > 0) {
    side.append(h('h3', {}, 'Listings'), h('ul', { class: 'listings' }, e.listings.map((l) => h('li', {}, h('code', {}, l.regime.id), l.reference ? ` ${l.reference}` : '',
      l.categories.length ? ` (only ${l.categories.join(', ')})` : '', ` ${period(l.from, l.to)}`, l.source ? h('span', { class: 'source' }, ` source: ${l.source}`) : ''))));
  }
  side.append(h('p', { class: 'legend' }, ['CLEAR', 'UNKNOWN', 'CAUTION', 'POSSIBLE', 'EXPOSED'].map((v) => badge(v)), ' solid: ownership · dashed: control'));
}
