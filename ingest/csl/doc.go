// Package csl reads the US Consolidated Screening List (CSL) of trade.gov: the
// export-screening lists of Commerce, State and Treasury merged into one CSV;
// and, as the format bis-dpl, BIS's Denied Persons List on its own (dpl.txt,
// below). The format csl reads both layouts of the CSL:
//
//   - the current one, whose header starts "_id,source,entity_number,...", with
//     an _id per row and the ids column written "type, number[, country]";
//   - the 2019 one, without _id, whose ids column is written "[country, ]number,
//     type".
//
// The header names the columns (source and name are required); the file is read
// row by row. Detection claims a file whose first line is either header.
//
// # Columns
//
//	_id                      -> provenance "<file>#<_id>" ("<file>#row N" without one, N counting
//	                            the header as row 1); entity id "csl:<_id>" for non-OFAC rows
//	source                   -> the listing's regime (below); for Treasury lists with an
//	                            entity_number, entity id "ofac:<entity_number>", the id package ofac
//	                            gives the same OFAC entry
//	entity_number            -> see source
//	type                     -> entity type: Individual -> person; Vessel, Aircraft -> organization;
//	                            Entity or empty (the BIS and State lists do not say) -> company;
//	                            state_body when ids say "Target Type, Government Entity"
//	name                     -> name
//	alt_names                -> aliases ("; "-separated; duplicates and the name itself dropped)
//	addresses                -> country: the first address ("; "-separated) whose last
//	                            comma-separated part is a country (an alpha-2 code or a name,
//	                            ofac.CountryCode)
//	programs, federal_register_notice
//	                         -> listing reference, joined with "; "
//	start_date               -> listing from; when empty, the listing date the ids give for the
//	                            row's list ("Listing Date (CMIC), 2021-06-03"; EO 14024 directive
//	                            listing dates for NS-MBS and CAPTA: ofac.ListingDates.For)
//	end_date                 -> listing to (exclusive)
//	ids                      -> identifiers, mapped as package ofac maps OFAC's identification types
//	                            (ofac.Identifier: uscc, lei, duns, swift, isin, imo, registration
//	                            "<alpha-2>:<number>", website; one value per scheme, the first)
//	title, standard_order, license_requirement, license_policy, vessel columns, remarks,
//	source_list_url, citizenships, dates_of_birth, nationalities, places_of_birth,
//	source_information_url: not used
//
// Rows of the 2019 layout that are not OFAC entries have no id at all: their
// entity id is "csl:" and 16 hex digits of the SHA-256 of source, name and
// addresses (joined with 0x1F), stable across runs of the same file.
//
// # Lists
//
// The source column names the list with an abbreviation in parentheses:
//
//	SDN -> US-OFAC-SDN, EL -> US-BIS-ENTITY, CMIC -> US-OFAC-CMIC (built in);
//	SSI -> US-OFAC-SSI, PLC -> US-OFAC-NS-PLC, NS-MBS -> US-OFAC-NS-MBS, FSE -> US-OFAC-FSE,
//	CAP -> US-OFAC-CAPTA (defined by package ofac, the ids ofac-cons uses);
//	DPL -> US-BIS-DPL, UVL -> US-BIS-UVL, MEU -> US-BIS-MEU, ISN -> US-STATE-ISN,
//	DTC -> US-STATE-DTC (defined here).
//
// A list not known gets US-OFAC-<ABBR>, US-BIS-<ABBR> or US-STATE-<ABBR> after its
// agency (US-CSL-<ABBR> for another), with a definition named after the source
// text. Each non-built-in regime that is not loaded is defined (a model.KindRegime
// record with rule "listed") before the first listing that names it. An entity on
// two lists (OFAC entries on SSI and NS-MBS, PLC and SDN) has one row, hence one
// entity record and one listing, per list.
//
// # Errors
//
// A row with a source without abbreviation, no name, a start or end date that is
// not a date, an end not after the start, an entity_number that is not a number,
// the wrong number of columns, or malformed CSV is a *ingest.LineError, and
// nothing of that row is emitted; reading goes on. A row that repeats the header
// is skipped. When the file ends inside a quoted field the error says the file was
// cut short: that is the one rejected row of the 2023 sample (its last row, line
// 4233).
//
// # bis-dpl
//
// dpl.txt is tab-separated with quoted fields and the header Name,
// Street_Address, City, State, Country, Postal_Code, Effective_Date,
// Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation; it has a row
// per address of a denied person, sorted by name. Consecutive rows with the same
// name (the only group held in memory) are one entity, "bis-dpl:" and 16 hex
// digits of the SHA-256 of the upper-case name, with the first country given
// (codes such as "PRC" mapped; US addresses often give none), and one listing
// under US-BIS-DPL per distinct order: from Effective_Date, to Expiration_Date
// (MM/DD/YYYY), reference FR_Citation; provenance "dpl.txt#row N". The list has
// no ids, so these entities are not linked to the CSL's DPL rows. A bad row is a
// *ingest.LineError; a bad date rejects its person's whole run of rows.
package csl
