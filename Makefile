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
# example package that imports DeployCore from outside (Examples/RunCycle).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	./scripts/run-example.sh

bench: deps
	./bench/run-all.sh
