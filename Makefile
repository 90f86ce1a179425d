# Keiretsu developer targets. `make test` is the whole suite (what CI runs).
GO ?= go

.PHONY: build test unit generate web check-generated lint bench neo4j demo contract clean

build:
	$(GO) build -o bin/keiretsu ./cmd/keiretsu

# Everything: gofmt, vet, generated code, all Go tests on both stores (starts a local
# Neo4j unless KEIRETSU_NEO4J_URI is set), the contract check on both stores.
test:
	tools/test

# Go tests only, against whatever KEIRETSU_NEO4J_URI says (Neo4j tests skip without one).
unit:
	$(GO) test ./...

generate:
	$(GO) generate ./...

# The web workbench: web/dist (committed, embedded by web/embed.go) from web/src,
# with the versions pinned in web/package-lock.json.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

check-generated:
	tools/check-generated

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go') | grep -v '^graph/generated/')" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

# A local Neo4j in the foreground (Ctrl-C stops it).
neo4j:
	tools/neo4j/run

demo:
	$(GO) run ./cmd/keiretsu demo

contract:
	python3 ../shared/tools/contract-check

clean:
	rm -rf bin keiretsu-data keiretsu-demo
