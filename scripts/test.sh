#!/usr/bin/env bash
# Runs every test: lints, the UI's Vitest suite, then the Rust tests (the
# end-to-end ones in the real webview included, under Xvfb). Ends with one
# line totalling every runner's results.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "==> lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features watchlog-core/ts -- -D warnings

echo "==> UI tests"
npm --prefix ui test 2>&1 | tee "$logs/ui.log"

echo "==> Rust tests"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --features watchlog-core/ts 2>&1 | tee "$logs/rust.log"

# Vitest: "Tests  39 passed (39)" (colour codes stripped); cargo: "test result: ok. 5 passed; 0 failed; …".
ui_passed=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/ui.log" | awk '/^ *Tests /{for(i=1;i<=NF;i++) if($i=="passed") print $(i-1)}' | tail -1)
ui_failed=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/ui.log" | awk '/^ *Tests /{for(i=1;i<=NF;i++) if($i=="failed") print $(i-1)}' | tail -1)
rust_passed=$(awk '/^test result:/{sum+=$4} END{print sum+0}' "$logs/rust.log")
rust_failed=$(awk '/^test result:/{sum+=$6} END{print sum+0}' "$logs/rust.log")
passed=$(( ${ui_passed:-0} + rust_passed ))
failed=$(( ${ui_failed:-0} + rust_failed ))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
