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

## bench: kernel benchmarks (standard Go benchmark format)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(COUNT) ./benches/

fmt:
	gofmt -w $$(git ls-files '*.go')
