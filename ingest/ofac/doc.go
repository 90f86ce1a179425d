// Package ofac reads the lists of the US Treasury's Office of Foreign Assets
// Control (OFAC) into entities and listings. It registers two formats:
//
//   - ofac-sdn: the SDN list, as the legacy CSV files (sdn.csv, with alt.csv,
//     add.csv and sdn_comments.csv beside it) or the classic XML (sdn.xml).
//     Every entry is listed under US-OFAC-SDN.
//   - ofac-cons: the consolidated non-SDN lists, as the legacy CSV files
//     (cons_prim.csv, with cons_alt.csv, cons_add.csv and cons_comments.csv) or the
//     classic XML (consolidated.xml). Entries are listed by program (below).
//
// A file is read as XML when its first character is "<", else as legacy CSV.
// Detection claims sdn.csv / cons_prim.csv (by name, whose first row starts with
// a number and a quoted name) and sdn.xml / cons*.xml (by name, holding an
// <sdnList>). The sibling files are not formats of their own: they are found in
// the directory of the main file (none when it is read from stdin) and loaded
// into memory keyed by ent_num; they are small next to the main file, which is
// read row by row (the XML entry by entry). A missing sibling is skipped.
//
// # Legacy CSV
//
// No header; the null marker is "-0-" (also "-0" where a file was cut short after
// it); a lone 0x1A byte ends some files; text that is not UTF-8 is read as Latin-1.
//
//	sdn.csv / cons_prim.csv  ent_num       -> entity id "ofac:<ent_num>", source "<file>#<ent_num>"
//	                         SDN_Name      -> name
//	                         SDN_Type      -> type: individual -> person; vessel, aircraft -> organization;
//	                                          -0- (an entity) -> company, or state_body when the remarks
//	                                          say "Target Type Government Entity"
//	                         Program       -> listing reference (programs joined with "; ");
//	                                          for ofac-cons also the lists (below)
//	                         Remarks       -> identifiers, listing dates, target type (below)
//	                         Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner: not used
//	alt.csv                  alt_name      -> aliases (aka, fka and nka alike; duplicates and the
//	                                          entry's own name dropped)
//	add.csv                  Country       -> country: the first address whose country maps to an
//	                                          ISO 3166 alpha-2 code (CountryCode; unknown ones such as
//	                                          "undetermined" are skipped); the rest of the address is
//	                                          not kept
//	sdn_comments.csv         Remarks       -> the continuation of the entry's Remarks, which OFAC cuts
//	                                          at a fixed width, mid-word: appended as written
//
// # XML (sdnList.xsd)
//
// uid, lastName and firstName ("LAST, First" as in the CSV), sdnType,
// programList, akaList, addressList/country and idList (idType, idNumber,
// idCountry) map as the CSV columns do; the idList gives the same
// identifications the CSV writes in Remarks. Malformed XML stops the file with
// an error naming its line; an entry without uid or name is a LineError.
//
// # Identifiers
//
// Remarks are clauses separated by ";", such as "Unified Social Credit Code
// (USCC) 914403001922038216 (China)" or "alt. SWIFT/BIC CKLBCNBJ". A clause that
// starts with a known identification type gives an identifier (Identifier): USCC
// -> uscc; "Legal Entity Number" -> lei when it is a valid LEI (OFAC also files
// unexplained national numbers under it: those are dropped);
// D-U-N-S -> duns; SWIFT/BIC -> swift; ISIN -> isin; "IMO 1234567" under "Vessel
// Registration Identification", "Company Number" or "Identification Number" ->
// imo (the ship's number for a vessel, the IMO company number for an owner or
// manager); registration, company and commercial registry numbers ->
// registration, "<alpha-2>:<number>" when the country is known; Website ->
// website. Values are checked (check digits of USCC, LEI and ISIN; shape of BIC,
// DUNS, IMO) and dropped when malformed. The native format holds one value per
// scheme: the first one given wins (an entry's further ISINs or websites are not
// kept). Passports, tax and national ids, OKPO (Government Gazette) numbers,
// dates and places of birth and "Linked To" are not read.
//
// # Lists of the consolidated file
//
// The legacy files do not say on which non-SDN list an entry is; it is inferred
// from the programs:
//
//	CMIC-EO13959     -> US-OFAC-CMIC (built in), from the "Listing Date (CMIC)"
//	UKRAINE-EO13662  -> US-OFAC-SSI
//	NS-PLC           -> US-OFAC-NS-PLC
//	561-Related      -> US-OFAC-CAPTA
//	FSE-*            -> US-OFAC-FSE
//	NS-<X> (other)   -> US-OFAC-NS-<X>
//	RUSSIA-EO14024, BURMA-EO14014, ILLICIT-DRUGS-EO14059, CAATSA - RUSSIA
//	                 -> US-OFAC-NS-MBS when the entry carries that program's
//	                    directive information (or is on no other list); for EO 14024
//	                    a "Listing Date (EO 14024 Directive 2)" (the correspondent
//	                    account directive) gives US-OFAC-CAPTA instead, the other
//	                    directives NS-MBS. Without such information the program is
//	                    the entry's SDN designation, as are SDGT, SYRIA,
//	                    VENEZUELA-EO13850...: those stay in the reference only.
//	anything else    -> when nothing above applies, US-OFAC-<PROGRAM> per program.
//
// A listing's from is its listing date when the remarks give one for that list
// ("Listing Date (CMIC) 03 Jun 2021", not the later "Effective Date (CMIC)", which
// is when the investment ban took effect; for NS-MBS the earliest directive
// listing date). SDN listings have no dates: the SDN files give none.
//
// Caveat: directive remarks stay on entries that OFAC later blocked outright, so
// the NS-MBS and CAPTA listings inferred from them may include entries that are
// no longer on those lists; the CSL (package csl) names each row's list.
//
// # Regimes
//
// US-OFAC-SDN and US-OFAC-CMIC are built in. The others are program regimes,
// defined in the programs section of internal/rules/regimes.json (rules.Program;
// US-OFAC-<PROGRAM> from its template): before the first listing that names one
// that is not loaded (built in, stored or given with --regimes), the source
// emits a model.KindRegime record with that definition as its Spec.
//
// # Errors
//
// A row with the wrong number of columns, an ent_num that is not a number, no
// name, no program (ofac-cons only: its lists come from the programs), or
// malformed CSV quoting is a *ingest.LineError naming the file and line, and
// nothing of it is emitted; reading goes on. Bad rows of the sibling files are reported (first) the same way.
package ofac
