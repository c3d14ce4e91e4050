# Entry points for people and CI. Every target that needs binaries bootstraps first
# (installs missing packages, configures once, builds incrementally).

BOOTSTRAP := scripts/bootstrap.sh
PAYQUAKE  := ./build/sim/cli/payquake

.DEFAULT_GOAL := help
.PHONY: help run test bench sanitize validate clean format

help:
	@echo "payquake make targets:"
	@echo "  run       build, then run scenarios/quickstart.yaml (prints where the report is)"
	@echo "  test      build, then run every test under ctest"
	@echo "  bench     build, then run the benchmarks"
	@echo "  sanitize  ASan+UBSan build in build-sanitize/, then the unit, scenario and fuzz tests"
	@echo "  validate  build, then check every scenario in scenarios/ and policy in models/fraud/ without running them"
	@echo "  clean     remove build/ and build-sanitize/"
	@echo "  format    clang-format every .cpp/.hpp under sim/ and tests/"

run:
	bash $(BOOTSTRAP)
	$(PAYQUAKE) run scenarios/quickstart.yaml --force

test:
	bash $(BOOTSTRAP)
	ctest --test-dir build --output-on-failure -j2

bench:
	bash $(BOOTSTRAP)
	./build/tests/bench/payquake_bench

sanitize:
	bash $(BOOTSTRAP) sanitize
	ctest --test-dir build-sanitize --output-on-failure -j2 -L 'unit|scenario|fuzz'

validate:
	bash $(BOOTSTRAP)
	$(PAYQUAKE) validate scenarios/*.yaml models/fraud/*.yaml

clean:
	rm -rf build build-sanitize

format:
	find sim tests -name '*.cpp' -o -name '*.hpp' | xargs -r clang-format -i
