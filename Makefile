# kafka-rest: a Kafka REST proxy compatible with Confluent's.
#
#   make run     the proxy on :8082 with the embedded development Kafka
#   make test    lint (and that nothing built is tracked), unit and embedded
#                tests with the layout's rules, the Helm chart linted and its
#                rendered manifests checked, fuzzing (FUZZTIME per target),
#                the release artifacts and their checks, then the real-Kafka
#                tier and its broker-fault tests, then the browser test
#   make dist    release archives of every platform and SHA256SUMS in dist/
#   make image   the OCI image (linux/amd64 and linux/arm64) in dist/image
#   make deb     the Debian packages in dist/
#
# Everything the targets need (Go modules, staticcheck, helm, the Kafka jars
# from Maven Central) is fetched by the targets themselves.

GO          ?= go
BIN         := $(CURDIR)/bin
STATICCHECK := $(BIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
HELM        := $(BIN)/helm
HELM_VERSION := v3.22.0
# The chart's lowest Kubernetes (its kubeVersion): helm template renders
# for an old one otherwise.
HELM_KUBE_VERSION := 1.30.0
# Extra arguments for go test, e.g. GOTESTFLAGS=-run=TestV3
GOTESTFLAGS ?=
# How long `make fuzz` runs each fuzz target, and extra flags for it. A count
# of executions, not a duration: a duration that ends while the fuzzer
# minimizes a new input fails with "context deadline exceeded".
FUZZTIME    ?= 30000x
FUZZFLAGS   ?=

# Release artifacts go to DIST. The binaries are stamped with the version
# (the v-tag of the commit, else a Go pseudo-version of it, +dirty for a
# modified tree), the commit and its time, as the Go toolchain stamps a
# clone (it stamps nothing in a worktree); VERSION=v1.2.3 overrides the
# version. The release tooling is a module of its own (internal/release).
DIST        ?= $(CURDIR)/dist
VERSION     ?=
RELEASE_TOOL = $(GO) -C internal/release run ./cmd/release -root $(CURDIR) -go $(GO) $(if $(VERSION),-version $(VERSION))
RELEASE      = $(RELEASE_TOOL) -out $(DIST)

.PHONY: build run test test-unit test-helm fuzz test-integration test-browser lint bench kafka-start kafka-stop clean \
	dist image deb test-release release-linux release-darwin

build:
	$(GO) build -o $(BIN)/kafka-rest ./cmd/kafka-rest
	$(GO) build -o $(BIN)/kafka-rest-bench ./cmd/kafka-rest-bench

# CONFIG=path/to/kafka-rest.properties to use a file.
run: build
	$(BIN)/kafka-rest $(CONFIG)

test: lint test-unit test-helm fuzz test-release test-integration test-browser

# Unit tests and the embedded tier (the proxy over real HTTP against the
# in-process cluster), with the race detector.
test-unit:
	$(GO) test -race -count=1 $(GOTESTFLAGS) ./...

# The Helm chart (deploy/helm/kafka-rest): helm lint, a render with its
# defaults, then the Go test that reads the rendered manifests back (probes,
# env, annotations, PodDisruptionBudget, Secrets) and validates the rendered
# kafka-rest.properties as the proxy does. helm is installed once into bin/.
CHART := deploy/helm/kafka-rest
test-helm: $(HELM)
	$(HELM) lint --strict $(CHART) --kube-version $(HELM_KUBE_VERSION) --set bootstrapServers=kafka:9092
	$(HELM) template kafka-rest $(CHART) --kube-version $(HELM_KUBE_VERSION) --set bootstrapServers=kafka:9092 >/dev/null
	KAFKA_REST_HELM=$(HELM) $(GO) test -tags helm -count=1 -run '^TestHelm' ./cmd/kafka-rest

$(HELM):
	GOBIN=$(BIN) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

# Every fuzz target (func FuzzXxx in any package, found with go test -list,
# so a new one runs without being listed here), each for FUZZTIME on top of
# its seed corpus in testdata/fuzz/FuzzXxx. test-unit already ran those
# seeds as regular tests. An input that fails is written to that folder:
# commit it with the fix, and it stays a regular test.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz: $$pkg $$name for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg; \
		done; \
	done

# The same suites against a real Apache Kafka broker, started from Maven
# Central jars and stopped afterwards whatever the outcome. Then, one at a
# time, the broker-fault tests (build tag brokerfaults, names TestBrokerFault*),
# which kill and restart that broker and so cannot share it with other tests.
test-integration:
	.ci/kafka.sh start
	@status=0; eval "$$(.ci/kafka.sh env)"; \
	$(GO) test -tags integration -count=1 $(GOTESTFLAGS) ./... || status=$$?; \
	if [ $$status = 0 ]; then \
		$(GO) test -tags 'integration brokerfaults' -count=1 -p 1 -run '^TestBrokerFault' $(GOTESTFLAGS) ./... || status=$$?; \
	fi; \
	.ci/kafka.sh stop; exit $$status

# Headless Chromium (Debian's package, installed by .ci/chromium.sh when
# missing) opens a page whose EventSource reads a group stream from the
# proxy, across origins (build tag browser, names TestBrowser*).
test-browser:
	@CHROMIUM="$$(.ci/chromium.sh)" && export CHROMIUM && \
	$(GO) test -tags browser -count=1 -run '^TestBrowser' $(GOTESTFLAGS) ./http/

# Static, reproducible binaries of both programs for one GOOS (its amd64
# and arm64), in $(DIST)/bin/<os>_<arch>/: no cgo, no build paths, no build
# time, only the commit's.
release_bin = set -e; stamp="$$($(RELEASE_TOOL) ldflags)"; for arch in amd64 arm64; do \
		echo "build $(1)/$$arch"; \
		CGO_ENABLED=0 GOOS=$(1) GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $$stamp" \
			-o $(DIST)/bin/$(1)_$$arch/ ./cmd/kafka-rest ./cmd/kafka-rest-bench; \
	done
release-linux:
	$(call release_bin,linux)
release-darwin:
	$(call release_bin,darwin)

dist: release-linux release-darwin
	$(RELEASE) dist

image: release-linux
	$(RELEASE) image

deb: release-linux
	$(RELEASE) deb

# Builds every artifact, then checks them: the archives' contents and
# binaries, SHA256SUMS, the image's configuration and the binary run from
# its unpacked file system, the packages installed into a scratch root.
test-release: dist image deb
	$(GO) -C internal/release test -count=1 -tags release . -args -dist $(DIST) -root $(CURDIR) $(if $(VERSION),-version $(VERSION))

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: $(STATICCHECK)
	.ci/tracked-files.sh
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	$(GO) vet -tags 'integration brokerfaults' ./...
	$(GO) vet -tags helm ./cmd/kafka-rest
	$(GO) vet -tags browser ./...
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags helm ./cmd/kafka-rest
	$(STATICCHECK) -tags integration ./...
	$(STATICCHECK) -tags 'integration brokerfaults' ./...
	$(STATICCHECK) -tags browser ./...
	$(GO) -C internal/release vet ./...
	$(GO) -C internal/release vet -tags release ./...
	cd internal/release && $(STATICCHECK) ./... && $(STATICCHECK) -tags release ./...

# The standard matrix against a real broker (started here unless one runs,
# with the JVM's full JIT: the test tier's C1-only flags slow a broker under
# load): 1 KiB records, every mode that needs no Schema Registry and no h2c,
# each beside its native franz-go ceiling, three interleaved rounds of 10 s
# (each mode's median round is reported), then the produce modes at half the
# rate they reached (--half-load) for their latency, with the proxy started
# by the harness so that its CPU and memory show. Each round writes to a
# topic of its own, deleted after it.
# It writes bench/results/latest.json and latest.html (charts, no script).
# BENCHFLAGS adds flags, e.g. BENCHFLAGS="--duration 60s --key" or
# BENCHFLAGS="--modes v3-single,native-sync --connections 16 --half-load=false".
BENCHFLAGS ?=
BENCH_JVM_OPTS ?= -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
bench: build
	@started=0; if ! .ci/kafka.sh status >/dev/null 2>&1; then \
		KAFKA_JVM_PERFORMANCE_OPTS="$(BENCH_JVM_OPTS)" .ci/kafka.sh start && started=1; fi; \
	eval "$$(.ci/kafka.sh env)"; status=0; mkdir -p bench/results; \
	$(BIN)/kafka-rest-bench --bootstrap "$$TEST_KAFKA_BOOTSTRAP" --start-proxy $(BIN)/kafka-rest \
		--record-size 1024 --duration 10s --rounds 3 --half-load --json bench/results/latest.json \
		--report bench/results/latest.html $(BENCHFLAGS) || status=$$?; \
	if [ $$started = 1 ]; then .ci/kafka.sh stop; fi; exit $$status

kafka-start:
	.ci/kafka.sh start

kafka-stop:
	.ci/kafka.sh stop

clean:
	rm -rf $(BIN) $(DIST) .ci/.kafka-run
