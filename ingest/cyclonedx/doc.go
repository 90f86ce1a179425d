// Package cyclonedx reads CycloneDX JSON bills of materials (specVersion 1.2 to
// 1.6; software, hardware and SaaS BOMs) as Keiretsu records: every component
// and service becomes a product, the BOM's structure becomes component edges,
// and suppliers and manufacturers become sourcing edges to entities. Format name
// "cyclonedx"; detected by "bomFormat": "CycloneDX" in a file's first bytes.
//
// # Products
//
// metadata.component is the root product; every other component (nested at any
// depth, and those nested in metadata.component) and every service (nested at any
// depth) is a product too. A product's id is, in order of preference:
//
//   - "purl:<purl>" when the component has a purl (the key shared with other
//     sources: the same purl in two BOMs, or twice in one, is one product);
//   - "cpe:<cpe>" when it has a CPE;
//   - "cdx:<serialNumber, else the file's base name>:<bom-ref>".
//
// A component without a bom-ref gets "name@version" in its place, which is stable
// across runs of the tool that wrote the BOM (and cannot be the target of a
// dependency). The name is "group/name version" (the parts present). Identifiers:
// purl, cpe, swid (swid.tagId), gtin (a cdx:device:gs1:gtin-* or gtin property, or
// the GTIN of a GS1 Digital Link external reference), mpn and sku (properties).
// Category: none for components. The cdx:device:deviceType property is a mounting
// type in the published taxonomy ("smd", "thru-hole"), not a product category, and
// a category of its own would stop a part from inheriting its assembly's category
// (CONTRACT section 4), hiding category-limited listings. Services have category
// "service". Properties are read in the cdx:device
// and the older cdx:deviceInfo namespaces.
//
// # Component edges
//
// Containment: metadata.component -> each top-level component and service;
// a component -> the components nested in it; a service -> its nested services.
// Dependencies: ref -> each dependsOn entry. An edge between two products is
// written once; containment comes first, so it keeps its quantity, taken from a
// component's cdx:device:quantity property (or a "quantity" member). A dependency
// may name an item of another BOM by BOM-Link (urn:cdx:<serial>/<version>#<ref>);
// the child's id is then "cdx:urn:uuid:<serial>:<ref>", which the loader reports
// as dangling until that BOM is loaded. CycloneDX has no notion of an essential
// component; an edge is essential unless its child has scope "optional" or
// "excluded", which gives essential: false.
//
// Inventories: a root whose dependency graph says what it depends on directly
// often lists every component of the tree at the top level as well (an
// inventory, not a structure). Taken as containment, that list would make every
// component one hop from the root, and a screening's path would skip the chain
// through which the root really depends on it. So when the dependency graph has
// an entry for metadata.component, a top-level component or service that the
// root does not depend on directly gets no edge from the root if the graph
// reaches it through others (its chain puts it in the bill of materials, and
// paths follow the chain), and keeps its edge, marked as an inventory link by a
// source ending " (inventory)", if the graph does not reach it at all.
//
// # Sourcing
//
// A component's supplier (an organizationalEntity) is its supplier; its
// manufacturer (1.6) is its manufacturer; metadata.supplier and
// metadata.manufacture also name the root's. A service's provider is its supplier.
// author, authors and publisher are not sourcing, and neither is 1.6's
// metadata.manufacturer, which names the maker of the BOM. Each party becomes one
// entity per document, id "org:<folded name>" (bomgraph.EntityID: lower case,
// punctuation and legal-form suffixes such as "Co., Ltd." or "GmbH" dropped, words
// joined by '-'), with the name as first given, other spellings as aliases, the
// first url as identifier "website", the first contact's email (or the address
// in a name written "Name <email>", which is then dropped from the name) as
// identifier "email", and address.country when it is an ISO alpha-2 code. The
// address also gives the sourcing edge its site (bomgraph.Site): the region when
// it is an ISO 3166-2 code of the country ("CN-XJ", or "XJ" in "CN"), else the
// country. No attempt is made to match other sources' entities. A product
// whose BOM names no party (or only a placeholder such as "N/A") has no sourcing:
// screening reports it as a gap.
//
// # Provenance and errors
//
// Every record's source is "<file base name>#<bom-ref>" of the item that states it
// (for a dependency edge, the ref of the entry). The whole document is read at
// once. What the document validly states but Keiretsu drops gives an
// *ingest.Warning, naming the line where the item starts and the JSON path of
// the field ("components[3].purl"), and reading goes on: a repeated bom-ref
// (reported once; the first item is kept and later ones dropped, though their
// nested items are read), an invalid purl or CPE (ignored), a quantity that is
// not a number (ignored), a dependency on a bom-ref that no item has or on
// itself (dropped; CycloneDX's own examples list components among their own
// dependencies). Invalid items give an *ingest.LineError the same way: a field
// of the wrong JSON type (ignored), and a record that fails validation (a
// component without a name). Malformed JSON, a
// bomFormat other than CycloneDX and a specVersion other than 1.x stop the file.
//
// Not read: pedigree (ancestors, variants), evidence, compositions, formulation,
// vulnerabilities, licenses and hashes.
package cyclonedx
