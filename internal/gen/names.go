package gen

import (
	"math/bits"
	"strconv"
	"strings"
	"unicode"
)

// country is a jurisdiction the generated world uses, with the legal-form
// suffixes its companies carry and the cities subsidiaries are named after.
type country struct {
	code     string
	suffixes []string
	cities   []string
	region   int // which person-name pool its residents draw from
}

// Person-name pools.
const (
	regionChina = iota
	regionJapan
	regionKorea
	regionWest
	regionRussia
	regionIndia
	regionPersian // Iran and the Gulf
	regionLatin   // Brazil
	regionVietnam
	regionMalay
)

var countries = []country{
	{"CN", []string{"Co., Ltd.", "Technology Co., Ltd.", "Group Co., Ltd."}, []string{"Shenzhen", "Shanghai", "Beijing", "Hangzhou", "Wuhan", "Chengdu", "Suzhou", "Xiamen", "Tianjin", "Dongguan"}, regionChina},
	{"US", []string{"Inc.", "LLC", "Corp.", "Corporation"}, []string{"Austin", "San Jose", "Boston", "Raleigh"}, regionWest},
	{"JP", []string{"Co., Ltd.", "K.K.", "Corporation"}, []string{"Osaka", "Nagoya", "Yokohama", "Kyoto"}, regionJapan},
	{"DE", []string{"GmbH", "AG", "GmbH & Co. KG", "SE"}, []string{"Munich", "Stuttgart", "Dresden", "Hamburg"}, regionWest},
	{"GB", []string{"Ltd", "Limited", "PLC"}, []string{"Cambridge", "Bristol", "Manchester"}, regionWest},
	{"KR", []string{"Co., Ltd.", "Corporation"}, []string{"Suwon", "Incheon", "Busan"}, regionKorea},
	{"TW", []string{"Co., Ltd.", "Corporation", "Inc."}, []string{"Hsinchu", "Taichung", "Taoyuan"}, regionChina},
	{"HK", []string{"Limited", "Holdings Limited", "Company Limited"}, []string{"Kowloon", "Hong Kong"}, regionChina},
	{"FR", []string{"SA", "SAS", "SARL"}, []string{"Lyon", "Grenoble", "Toulouse"}, regionWest},
	{"NL", []string{"B.V.", "N.V."}, []string{"Eindhoven", "Rotterdam"}, regionWest},
	{"SG", []string{"Pte. Ltd.", "Limited"}, []string{"Jurong", "Singapore"}, regionChina},
	{"IN", []string{"Pvt. Ltd.", "Limited"}, []string{"Bengaluru", "Pune", "Chennai", "Noida"}, regionIndia},
	{"RU", []string{"OOO", "AO", "PJSC"}, []string{"Moscow", "Novosibirsk", "Yekaterinburg", "Kazan"}, regionRussia},
	{"IR", []string{"Co.", "PJS"}, []string{"Tehran", "Isfahan"}, regionPersian},
	{"CH", []string{"AG", "SA", "GmbH"}, []string{"Zug", "Basel", "Geneva"}, regionWest},
	{"IT", []string{"S.p.A.", "S.r.l."}, []string{"Milan", "Turin"}, regionWest},
	{"SE", []string{"AB"}, []string{"Kista", "Gothenburg"}, regionWest},
	{"IL", []string{"Ltd."}, []string{"Haifa", "Herzliya"}, regionWest},
	{"BR", []string{"Ltda.", "S.A."}, []string{"Campinas", "Manaus"}, regionLatin},
	{"VN", []string{"JSC", "Co., Ltd."}, []string{"Hanoi", "Haiphong"}, regionVietnam},
	{"MY", []string{"Sdn. Bhd.", "Berhad"}, []string{"Penang", "Kulim"}, regionMalay},
	{"AE", []string{"LLC", "FZE", "FZCO"}, []string{"Dubai", "Abu Dhabi"}, regionPersian},
	{"KP", []string{"Corporation", "Trading Company"}, []string{"Pyongyang"}, regionKorea},
	{"BY", []string{"OAO", "OOO"}, []string{"Minsk"}, regionRussia},
	// Offshore jurisdictions, used by holding chains.
	{"VG", []string{"Ltd.", "Limited", "Holdings Ltd."}, nil, regionWest},
	{"KY", []string{"Ltd.", "Inc.", "Holdings Inc."}, nil, regionWest},
	{"BM", []string{"Ltd."}, nil, regionWest},
	{"LU", []string{"S.a r.l.", "S.A."}, []string{"Luxembourg"}, regionWest},
}

// countryIndex returns the index of code in countries.
func countryIndex(code string) int {
	for i := range countries {
		if countries[i].code == code {
			return i
		}
	}
	panic("gen: unknown country " + code)
}

// homeCountries weighs where groups are headquartered.
var homeCountries = newWeighted[int](
	countryIndex("CN"), 26, countryIndex("US"), 15, countryIndex("JP"), 8, countryIndex("DE"), 6,
	countryIndex("GB"), 5, countryIndex("KR"), 5, countryIndex("TW"), 4, countryIndex("HK"), 4,
	countryIndex("FR"), 3, countryIndex("NL"), 2, countryIndex("SG"), 3, countryIndex("IN"), 4,
	countryIndex("RU"), 4, countryIndex("IR"), 1, countryIndex("CH"), 2, countryIndex("IT"), 2,
	countryIndex("SE"), 1, countryIndex("IL"), 1, countryIndex("BR"), 1, countryIndex("VN"), 1,
	countryIndex("MY"), 1, countryIndex("AE"), 1, countryIndex("KP"), 1, countryIndex("BY"), 1,
)

var (
	offshore = []int{countryIndex("VG"), countryIndex("KY"), countryIndex("BM"), countryIndex("LU")}
	hongKong = countryIndex("HK")
)

var syllables = []string{
	"ka", "ren", "to", "shi", "mi", "zu", "ba", "lo", "ven", "dor", "an", "el", "ix", "tel", "cor", "ra",
	"no", "vi", "sa", "tek", "gen", "hua", "xin", "tai", "long", "feng", "jin", "wei", "sun", "hai", "kon",
	"dai", "ma", "ru", "ko", "sei", "nex", "tro", "lum", "ar", "qu", "zen", "ori", "bel", "sta", "vor",
	"pan", "yu", "chen", "mei", "ho", "tan", "ri", "ga", "te", "sol", "mar", "li", "on", "ax", "ve", "ni",
}

var industries = []string{
	"Technologies", "Electronics", "Industrial", "Semiconductor", "Logistics", "Trading", "Energy",
	"Networks", "Optics", "Materials", "Telecom", "Microelectronics", "Precision", "Systems", "Digital",
	"Vision", "Communications", "Components", "Manufacturing", "Software", "Power", "Security", "Data",
}

var holdingWords = []string{"Holdings", "Group", "Investment", "Capital", "International"}

var orgForms = []string{
	"Capital Partners L.P.", "Growth Fund II L.P.", "Foundation", "Pension Fund", "Investment Trust",
	"Venture Partners", "Industrial Fund", "Research Institute", "University", "Cooperative",
}

var givenNames = [...][]string{
	regionChina: nil, // built from pinyin syllables
	regionJapan: {"Hiroshi", "Yuki", "Takeshi", "Naoko", "Kenji", "Akira", "Haruto", "Emi", "Satoshi", "Keiko", "Daisuke",
		"Yoko", "Makoto", "Ayumi", "Kazuo", "Mariko", "Shinji", "Tomoko", "Ryota", "Sayaka", "Masato", "Noriko", "Koji", "Aiko", "Takuya", "Megumi", "Shota", "Yumiko", "Daiki", "Kaori", "Hideo", "Misaki",
		"Tatsuya", "Rie", "Yusuke", "Chihiro", "Kenta", "Asuka", "Naoki", "Miho"},
	regionKorea: nil, // built from syllables
	regionWest: {"James", "Maria", "Anna", "Thomas", "Elena", "Michael", "Sofia", "David", "Pierre", "Lukas", "Sarah", "Jose",
		"Ingrid", "Marco", "Claire", "Henrik", "Laura", "Stefan", "Julia", "Paul", "Eva", "Martin", "Chiara", "Jan", "Nina",
		"Robert", "Ana", "Oliver", "Emma", "Karl", "Lucia", "Peter", "Hanna", "Andre", "Marta", "Felix", "Lena", "Hugo"},
	regionRussia: nil, // russianMen and russianWomen, with patronymics
	regionIndia: {"Arjun", "Priya", "Rahul", "Vikram", "Anjali", "Sanjay", "Deepa", "Amit", "Kavita", "Rajesh", "Sunita",
		"Anil", "Pooja", "Suresh", "Neha", "Vijay", "Lakshmi", "Manoj", "Ritu", "Ashok", "Meera", "Karthik", "Divya", "Nikhil"},
	regionPersian: {"Reza", "Maryam", "Ahmed", "Leila", "Fatima", "Hassan", "Omar", "Zahra", "Aisha", "Ali", "Mohammad",
		"Hossein", "Mehdi", "Sara", "Yusuf", "Khalid", "Nasrin", "Amir", "Layla", "Karim", "Farid", "Shirin", "Majid", "Hamid"},
	regionLatin: {"Ana", "Carlos", "Rafael", "Joao", "Mariana", "Pedro", "Lucas", "Beatriz", "Gabriel", "Fernanda",
		"Thiago", "Camila", "Rodrigo", "Juliana", "Bruno", "Larissa", "Felipe", "Patricia", "Marcelo", "Renata"},
	regionVietnam: {"Minh", "Lan", "Tuan", "Huong", "Dung", "Thao", "Hung", "Linh", "Quang", "Mai", "Duc", "Ngoc",
		"Thanh", "Phuong", "Long", "Trang", "Hieu", "Ha", "Nam", "Anh"},
	regionMalay: {"Siti", "Nur", "Ahmad", "Aminah", "Farah", "Hafiz", "Aziz", "Zainab", "Ismail", "Rosnah", "Faizal",
		"Aishah", "Hakim", "Salmah", "Razak", "Nadia", "Kamal", "Hidayah", "Rizal", "Liyana"},
}

var familyNames = [...][]string{
	regionChina: {"Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Guo", "Hu",
		"Lin", "He", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng",
		"Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du", "Ye"},
	regionJapan: {"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
		"Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Mori", "Ikeda",
		"Hashimoto", "Ishikawa", "Ogawa", "Fujita", "Okada", "Goto", "Hasegawa", "Murakami", "Kondo", "Ishii", "Saito", "Sakamoto", "Endo", "Aoki", "Fujii", "Nishimura",
		"Fukuda", "Ota", "Miura", "Takeuchi", "Nakajima", "Okamoto", "Matsuda", "Harada", "Nakano"},
	regionKorea: {"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
		"Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong"},
	regionWest: {"Smith", "Müller", "Rossi", "Dubois", "Johansson", "García", "Novak", "Kowalski", "Schmidt", "Brown",
		"Martin", "Jansen", "Cohen", "Weber", "Fischer", "Bernard", "Ricci", "Lindqvist", "Fernandez", "Horvat", "Nowak",
		"Taylor", "Wagner", "Moreau", "Bianchi", "de Vries", "Nielsen", "Lopez", "Becker", "Laurent", "Romano", "Berg",
		"Walker", "Hoffmann", "Lambert", "Costa", "Svensson", "Meyer", "Wright", "Schulz"},
	regionRussia: {"Ivanov", "Petrov", "Smirnov", "Volkov", "Sokolov", "Kuznetsov", "Popov", "Lebedev", "Kozlov", "Novikov",
		"Morozov", "Pavlov", "Semenov", "Golubev", "Vinogradov", "Bogdanov", "Vorobyov", "Fyodorov", "Mikhailov", "Belyaev",
		"Tarasov", "Belov", "Komarov", "Orlov", "Kiselev", "Makarov", "Andreev", "Kovalev", "Ilyin", "Gusev"},
	regionIndia: {"Sharma", "Patel", "Singh", "Gupta", "Reddy", "Iyer", "Kumar", "Mehta", "Nair", "Joshi", "Rao", "Das",
		"Verma", "Chopra", "Malhotra", "Banerjee", "Pillai", "Kapoor", "Agarwal", "Menon", "Bhat", "Desai", "Shah", "Mishra"},
	regionPersian: {"Hosseini", "Rahimi", "Haddad", "Karimi", "Mohammadi", "Abbasi", "Moradi", "Hamid", "Rezaei", "Ahmadi",
		"Jafari", "Sadeghi", "Kazemi", "Ghorbani", "Al Mansouri", "Al Nahyan", "Al Hashimi", "Al Qassimi", "Tehrani", "Mousavi",
		"Bagheri", "Nazari", "Heidari", "Farahani"},
	regionLatin: {"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima",
		"Araujo", "Fernandes", "Carvalho", "Gomes", "Martins", "Rocha", "Ribeiro", "Alves", "Monteiro", "Barbosa"},
	regionVietnam: {"Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong", "Ly"},
	regionMalay: {"Abdullah", "Ibrahim", "Hassan", "Rahman", "Ismail", "Osman", "Yusof", "Hamid", "Razak", "Salleh",
		"Aziz", "Mohamad", "Ahmad", "Othman", "Kassim", "Zakaria"},
}

// Syllables of Chinese (pinyin) and Korean given names.
var (
	pinyin = []string{"wei", "fang", "jun", "li", "ming", "xiao", "ping", "hui", "lei", "yan", "qiang", "jing", "tao",
		"hong", "zhi", "hua", "jian", "guo", "xin", "yu", "hai", "bo", "chen", "dong", "feng", "gang", "kai", "lin",
		"long", "mei", "na", "peng", "qing", "rui", "shan", "ting", "wen", "xia", "yong", "zhen", "ying", "hao", "jie"}
	hangul = []string{"min", "jun", "seo", "yeon", "ji", "ho", "jae", "yong", "soo", "jin", "dong", "hyun", "hye",
		"young", "sung", "woo", "eun", "ha", "kyung", "tae", "hee", "jung", "sang", "won"}
)

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// stateForms are the names of government owners, by country ("" for the others);
// %s is a place and its level. They are kept short, so that two bodies' names
// share less than 60% of their words and the resolver does not propose them as one.
var stateForms = map[string][]string{
	"CN": {"%s Finance Bureau", "%s Government", "%s SASAC", "%s Assets Bureau"},
	"RU": {"%s Property Committee", "%s Administration", "%s Development Fund"},
	"IR": {"%s Governorate", "%s Bonyad", "%s Cooperative Foundation"},
	"KP": {"%s People's Committee", "%s Trading Bureau"},
	"BY": {"%s Executive Committee", "%s Property Fund"},
	"":   {"%s Government", "%s Investment Authority", "%s Holding Agency", "%s Development Fund"},
}

var stateLevels = map[string][]string{
	"CN": {"Municipal", "County", "District", "Prefecture"},
	"":   {"Regional", "Municipal", "Provincial", "District"},
}

var provinces = []string{
	"Guangdong", "Jiangsu", "Zhejiang", "Shandong", "Hubei", "Sichuan", "Shaanxi", "Anhui", "Fujian", "Hunan",
	"Liaoning", "Henan", "Hebei", "Chongqing", "Tianjin", "Shanghai", "Beijing", "Yunnan", "Jilin", "Guizhou",
}

// stateOwnerCountries weighs where state-owned groups are.
var stateOwnerCountries = newWeighted[int](
	countryIndex("CN"), 55, countryIndex("RU"), 12, countryIndex("IR"), 5, countryIndex("KP"), 2,
	countryIndex("BY"), 2, countryIndex("SG"), 5, countryIndex("AE"), 5, countryIndex("FR"), 4,
	countryIndex("IN"), 5, countryIndex("VN"), 3, countryIndex("DE"), 2,
)

// baseName returns a capitalised brand made of 2 or 3 syllables, drawn at random:
// brands repeat, in other countries mostly (the resolver's "Dahua" trap).
func baseName(r *rng) string {
	n := 2
	if r.chance(0.35) {
		n = 3
	}
	var b strings.Builder
	for i := range n {
		s := pick(r, syllables)
		if i == 0 {
			s = capital(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// groupBrand returns group k's brand: one of a kind (three syllables, four past
// 62^3 groups) from a bijection of k, except for a few drawn at random.
func groupBrand(r *rng, k int, seed uint64) string {
	if r.chance(0.1) {
		return baseName(r)
	}
	n, space := 3, uint64(62*62*62)
	if uint64(k) >= space {
		k -= int(space)
		n, space = 4, space*62
	}
	v := scramble(uint64(k), seed, 1_000_003, space)
	var b strings.Builder
	for i := range n {
		s := syllables[v%62]
		v /= 62
		if i == 0 {
			s = capital(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

var (
	russianMen   = []string{"Alexei", "Dmitry", "Sergei", "Oleg", "Viktor", "Andrei", "Mikhail", "Igor", "Pavel", "Yuri", "Vladimir", "Nikolai"}
	russianWomen = []string{"Irina", "Natalia", "Yelena", "Olga", "Tatiana", "Svetlana", "Anastasia", "Ekaterina", "Marina", "Galina"}
	patronymics  = []string{"Ivanov", "Petrov", "Sergeyev", "Alexandrov", "Mikhailov", "Nikolayev", "Vladimirov", "Yuryev", "Pavlov", "Viktorov"}
)

// personName returns a person's name in c and the family name in it; family, when
// not empty, is used (members of one family).
func personName(r *rng, c *country, family string) (string, string) {
	f := family
	if f == "" {
		f = pick(r, familyNames[c.region])
	}
	switch c.region {
	case regionVietnam:
		// Family, middle and given name.
		return f + " " + pick(r, []string{"Van", "Thi", "Duc", "Minh", "Thanh", "Ngoc", "Quoc", "Huu"}) + " " + pick(r, givenNames[c.region]), f
	case regionChina:
		g := capital(pick(r, pinyin))
		if r.chance(0.7) {
			g += pick(r, pinyin)
		}
		return f + " " + g, f // family name first
	case regionKorea:
		return f + " " + capital(pick(r, hangul)) + "-" + pick(r, hangul), f
	case regionRussia:
		// Given name, patronymic, family name.
		if r.chance(0.5) {
			return pick(r, russianWomen) + " " + pick(r, patronymics) + "na " + f + "a", f
		}
		return pick(r, russianMen) + " " + pick(r, patronymics) + "ich " + f, f
	case regionWest:
		if r.chance(0.35) {
			return pick(r, givenNames[c.region]) + " " + string(rune('A'+r.intn(26))) + ". " + f, f
		}
	}
	return pick(r, givenNames[c.region]) + " " + f, f
}

// stateBodyName returns the name of the k-th state body, in c: one of a kind for
// the first tens of thousands (a place name from a bijection of k, a level and a
// form); a few Chinese ones are provincial.
func stateBodyName(r *rng, c *country, k int, seed uint64) string {
	forms, ok := stateForms[c.code]
	if !ok {
		forms = stateForms[""]
	}
	levels, ok := stateLevels[c.code]
	if !ok {
		levels = stateLevels[""]
	}
	syl := syllables
	if c.code == "CN" {
		syl = pinyin
		if r.chance(0.05) {
			return strings.Replace(pick(r, forms), "%s", pick(r, provinces)+" Provincial", 1)
		}
	}
	nf, nl, ns := uint64(len(forms)), uint64(len(levels)), uint64(len(syl))
	v := scramble(uint64(k), seed, 1_000_003, nf*nl*ns*ns)
	form := forms[v%nf]
	v /= nf
	level := levels[v%nl]
	v /= nl
	place := capital(syl[v%ns]) + syl[v/ns%ns]
	return strings.Replace(form, "%s", place+" "+level, 1)
}

// upperAlias renders a company name the way restriction lists print it:
// "Kareno Electronics Co., Ltd." -> "KARENO ELECTRONICS CO LTD".
func upperAlias(name string) string {
	var b strings.Builder
	space := false
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			space = false
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteRune(c)
			space = false
		case c >= 0x80 && unicode.IsLetter(c):
			b.WriteRune(unicode.ToUpper(c))
			space = false
		case c == ' ' || c == '-' || c == '&' || c == '(' || c == ')':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// Identifiers are unique by construction, so that no two generated entities share
// a strong identifier (ingest links entities that do): each is a bijection of the
// entity number (an affine map modulo the size of the identifier's space, whose
// multiplier is coprime with it) shifted by the seed.

// scramble maps x in [0, space) one-to-one into [0, space).
func scramble(x, seed, mul, space uint64) uint64 {
	hi, lo := bits.Mul64(x%space, mul)
	_, rem := bits.Div64(hi%space, lo, space) // (x*mul) mod space without overflow
	return (rem + seed%space) % space
}

// lei returns entity x's ISO 17442 Legal Entity Identifier, with valid check digits.
func lei(r *rng, x int32, seed uint64) string {
	lous := []string{"5493", "2138", "3003", "9845", "8156", "3157", "9695", "3358"}
	b := make([]byte, 0, 20)
	b = append(b, pick(r, lous)...)
	b = append(b, '0', '0')
	const space = 4738381338321616896 // 36^12
	v := scramble(uint64(x), seed*0x9E3779B97F4A7C15, 0x5851F42D4C957F2F, space)
	var body [12]byte
	for i := 11; i >= 0; i-- {
		body[i] = alnum[v%36]
		v /= 36
	}
	b = append(b, body[:]...)
	// ISO 7064 MOD 97-10 over the 18 characters followed by "00".
	m := 0
	for _, c := range append(b[:18:18], '0', '0') {
		if c >= 'A' {
			m = (m*100 + int(c-'A') + 10) % 97
		} else {
			m = (m*10 + int(c-'0')) % 97
		}
	}
	check := 98 - m
	return string(append(b, byte('0'+check/10), byte('0'+check%10)))
}

// usccChars and usccWeights are GB 32100-2015's alphabet and check weights.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// uscc returns entity x's Chinese Unified Social Credit Code, with its check character.
func uscc(r *rng, x int32, seed uint64) string {
	b := make([]byte, 0, 18)
	b = append(b, '9', '1')
	b = strconv.AppendInt(b, int64(110000+r.intn(540000)), 10)
	const space = 26439622160671 // 31^9
	v := scramble(uint64(x), seed, 7046029254386353131, space)
	var org [9]byte
	for i := 8; i >= 0; i-- {
		org[i] = usccChars[v%31]
		v /= 31
	}
	b = append(b, org[:]...)
	sum := 0
	for i, c := range b {
		sum += strings.IndexByte(usccChars, c) * usccWeights[i]
	}
	return string(append(b, usccChars[(31-sum%31)%31]))
}

// duns returns entity x's 9-digit D-U-N-S number.
func duns(x int32, seed uint64) string {
	v := 100_000_000 + scramble(uint64(x), seed*7919, 282475249, 900_000_000)
	return strconv.FormatUint(v, 10)
}

func digits(r *rng, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.intn(10))
	}
	return string(b)
}

// gtin returns a 13-digit GTIN with a valid check digit.
func gtin(r *rng) string {
	b := []byte(digits(r, 12))
	sum := 0
	for i, c := range b {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

func modelCode(r *rng) string {
	b := []byte{byte('A' + r.intn(26)), byte('A' + r.intn(26)), '-'}
	b = strconv.AppendInt(b, int64(r.between(100, 9999)), 10)
	if r.chance(0.3) {
		b = append(b, byte('A'+r.intn(26)))
	}
	return string(b)
}
