module github.com/keiretsu/keiretsu

go 1.26.8
