// Package spdx reads SPDX documents, 2.2 and 2.3 in JSON and 3.0 in JSON-LD, as
// Keiretsu records: packages become products, the relationships that put one
// package into another's bill of materials become component edges, and
// suppliers and originators become sourcing edges to entities. Format name
// "spdx"; detected by "spdxVersion": "SPDX-2.x", or an "@context" naming
// spdx.org/rdf/3.x, in a file's first bytes.
//
// # Products
//
// Every package (SPDX 2 packages[]; SPDX 3 software_Package elements and those of
// its subclasses, such as ai_AIPackage and dataset_DatasetPackage) is a
// product; files, snippets and documents are not, and relationships that touch
// them are skipped. A product's id is "purl:<purl>" when the package has one (SPDX
// 2: an externalRef of type purl; SPDX 3: software_packageUrl or an
// externalIdentifier of type packageUrl), else "cpe:<cpe>" (cpe23Type/cpe22Type;
// cpe23/cpe22), else:
//
//   - SPDX 2: "spdx:<documentNamespace, else name, else the file's base
//     name>:<SPDXID>";
//   - SPDX 3: for an element id "<namespace>#<local>" (the form the SPDX 2 to 3
//     migration gives) "spdx:<namespace>:<local>", the id the same package has in
//     SPDX 2; for another IRI "spdx:<IRI>".
//
// The name is "name version". Identifiers: purl, cpe, swid. No category: SPDX says
// nothing that maps to one. The packages a document describes (documentDescribes,
// DESCRIBES, rootElement) are its roots; SPDX states structure only through
// relationships, so, unlike CycloneDX's top-level components, no edge is implied
// from a root to the other packages.
//
// # Component edges
//
// SPDX 2 (A TYPE B), parent -> child:
//
//	CONTAINS, DEPENDS_ON, STATIC_LINK, DYNAMIC_LINK, HAS_PREREQUISITE      A -> B
//	CONTAINED_BY, DEPENDENCY_OF, BUILD_DEPENDENCY_OF, RUNTIME_DEPENDENCY_OF,
//	PREREQUISITE_FOR, PACKAGE_OF                                          B -> A
//	OPTIONAL_DEPENDENCY_OF, OPTIONAL_COMPONENT_OF             B -> A, essential: false
//
// SPDX 3 (from TYPE to): contains, dependsOn, hasStaticLink, hasDynamicLink and
// hasPrerequisite give from -> to; hasOptionalComponent and hasOptionalDependency
// give from -> to with essential: false; a LifecycleScopedRelationship with scope
// development or test gives nothing.
//
// Not component edges: development, test and provided dependencies (they are not
// in the delivered product), build, development and test tools, GENERATES,
// DESCRIBES and the rest. Build dependencies are kept, as compiled languages
// link them into the product. An edge is written once per (parent, child). A
// relationship to an element of another document (SPDX 2 "DocumentRef-x:SPDXRef-y"
// with x in externalDocumentRefs; SPDX 3 an IRI not in the graph) gives an edge to
// the id that element would have with neither purl nor CPE; the loader reports it
// as dangling until that document is loaded.
//
// # Sourcing
//
// SPDX 2: supplier "Organization: X (e-mail)" makes X the package's supplier,
// originator "Organization: X" its manufacturer; "Person: Y" is an entity of type
// person; NOASSERTION or NONE adds nothing, so the product is a gap; a name
// without a prefix is taken as an organisation; "Tool: T" is a warning. SPDX 3:
// suppliedBy names the supplier, originatedBy the manufacturers, and an
// availableFrom relationship further suppliers, each an Organization, Person or
// Agent element of the document. Entities are "org:<folded name>" (bomgraph.
// EntityID), or "person:<folded name>" for persons, one per document, with the
// name as first given and other spellings as aliases. The store keys sourcing by
// (product, entity), so a party that both supplies and originates a package gets
// one edge, role manufacturer.
//
// # Provenance and errors
//
// Every record's source is "<file base name>#<SPDXID or element id>" of the
// package or relationship that states it (for an SPDX 2 relationship, its
// spdxElementId). What the document states but Keiretsu drops gives an
// *ingest.Warning naming the line where the item starts and the JSON path of
// the field ("packages[2].supplier", "@graph[7].to[0]"), and reading goes on: a
// repeated SPDXID or element id (reported once, the first kept), an invalid purl
// or CPE (ignored), a supplier that is a tool, an agent not in the document, a
// relationship to an id defined nowhere or to an unknown DocumentRef, a package
// related to itself. An *ingest.LineError is given the same way for a record
// that fails validation (a package without a name). Malformed JSON and an
// unsupported spdxVersion stop the file. Tag-value, RDF/XML and YAML are not read.
package spdx
