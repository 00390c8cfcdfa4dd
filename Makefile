# Thin wrapper over CMake. `make run` and `make test` are the README's two set-up commands.
BUILD ?= build
PORT ?= 11211
JOBS ?= 2

.PHONY: all build run test unit bench bench-short format clean

all: build

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/src/server/ringcached -p $(PORT) -l 127.0.0.1

# Installs the Debian packages the tests need, builds (release, ASan+UBSan, TSan, fuzz) and runs
# every unit, integration and fuzz test. Prints "N passed, N failed" last.
test:
	@bash scripts/test.sh

unit: build
	@ctest --test-dir $(BUILD) --output-on-failure

bench:
	@bash scripts/bench.sh

bench-short:
	@bash scripts/bench.sh --short

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan build-fuzz
