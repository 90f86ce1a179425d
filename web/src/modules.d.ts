// cytoscape-dagre ships no types: it is a Cytoscape extension (cytoscape.use).
declare module 'cytoscape-dagre' {
  const ext: cytoscape.Ext;
  export default ext;
}
