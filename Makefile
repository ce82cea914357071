# ingress-drift — the two set-up commands are `make demo` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
# Built without cgo: nothing here needs it (DNS and users are read in Go,
# kustomize's exec plugins are never loaded), the binary is static, and a
# binary that imports kustomize (it imports plugin) links in Go's own
# linker instead of through gcc: a warm make test links every test binary
# again, and measured here that took 33 s of CPU instead of 52 s.
export CGO_ENABLED ?= 0
# -trimpath: compiled packages do not embed the checkout's directory, so a
# fresh clone at another path (CI) reuses the build cache instead of
# compiling every package of this module again.
export GOFLAGS ?= -trimpath
BIN := bin/ingress-drift
CLUSTER_DIR := .cache/cluster
KUBE_BIN_DIR = $(shell hack/kube/build.sh print-dir)
# Tests start their own API server through envtest from these binaries.
TEST_ENV = KUBEBUILDER_ASSETS=$(KUBE_BIN_DIR)
# -ldflags=-w: test binaries without DWARF. Every run links each test
# binary again (go test caches results, not binaries), and DWARF is about a
# quarter of that CPU; a stack trace needs none of it.
GOTEST_FLAGS ?= -count=1 -timeout 20m -ldflags=-w
# make fuzz searches with every fuzz target for FUZZTIME each; FUZZFLAGS
# go to each run, e.g. FUZZFLAGS='-parallel 1' on a shared machine. Go
# minimizes every new interesting input for up to 60 s by default; on two
# busy cores that took most of a 2-minute run (59 execs), so it is capped.
FUZZTIME ?= 10s
FUZZMINIMIZETIME ?= 5s
FUZZFLAGS ?=
FUZZ_TARGETS := ./diffengine:FuzzDiff ./model/manifest/yamledit:FuzzEditIngress \
	./model/manifest:FuzzParseFile ./model/repo:FuzzParseConfig ./model/cluster:FuzzReadLiveFile

.PHONY: build
build: ## build bin/ingress-drift
	$(GO) build -o $(BIN) ./cmd/ingress-drift

.PHONY: kube-bin
kube-bin: ## build kube-apiserver, etcd and kubectl from module source (cached outside the checkout)
	@hack/kube/build.sh

.PHONY: kube-bin-dir
kube-bin-dir: ## print the directory holding the Kubernetes binaries
	@echo $(KUBE_BIN_DIR)

.PHONY: vet
vet:
	@test -z "$$(gofmt -l $$(find . -name '*.go' -not -path './.cache/*'))" || { echo "gofmt needed:"; gofmt -l $$(find . -name '*.go' -not -path './.cache/*'); exit 1; }
	$(GO) vet ./...

.PHONY: fuzz
fuzz: ## search with every fuzz target, FUZZTIME each (make test only replays their seed corpora)
	@failed=""; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*} name=$${t##*:}; echo "== $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -short $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $(FUZZFLAGS) || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed (inputs under testdata/fuzz/)"; exit 1; fi

.PHONY: tools
tools: ## tmux and git for the end-to-end tests (installed with apt-get when missing)
	@hack/ensure-tools.sh

# Nothing twice: vet has run every analyzer, so go test's own subset is off
# (-vet=off); and the end-to-end tests run the binary that build has just
# linked (INGRESS_DRIFT_TEST_BIN: they go build it there, which finds it up
# to date) instead of linking it again.
.PHONY: test
test: kube-bin tools vet build ## everything: vet, unit (incl. every fuzz target's seed corpus; no fuzzing), integration (real API server), TUI golden and end-to-end
	$(TEST_ENV) INGRESS_DRIFT_TEST_BIN=$(CURDIR)/$(BIN) $(GO) test -vet=off $(GOTEST_FLAGS) ./...

.PHONY: test-unit
test-unit: ## unit tests only (no API server)
	$(GO) test -short $(GOTEST_FLAGS) ./...

# BENCH_FLAGS go to benchdrift, e.g. BENCH_FLAGS='-sizes 1000 -runs 1' for a quick trial.
BENCH_FLAGS ?=

.PHONY: bench
bench: kube-bin build ## benchmarks: Go micro-benchmarks, then check vs kubectl get/diff and watch latency on a local cluster (writes bench/RESULTS.md)
	@mkdir -p bench
	$(TEST_ENV) $(GO) test -run '^$$' -bench . -benchmem ./... | tee bench/gobench.txt
	$(GO) build -o bin/ ./internal/cmd/benchdrift/...
	$(TEST_ENV) bin/benchdrift -gobench bench/gobench.txt -out bench $(BENCH_FLAGS)

.PHONY: cluster-up
cluster-up: kube-bin ## start a local kube-apiserver + etcd; prints the kubeconfig path
	@$(GO) build -o bin/localcluster ./internal/cmd/localcluster
	@$(TEST_ENV) bin/localcluster up --dir $(CLUSTER_DIR)

.PHONY: cluster-down
cluster-down: ## stop the local cluster
	@$(GO) build -o bin/localcluster ./internal/cmd/localcluster
	@bin/localcluster down --dir $(CLUSTER_DIR)

.PHONY: demo
demo: kube-bin build ## local cluster + seeded drift + temp git repo, then the TUI; quitting stops the cluster
	@hack/demo.sh

.PHONY: clean
clean:
	rm -rf bin .cache

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'
