package model

import "testing"

func TestIdentifierValidators(t *testing.T) {
	for _, c := range []struct {
		name  string
		valid func(string) bool
		v     string
		want  bool
	}{
		{"LEI Shell", ValidLEI, "21380068P1DRHMJ8KU70", true},
		{"LEI PUMA", ValidLEI, "5299001ERX0K10IZUL40", true},
		{"LEI wrong check digits", ValidLEI, "21380068P1DRHMJ8KU71", false},
		{"LEI letters as check digits", ValidLEI, "5493001KJTIIGC8Y1R1A", false},
		{"LEI lower case", ValidLEI, "21380068p1drhmj8ku70", false},
		{"LEI too short", ValidLEI, "21380068P1DRHMJ8KU7", false},
		{"USCC Huawei", ValidUSCC, "914403001922038216", true},
		{"USCC wrong check character", ValidUSCC, "914403001922038217", false},
		{"USCC letter outside the alphabet", ValidUSCC, "91440300192203821I", false},
		{"USCC too long", ValidUSCC, "9144030019220382160", false},
		{"DUNS", ValidDUNS, "150483782", true},
		{"DUNS one digit repeated", ValidDUNS, "000000000", false},
		{"DUNS with dashes", ValidDUNS, "15-048-3782", false},
		{"DUNS eight digits", ValidDUNS, "15048378", false},
	} {
		if got := c.valid(c.v); got != c.want {
			t.Errorf("%s: %q valid = %v, want %v", c.name, c.v, got, c.want)
		}
	}
}
