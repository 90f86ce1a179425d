// The home page and search: entities and products by name, alias or identifier.
import { gql, regimes } from '../api';
import { entityPath, h, link, productPath } from '../dom';
import { navigate } from '../main';

interface Hit {
  id: string;
  name: string;
  kind: string;
  score: number;
}

function searchForm(q: string): HTMLFormElement {
  const input = h('input', { name: 'q', type: 'search', value: q, placeholder: 'Huawei, lei:…, purl:…', 'aria-label': 'search text', autofocus: true });
  return h('form', {
    class: 'searchform',
    onsubmit: ((ev: Event) => {
      ev.preventDefault();
      navigate(`/search?q=${encodeURIComponent(input.value)}`);
    }) as EventListener,
  }, input, h('button', { type: 'submit' }, 'Search'));
}

export async function homePage(app: HTMLElement) {
  app.append(
    h('h1', {}, 'Keiretsu workbench'),
    h('p', {}, 'Does this product depend, at any depth of its bill of materials, on an entity that a regime restricts, on a given date, and exactly why?'),
    searchForm(''),
    h('ul', { class: 'tiles' },
      h('li', {}, link('/batch', 'Batch screening'), ' — paste ids or a CSV, download the verdicts.'),
      h('li', {}, link('/document', 'Screen a document'), ' — a supplier\'s CycloneDX or SPDX BOM, never stored.'),
      h('li', {}, h('a', { href: '/graphiql' }, 'GraphiQL'), ' — the API itself.')),
  );
  const [rs, v] = await Promise.all([regimes(), gql<{ dataVersion: string }>('{ dataVersion }')]);
  app.append(h('h2', {}, 'Regimes loaded'), h('ul', { class: 'regimes' }, rs.map((r) => h('li', {}, h('code', {}, r.id), ' ', r.name))),
    h('p', { class: 'muted' }, `dataVersion ${v.dataVersion}`));
}

export async function searchPage(app: HTMLElement, q: URLSearchParams) {
  const text = q.get('q') ?? '';
  app.append(h('h1', {}, 'Search'), searchForm(text));
  if (!text.trim()) return;
  const d = await gql<{ search: Hit[] }>('query($t: String!) { search(text: $t, limit: 50) { id name kind score } }', { t: text });
  if (d.search.length === 0) {
    app.append(h('p', {}, `Nothing matches “${text}”.`));
    return;
  }
  app.append(h('table', { class: 'results', id: 'search-results' },
    h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'id'), h('th', {}, 'kind'), h('th', {}, 'score'))),
    h('tbody', {}, d.search.map((hit) => h('tr', {},
      h('td', {}, link(hit.kind === 'product' ? productPath(hit.id) : entityPath(hit.id), hit.name || hit.id)),
      h('td', {}, h('code', {}, hit.id)), h('td', {}, hit.kind), h('td', {}, hit.score.toFixed(2)))))));
}
