// Package bods reads the Beneficial Ownership Data Standard (BODS): version 0.4
// (record-based: recordId, recordType, recordDetails, recordStatus) and versions
// 0.2/0.3 (statement-based: statementID, statementType, replacesStatements), as a
// JSON array of statements, one JSON object, or JSON Lines. It registers the feed
// format `bods`.
//
// # Nodes
//
// Entity and person statements become entities. Their ids are "bods:<recordId>"
// (0.4) or "bods:<statementID of the entity or person statement>" (0.2/0.3; when a
// newer entity or person statement replaces one, references to the old id resolve to
// the newest). Names: an entity's name; a person's legal ("individual" in 0.2)
// name, else the first full name, else given and family names; anonymous and
// unknown parties get a placeholder name ("Anonymous person", "Unknown entity"); a
// known entity or person without a name (the 0.4 schema allows it) is named by its
// record id (statementID in 0.2/0.3), with a warning.
// Types: persons are `person`; entity types `state` and `stateBody` are
// `state_body`; `arrangement` (trusts, nominations, joint holdings) is
// `organization`; everything else is `company`. Country: an entity's jurisdiction
// (its country for a subdivision, "US-DE" -> US), else the country of its
// registered address; a person's first nationality. hqCountry: the country of an
// entity's business address (its principal place of business). Only countries
// given as codes are read.
// Identifiers: schemes of company registers become `registration` "CC:<id>"
// (GB-COH -> "GB:<id>", the value GLEIF's records give too; likewise FI-PRO,
// DK-CVR, NO-BRC, SE-BON, UA-EDR and other org-id.guide registers), XI-LEI -> lei,
// an 18-character CN-SAIC -> uscc; other schemes keep their lower-cased name, and
// an identifier with only a schemeName keeps it, lower-cased with dashes.
//
// # Interests
//
// A relationship (0.4) or ownership-or-control statement (0.2) gives edges from the
// interested party to the subject, one per interest, valid from its startDate to
// its endDate:
//
//	shareholding               ownership: share.exact -> percent; minimum/maximum ->
//	                           percentMin/percentMax
//	votingRights               ownership, but only when the statement has no
//	                           shareholding; alongside a shareholding it is control
//	                           (basis voting) when its lower bound is above 50% (a
//	                           majority of votes is control) and is left out otherwise,
//	                           so a holder's shares and votes are never summed
//	appointmentOfBoard, boardMember, boardChair
//	                           control, basis board
//	otherInfluenceOrControl, controlViaCompanyRulesOrArticles, controlByLegalFramework
//	                           control, basis dominant_influence
//	rightsGrantedByContract, conditionalRightsGrantedByContract
//	                           control, basis agreement
//	seniorManagingOfficial, settlor, trustee, protector, beneficiaryOfLegalArrangement,
//	nominee, nominator, rights to profit or surplus and the 0.2 trust interests
//	                           control, basis other
//	no type, unknownInterest, unpublishedInterest, or no interests at all
//	                           ownership with an unknown share (0..100: "unknown is not
//	                           clear"), but only when the statement has no shareholding
//	                           or voting interest, so that it never adds to a known share
//
// Exclusive bounds: BODS distinguishes "more than 25%" (exclusiveMinimum 25) from
// "25% or more" (minimum 25). Shares are stored in millionths of a percent, so an
// exclusive bound moves one unit inwards: exclusiveMinimum 50 is percentMin
// 50.000001 and exclusiveMaximum 50 is percentMax 49.999999. This keeps the
// strict thresholds exact: a holding "more than 50%" is EXPOSED under the UK's
// "strictly more than 50%" test, and one "less than 50%" never reaches OFAC's
// ">= 50%" through its upper bound.
//
// # Indirect interests
//
// The rules sum direct ownership edges and never multiply along chains, so an
// indirect interest (directOrIndirect or 0.2 interestLevel "indirect"; or
// "unknown"/missing in a statement that lists componentRecords or
// componentStatementIDs) must not become an ownership edge beside the chain of
// direct statements it summarises:
//
//   - when the chain is present in the file (a relationship named in its component
//     list is in the file, or the file's direct statements link the interested party
//     to the subject through at least one intermediary), an indirect shareholding or
//     voting interest gives no edge; it is counted in Stats.IndirectSkipped;
//   - when the chain is not in the file, it gives an ownership edge whose share is
//     [0, upper bound of the stated share] (unknown when no share is stated), counted
//     in Stats.IndirectOnly. Its lower bound of 0 can never add to an EXPOSED sum;
//     its upper bound lets a listed indirect owner make the subject POSSIBLE, which is
//     what "unknown is not clear" asks for when the intermediaries are unknown;
//   - an indirect control interest (board, influence, ...) is a control edge either
//     way: control edges are never summed, and the fact that the party controls the
//     subject through others is exactly what CAUTION under OFAC is about.
//
// # Versions
//
// Statements (statementID, statementType) are read with the 0.2/0.3 mapping, and
// records (recordId, recordType) with the 0.4 one. A file whose first statement
// states another version in publicationDetails.bodsVersion (0.1, which shares
// the mapping of entity, person and ownership-or-control statements; or none, as
// 0.1 files do; or a version newer than 0.4) loads with a warning saying which
// version it is read as.
//
// BODS 0.4 publishes updates as new statements with the same recordId. The latest
// (by statementDate, then position in the file) wins: it gives the node, and the
// current interests of a relationship. Earlier versions are kept as closed history,
// so that screening as of a past date sees what held then, and so that no two
// versions of one relationship hold on the same day (shares are never counted
// twice). An edge of an earlier version that the next version
//
//   - restates with the same key (ends and startDate) and the same share continues:
//     one edge, whose source is the latest statement;
//   - restates with a different share ends on the next version's statementDate,
//     where the new share begins: publishers keep the startDate of an interest
//     when its size changes, and the statementDate is when the change was reported;
//   - does not restate ends where the next version begins: the earliest of its
//     statementDate and the startDates of its new interests.
//
// A version with the same statementDate as the one before corrects it and leaves
// it no history. A record whose latest statement has recordStatus "closed" ends its
// open interests on that statement's date; a closed entity or person is still an
// entity (other records refer to it).
//
// BODS 0.2 replacesStatements works alike: a replaced ownership statement present in
// the same file is history ending where its replacements begin (an edge that a
// replacement restates with the same key gives way to it); a replaced entity or
// person statement gives no node, and references to it resolve to the replacement.
// A replaced statement that is not in the file cannot be undone from here (its
// edge key is unknown), so give a record's history in one file, as the register
// bulk files do.
//
// Control edges are keyed without their basis, so the control interests of one
// statement that start on the same day become one control edge, with the
// strongest basis (voting, board, dominant_influence, agreement, other) and the
// longest period among them.
//
// Statements whose interested party is unspecified (no beneficial owner, exempt,
// unknown) give no edge: there is no party to link. They are counted in
// Stats.UnspecifiedParty.
//
// # Provenance and errors
//
// Every record's source is "<file base name>#<statementId>" of the statement that
// produced it (statementID in 0.2). A bad statement gives an *ingest.LineError
// naming its position in the file (the element of the array, or the value of a JSON
// Lines file, counted from 1: the line number when no line is blank) and the field;
// the others are still read. Malformed JSON ends the file at that statement. The
// whole file is read before the first record is returned, since a later statement
// may update an earlier one; memory holds the parsed statements, not the text.
package bods
