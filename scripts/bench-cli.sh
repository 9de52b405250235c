#!/usr/bin/env bash
# The CLI at 100,000 titles beside the same commands on a 10-title
# library, process start included: `watchlog list --limit 50` and
# `watchlog stats`, timed by hyperfine (warm-up runs first, then medians
# with min–max). Both libraries are generated with the same seed from
# ../shared/fixtures/datasets. `make bench-cli` runs it; BENCH_CLI_DIR
# keeps the generated libraries between runs (generating 100k takes
# about a minute), BENCH_CLI_RUNS sets the runs per command (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v hyperfine >/dev/null; then
  echo "==> installing hyperfine (Debian's package)"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y hyperfine >/dev/null; else sudo apt-get install -y hyperfine >/dev/null; fi
fi

cargo build -p watchlog-cli --release
cli="$PWD/target/release/watchlog"
datasets="$PWD/../shared/fixtures/datasets"
dir="${BENCH_CLI_DIR:-$(mktemp -d)}"
mkdir -p "$dir"
runs="${BENCH_CLI_RUNS:-30}"

for n in 10 100000; do
  db="$dir/lib-$n.db"
  if [ ! -f "$db" ]; then
    "$cli" --db "$db" dev generate --titles "$n" --seed 1 --datasets "$datasets" >/dev/null
  fi
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
json="$dir/results.json"
hyperfine --warmup 3 --runs "$runs" --shell=none --export-json "$json" \
  -n "list, 10 titles" "$cli --db $dir/lib-10.db list --limit 50" \
  -n "list, 100,000 titles" "$cli --db $dir/lib-100000.db list --limit 50" \
  -n "stats, 10 titles" "$cli --db $dir/lib-10.db stats" \
  -n "stats, 100,000 titles" "$cli --db $dir/lib-100000.db stats" >/dev/null

# One table: medians (min–max) and each command's ratio to its 10-title run.
python3 - "$json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def ms(x): return x * 1000
print("| command | 10 titles | 100,000 titles | ratio |")
print("|---|---:|---:|---:|")
for cmd in ("list --limit 50", "stats"):
    key = cmd.split()[0]
    small, big = r[f"{key}, 10 titles"], r[f"{key}, 100,000 titles"]
    cell = lambda x: f'{ms(x["median"]):.1f} ms ({ms(x["min"]):.1f}–{ms(x["max"]):.1f})'
    print(f'| `watchlog {cmd}` | {cell(small)} | {cell(big)} | {big["median"] / small["median"]:.2f}× |')
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
