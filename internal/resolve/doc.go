// Package resolve decides which entity records describe the same legal entity:
// "HUAWEI TECHNOLOGIES CO., LTD." on a sanctions list, "Huawei Technologies Co.,
// Ltd." as an SBOM supplier, an LEI record from GLEIF. Linking them is what lets
// screening follow a product's supplier to a listing; a wrong link makes a clean
// product EXPOSED, so only certainty links by itself.
//
// # Model
//
// Two entities are the same when a same_as record links them, directly or through
// a chain (the rules already treat a same_as class as one entity, and findings
// show the SAME_AS hops). Same_as records come from two places only:
//
//   - Automatic: entities sharing a strong identifier (AutoLinks, run by ingest
//     with load.Options.AutoLink). Strong schemes are lei, uscc, duns and
//     registration ("CC:number", the register's country first); values are
//     normalised (case, spaces, dashes) and checked (LEI and USCC check
//     characters, 9-digit DUNS, not one digit repeated), so placeholders never
//     link. A web site, an ISIN, a tax number, never link alone: branches,
//     issuers and groups share them. Automatic links carry the source AutoSource
//     and the reason "same <scheme> <value>"; they link the smallest id of each
//     group to the others (a star, not every pair), never a person to an
//     organisation, never entities whose LEIs or USCCs differ (the key is then
//     reported as skipped), and never more than MaxAutoGroup entities by one
//     value. They follow the data: when an identifier is corrected or an entity
//     deleted, the automatic link goes. A person's same_as record (any other
//     source) is never touched, and a pair already in one class is not linked
//     again, so re-ingesting the same data writes nothing.
//   - Accepted proposals: everything weaker than an identifier is a Proposal, with
//     a score and a reason, listed by `keiretsu resolve` and turned into a same_as
//     record only when a person accepts it (SameAs: source "keiretsu resolve",
//     reason the proposal's plus who accepted it and when).
//
// Proposals are made between same_as classes: at most one per pair of classes
// (the best-scoring pair of members), since accepting it links the classes.
//
// A person may also reject a proposal: the pair is written to a rejections file
// (Rejection, one JSON line each, in the shape of a native record of kind
// "distinct") and never proposed again; the rejection holds between the two
// entities' classes (if a is not b, a is not b's same_as either). Rejections live beside the store, not in
// it, on purpose: they change no screening answer (so they are not part of
// dataVersion), and a new record kind is part of the storage format of both
// stores (the Neo4j store maps each kind to a relationship type and refuses
// others). The file's lines are ready to be ingested if a later contract version
// adds the kind.
//
// # Scoring
//
// Names and aliases are compared by names.CompanyKey (case, punctuation,
// full-width forms, accents and legal forms removed) and names.CompanyTokens (its
// words; Chinese and Japanese as character pairs). Words are compared whole:
// "BOZTEPE" does not contain the word "ZTE". Only names and aliases are read,
// never addresses or remarks ("Dahua Hotel" in an OFAC address is no name).
//
//	shared strong identifier, not linked yet        1.00  (ingest links these itself)
//	same CompanyKey, name and name                   0.95
//	same CompanyKey, through an alias                0.90
//	persons: the same words in any order (two+)      0.80 (0.75 through an alias); persons never match partially
//	one name's words all in the other's              0.55 + 0.3 * Jaccard (0.30 + ... when the smaller is one word:
//	                                                 "Gazprom" in "Gazprom Telekom" is more often a parent than the same)
//	otherwise                                        0.8 * Jaccard of the words (x 0.95 through an alias)
//	names unrelated, a supporting identifier shared  0.45
//
// then, except for a strong identifier match, times the country factor: 1 for the
// same country, 0.97 when one side has none, 0.95 when neither has, 0.3 for
// different countries; times 0.5 when both have a DUNS and they differ; plus 0.03
// for a shared supporting identifier (web site, ISIN, ...); at most 0.99. Pairs
// whose LEIs or USCCs differ, a person and an organisation, pairs already in one
// same_as class and rejected pairs are never proposed.
//
// Thresholds: DefaultMinScore (0.5) is where `keiretsu resolve` stops listing and
// `keiretsu stats` stops counting proposals as waiting. AutoAcceptLevel (0.97) is
// reached only by an exact name in the same country with a shared supporting
// identifier, or by an identifier match ingest did not link; such proposals are
// flagged "auto-accept level" for a quick review, but are still never merged
// without a person. The real data's traps stay below even DefaultMinScore: ZTE
// Parsian (IR) and ZTE Corporation (CN) score 0.135 (0.436 when one has no
// country, as on the FCC list); DAHUA ELECTRONICS CORPORATION (US) and Zhejiang
// Dahua Technology (CN) 0.128 (0.415); BOZTEPE, a person, is never compared with
// ZTE, and no word of it is "zte".
//
// # Scale
//
// Proposals never compares every pair. Candidates come from blocks: entities
// sharing a CompanyKey, an identifier, or one of the rarest words of one of their
// names (prefix filtering: with words ordered rarest first, a pair that can reach
// the minimum score must share one of the first n - ceil(t*n) + 1 words of an
// n-word name, t = MinScore/0.8, or the smaller name's rarest word when one
// contains the other). Words held by more than MaxBlock entities make no block
// (like stop words), so two names that share only common words are not compared.
// Entities are scored in parallel; a pair's first test reads only dense arrays
// (kind, class, country), and reasons are written only for kept proposals.
package resolve
