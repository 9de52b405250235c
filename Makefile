# Every developer task has one entry point here; CI runs `make test`.
# `make run` sets up a fresh Debian/Ubuntu machine and starts the app.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO_FEATURES := --features watchlog-core/ts

.PHONY: setup ui run cli test test-rust test-ui lint fmt bindings deb screenshots crash fuzz clean

setup:
	./scripts/setup.sh

# The app embeds ui/dist at compile time, so the UI is built first.
ui:
	npm --prefix ui run build

run: setup ui
	cargo run -p watchlog-app

cli:
	cargo build -p watchlog-cli --release
	@echo "built target/release/watchlog"

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets $(CARGO_FEATURES) -- -D warnings

test-ui:
	npm --prefix ui test

# Rust tests, the end-to-end ones included: those need a display, so the
# whole run is under Xvfb.
test-rust:
	xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace $(CARGO_FEATURES)

# Sync convergence over many more seeded runs than CI's (three libraries,
# random edits, random sync order, with and without a clock hours ahead).
SYNC_SEEDS ?= 200
.PHONY: test-sync-long
test-sync-long:
	SYNC_SEEDS=$(SYNC_SEEDS) cargo test -p watchlog-core --test sync three_libraries -- --nocapture

# Everything CI runs, ending with one line of totals.
test: setup ui
	./scripts/test.sh

fmt:
	cargo fmt --all

# Rewrites the TypeScript bindings in ui/src/lib/bindings from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p watchlog-core $(CARGO_FEATURES) --test bindings

# Refreshes the screenshots in docs/screenshots from the end-to-end run.
screenshots: setup ui
	WATCHLOG_SCREENSHOTS=$(CURDIR)/docs/screenshots xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p watchlog-app --test e2e --test e2e_palette

# Opening the app on a 100,000-title library: time to the first painted
# page and the memory of all the app's processes after 20 far jumps, beside
# an empty library and an empty Tauri app (examples/blank.rs), medians of
# several runs, in the end-to-end harness on a release build (figures in
# docs/BENCHMARKS.md). OPEN_BENCH_PROFILE=dev measures the debug build;
# OPEN_BENCH_DB=<file> reuses a generated library; OPEN_BENCH_RUNS=<n>.
OPEN_BENCH_PROFILE ?= release
.PHONY: bench-open bench-cli
bench-open: setup ui
	cargo build --profile $(OPEN_BENCH_PROFILE) --example blank
	xvfb-run -a -s "-screen 0 1280x800x24" cargo bench --profile $(OPEN_BENCH_PROFILE) -p watchlog-app --bench open

# `watchlog list --limit 50` and `watchlog stats` at 100,000 titles beside
# a 10-title library, process start included (hyperfine; release CLI).
bench-cli:
	./scripts/bench-cli.sh

# The long crash harness: the CLI killed with SIGKILL 20 times during each
# of import (100,000 rows), restore, backup, export and a migration, then
# two processes writing one library for 30 s (figures in
# docs/RELIABILITY.md). One test at a time, so kill moments fall where the
# unkilled run measured them. WATCHLOG_CRASH_ROWS / _KILLS / _SEED change it.
crash:
	WATCHLOG_CRASH_LONG=1 cargo test -p watchlog-cli --test crash --test concurrent -- --nocapture --test-threads=1

# Coverage-guided fuzzing (cargo fuzz, libFuzzer, nightly) of every import
# reader, the zip reader, the poster pipeline and the Markdown export, each
# for FUZZ_SECONDS (default 300), seeded from ../shared/fixtures; prints
# per target its executions, coverage and crashes (figures in
# docs/RELIABILITY.md). Not part of CI. FUZZ_TARGETS="zip poster" picks
# targets. Needs `cargo install cargo-fuzz --locked`.
FUZZ_SECONDS ?= 300
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" ./scripts/fuzz.sh

deb: setup ui
	./scripts/deb.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
