// GraphiQL, bundled: the page loads nothing from any other origin.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';

const fetcher = createGraphiQLFetcher({ url: '/graphql' });
const defaultQuery = `# Keiretsu: screen a product over its bill of materials.
query {
  screenProduct(id: "prod-er8000", asOf: "2024-06-01") {
    verdict
    results { regime { id } verdict findings { entity { name } basis path { kind from to } } }
    gaps { productId reason }
    dataVersion
  }
}
`;
createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />,
);
