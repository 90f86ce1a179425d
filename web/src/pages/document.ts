// Document screening: a supplier's CycloneDX or SPDX file screened against the
// loaded graph without storing it, with the suppliers the graph does not know.
import { gql, regimes, screeningFields, type Screening } from '../api';
import { entityPath, errorBox, h, link, today } from '../dom';
import { regimePicker, screeningPanel } from '../screening';

interface Supplier {
  documentId: string;
  name: string;
  by: string | null;
  entity: { id: string; name: string } | null;
}
interface Result {
  format: string;
  records: number;
  roots: string[];
  screenings: Screening[];
  suppliers: Supplier[];
  unresolved: Supplier[];
  dataVersion: string;
}

export async function documentPage(app: HTMLElement) {
  const all = await regimes();
  const file = h('input', { type: 'file', id: 'doc-file', accept: '.json,.jsonld,application/json', 'aria-label': 'document file' });
  const text = h('textarea', { id: 'doc-text', rows: 6, cols: 60, placeholder: 'or paste the document', 'aria-label': 'document' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (f) text.value = await f.text();
  });
  const format = h('select', { id: 'doc-format', 'aria-label': 'format' }, h('option', { value: 'auto' }, 'detect'), h('option', { value: 'cyclonedx' }, 'CycloneDX'), h('option', { value: 'spdx' }, 'SPDX'));
  const dateIn = h('input', { type: 'date', id: 'doc-asof', value: today(), 'aria-label': 'as of' });
  const picker = regimePicker(all, []);
  const out = h('div', { id: 'doc-out' });
  async function run(ev: Event) {
    ev.preventDefault();
    out.replaceChildren(h('p', { class: 'muted' }, 'Screening…'));
    try {
      const rs = picker.value();
      const d = await gql<{ screenDocument: Result }>(
        `query($f: String!, $c: String!, $asOf: Date, $r: [ID!]) { screenDocument(format: $f, content: $c, asOf: $asOf, regimes: $r) {
          format records roots dataVersion
          screenings { ${screeningFields} }
          suppliers { documentId name by entity { id name } }
          unresolved { documentId name }
        } }`, { f: format.value, c: text.value, asOf: dateIn.value || null, r: rs.length > 0 ? rs : null });
      const r = d.screenDocument;
      out.replaceChildren(
        h('p', {}, `Read ${r.records} records (${r.format}); nothing was stored. Roots: ${r.roots.join(', ')}.`),
        ...r.screenings.map((s) => h('div', { class: 'doc-root', 'data-root': s.subjectId }, h('h2', {}, s.subjectId), screeningPanel(s))),
        h('h2', {}, 'Unresolved suppliers'),
        r.unresolved.length === 0 ? h('p', {}, 'Every supplier resolved to a loaded entity.')
          : h('ul', { id: 'doc-unresolved' }, r.unresolved.map((u) => h('li', {}, `${u.name} `, h('code', {}, u.documentId)))),
        h('h2', {}, 'Resolved suppliers'),
        h('ul', { id: 'doc-resolved' }, r.suppliers.filter((s) => s.entity).map((s) => h('li', {}, `${s.name} → `, link(entityPath(s.entity!.id), s.entity!.name), s.by ? h('span', { class: 'muted' }, ` (by ${s.by})`) : ''))),
      );
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  }
  app.append(h('h1', {}, 'Screen a document'),
    h('p', {}, 'A CycloneDX (JSON) or SPDX (2.x JSON, 3.0 JSON-LD) bill of materials is parsed as ingest would parse it and screened over the loaded graph. Nothing is written.'),
    h('form', { id: 'doc-form', class: 'controls', onsubmit: run as EventListener },
      h('p', {}, h('label', {}, 'file ', file)), h('p', {}, text),
      h('p', {}, h('label', {}, 'format ', format), ' ', h('label', {}, 'as of ', dateIn)), picker.el,
      h('p', {}, h('button', { type: 'submit', id: 'doc-run' }, 'Screen'))),
    out);
}
