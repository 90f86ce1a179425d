// The workbench's router: each page is a shareable URL (contract section 1,
// v1.1); ids in paths are URL-escaped. Links marked data-link change pages
// without a reload.
import './style.css';
import { h } from './dom';
import { homePage, searchPage } from './pages/search';
import { entityPage } from './pages/entity';
import { productPage } from './pages/product';
import { batchPage } from './pages/batch';
import { documentPage } from './pages/document';
import { impactPage } from './pages/impact';
import { reportPage } from './pages/report';

type Page = (app: HTMLElement, params: URLSearchParams, id: string) => Promise<void> | void;

const routes: [RegExp, Page][] = [
  [/^\/$/, homePage],
  [/^\/search$/, searchPage],
  [/^\/entity\/(.+)$/, entityPage],
  [/^\/product\/(.+)$/, productPage],
  [/^\/batch$/, batchPage],
  [/^\/document$/, documentPage],
  [/^\/impact\/(.+)$/, impactPage],
  [/^\/report\/entity\/(.+)$/, (app, q, id) => reportPage(app, q, id, 'entity')],
  [/^\/report\/product\/(.+)$/, (app, q, id) => reportPage(app, q, id, 'product')],
];

let generation = 0;

/** render draws the page of the current URL. */
export async function render() {
  const app = document.getElementById('app')!;
  const gen = ++generation;
  app.replaceChildren();
  app.dataset.ready = 'false';
  const path = location.pathname;
  for (const [re, page] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    const id = m[1] ? decodeURIComponent(m[1]) : '';
    try {
      await page(app, new URLSearchParams(location.search), id);
    } catch (err) {
      app.append(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    }
    if (gen === generation) {
      app.dataset.ready = 'true';
      // Browser tests and docs/benchmarks.md read when the first page was drawn.
      if (performance.getEntriesByName('keiretsu-ready').length === 0) performance.mark('keiretsu-ready');
    }
    return;
  }
  app.append(h('h1', {}, 'Not found'), h('p', {}, `No page at ${path}.`));
  app.dataset.ready = 'true';
}

/** navigate changes the page without a reload. */
export function navigate(href: string) {
  history.pushState(null, '', href);
  void render();
}

document.addEventListener('click', (ev) => {
  const a = (ev.target as Element).closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute('href')!);
});
window.addEventListener('popstate', () => void render());
document.getElementById('topsearch')!.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = new FormData(ev.target as HTMLFormElement).get('q') as string;
  navigate(`/search?q=${encodeURIComponent(q)}`);
});
void render();
