// Package fcc reads the FCC Covered List (47 CFR 1.50002; Secure and Trusted
// Communications Networks Act, section 2) as the table the FCC publishes: the
// columns covered_equipment_or_services and date_of_inclusion_on_covered_list.
// It registers the format fcc; detection claims a CSV file with that header.
// The file is read row by row.
//
// Each row describes covered equipment or services in free text. When the text
// names who produces, provides or supplies them ("produced by Huawei Technologies
// Company, including ...", "supplied, directly or indirectly, by AO Kaspersky Lab
// or any of its ...", "provided by China Telecom (Americas) Corp. subject to
// section 214 ..."), the row gives, per company named:
//
//	entity   id "fcc:<slug of the name>" (lower-case words joined by "-": "fcc:huawei-technologies-company"),
//	         the name as written, type company; no country (the table gives none)
//	listing  under US-FCC-COVERED (built in), from the inclusion date (the first "Month D, YYYY" of the
//	         date cell: the drone row appends "Updated:" dates to it), reference the row's text
//
// with provenance "<file>#row N", N counting the header as row 1. A row naming
// "X and its wholly-owned subsidiary Y" gives both companies, each listed, and an
// ownership of 100% from X to Y (the text says so); "X and its subsidiary Y"
// gives both companies without an ownership (no share is said).
//
// Rows that cover a kind of equipment whatever its producer (foreign-produced
// drones, routers, power inverters, robotic devices) name no company: they give no
// records, are not errors, and are listed by Source.Skipped. The video surveillance
// rows (Hytera, Hikvision, Dahua: "video surveillance and telecommunications
// equipment ... to the extent it is used for the purpose of public safety ...")
// are listed with categories telecom and video_surveillance, so product screening
// counts them for those products only; the full scope clause stays in the
// reference. Other rows carry no categories.
//
// A row without text, or whose date cell holds no date, is a *ingest.LineError
// naming the file, line and column; reading goes on.
package fcc
