// Package ftm reads FollowTheMoney (FtM) entities as JSON Lines, the format of
// OpenSanctions exports (entities.ftm.json) and of their delta files
// ({"op": "ADD"|"MOD"|"DEL", "entity": {...}}). It registers the feed format `ftm`.
// It streams: memory holds one line, plus a few bytes per sanctioned entity (and per
// id of a delta file) for what is given at the end of the file.
//
// # Mapping
//
// Entities:
//
//	Person                              entity, type person
//	Company, Organization, LegalEntity  entity, type company
//	PublicBody                          entity, type state_body
//
// with id "ftm:<id>"; name the entity's caption (else its first name); aliases its
// other names, alias and previousName (not weakAlias: OpenSanctions marks those as
// too weak to match on); country the first ISO alpha-2 code of jurisdiction,
// country, mainCountry (persons: nationality, citizenship, country); identifiers
// leiCode -> lei, uscCode -> uscc, dunsCode -> duns, registrationNumber ->
// registration ("CC:<number>" with the entity's country, the form GLEIF and BODS
// give), innCode -> inn, ogrnCode -> ogrn, okpoCode -> okpo, swiftBic -> bic,
// taxNumber -> tax, vatCode -> vat, cikCode -> cik, uniqueEntityId -> uei, bvdId ->
// bvd (the first value of each).
//
// Relationships (references are entity ids, or nested entities with an id):
//
//	Ownership     ownership owner -> asset; percentage (see below); startDate, endDate
//	Directorship  control director -> organization, basis board (a role naming a
//	              secretary or an auditor gives no edge: they do not control)
//	Control       control controller -> controlled, basis from controlType: voting ->
//	              voting, appointment -> board, management and state ->
//	              dominant_influence, contractual -> agreement, others -> other
//	Sanction      listing of its entity, from startDate (else listingDate) to
//	              endDate, reference authorityId (else unscId, programId, program)
//
// Other schemas (Address, Vessel, Airplane, Identification, Family, Membership, ...)
// give no record and are counted in Stats.Ignored. An Ownership whose asset is a
// vessel therefore points at an id that is never defined: the run reports it as a
// dangling reference.
//
// Percentages: "51", "51%", "51,5", ranges "25-50" or "25 to 50" (percentMin and
// percentMax), bounds ">25", ">=25", "<50", "<=50" (an exclusive bound moves one
// share unit, a millionth of a percent, inwards, as in package bods). A number is a
// percent as written: "0.51" is 0.51%, not 51%: FtM's percentage property holds
// percents, and reading small numbers as fractions would turn 0.5% holdings into
// 50% ones. Several values give the range that covers them all; no value gives an
// unknown share (0..100). An ownershipType mentioning "indirect" keeps only the
// upper bound (percentMin 0): such a holding is held through others, and a direct
// edge with its full share would be counted again beside the chain.
//
// # Regimes
//
// A Sanction names a built-in regime when its dataset is one: us_ofac_sdn ->
// US-OFAC-SDN, eu_fsf -> EU-ASSET-FREEZE, gb_hmt_sanctions and gb_fcdo_sanctions ->
// UK-OFSI, us_dod_chinese_milcorps (the DoD's section 1260H list) ->
// US-NDAA24-805, us_dhs_uflpa (the UFLPA Entity List) -> US-UFLPA; or when its
// program names section 1260H -> US-NDAA24-805, the UFLPA -> US-UFLPA, CMIC ->
// US-OFAC-CMIC, or the Entity List (authority BIS, or dataset us_trade_csl) ->
// US-BIS-ENTITY. The rules define these regimes; this package names their ids. A Sanction of any other
// dataset gets the regime "FTM-<dataset>" (rule listed: listed entities only). The
// source emits such a regime record (its Spec is a definition rules.ParseSpec
// accepts) before the first listing that names it, unless the run already knows
// the id, and treats its id as known.
//
// Entities with the topic "sanction" that no Sanction entity of the file designates
// (exports such as yente's carry topics and datasets but no Sanction entities) are
// listed at the end of the file: under the built-in regime of each of their
// datasets that has one (an entity of us_dod_chinese_milcorps or us_dhs_uflpa,
// datasets that are one list each, is listed under its regime with or without the
// topic), and, when other datasets remain (or none is given), once
// under FTM-topic-sanction ("OpenSanctions topic sanction", rule listed) with those
// datasets, comma-separated, as the listing's reference. One regime rather than one
// per dataset keeps the set of topic listings an entity can have finite, which is
// what lets a delta file take them back (below); per-list regimes come from
// Sanction entities. In a consolidated export an entity's datasets name every source
// that mentions it (a sanctioned person's PEP dataset too): the reference says which.
//
// # Deltas
//
// ADD and MOD upsert. DEL deletes what the id gave earlier in the same file (its
// entity, edge or listing keys), or, for an id the file has not seen, the entity
// "ftm:<id>"; for an entity it also deletes its topic listings, including those of
// earlier runs (US-OFAC-SDN, EU-ASSET-FREEZE, UK-OFSI, FTM-topic-sanction:
// deleting a key that is absent changes nothing). MOD
// also deletes the records its earlier version gave in this file that the new one
// does not, and the topic listings its new datasets no longer support, so a
// delisting in a delta file clears the exposure. What a delta cannot undo: a DEL
// line carries only an id, and an edge's or a Sanction listing's key (its ends and
// start) is not derived from that id, so the DEL of an Ownership, Control,
// Directorship or Sanction given in an earlier file, or a MOD that changes such a
// record's ends or start, leaves the old record in the store. Deleting an entity
// does not delete the edges that point at it.
//
// # Provenance and errors
//
// Every record's source is "<file base name>#<FtM id>" (regime records: the file
// name). A bad line gives an *ingest.LineError with its line number and field, and
// reading goes on with the next line. An edge whose key (kind, ends, start date)
// another FtM entity of the file gave already (three Ownership records of one
// owner and asset with one start date and different ends) replaces that one in
// the store, as the native format says; it is reported as a replacing
// *ingest.Warning (the run's "replaced N"), never merged silently.
package ftm
