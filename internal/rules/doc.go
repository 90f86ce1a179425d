// Package rules is the one place Keiretsu's regimes live: what each restriction
// list catches beyond its listed entities, evaluated over a projection snapshot as
// of a day, and how a product's bill of materials is screened against them.
//
// Model. An evaluation (Eval) of regime R on day D with a listing filter (the
// product categories in play) assigns every entity a level: EXPOSED, POSSIBLE,
// CAUTION or nothing. The seed set is R's listings valid on D (and counting for the
// categories). The rule then spreads it:
//
//   - aggregate (OFAC, BIS, EU): a worklist fixpoint. When an entity joins, each
//     direct ownership edge it holds adds its lower bound to the owned entity's sum;
//     the owned entity joins when the sum reaches the threshold. Percentages are
//     never multiplied along chains, and each entity joins once, so cross-holdings
//     terminate. POSSIBLE is the same fixpoint with upper bounds, seeded with the
//     EXPOSED set. Control edges either catch (EU) or give a non-propagating CAUTION
//     (OFAC, BIS).
//   - per_person (UK): the same fixpoint run separately from each listed entity, so
//     two designated persons' holdings are never added together.
//   - affiliate (section 889, FCC): three breadth-first searches, one per level, over
//     "x controls y" (direct ownership edges summing to > 50%, or a control edge):
//     up from each listed entity through its controllers, then down through
//     everything those control. The EXPOSED search uses definite relations (lower
//     bounds) and skips state bodies; the POSSIBLE one also uses upper bounds; the
//     CAUTION one uses everything.
//
// Entities linked by a same_as edge valid on D are one entity to the rules (their
// holdings add up, their listings are shared); explanations show the same_as hop.
//
// Explanations are shortest paths found by a backward breadth-first search from
// the entity met to a listed entity, through entities whose level justifies the
// step, so every hop is a stored edge that contributed to the verdict.
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
