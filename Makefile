# Thin wrapper: the build is CMake's; this file gives the two set-up commands.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build test demo bench soak clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)

bench: build
	@scripts/bench $(BUILD)

soak: build
	@scripts/soak $(BUILD)

clean:
	rm -rf $(BUILD)
