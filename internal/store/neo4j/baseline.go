package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// baselineAffiliate is the best bounded Cypher we could write for the section 889
// question "does this product depend, on this day, on a listed entity or one of its
// affiliates?", used as the baseline of `keiretsu bench --neo4j`. Affiliates are
// reached by edges that mean control (a control edge, or an ownership edge over
// 50%) valid on the day, down from a common controller of the listed entity, with
// no state body other than the listed entity on the way. Paths are bounded (bill of
// materials 8 levels, 4 levels up and down). It does not sum parallel ownership
// edges, use ranges' upper bounds, listing categories or non-essential components,
// so its answers can differ from Keiretsu's; the bench reports how often.
const baselineAffiliate = `
MATCH (p:Product {id: $id})-[cs:CONTAINS*0..8]->(part:Product)-[s:SOURCED_FROM]->(e:Entity)
WHERE all(c IN cs WHERE (c.from IS NULL OR c.from <= $day) AND (c.to IS NULL OR $day < c.to))
  AND (s.from IS NULL OR s.from <= $day) AND (s.to IS NULL OR $day < s.to)
WITH DISTINCT e
MATCH down = (top:Entity)-[ds:OWNS|CONTROLS*0..4]->(e)
WHERE all(r IN ds WHERE (type(r) = 'CONTROLS' OR coalesce(r.percent, r.percentMin, 0) > 50)
                    AND (r.from IS NULL OR r.from <= $day) AND (r.to IS NULL OR $day < r.to))
MATCH up = (top)-[us:OWNS|CONTROLS*0..4]->(l:Entity)-[li:LISTED_ON]->(:Regime {id: $regime})
WHERE (li.from IS NULL OR li.from <= $day) AND (li.to IS NULL OR $day < li.to)
  AND all(r IN us WHERE (type(r) = 'CONTROLS' OR coalesce(r.percent, r.percentMin, 0) > 50)
                    AND (r.from IS NULL OR r.from <= $day) AND (r.to IS NULL OR $day < r.to))
  AND none(n IN nodes(down) + nodes(up) WHERE n <> l AND n.type = 'state_body')
RETURN true AS exposed
LIMIT 1`

// BaselineExposed answers the bench's baseline question for one product with one
// bounded Cypher query (see baselineAffiliate).
func (s *Store) BaselineExposed(ctx context.Context, product, regime string, day model.Date) (bool, error) {
	res, err := s.query(ctx, baselineAffiliate, map[string]any{"id": product, "regime": regime, "day": neo4j.DateOf(day.Time())}, true)
	if err != nil {
		return false, fmt.Errorf("baseline query: %w", err)
	}
	return len(res.Records) > 0, nil
}
