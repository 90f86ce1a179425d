package ofac

import (
	"strings"
	"unicode"
)

// isoCountries maps each ISO 3166-1 alpha-2 code to the name OFAC writes in its
// address and identification columns (OFAC's own spellings: "Korea, North",
// "Bahamas, The", "Burma", "Congo, Democratic Republic of the", ...).
var isoCountries = map[string]string{
	"AD": "Andorra", "AE": "United Arab Emirates", "AF": "Afghanistan", "AG": "Antigua and Barbuda",
	"AI": "Anguilla", "AL": "Albania", "AM": "Armenia", "AO": "Angola", "AQ": "Antarctica",
	"AR": "Argentina", "AS": "American Samoa", "AT": "Austria", "AU": "Australia", "AW": "Aruba",
	"AX": "Aland Islands", "AZ": "Azerbaijan", "BA": "Bosnia and Herzegovina", "BB": "Barbados",
	"BD": "Bangladesh", "BE": "Belgium", "BF": "Burkina Faso", "BG": "Bulgaria", "BH": "Bahrain",
	"BI": "Burundi", "BJ": "Benin", "BL": "Saint Barthelemy", "BM": "Bermuda", "BN": "Brunei",
	"BO": "Bolivia", "BQ": "Bonaire, Sint Eustatius and Saba", "BR": "Brazil", "BS": "Bahamas, The",
	"BT": "Bhutan", "BV": "Bouvet Island", "BW": "Botswana", "BY": "Belarus", "BZ": "Belize",
	"CA": "Canada", "CC": "Cocos (Keeling) Islands", "CD": "Congo, Democratic Republic of the",
	"CF": "Central African Republic", "CG": "Congo, Republic of the", "CH": "Switzerland",
	"CI": "Cote d Ivoire", "CK": "Cook Islands", "CL": "Chile", "CM": "Cameroon", "CN": "China",
	"CO": "Colombia", "CR": "Costa Rica", "CU": "Cuba", "CV": "Cabo Verde", "CW": "Curacao",
	"CX": "Christmas Island", "CY": "Cyprus", "CZ": "Czech Republic", "DE": "Germany", "DJ": "Djibouti",
	"DK": "Denmark", "DM": "Dominica", "DO": "Dominican Republic", "DZ": "Algeria", "EC": "Ecuador",
	"EE": "Estonia", "EG": "Egypt", "EH": "Western Sahara", "ER": "Eritrea", "ES": "Spain",
	"ET": "Ethiopia", "FI": "Finland", "FJ": "Fiji", "FK": "Falkland Islands",
	"FM": "Micronesia, Federated States of", "FO": "Faroe Islands", "FR": "France", "GA": "Gabon",
	"GB": "United Kingdom", "GD": "Grenada", "GE": "Georgia", "GF": "French Guiana", "GG": "Guernsey",
	"GH": "Ghana", "GI": "Gibraltar", "GL": "Greenland", "GM": "Gambia, The", "GN": "Guinea",
	"GP": "Guadeloupe", "GQ": "Equatorial Guinea", "GR": "Greece",
	"GS": "South Georgia and the South Sandwich Islands", "GT": "Guatemala", "GU": "Guam",
	"GW": "Guinea-Bissau", "GY": "Guyana", "HK": "Hong Kong", "HM": "Heard Island and McDonald Islands",
	"HN": "Honduras", "HR": "Croatia", "HT": "Haiti", "HU": "Hungary", "ID": "Indonesia",
	"IE": "Ireland", "IL": "Israel", "IM": "Man, Isle of", "IN": "India",
	"IO": "British Indian Ocean Territory", "IQ": "Iraq", "IR": "Iran", "IS": "Iceland", "IT": "Italy",
	"JE": "Jersey", "JM": "Jamaica", "JO": "Jordan", "JP": "Japan", "KE": "Kenya", "KG": "Kyrgyzstan",
	"KH": "Cambodia", "KI": "Kiribati", "KM": "Comoros", "KN": "Saint Kitts and Nevis",
	"KP": "Korea, North", "KR": "Korea, South", "KW": "Kuwait", "KY": "Cayman Islands",
	"KZ": "Kazakhstan", "LA": "Laos", "LB": "Lebanon", "LC": "Saint Lucia", "LI": "Liechtenstein",
	"LK": "Sri Lanka", "LR": "Liberia", "LS": "Lesotho", "LT": "Lithuania", "LU": "Luxembourg",
	"LV": "Latvia", "LY": "Libya", "MA": "Morocco", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
	"MF": "Saint Martin", "MG": "Madagascar", "MH": "Marshall Islands", "MK": "North Macedonia",
	"ML": "Mali", "MM": "Burma", "MN": "Mongolia", "MO": "Macau", "MP": "Northern Mariana Islands",
	"MQ": "Martinique", "MR": "Mauritania", "MS": "Montserrat", "MT": "Malta", "MU": "Mauritius",
	"MV": "Maldives", "MW": "Malawi", "MX": "Mexico", "MY": "Malaysia", "MZ": "Mozambique",
	"NA": "Namibia", "NC": "New Caledonia", "NE": "Niger", "NF": "Norfolk Island", "NG": "Nigeria",
	"NI": "Nicaragua", "NL": "Netherlands", "NO": "Norway", "NP": "Nepal", "NR": "Nauru", "NU": "Niue",
	"NZ": "New Zealand", "OM": "Oman", "PA": "Panama", "PE": "Peru", "PF": "French Polynesia",
	"PG": "Papua New Guinea", "PH": "Philippines", "PK": "Pakistan", "PL": "Poland",
	"PM": "Saint Pierre and Miquelon", "PN": "Pitcairn", "PR": "Puerto Rico", "PS": "West Bank",
	"PT": "Portugal", "PW": "Palau", "PY": "Paraguay", "QA": "Qatar", "RE": "Reunion", "RO": "Romania",
	"RS": "Serbia", "RU": "Russia", "RW": "Rwanda", "SA": "Saudi Arabia", "SB": "Solomon Islands",
	"SC": "Seychelles", "SD": "Sudan", "SE": "Sweden", "SG": "Singapore", "SH": "Saint Helena",
	"SI": "Slovenia", "SJ": "Svalbard", "SK": "Slovakia", "SL": "Sierra Leone", "SM": "San Marino",
	"SN": "Senegal", "SO": "Somalia", "SR": "Suriname", "SS": "South Sudan",
	"ST": "Sao Tome and Principe", "SV": "El Salvador", "SX": "Sint Maarten", "SY": "Syria",
	"SZ": "Eswatini", "TC": "Turks and Caicos Islands", "TD": "Chad", "TF": "French Southern Territories",
	"TG": "Togo", "TH": "Thailand", "TJ": "Tajikistan", "TK": "Tokelau", "TL": "Timor-Leste",
	"TM": "Turkmenistan", "TN": "Tunisia", "TO": "Tonga", "TR": "Turkey", "TT": "Trinidad and Tobago",
	"TV": "Tuvalu", "TW": "Taiwan", "TZ": "Tanzania", "UA": "Ukraine", "UG": "Uganda",
	"UM": "United States Minor Outlying Islands", "US": "United States", "UY": "Uruguay",
	"UZ": "Uzbekistan", "VA": "Vatican City", "VC": "Saint Vincent and the Grenadines",
	"VE": "Venezuela", "VG": "Virgin Islands, British", "VI": "Virgin Islands, U.S.", "VN": "Vietnam",
	"VU": "Vanuatu", "WF": "Wallis and Futuna", "WS": "Samoa", "YE": "Yemen", "YT": "Mayotte",
	"ZA": "South Africa", "ZM": "Zambia", "ZW": "Zimbabwe",
	// Kosovo has no ISO 3166-1 code; XK is the user-assigned code that the EU, the
	// IMF and SWIFT use for it.
	"XK": "Kosovo",
}

// countryAliases are other spellings met in OFAC, CSL and BIS files (and common
// English names), keyed like countryKey.
var countryAliases = map[string]string{
	"bahamas": "BS", "the bahamas": "BS", "gambia": "GM", "the gambia": "GM",
	"czechia": "CZ", "turkiye": "TR", "macedonia": "MK", "north macedonia, the republic of": "MK",
	"macedonia, the former yugoslav republic of": "MK", "cape verde": "CV", "swaziland": "SZ",
	"east timor": "TL", "ivory coast": "CI", "cote d'ivoire": "CI", "cote divoire": "CI",
	"myanmar": "MM", "north korea": "KP", "korea, democratic people's republic of": "KP",
	"south korea": "KR", "korea, republic of": "KR", "russian federation": "RU",
	"iran, islamic republic of": "IR", "syrian arab republic": "SY",
	"venezuela, bolivarian republic of": "VE", "viet nam": "VN", "lao people's democratic republic": "LA",
	"uk": "GB", "u.k": "GB", "great britain": "GB", "united kingdom of great britain and northern ireland": "GB",
	"usa": "US", "u.s": "US", "u.s.a": "US", "united states of america": "US",
	"prc": "CN", "people's republic of china": "CN", "hong kong sar": "HK", "macao": "MO",
	"gaza": "PS", "gaza strip": "PS", "palestine": "PS", "palestinian": "PS", "palestinian authority": "PS",
	"palestinian territories": "PS", "region: gaza": "PS", "region: west bank": "PS",
	"region: northern mali": "ML",
	// OFAC writes the Crimea region of Ukraine as its own "country"; the United
	// States recognizes it as Ukraine's.
	"region: crimea": "UA", "crimea": "UA", "crimea (occupied)": "UA",
	"isle of man": "IM", "british virgin islands": "VG", "us virgin islands": "VI",
	"u.s. virgin islands": "VI", "micronesia": "FM", "democratic republic of the congo": "CD",
	"congo, democratic republic": "CD", "republic of the congo": "CG", "bosnia": "BA",
	"holy see": "VA", "vatican": "VA", "st. kitts and nevis": "KN", "st. lucia": "LC",
	"st. vincent and the grenadines": "VC", "brunei darussalam": "BN", "moldova, republic of": "MD",
	"tanzania, united republic of": "TZ", "bolivia, plurinational state of": "BO",
	"taiwan, province of china": "TW", "sao tome & principe": "ST", "trinidad & tobago": "TT",
	"antigua & barbuda": "AG", "bosnia & herzegovina": "BA",
}

var countryByKey = func() map[string]string {
	m := make(map[string]string, len(isoCountries)+len(countryAliases))
	for code, name := range isoCountries {
		m[countryKey(name)] = code
	}
	for k, code := range countryAliases {
		m[countryKey(k)] = code
	}
	return m
}()

// countryKey folds a country name for lookup: lower case, ASCII letters for the
// accented ones that occur (Curaçao, Côte d'Ivoire), one space between words, no
// trailing period.
func countryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch r {
		case 'ç', 'Ç':
			r = 'c'
		case 'ô', 'Ô':
			r = 'o'
		case 'é', 'É':
			r = 'e'
		case '’', '‘':
			r = '\''
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSuffix(b.String(), ".")
}

// CountryCode returns the ISO 3166-1 alpha-2 code of a country given by name as
// OFAC, the CSL or BIS write it ("Korea, North", "Burma", "Region: Crimea") or
// already as an alpha-2 code ("CN", "cn"). It returns "" when the country is not
// known ("undetermined", a city, a region without a country).
func CountryCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 2 {
		if up := strings.ToUpper(s); isoCountries[up] != "" {
			return up
		}
	}
	return countryByKey[countryKey(s)]
}

// IsCountryCode reports whether s is an assigned ISO 3166-1 alpha-2 code (or XK,
// Kosovo), in upper case.
func IsCountryCode(s string) bool { return len(s) == 2 && isoCountries[s] != "" }
