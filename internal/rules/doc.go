// Package rules is the one place Keiretsu's regimes live: what each restriction
// list catches beyond its listed entities, evaluated over a projection snapshot as
// of a day, and how a product's bill of materials is screened against them.
//
// Model (contract v1.1 section 5). A regime is an outcome (EXPOSED, or CAUTION for
// a consult regime), a product scope (productApplies, categories) and prongs; a
// v1 regime is one prong of its top-level fields, seeded with its own listings.
// An evaluation (Eval) of regime R on day D with a listing filter (the product
// categories in play) evaluates each prong and gives every entity the worst level
// any prong gives it: EXPOSED, POSSIBLE, CAUTION or nothing, before R's outcome.
// A prong's seeds are, on D: R's listings, the listings of the regimes its
// listingsOf names (whether or not those apply on D), the state bodies of the
// stateBodiesOf countries, and the companies and organizations incorporated or
// headquartered in the jurisdictions countries; origins seed the sourcing edges
// made at a site, in product screening only, and never spread. The prong's rule
// then spreads the seeds:
//
//   - aggregate, aggregateBy all (OFAC, BIS, EU): a worklist fixpoint. When an
//     entity joins, each direct ownership edge it holds adds its lower bound to the
//     owned entity's sum (a pooled dense accumulator); the owned entity joins when
//     the sum reaches the threshold. Percentages are never multiplied along chains,
//     and each entity joins once, so cross-holdings terminate. POSSIBLE is the same
//     fixpoint with upper bounds, seeded with the EXPOSED set. Control edges either
//     catch (EU) or give a non-propagating CAUTION (OFAC, BIS).
//   - aggregate, aggregateBy seed (UK, per_person) or country (one government's
//     state bodies): the same fixpoint run separately for each group of seeds,
//     never adding two groups' holdings. A scratch of stamps marks the group being
//     spread; each group keeps its members sorted, and the groups each caught
//     entity is caught through are a sorted index (seeds are explained as seeds
//     and are not in it).
//   - affiliate (section 889, FCC, AU-5G, 805, 5949): breadth-first searches, one
//     per level, over "x controls y" (direct ownership edges summing to > 50%, or a
//     control edge): up from each seed through its controllers, then down through
//     everything those control, as the prong's directions (down, up, siblings)
//     ask. The EXPOSED search uses definite relations (lower bounds) and, with
//     stateBodyCaution, skips state bodies; the POSSIBLE one also uses upper
//     bounds; the CAUTION one uses everything.
//   - listed: the seeds only.
//
// Entities linked by a same_as edge valid on D are one entity to the rules (their
// holdings add up, their listings are shared); explanations show the same_as hop.
//
// Explanations are shortest paths found by a backward 0-1 breadth-first search
// from the entity met to a seed, through entities whose level justifies the step
// (for a grouped aggregate, within one group; for the affiliate rule, a down phase
// then an up phase), over the prongs that give the entity its level, so every hop
// is a stored edge that contributed to the verdict and the path ends in the seed's
// LISTING hop or its CRITERION hop (the criterion met). Among equally short paths
// the first seed kind wins (LISTING, STATE_BODY, JURISDICTION, ORIGIN), then the
// order of the projection's adjacency lists (id order), so answers do not depend
// on the store or the order of ingest. A product finding's path is the shortest
// component chain to a product sourced from the entity, its sourcing hop, then
// the entity's explanation.
//
// Screening a product gathers the sourcing edges of its bill of materials valid
// on D, fetches the evaluations they need (one per regime and category mask),
// and keeps only the edges whose entity one of those catches: each evaluation
// indexes its caught entities in a bitset, and a pooled scratch ORs the bitsets
// it has met, so most edges are ruled out by one bit before any regime looks.
//
// Invariants. An Engine is bound to one immutable snapshot and is safe for
// concurrent use; evaluations are cached per (regime, whether it applies, coded
// day, threshold, rule in force, category mask), at most as many as fit in
// 512 MiB, and discarded with the engine when the data changes.
package rules
