package cyclonedx

import "github.com/keiretsu/keiretsu/ingest/internal/bomgraph"

// The parts of a CycloneDX JSON BOM (1.2 to 1.6) that the mapping reads. Fields
// that real tools fill inconsistently (a url as a string or an array, a number as
// a string) have lenient types; everything else not named here is ignored.

type bom struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber"`
	Metadata     *metadata    `json:"metadata"`
	Components   []component  `json:"components"`
	Services     []service    `json:"services"`
	Dependencies []dependency `json:"dependencies"`
}

type metadata struct {
	Component *component `json:"component"`
	// Supplier and Manufacture are the supplier and the maker of the component
	// the BOM describes. (1.6's metadata.manufacturer is the maker of the BOM
	// itself and is deliberately not read.)
	Supplier    *orgEntity `json:"supplier"`
	Manufacture *orgEntity `json:"manufacture"`
}

type orgEntity struct {
	Name    text     `json:"name"`
	URL     textList `json:"url"`
	Address *struct {
		Country text `json:"country"`
		Region  text `json:"region"`
	} `json:"address"`
	Contact []struct {
		Email text `json:"email"`
	} `json:"contact"`
}

type component struct {
	Type               text        `json:"type"`
	BOMRef             text        `json:"bom-ref"`
	Supplier           *orgEntity  `json:"supplier"`
	Manufacturer       *orgEntity  `json:"manufacturer"`
	Group              text        `json:"group"`
	Name               text        `json:"name"`
	Version            text        `json:"version"`
	Scope              text        `json:"scope"`
	Purl               text        `json:"purl"`
	CPE                text        `json:"cpe"`
	SWID               *swid       `json:"swid"`
	ExternalReferences []extRef    `json:"externalReferences"`
	Properties         []property  `json:"properties"`
	Components         []component `json:"components"`
	Quantity           text        `json:"quantity"`
}

type swid struct {
	TagID text `json:"tagId"`
}

type extRef struct {
	Type text `json:"type"`
	URL  text `json:"url"`
}

type property struct {
	Name  text `json:"name"`
	Value text `json:"value"`
}

type service struct {
	BOMRef     text       `json:"bom-ref"`
	Provider   *orgEntity `json:"provider"`
	Group      text       `json:"group"`
	Name       text       `json:"name"`
	Version    text       `json:"version"`
	Properties []property `json:"properties"`
	Services   []service  `json:"services"`
}

type dependency struct {
	Ref       text     `json:"ref"`
	DependsOn textList `json:"dependsOn"`
}

// text and textList are lenient JSON strings (see bomgraph.Text).
type (
	text     = bomgraph.Text
	textList = bomgraph.TextList
)
