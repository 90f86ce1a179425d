// A few DOM helpers: the workbench builds its pages with plain DOM calls.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;

/** h makes an element with attributes (on* are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** link is an in-app link (the router handles it without a page load). */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href, 'data-link': true }, ...children);
}

/** badge shows a verdict in its colour. */
export function badge(v: string): HTMLSpanElement {
  return h('span', { class: `badge v-${v}`, 'data-verdict': v }, v);
}

/** entityPath and productPath are the routes of a subject, its id URL-escaped. */
export const entityPath = (id: string) => `/entity/${encodeURIComponent(id)}`;
export const productPath = (id: string) => `/product/${encodeURIComponent(id)}`;

/** today is today's date (UTC), YYYY-MM-DD. */
export const today = () => new Date().toISOString().slice(0, 10);

/** percent shows a share: exact, a range, or unknown. */
export function percent(p: number | null, lo: number | null, hi: number | null): string {
  if (p !== null && p !== undefined) return `${p}%`;
  if (lo !== null && hi !== null && lo !== undefined && hi !== undefined) return lo === 0 && hi === 100 ? '?%' : `${lo}–${hi}%`;
  return '';
}

/** period shows a validity. */
export function period(from: string | null, to: string | null): string {
  if (!from && !to) return '';
  return `${from ?? '…'} → ${to ?? '…'}`;
}

/** download offers text as a file. */
export function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** errorBox shows a failed request on the page. */
export function errorBox(err: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err));
}
