# Thin wrapper: the build is CMake's; this file gives the two set-up commands.
BUILD ?= build
JOBS ?= $(shell nproc)
# FLOWLINK_WERROR=ON (from the environment or the command line) makes warnings
# in flowlink's own code errors; CI sets it.
FLOWLINK_WERROR ?= OFF
# The sanitizer build lives beside the normal one; see README "Hardening".
ASAN_BUILD ?= build-asan
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_init_order=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# libFuzzer targets (fuzz/), built with clang++ in their own directory.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++-14

.PHONY: all deps build test test-sanitize fuzz-build fuzz fuzz-smoke demo bench package soak clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWLINK_WERROR=$(FLOWLINK_WERROR) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Every test under AddressSanitizer (with leak checks) and UBSan; the programs
# the tests start (flowlink, flowlink-emulator) are sanitized too and inherit
# the options. -O1 keeps the stacks readable and the run tolerable.
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DFLOWLINK_SANITIZE=ON -DFLOWLINK_BUILD_BENCH=OFF -DFLOWLINK_WERROR=$(FLOWLINK_WERROR) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DFLOWLINK_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target flowlink_fuzzers

# Each fuzz target for FUZZ_SECONDS; fuzz-smoke gives each 15 s (CI).
fuzz: fuzz-build
	@scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@scripts/fuzz $(FUZZ_BUILD) 15

demo: build
	@scripts/demo $(BUILD)

bench: build
	@scripts/bench $(BUILD)

# The Debian package: only the programs (no tests, no benchmark), in a build
# dir of its own beside $(BUILD), so that ccache (base_dir) reuses its objects.
PACKAGE_BUILD ?= build-package
package: deps
	cmake -S . -B $(PACKAGE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFLOWLINK_BUILD_TESTS=OFF -DFLOWLINK_BUILD_BENCH=OFF
	cmake --build $(PACKAGE_BUILD) -j $(JOBS)
	cd $(PACKAGE_BUILD) && cpack -G DEB
	@ls $(PACKAGE_BUILD)/*.deb

soak: build
	@scripts/soak $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(PACKAGE_BUILD)
