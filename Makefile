# pingone-setup: make help lists the targets.
.DEFAULT_GOAL := help
BIN := bin/pingone-setup
# What --version prints; override on the command line (make build VERSION=v1.2.0).
VERSION ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: help build demo-run test lint golden fuzz demo

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build bin/pingone-setup
	go build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/pingone-setup

demo-run: ## Run the wizard against the built-in simulated PingOne
	go run ./cmd/pingone-setup --demo

test: ## Run every test with the race detector (what CI runs)
	go test -race -count=1 ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...

golden: ## Rewrite the TUI golden files after an intended change
	go test ./tui -run Golden -update

# FUZZTIME is how long `make fuzz` runs each fuzz target.
FUZZTIME ?= 10s

# go test -fuzz takes one target per run, so fuzz loops over every Fuzz function of the tracked tests.
fuzz: ## Run every fuzz target for FUZZTIME each (make fuzz FUZZTIME=1m)
	@set -e; for file in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz'); do \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "== ./$$(dirname $$file) $$target"; \
			go test ./$$(dirname $$file) -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME); \
		done; \
	done

demo: build ## Record demo.gif from demo.tape (needs vhs)
	vhs demo.tape
