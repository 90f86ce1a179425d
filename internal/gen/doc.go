// Package gen generates a synthetic supply-chain world as native records: the
// input of benchmarks and load tests at any scale, and of `keiretsu gen`.
//
//	gen.Write(w, gen.Config{Entities: 100_000, Products: 20_000, Seed: 1}) // native JSONL
//	gen.Records(cfg, func(op *ingest.Op) error { ... })                 // the same records, unserialised
//
// # Determinism
//
// The same Config gives the same records in the same order, hence the same bytes
// (native.Append's canonical lines). Every decision is drawn from PCG streams seeded
// with Config.Seed, one per phase (entities, listings, products), through the
// package's own bounded-integer and float helpers, so the output depends neither on
// map iteration, nor on time, nor on how a Go release implements math/rand/v2's
// helpers. Different seeds give different worlds of nearly the same shape.
//
// # Memory and speed
//
// Records stream out as they are made. Per entity the generator keeps two bytes
// (type, depth in its ownership tree) and a few int32 lists (persons, state bodies,
// organisations, group tops, large holdings, manufacturers); per product nothing:
// products are numbered level by level, so a product's BOM level follows from its
// id. 10^7 edges (6.3M entities, 1.25M products, 1.8 GB of JSONL) take about 12 s
// and 70 MB of resident memory; 10^6 edges 1 s and 25 MB.
//
// # Size
//
// A world of E entities and P products holds about EdgesPerEntity*E (1.03:
// ownership 0.98, control 0.05, listings 0.006) plus EdgesPerProduct*P (2.82:
// component 1.08, sourcing 1.74) edges. The per-entity figure rises from 0.96 at
// 5,000 entities to 1.04 from 10^6 on, as large holdings take a larger share.
// ForEdges(n) returns a Config with EntitiesPerProduct (5) entities per product
// and about n edges (within 5% from 10^4 edges up): 10^5 edges is 62,735
// entities and 12,547 products; 10^6 is 627,355 and 125,471; 10^7 is 6,273,525
// and 1,254,705.
//
// # The ownership world
//
// Entities are ids "e1".."eE", created group by group; every id is defined.
//
//   - Groups. A group is a tree of companies under its owners. Ordinary groups have
//     a Pareto size (exponent 1.5, at most 199 companies; two thirds are a single
//     company). Large holdings form a Zipf head: the k-th has E/(25k) companies
//     (at most 20,000, at least 200), so at 50,000 entities the largest holds
//     2,000 companies and at 10^6 entities there are 200 of them. Within a group
//     each company's primary parent is an earlier member, favouring the first
//     (wide, shallow tops), never deeper than 8 ownership edges below the ultimate
//     owner. 10% of ordinary groups of 3+ companies are offshore holding chains
//     (VG/KY/BM/LU, then HK, then the home country), the last company of a
//     longer chain being a variable-interest entity: held by the founder as
//     nominee and controlled by agreement.
//   - Owners. 52% of groups belong to one person (a quarter of them persons who
//     already own groups, the first persons most, so a few own dozens), 12% to a
//     family of 2-3 persons, 10% to a state body, 8% to a fund or foundation
//     (organization), 18% are widely held (no owner edge above the top). Large
//     holdings are state-owned more often (35%). State bodies (~1% of entities)
//     and organizations (~1%) are created while fewer than that, else reused, so
//     one SASAC-like body owns several groups.
//   - Stakes. Half of subsidiaries are held 100%, 4% exactly 50%, 34% between 50
//     and 100, 12% under 50 (associates); a company held under 100% has a second
//     owner half the time (a sister company, a joint-venture partner from another
//     group, a person or a fund). Percents have 0, 2, 3 or 4 decimals. 3% of
//     stakes are BODS-style ranges (percentMin/percentMax: 0-25, 25-50, 50-75,
//     75-100), 2% have no percent (unknown). 65% of edges carry a `from` date
//     (1990-2025), 4% of those a `to`; 3% of stakes changed once (an earlier,
//     usually minority stake until the change, then the current one). Every
//     ownership edge of the trees goes from a lower to a higher entity number.
//   - Cross-holdings (~2.5% of ownership edges): a company holding 0.1-10% of one
//     of its ancestors (1.2% of companies), and tops of two groups swapping 0.5-15%
//     stakes (3% of groups, half of the large holdings). They close cycles.
//   - Control (~5% of entities): consolidation, board, dominant influence or voting
//     over a quarter of the associates, owners' voting/board/de facto control of a
//     top they hold under 50%, state bodies' dominant influence, agreements over
//     VIEs, board control from a grandparent.
//   - Names and identifiers: a brand per group (a bijection of the group number, so
//     one of a kind, except 10% drawn at random: namesakes across countries), trade
//     words and cities for subsidiaries (a second brand in groups of 13+), legal
//     forms by country; persons named from per-region pools (namesakes occur, as in
//     registries); state bodies from generated places, levels and short forms.
//     Some companies carry a DUNS, an LEI (valid MOD 97-10 check digits) or, in
//     China, a USCC (valid check character); each is a bijection of the entity
//     number, so no two entities share a strong identifier and ingest links none.
//     10% of companies have an upper-case alias as lists print them.
//
// # Listings
//
// About 0.5% of entities are listed, each on one to three of the seven built-in
// regimes (RegimeIDs), from a date in 2010-2026, 10% of them with a `to`. Every
// regime has listings. One large holding in seven (and always the first) is hit
// whole: its top, its owner, or, when state-owned, a subsidiary on the trade and
// telecom lists (Hikvision under CETC). The others are group tops (larger groups
// more), owners of many groups, state bodies, large manufacturers (mostly on
// CMIC, BIS, NDAA-889 and FCC) and any company. Half of the US-NDAA-889 and
// US-FCC-COVERED listings carry categories ["telecom","video_surveillance"].
//
// # Products
//
// Products are ids "p1".."pP", spread over 8 BOM levels (3, 7, 12, 16, 18, 17, 14
// and 13% from end products to raw components). 92% of products below level 0 are
// part of a product one level up (10%: two levels up); 20% of them of a second
// parent and 6% of a third (shared sub-assemblies); the rest are spare parts sold
// alone. So BOMs are at most 8 levels deep (7 component edges) and acyclic.
// Component edges carry quantities (70%), essential:false (4%) and dates (8%).
// Categories: end products mostly telecom, video_surveillance, networking,
// compute; sub-assemblies half uncategorised; components semiconductors, passive,
// mechanical, optics, software or none. Each product has 1-3 sourcing edges
// (manufacturer first, then suppliers), 40% to a pool of large manufacturers (1%
// of companies, the first ones most), 54% to any company, the rest to
// organizations and persons; 4% changed producer once; 3% of products have no
// sourcing at all (gaps).
//
// # Screening mix
//
// Screened under all built-in regimes on 2024-01-01, 200 products spread over the
// ids of a 20,000-entity world are 62-69% CLEAR, 5-9% UNKNOWN (gaps) and 23-32%
// CAUTION, POSSIBLE or EXPOSED (seeds 1-3, TestScreeningMix); all 4,000 products of
// seed 1: 61% CLEAR, 7.5% UNKNOWN, 0.2% CAUTION, 2.2% POSSIBLE, 29% EXPOSED, and
// 5% of its entities are caught by some regime. Larger worlds are more exposed, as
// large holdings grow: at 10^5 entities 56% of products are CLEAR and 39% worse;
// at 2*10^6 entities 48% CLEAR, 0.3% CAUTION, 2.5% POSSIBLE, 45% EXPOSED (11% of
// entities caught). Per regime, US-NDAA-889 and US-FCC-COVERED catch the most
// (affiliates of whole groups), US-OFAC-CMIC the least (listed entities only).
package gen
