# otverify — common tasks. Every target works from a clean clone with Go installed.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s
COUNT     ?= 6
FUZZTIME  ?= 10s

.PHONY: all test test-noasm verify vet cover bench bench-compare fmt

all: vet test

## test: unit tests, every claim under rapid against the reference, self-tests with faulty implementations
test:
	$(GO) test -count=1 -timeout 15m $(PKGS)

## test-noasm: the kernel-backed packages again with -tags noasm, which
## compiles out the assembly (internal/kernel's asm_other.go) so that every
## kernel runs its portable Go code (CONVENTIONS.md: run next to `make test`)
test-noasm:
	$(GO) test -count=1 -tags noasm ./internal/kernel/ ./numerics/... ./reference/discrete/ ./reference/entropic/ ./reference/ot1d/

## verify: the main job: every claim against the reference within the default budget
verify:
	$(GO) run ./cmd/verify run

## vet: go vet and a gofmt check
vet:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## cover: test coverage per package
cover:
	$(GO) test -count=1 -coverprofile=coverage.out $(PKGS)
	$(GO) tool cover -func=coverage.out | tail -1

## bench: the kernel benchmarks (benches/), $(COUNT) runs each, in the Go
## benchmark format with cpu-features and kernel labels, written to
## reports/bench/<UTC time>-<kernel>.txt (verify bench; BENCH=regexp selects,
## KERNEL=avx2|generic forces a variant)
BENCH  ?= .
KERNEL ?=
bench:
	$(GO) run ./cmd/verify bench --count $(COUNT) --benchtime $(BENCHTIME) --bench '$(BENCH)' $(if $(KERNEL),--kernel $(KERNEL))

## bench-compare: benchstat comparison (verify compare) of OLD and NEW,
## by default the two most recent files of reports/bench/; fails on a
## significant slow-down beyond THRESHOLD (Mann–Whitney U at ALPHA)
THRESHOLD ?= 5%
ALPHA     ?= 0.05
bench-compare:
	@old='$(OLD)'; new='$(NEW)'; \
	  if [ -z "$$old" ] || [ -z "$$new" ]; then \
	    set -- $$(ls -t reports/bench/*.txt 2>/dev/null); \
	    [ -z "$$new" ] && new=$$1; [ -z "$$old" ] && old=$$2; \
	  fi; \
	  if [ -z "$$old" ] || [ -z "$$new" ]; then \
	    echo "bench-compare: need two benchmark files (run make bench twice, or set OLD= NEW=)" >&2; exit 2; fi; \
	  echo "verify compare $$old $$new"; \
	  $(GO) run ./cmd/verify compare --threshold $(THRESHOLD) --alpha $(ALPHA) "$$old" "$$new"

## bench-peers: POT and SciPy side by side with our kernels on the same
## instances (benches/peers; installs python3-pot, python3-scipy,
## python3-numpy with apt when run as root, else prints the command);
## PEERS_ARGS="--reps 9 --only emd,sinkhorn" passes options
PEERS_ARGS ?=
.PHONY: bench-peers
bench-peers:
	GO=$(GO) sh benches/peers/run.sh $(PEERS_ARGS)

## peers-large: the large tier (verify impl --tier large) against the POT
## and PyTorch adapters with the libraries' default parameters; results
## compared with adapters/known-findings-large.txt (docs/findings.md),
## JSON reports under reports/peers-large/ (installs the Debian packages
## when run as root, else prints the command)
.PHONY: peers-large
peers-large:
	GO=$(GO) sh scripts/peers-large.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

## fuzz: run every native fuzz target (func FuzzXxx in */fuzz_test.go) for
## $(FUZZTIME) each, one after another, with $(FUZZPARALLEL) workers; a
## finding is written to the package's testdata/fuzz/FuzzXxx/; the run goes
## on with the next target and fails at the end. Plain `go test` (and
## `make fuzz-seeds`) replays the seed corpora.
FUZZPKGS     ?= ./numerics ./reference/... ./theorems ./protocol ./reports
FUZZPARALLEL ?= 1
.PHONY: fuzz fuzz-seeds
fuzz:
	@failed=""; for pkg in $$($(GO) list $(FUZZPKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -parallel $(FUZZPARALLEL) $$pkg || failed="$$failed $$pkg.$$t"; \
	  done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz findings (inputs under testdata/fuzz/):$$failed"; exit 1; fi

## fuzz-seeds: the seed corpora only (fast; what CI runs on every push)
fuzz-seeds:
	$(GO) test -count=1 -run '^(Fuzz|TestFuzzSeedCorpus)' $(FUZZPKGS)
