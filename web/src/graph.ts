// The graph drawing shared by the entity, product and impact pages: Cytoscape.js
// with dagre's layered layout (owners above, holdings and parts below).
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { Hop } from './api';

cytoscape.use(dagre);

export interface GNode {
  id: string;
  label: string;
  kind: 'entity' | 'product' | 'regime' | 'more';
  verdict?: string;
  gap?: boolean;
  root?: boolean;
}
export interface GEdge {
  kind: string;
  from: string;
  to: string;
  label?: string;
  detail?: string;
}

const colours: Record<string, string> = {
  CLEAR: '#2e7d32',
  UNKNOWN: '#757575',
  CAUTION: '#f9a825',
  POSSIBLE: '#ef6c00',
  EXPOSED: '#c62828',
};
export const verdictColour = (v: string | undefined) => (v ? colours[v] ?? '#90a4ae' : '#90a4ae');

/** nodeKey and edgeKey name graph elements: kind and ids, so paths map onto them. */
export const nodeKey = (kind: string, id: string) => `${kind === 'regime' ? 'r' : kind === 'product' ? 'p' : 'e'}:${id}`;
export const edgeKey = (kind: string, from: string, to: string) => `${kind}|${from}|${to}`;

const endKinds: Record<string, [string, string]> = {
  OWNERSHIP: ['entity', 'entity'],
  CONTROL: ['entity', 'entity'],
  SAME_AS: ['entity', 'entity'],
  COMPONENT: ['product', 'product'],
  SOURCING: ['product', 'entity'],
  LISTING: ['entity', 'regime'],
  CRITERION: ['entity', 'regime'],
};

/** hopEnds says which kinds of nodes a hop joins. */
export function hopEnds(h: { kind: string; from: string; to: string }): [string, string] {
  const [a, b] = endKinds[h.kind] ?? ['entity', 'entity'];
  return [nodeKey(a, h.from), nodeKey(b, h.to)];
}

export class Graph {
  cy: cytoscape.Core;
  onSelect: (data: Record<string, unknown>) => void = () => {};

  constructor(container: HTMLElement) {
    this.cy = cytoscape({
      container,
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: 3,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 11,
            'text-wrap': 'wrap',
            'text-max-width': '130px',
            'text-valign': 'center',
            'text-halign': 'center',
            width: 150,
            height: 40,
            shape: 'round-rectangle',
            'background-color': 'data(colour)',
            color: '#fff',
            'border-width': 0,
          },
        },
        { selector: 'node[kind = "product"]', style: { shape: 'rectangle' } },
        { selector: 'node[kind = "regime"]', style: { shape: 'hexagon', 'background-color': '#37474f' } },
        { selector: 'node[kind = "more"]', style: { 'background-color': '#eceff1', color: '#37474f', 'border-width': 1, 'border-color': '#90a4ae', 'border-style': 'dashed' } },
        { selector: 'node[?gap]', style: { 'border-width': 3, 'border-style': 'dashed', 'border-color': '#212121' } },
        { selector: 'node[?root]', style: { 'border-width': 4, 'border-color': '#1a237e' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            'line-color': '#90a4ae',
            'target-arrow-color': '#90a4ae',
            label: 'data(label)',
            'font-size': 9,
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
          },
        },
        { selector: 'edge[kind = "CONTROL"]', style: { 'line-style': 'dashed' } },
        { selector: 'edge[kind = "LISTING"], edge[kind = "CRITERION"]', style: { 'line-color': '#37474f', 'target-arrow-color': '#37474f' } },
        { selector: 'edge.path', style: { 'line-color': '#d500f9', 'target-arrow-color': '#d500f9', width: 4, 'z-index': 10 } },
        { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d500f9' } },
        { selector: '.faded', style: { opacity: 0.35 } },
      ],
    });
    this.cy.on('tap', 'node, edge', (ev) => this.onSelect(ev.target.data()));
  }

  /** add puts nodes and edges in the graph (existing ones are updated). */
  add(nodes: GNode[], edges: GEdge[]) {
    this.cy.batch(() => {
      for (const n of nodes) {
        const id = n.kind === 'more' ? n.id : nodeKey(n.kind, n.id);
        const data = { id, ref: n.id, label: n.label, kind: n.kind, verdict: n.verdict ?? '', colour: n.kind === 'regime' ? '#37474f' : verdictColour(n.verdict), gap: !!n.gap, root: !!n.root };
        const el = this.cy.getElementById(id);
        if (el.nonempty()) el.data(data);
        else this.cy.add({ group: 'nodes', data });
      }
      for (const e of edges) {
        const [s, t] = e.kind === 'MORE' ? [e.from, e.to] : hopEnds(e);
        const id = edgeKey(e.kind, e.from, e.to);
        if (this.cy.getElementById(id).nonempty() || this.cy.getElementById(s).empty() || this.cy.getElementById(t).empty()) continue;
        this.cy.add({ group: 'edges', data: { id, source: s, target: t, kind: e.kind, label: e.label ?? '', detail: e.detail ?? '' } });
      }
    });
  }

  /** colour sets a node's verdict colour. */
  colour(kind: string, id: string, verdict: string) {
    this.cy.getElementById(nodeKey(kind, id)).data({ verdict, colour: verdictColour(verdict) });
  }

  layout() {
    this.cy.layout({ name: 'dagre', rankDir: 'TB', nodeSep: 20, rankSep: 60, animate: false } as cytoscape.LayoutOptions).run();
    this.cy.fit(undefined, 20);
  }

  /** highlight draws a finding's path: its hops' edges and nodes. */
  highlight(path: Hop[]) {
    this.cy.elements().removeClass('path faded');
    if (path.length === 0) return;
    const nodes: GNode[] = [];
    for (const hop of path) {
      const [s, t] = hopEnds(hop);
      for (const [k, node] of [[s, hop.fromNode], [t, hop.toNode]] as const) {
        if (this.cy.getElementById(k).empty()) nodes.push({ id: k.slice(2), label: node?.name || k.slice(2), kind: k[0] === 'r' ? 'regime' : k[0] === 'p' ? 'product' : 'entity' });
      }
    }
    if (nodes.length > 0) {
      this.add(nodes, path.map((p) => ({ kind: p.kind, from: p.from, to: p.to })));
      this.layout();
    } else {
      this.add([], path.map((p) => ({ kind: p.kind, from: p.from, to: p.to })));
    }
    this.cy.elements().addClass('faded');
    for (const hop of path) {
      const [s, t] = hopEnds(hop);
      this.cy.getElementById(edgeKey(hop.kind, hop.from, hop.to)).removeClass('faded').addClass('path');
      this.cy.getElementById(s).removeClass('faded').addClass('path');
      this.cy.getElementById(t).removeClass('faded').addClass('path');
    }
  }
}
