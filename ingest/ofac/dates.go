package ofac

import (
	"strings"
	"time"

	"github.com/keiretsu/keiretsu/internal/model"
)

// dateLayouts are the ways OFAC, the CSL, BIS and the FCC write a day.
var dateLayouts = []string{
	"02 Jan 2006",     // OFAC remarks and XML: "03 Jun 2021"
	"2 Jan 2006",      //
	time.DateOnly,     // CSL: "2021-06-03"
	"01/02/2006",      // BIS DPL: "10/16/2017"
	"1/2/2006",        //
	"January 2, 2006", // FCC: "March 12, 2021"
	"Jan 2, 2006",     //
	"2 January 2006",  //
}

// ParseDate reads a calendar day written in one of the layouts the US lists use
// ("03 Jun 2021", "2021-06-03", "10/16/2017", "March 12, 2021"). Partial dates
// (a year alone, a month and a year) are not days: it reports false for them.
func ParseDate(s string) (model.Date, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return model.DateOf(t), true
		}
	}
	return 0, false
}
