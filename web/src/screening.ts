// Screening answers as the pages show them: verdict per regime, each finding
// with its path hop by hop (a click draws it on the graph).
import type { Finding, Hop, Regime, Screening } from './api';
import { badge, entityPath, h, link, percent, period, productPath } from './dom';

/** hopText says one hop in words. */
export function hopText(hop: Hop): HTMLElement {
  // Names from the hop's typed ends (fromNode, toNode); the id when nothing defines it.
  const end = (kind: string, id: string, node: { name: string } | null) => {
    const name = node?.name || id;
    if (kind !== 'product' && kind !== 'entity') return h('code', { title: name }, id);
    const a = link(kind === 'product' ? productPath(id) : entityPath(id), name);
    return name === id ? a : h('span', {}, a, ' ', h('code', { class: 'muted' }, id));
  };
  const ends: Record<string, [string, string, string]> = {
    COMPONENT: ['product', 'contains', 'product'],
    SOURCING: ['product', 'is sourced from', 'entity'],
    OWNERSHIP: ['entity', 'owns', 'entity'],
    CONTROL: ['entity', 'controls', 'entity'],
    LISTING: ['entity', 'is listed on', 'regime'],
    CRITERION: ['entity', 'meets a criterion of', 'regime'],
    SAME_AS: ['entity', 'is the same as', 'entity'],
  };
  const [a, verb, b] = ends[hop.kind] ?? ['entity', hop.kind, 'entity'];
  const pct = hop.kind === 'OWNERSHIP' ? percent(hop.percent, hop.percentMin, hop.percentMax) : '';
  return h('li', { class: 'hop' }, end(a, hop.from, hop.fromNode), ` ${verb} `, pct ? h('b', {}, pct + ' ') : '', end(b, hop.to, hop.toNode),
    period(hop.validFrom, hop.validTo) ? h('span', { class: 'muted' }, ` (${period(hop.validFrom, hop.validTo)})`) : '',
    hop.source ? h('span', { class: 'source' }, ` source: ${hop.source}`) : '');
}

/** findingLine is one finding: verdict, entity met, basis, root; names are links unless plain (inside a button). */
export function findingLine(f: Finding, plain = false): (Node | string)[] {
  const name = (e: { id: string; name: string }) => (plain ? h('b', {}, e.name || e.id) : link(entityPath(e.id), e.name || e.id));
  return [badge(f.verdict), ' ', name(f.entity), ` ${f.basis.toLowerCase()}`,
    f.aggregatePercent !== null ? ` ${f.aggregatePercent}%` : '',
    f.listedEntity.id !== f.entity.id ? [' via ', name(f.listedEntity)] : ''].flat();
}

/** screeningPanel shows a screening; onPath is called with a finding's path when it is chosen. */
export function screeningPanel(s: Screening, onPath?: (path: Hop[]) => void): HTMLElement {
  const panel = h('section', { class: 'screening', 'data-verdict': s.verdict },
    h('h2', {}, 'Verdict ', badge(s.verdict), h('span', { class: 'muted' }, ` as of ${s.asOf}`)));
  const table = h('table', { class: 'results regimes-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'regime'), h('th', {}, 'verdict'), h('th', {}, 'findings'))));
  const body = h('tbody');
  for (const r of s.results) {
    const cell = h('td');
    for (const f of r.findings) {
      const steps = h('ol', { class: 'path', hidden: true }, f.path.map(hopText));
      const btn = h('button', {
        type: 'button', class: 'finding', 'data-regime': r.regime.id, 'data-entity': f.entity.id,
        onclick: (() => {
          steps.hidden = !steps.hidden;
          onPath?.(f.path);
        }) as EventListener,
      }, ...findingLine(f, true));
      cell.append(h('div', {}, btn, steps));
    }
    if (r.findings.length === 0) cell.append(h('span', { class: 'muted' }, '—'));
    body.append(h('tr', { 'data-regime': r.regime.id }, h('td', {}, h('code', {}, r.regime.id)), h('td', {}, badge(r.verdict)), cell));
  }
  table.append(body);
  panel.append(table);
  if (s.gaps.length > 0) {
    panel.append(h('h3', {}, 'Gaps'), h('ul', { class: 'gaps' }, s.gaps.map((g) => h('li', {}, link(productPath(g.productId), g.productId), `: ${g.reason}`))));
  }
  panel.append(h('p', { class: 'muted' }, `dataVersion ${s.dataVersion}`));
  return panel;
}

/** regimePicker is a set of checkboxes over the loaded regimes; none ticked means the default set. */
export function regimePicker(all: Regime[], chosen: string[]): { el: HTMLElement; value: () => string[] } {
  const boxes = all.map((r) => h('input', { type: 'checkbox', name: 'regime', value: r.id, checked: chosen.includes(r.id) }));
  const el = h('fieldset', { class: 'regime-picker' }, h('legend', {}, 'Regimes (none ticked: the default set)'),
    all.map((r, i) => h('label', { title: r.name }, boxes[i], ' ', r.id)));
  return { el, value: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}
