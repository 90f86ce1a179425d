// An entity: owners and controllers upward, holdings downward to a chosen
// depth, its listings, and its verdict under every regime on a date with each
// finding's path drawn on the graph.
import { gql, regimes, screeningFields, type Screening, type Verdict } from '../api';
import { badge, entityPath, h, link, percent, period, today } from '../dom';
import { Graph, type GEdge, type GNode } from '../graph';
import { navigate } from '../main';
import { screeningPanel } from '../screening';

/** perNode is how many edges of each kind and direction the graph draws at a node at first (a page); a "more" node stands for the rest and draws the next page when clicked. */
const perNode = 25;

interface Brief {
  id: string;
  name: string;
  type?: string;
}
interface Own { owner: Brief; owned: Brief; percent: number | null; percentMin: number; percentMax: number; from: string | null; to: string | null; source: string | null }
interface Ctl { controller: Brief; controlled: Brief; basis: string | null; from: string | null; to: string | null; source: string | null }
interface Conn<T> { totalCount: number; edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
interface Node {
  id: string;
  name: string;
  owners?: Conn<Own>;
  controllers?: Conn<Ctl>;
  owned?: Conn<Own>;
  controlled?: Conn<Ctl>;
}

const edgeFields = 'percent percentMin percentMax from to source';
const pageFields = 'totalCount pageInfo { hasNextPage endCursor }';
/** The connections of each direction: [alias, connection field, edge selection]. */
const conns: Record<'up' | 'down', [keyof Node, string, string][]> = {
  up: [['owners', 'ownersConnection', `owner { id name type } owned { id } ${edgeFields}`],
    ['controllers', 'controllersConnection', 'controller { id name type } controlled { id } basis from to source']],
  down: [['owned', 'ownedConnection', `owner { id } owned { id name type } ${edgeFields}`],
    ['controlled', 'controlledConnection', 'controller { id } controlled { id name type } basis from to source']],
};
const connSel = (alias: string, field: string, sel: string, after = '') =>
  `${alias}: ${field}(asOf: $asOf, first: ${perNode}${after ? `, after: ${after}` : ''}) { ${pageFields} edges { node { ${sel} } } }`;

/** level fetches one level of the neighbourhood: the first page of edges of every node in ids, in one request. */
async function level(ids: string[], asOf: string, dir: 'up' | 'down'): Promise<Node[]> {
  if (ids.length === 0) return [];
  const vars: Record<string, unknown> = { asOf };
  const defs = ids.map((id, i) => {
    vars[`i${i}`] = id;
    return `$i${i}: ID!`;
  });
  const sel = ids.map((_, i) => `n${i}: entity(id: $i${i}) { id name ${conns[dir].map(([a, f, s]) => connSel(a, f, s)).join(' ')} }`);
  const d = await gql<Record<string, Node | null>>(`query Level($asOf: Date, ${defs.join(', ')}) { ${sel.join(' ')} }`, vars);
  return Object.values(d).filter((n): n is Node => n !== null);
}

/** Paging is where a "more" node stands: its entity, direction, and each connection's next cursor (null when done). */
interface Paging {
  entity: string;
  dir: 'up' | 'down';
  after: Partial<Record<keyof Node, string | null>>;
  shown: Partial<Record<keyof Node, number>>;
  left: number;
}

/** nextPage fetches the next page of each unfinished connection of a "more" node's entity. */
async function nextPage(p: Paging, asOf: string): Promise<Node | null> {
  const vars: Record<string, unknown> = { id: p.entity, asOf };
  const defs: string[] = [];
  const sel: string[] = [];
  for (const [alias, field, s] of conns[p.dir]) {
    const after = p.after[alias];
    if (!after) continue;
    vars[`a_${alias}`] = after;
    defs.push(`$a_${alias}: String`);
    sel.push(connSel(alias, field, s, `$a_${alias}`));
  }
  if (sel.length === 0) return null;
  const d = await gql<{ entity: Node | null }>(`query More($id: ID!, $asOf: Date, ${defs.join(', ')}) { entity(id: $id) { id name ${sel.join(' ')} } }`, vars);
  return d.entity;
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
  const paging = new Map<string, Paging>();
  const ids = rs.map((r) => r.id);
  const nodes: GNode[] = [{ id: e.id, label: e.name, kind: 'entity', root: true }];
  const edges: GEdge[] = [];
  const ownEdge = (o: Own): GEdge => ({ kind: 'OWNERSHIP', from: o.owner.id, to: o.owned.id, label: percent(o.percent, o.percentMin, o.percentMax),
    detail: `ownership ${percent(o.percent, o.percentMin, o.percentMax)} ${period(o.from, o.to)} ${o.source ? 'source: ' + o.source : ''}` });
  const ctlEdge = (c: Ctl): GEdge => ({ kind: 'CONTROL', from: c.controller.id, to: c.controlled.id, label: c.basis ?? 'control',
    detail: `control (${c.basis ?? 'unspecified'}) ${period(c.from, c.to)} ${c.source ? 'source: ' + c.source : ''}` });
  const seen = new Set([e.id]);
  /** spread adds a node's page of edges in one direction (and its "more" node); it returns the entities it added. */
  const spread = (n: Node, dir: 'up' | 'down', into: { nodes: GNode[]; edges: GEdge[] }): string[] => {
    const added: string[] = [];
    const pairs: [Brief, GEdge][] = dir === 'up'
      ? [...(n.owners?.edges ?? []).map(({ node: o }): [Brief, GEdge] => [o.owner, ownEdge(o)]), ...(n.controllers?.edges ?? []).map(({ node: c }): [Brief, GEdge] => [c.controller, ctlEdge(c)])]
      : [...(n.owned?.edges ?? []).map(({ node: o }): [Brief, GEdge] => [o.owned, ownEdge(o)]), ...(n.controlled?.edges ?? []).map(({ node: c }): [Brief, GEdge] => [c.controlled, ctlEdge(c)])];
    for (const [b, edge] of pairs) {
      into.edges.push(edge);
      if (!seen.has(b.id)) {
        seen.add(b.id);
        into.nodes.push({ id: b.id, label: b.name || b.id, kind: 'entity' });
        added.push(b.id);
      }
    }
    const more = `more:${dir}:${n.id}`;
    const p = paging.get(more) ?? { entity: n.id, dir, after: {}, shown: {}, left: 0 };
    p.left = 0;
    for (const [alias] of conns[dir]) {
      const c = n[alias] as Conn<unknown> | undefined;
      if (!c) continue; // finished before this page
      p.after[alias] = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
      p.shown[alias] = (p.shown[alias] ?? 0) + c.edges.length;
    }
    for (const [alias] of conns[dir]) {
      const c = n[alias] as Conn<unknown> | undefined;
      if (c && p.after[alias]) p.left += c.totalCount - (p.shown[alias] ?? 0);
    }
    paging.set(more, p);
    if (p.left > 0) {
      into.nodes.push({ id: more, label: `+${p.left} more ${dir === 'up' ? 'owners' : 'holdings'}`, kind: 'more' });
      into.edges.push(dir === 'up' ? { kind: 'MORE', from: more, to: `e:${n.id}` } : { kind: 'MORE', from: `e:${n.id}`, to: more });
    } else {
      graph.cy.getElementById(more).remove();
    }
    return added;
  };
  /** colourAll colours entities by their verdicts under every regime. */
  const colourAll = async (which: string[]) => {
    if (which.length === 0) return;
    const d = await gql<{ screenBatch: { screenings: { subjectId: string; verdict: Verdict }[] } }>(
      `query($ids: [ID!]!, $asOf: Date, $r: [ID!]) { screenBatch(ids: $ids, asOf: $asOf, regimes: $r, subjects: ENTITY) { screenings { subjectId verdict } } }`,
      { ids: which, asOf, r: ids });
    for (const s of d.screenBatch.screenings) graph.colour('entity', s.subjectId, s.verdict);
  };
  let pagesDrawn = 0;
  /** more draws the next page of a "more" node's edges. */
  const more = async (id: string) => {
    const p = paging.get(id);
    if (!p || canvas.dataset.loading === 'true') return;
    canvas.dataset.loading = 'true';
    try {
      const n = await nextPage(p, asOf);
      if (!n) return;
      const into = { nodes: [] as GNode[], edges: [] as GEdge[] };
      const added = spread(n, p.dir, into);
      graph.add(into.nodes, into.edges);
      await colourAll(added);
      graph.layout();
      canvas.dataset.pages = String(++pagesDrawn);
    } catch (err) {
      detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    } finally {
      canvas.dataset.loading = 'false';
    }
  };
  graph.onSelect = (d) => {
    if (d.kind === 'more') {
      void more(String(d.id));
      return;
    }
    detail.replaceChildren(h('p', {}, d.kind === 'entity' ? link(entityPath(String(d.ref)), String(d.label)) : String(d.label)), d.detail ? h('p', {}, String(d.detail)) : '');
  };
  for (const dir of ['up', 'down'] as const) {
    let frontier = [e.id];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const n of await level(frontier, asOf, dir)) next.push(...spread(n, dir, { nodes, edges }));
      frontier = next;
    }
  }
  graph.add(nodes, edges);

  const [scr] = await Promise.all([
    gql<{ screenEntity: Screening }>(`query($id: ID!, $asOf: Date, $r: [ID!]) { screenEntity(id: $id, asOf: $asOf, regimes: $r) { ${screeningFields} } }`, { id, asOf, r: ids }),
    colourAll([...seen]),
  ]);
  graph.layout();
  side.append(screeningPanel(scr.screenEntity, (path) => graph.highlight(path)), detail);
  if (e.listings.length > 0) {
    side.append(h('h3', {}, 'Listings'), h('ul', { class: 'listings' }, e.listings.map((l) => h('li', {}, h('code', {}, l.regime.id), l.reference ? ` ${l.reference}` : '',
      l.categories.length ? ` (only ${l.categories.join(', ')})` : '', ` ${period(l.from, l.to)}`, l.source ? h('span', { class: 'source' }, ` source: ${l.source}`) : ''))));
  }
  side.append(h('p', { class: 'legend' }, ['CLEAR', 'UNKNOWN', 'CAUTION', 'POSSIBLE', 'EXPOSED'].map((v) => badge(v)), ' solid: ownership · dashed: control'));
}
