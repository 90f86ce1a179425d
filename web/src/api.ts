// The one way the workbench talks to the server: POST /graphql.

export class APIError extends Error {
  codes: string[];
  constructor(message: string, codes: string[]) {
    super(message);
    this.codes = codes;
  }
}

interface GQLError {
  message: string;
  extensions?: { code?: string };
}

/** gql posts one operation and returns its data, or throws APIError with the errors' messages. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: GQLError[] };
  try {
    body = await res.json();
  } catch {
    throw new APIError(`HTTP ${res.status}`, []);
  }
  if (body.errors && body.errors.length > 0) {
    throw new APIError(body.errors.map((e) => e.message).join('; '), body.errors.map((e) => e.extensions?.code ?? ''));
  }
  if (!body.data) throw new APIError(`HTTP ${res.status}: no data`, []);
  return body.data;
}

export type Verdict = 'CLEAR' | 'UNKNOWN' | 'CAUTION' | 'POSSIBLE' | 'EXPOSED';
export const verdicts: Verdict[] = ['CLEAR', 'UNKNOWN', 'CAUTION', 'POSSIBLE', 'EXPOSED'];
export const verdictRank = (v: Verdict) => verdicts.indexOf(v);

export interface Hop {
  kind: string;
  from: string;
  to: string;
  percent: number | null;
  percentMin: number | null;
  percentMax: number | null;
  validFrom: string | null;
  validTo: string | null;
  source: string | null;
  /** The records at the hop's ends (their names), null when nothing defines the id. */
  fromNode: { name: string } | null;
  toNode: { name: string } | null;
}
export interface Finding {
  verdict: Verdict;
  basis: string;
  aggregatePercent: number | null;
  entity: { id: string; name: string };
  listedEntity: { id: string; name: string };
  path: Hop[];
}
export interface Screening {
  subjectId: string;
  asOf: string;
  verdict: Verdict;
  dataVersion: string;
  results: { regime: { id: string; name: string }; verdict: Verdict; findings: Finding[] }[];
  gaps: { productId: string; reason: string }[];
}

/** hopEnd selects the name of the record at one end of a hop. */
const hopEnd = (field: string) => `${field} { ... on Entity { name } ... on Product { name } ... on Regime { name } }`;

/** The selection of Screening every page uses. */
export const screeningFields = `
  subjectId asOf verdict dataVersion
  gaps { productId reason }
  results {
    regime { id name } verdict
    findings {
      verdict basis aggregatePercent
      entity { id name } listedEntity { id name }
      path { kind from to percent percentMin percentMax validFrom validTo source ${hopEnd('fromNode')} ${hopEnd('toNode')} }
    }
  }`;

export interface Regime {
  id: string;
  name: string;
}

let regimesCache: Promise<Regime[]> | null = null;
/** regimes lists the loaded regimes (once per page load). */
export function regimes(): Promise<Regime[]> {
  regimesCache ??= gql<{ regimes: Regime[] }>('{ regimes { id name } }').then((d) => d.regimes);
  return regimesCache;
}
