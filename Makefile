# deployctl's two commands (see README.md): `make sample` and `make test`. `make bench` prints the benchmarks.
SWIFT := ./scripts/swift.sh

.PHONY: deps build sample test bench

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

# One real cycle on the bundled sample deploy root (this checkout: repos/hello-service).
sample: build
	$(SWIFT) run deployctl run-once --root . && $(SWIFT) run deployctl status --root .

# The whole test suite against real git repositories, a real git HTTP server and the real toolchain, then the
# example package that imports DeployCore from outside (Examples/RunCycle). The suite keeps every file it produced in
# TEST_ARTIFACTS, which scripts/scan-secrets.sh then scans for the test tokens (docs/reliability.md). Last, the
# patch-headers and push fuzzers run for 20 s each (docs/faults-and-fuzzing.md).
TEST_ARTIFACTS ?= /tmp/deployctl-test-artifacts
BINARY_SUITES := EndToEndTests|ReliabilityTests
test: deps
	$(SWIFT) build --build-tests
	rm -rf $(TEST_ARTIFACTS)
	@# Two runs: the suites that drive the built binary and wait for it synchronously (end to end, crash, soak) hold
	@# threads of Swift's task pool (one per core) for seconds at a time, so they run beside each other, not beside
	@# the timing-sensitive unit tests (step timeouts, wake-ups, deadlines).
	DEPLOYCTL_TEST_ARTIFACTS=$(TEST_ARTIFACTS) $(SWIFT) test --skip-build --skip '$(BINARY_SUITES)'
	DEPLOYCTL_TEST_ARTIFACTS=$(TEST_ARTIFACTS) $(SWIFT) test --skip-build --filter '$(BINARY_SUITES)'
	./scripts/scan-secrets.sh $(TEST_ARTIFACTS) && rm -rf $(TEST_ARTIFACTS)
	./scripts/run-example.sh
	@# The patch-header reader against libgit2's, and the push-webhook reader, for a bounded time (libFuzzer ships with
	@# the Linux toolchain).
	@if [ "$$(uname -s)" = Linux ]; then \
		FUZZ_PRODUCT=deployctl-fuzz-quick FUZZ_TARGETS="patch-headers push" FUZZ_SEED=1 ./scripts/fuzz.sh 20; fi

bench: deps
	./bench/run-all.sh
