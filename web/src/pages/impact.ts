// Impact: every product that depends on an entity (through components and
// sourcing, and under a chosen regime through the entities its listing
// catches), with counts by verdict, paged.
import { gql, regimes, type Verdict } from '../api';
import { badge, entityPath, h, link, productPath, today } from '../dom';
import { navigate } from '../main';

interface Page {
  totalCount: number;
  counts: { verdict: Verdict; count: number }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; via: string; verdict: Verdict; node: { id: string; name: string; category: string | null } }[];
}

export async function impactPage(app: HTMLElement, q: URLSearchParams, id: string) {
  const asOf = q.get('asOf') || today();
  const regime = q.get('regime') || '';
  const all = await regimes();
  const info = await gql<{ entity: { id: string; name: string } | null }>('query($id: ID!) { entity(id: $id) { id name } }', { id });
  if (!info.entity) {
    app.append(h('h1', {}, 'Unknown entity'), h('p', {}, `No entity has the id “${id}”.`));
    return;
  }
  const dateIn = h('input', { type: 'date', value: asOf, 'aria-label': 'as of' });
  const sel = h('select', { id: 'impact-regime', 'aria-label': 'regime' }, h('option', { value: '' }, 'no regime: direct dependence'),
    all.map((r) => h('option', { value: r.id, selected: r.id === regime }, r.id)));
  app.append(h('h1', {}, 'Impact of ', link(entityPath(id), info.entity.name)),
    h('form', {
      class: 'controls no-print',
      onsubmit: ((ev: Event) => {
        ev.preventDefault();
        navigate(`/impact/${encodeURIComponent(id)}?asOf=${dateIn.value}${sel.value ? '&regime=' + encodeURIComponent(sel.value) : ''}`);
      }) as EventListener,
    }, h('label', {}, 'as of ', dateIn), ' ', h('label', {}, 'through ', sel), ' ', h('button', { type: 'submit' }, 'Show')));
  const counts = h('p', { id: 'impact-counts' });
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'impact-more', hidden: true }, 'More');
  app.append(counts, h('table', { class: 'results', id: 'impact-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'product'), h('th', {}, 'category'), h('th', {}, 'verdict'), h('th', {}, 'depends through'))), body), more);
  let after: string | null = null;
  async function page() {
    const d: { entity: { dependents: Page } } = await gql(`query($id: ID!, $asOf: Date, $r: ID, $after: String) { entity(id: $id) { dependents(asOf: $asOf, regime: $r, first: 100, after: $after) {
      totalCount counts { verdict count } pageInfo { hasNextPage endCursor } edges { cursor via verdict node { id name category } } } } }`,
      { id, asOf, r: regime || null, after });
    const p = d.entity.dependents;
    counts.replaceChildren(`${p.totalCount} dependent products: `, ...p.counts.flatMap((c) => [badge(c.verdict), ` ${c.count}  `]));
    for (const e of p.edges) body.append(h('tr', { 'data-id': e.node.id }, h('td', {}, link(productPath(e.node.id), e.node.name || e.node.id)), h('td', {}, e.node.category ?? ''), h('td', {}, badge(e.verdict)), h('td', {}, link(entityPath(e.via), e.via))));
    after = p.pageInfo.endCursor;
    more.hidden = !p.pageInfo.hasNextPage;
  }
  more.addEventListener('click', () => void page());
  await page();
}
