// Package gleif reads GLEIF data: Level 1 LEI records and Level 2 relationship
// records, as returned by the GLEIF API (JSON:API documents, one record or a page
// of them) or as published in GLEIF's full downloads: the LEI-CDF, RR-CDF and
// reporting-exception XML files, the golden-copy JSON files (the same elements,
// each element's text under "$") and the golden-copy CSV files (LEI2 CSV, RR CSV
// and the reporting-exception CSV). The downloads are read a record at a time.
// It registers the feed format `gleif`.
//
// # Mapping
//
// LEI records become entities:
//
//	id           "lei:<LEI>"
//	name         entity.legalName
//	aliases      otherNames and transliteratedOtherNames (without the legal name)
//	type         company; state_body for category RESIDENT_GOVERNMENT_ENTITY;
//	             organization for INTERNATIONAL_ORGANIZATION
//	country      the country of entity.jurisdiction ("US-DE" -> US), else the
//	             legal address's country
//	hqCountry    the headquarters address's country
//	identifiers  lei; registration "<jurisdiction>:<registeredAs>" (so a UK company
//	             gives "GB:04366849", the same value BODS's GB-COH scheme gives; the
//	             legal address's country when no jurisdiction is given, none when
//	             neither is); bic (the first listed), opencorporates (ocid), qcc,
//	             spglobal (the first listed)
//
// Every registration status gives an entity: a LAPSED, RETIRED or even ANNULLED LEI
// still names a legal entity that other records may point at.
//
// Relationship records are accounting consolidation, not equity: GLEIF's Level 2
// says who consolidates whom in its financial statements. They become control
// edges from the parent (the end node) to the child (the start node):
//
//	IS_DIRECTLY_CONSOLIDATED_BY     control, basis consolidation
//	IS_ULTIMATELY_CONSOLIDATED_BY   control, basis consolidation
//	IS_INTERNATIONAL_BRANCH_OF      same_as (a branch is the same legal person as
//	                                its head office, so listings and holdings are shared)
//	IS_FUND-MANAGED_BY, IS_SUBFUND_OF, IS_FEEDER_TO
//	                                no edge (counted): managing a fund's assets is not
//	                                control of the fund in the sense of the rules
//
// Ultimate-parent relationships are emitted as well even though the section 889
// affiliate rule follows control transitively anyway: GLEIF often publishes an
// ultimate parent whose intermediate parents have no LEI, and then the ultimate
// edge is the only link. Control edges are never summed, so an edge that repeats
// what a chain already says changes no verdict (at most it shortens a path).
//
// Each RELATIONSHIP_PERIOD of a record gives one edge, valid from the period's
// startDate to its endDate. The record's validFrom/validTo are not used as the
// relationship's period: they say when GLEIF published that version of the record,
// which for a parent of twenty years would make the link look new; a record
// without a RELATIONSHIP_PERIOD start gets an edge with no `from` (unknown start:
// it holds since always, which is the cautious reading). Relationship status
// INACTIVE is history, not an error: the edge is kept with its `to` (the period's
// endDate, else the record's validTo, else the day of the record's last update,
// the latest day by which it must have ended). ACTIVE relationships whose
// registration has LAPSED are still in force and kept. A relationship record whose
// registration status is ANNULLED was published in error and gives no edge
// (counted); one the API marks as deleted (extension.deletedAt) gives a delete of
// its edge.
//
// Reporting exceptions ("no parent to report", with a reason such as NON_PUBLIC or
// NO_KNOWN_PERSON) give no record: an exception is the absence of a parent, which
// the graph already represents by having no edge. They are counted in Stats.
//
// # Dates
//
// GLEIF's API gives instants in UTC, converted from the local midnight the
// registrant meant: "2018-12-31T23:00:00Z" is 1 January 2019 in Frankfurt. An
// instant in UTC that is some time zone's midnight (whole seconds, at a time of
// day that is midnight at an offset from UTC-11 to UTC+12, half and
// three-quarter hours included) is read as the day of the nearest midnight (12:00
// and later rounds up), which recovers the intended day; any other instant in UTC
// ("2023-07-31T17:11:36Z", a registration's time) keeps its UTC day. A timestamp
// with an explicit offset (the golden-copy files keep them) is read as its local
// date.
//
// # Provenance and errors
//
// Every record's source is "<file base name>#<record id>": the LEI for LEI records,
// the API record id for relationship records, "<child>|<type>|<parent>" for RR CSV
// rows and CDF records. Bad records give an *ingest.LineError naming the record
// number (API and golden-copy JSON: the position in "data" or in the array of
// records, from 1; CSV and XML: the line) and the field, and reading goes on.
package gleif
