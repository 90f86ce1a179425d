package names

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompanyKey(t *testing.T) {
	for _, tc := range []struct {
		key   string
		names []string // all fold to key
	}{
		{"huaweitechnology", []string{
			"Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES CO LTD", "Huawei Technologies Company Limited",
			"HUAWEI TECHNOLOGIES CO., LTD.", "ＨＵＡＷＥＩ　ＴＥＣＨＮＯＬＯＧＩＥＳ　ＣＯ．，ＬＴＤ．", "Huawei Technologies Co Ltd (Huawei)",
			"Huawei Tech. Co., Ltd.",
		}},
		{"huaweiinvestmentholding", []string{
			"HUAWEI INVESTMENT & HOLDING CO., LTD.", "Huawei Investment and Holding Co., Ltd.", "HUAWEI INVESTMENT & HOLDING CO LTD",
		}},
		{"華為技術", []string{"華為技術有限公司", "華為技術股份有限公司", "華為技術 有限公司", "華為技術有限責任公司"}},
		{"华为技术", []string{"华为技术有限公司", "华为技术有限责任公司", "华为技术 有限公司", "华为技术集团有限公司", "华为技术公司"}},
		{"zte", []string{"ＺＴＥ", "ZTE", "ZTE Corporation", "ZTE Corp.", "zte corp"}},
		{"zte中兴通讯", []string{"ZTE中兴通讯股份有限公司"}},
		{"東芝", []string{"株式会社東芝", "東芝株式会社", "（株）東芝", "東芝(株)", "東芝 株式会社", "株式会社 東芝"}},
		{"トヨタ自動車", []string{"トヨタ自動車株式会社"}},
		{"华为技术北京分公司", []string{"华为技术北京分公司"}},
		{"dahuaelectronics", []string{"DAHUA ELECTRONICS CORPORATION", "Dahua Electronic Corp."}},
		{"zhejiangdahuatechnology", []string{"Zhejiang Dahua Technology Co., Ltd.", "Zhejiang Dahua Technology Co., Ltd. (Dahua)"}},
		{"dahuatechnology", []string{"Dahua Technology Company"}},
		{"zteparsian", []string{"ZTE Parsian"}},
		{"boztepeomer", []string{"BOZTEPE, Omer"}},
		{"gazpromtelekom", []string{
			"GAZPROM TELEKOM, OOO", "OOO Gazprom Telekom", "Gazprom Telekom, OOO (f.k.a. Zakrytoe Aktsionernoe Obshchestvo Gaztelekom)",
			"Obshchestvo s Ogranichennoi Otvetstvennostyu Gazprom Telekom",
		}},
		{"siemens", []string{"Siemens AG", "SIEMENS A.G.", "Siemens G.m.b.H."}},
		{"societegenerale", []string{"Société Générale S.A.", "SOCIETE GENERALE SA"}},
		{"acme", []string{"Acme GmbH & Co. KG", "Acme L.L.C.", "Acme, LLC", "Acme Sp. z o.o.", "ACME S.p.A.", "Acme B.V.", "Acme N.V.",
			"Acme Oy", "Acme AB", "Acme A/S", "Acme SARL", "Acme S.A.S.", "Acme SRL", "Acme PJSC", "Acme JSC", "Acme PLC",
			"Acme Incorporated", "The Acme Company", "Acme Inc.", "Acme Group Co., Ltd.", "ACME Ltd. Şti.", "ACME A.Ş.",
			"PJSC Acme", "Public Joint Stock Company Acme", "Acme Pte. Ltd.", "PT Acme Tbk"}},
		{"multimaticdisticaretpazarlama", []string{"MULTIMAT IC VE DIS TICARET PAZARLAMA LIMITED SIRKETI"}},
		{"shanghaigangquantrade", []string{"SHANGHAI GANG QUAN TRADE CO."}},
		{"dahuatechnologyhangzhou", []string{"Dahua Technology (Hangzhou)"}},
		{"acmetrading", []string{"Acme Trading (d.b.a. Acme Shop)", "Acme Trading (a.k.a. ATC)", "ACME TRADING (FORMERLY ACME IMPORTS)", "Acme Trading (fka Old Acme)"}},
		{"lenovobeijing", []string{"Lenovo (Beijing) Co., Ltd."}},
		{"ltd", []string{"Ltd."}},        // nothing but a legal form: keep the last word
		{"company", []string{"Company"}}, // idem
		{"", []string{"", " ,. "}},
	} {
		for _, name := range tc.names {
			if got := CompanyKey(name); got != tc.key {
				t.Errorf("CompanyKey(%q) = %q, want %q", name, got, tc.key)
			}
		}
	}
}

func TestCompanyKeyKeepsDistinctNames(t *testing.T) {
	// Pairs that must not fold together.
	for _, p := range [][2]string{
		{"Huawei Technologies Co., Ltd.", "Huawei Investment & Holding Co., Ltd."},
		{"華為技術有限公司", "华为技术有限公司"}, // NFKC does not unify traditional and simplified
		{"BOZTEPE", "ZTE"},
		{"ZTE Parsian", "ZTE Corporation"},
		{"DAHUA ELECTRONICS CORPORATION", "Zhejiang Dahua Technology Co., Ltd."},
		{"华为技术北京分公司", "华为技术有限公司"}, // a branch
		{"Co-operative Bank", "Bank"},
	} {
		if a, b := CompanyKey(p[0]), CompanyKey(p[1]); a == b {
			t.Errorf("CompanyKey(%q) == CompanyKey(%q) == %q", p[0], p[1], a)
		}
	}
}

func TestCompanyTokens(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Huawei Technologies Co., Ltd.", []string{"huawei", "technology"}},
		{"BOZTEPE, Omer", []string{"boztepe", "omer"}},
		{"ZTE Parsian", []string{"zte", "parsian"}},
		{"Zhejiang Dahua Technology Co., Ltd. (Dahua)", []string{"zhejiang", "dahua", "technology"}},
		{"华为技术有限公司", []string{"华为", "为技", "技术"}},
		{"株式会社東芝", []string{"東芝"}},
		{"ZTE中兴通讯股份有限公司", []string{"zte", "中兴", "兴通", "通讯"}},
		{"Tech Tech Technologies", []string{"technology"}},
		{"Ｓｈａｎｇｈａｉ Ｇａｎｇ－Ｑｕａｎ", []string{"shanghai", "gang", "quan"}},
		{"Int'l Trading", []string{"international", "trading"}},
		{"", nil},
	} {
		if diff := cmp.Diff(tc.want, CompanyTokens(tc.name)); diff != "" {
			t.Errorf("CompanyTokens(%q) (-want +got):\n%s", tc.name, diff)
		}
		if key, toks := Company(tc.name); key != CompanyKey(tc.name) || !cmp.Equal(toks, tc.want) {
			t.Errorf("Company(%q) = %q, %q; want CompanyKey and CompanyTokens", tc.name, key, toks)
		}
	}
}
