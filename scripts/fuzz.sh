#!/usr/bin/env bash
# Coverage-guided fuzzing of the core (`make fuzz`): every import reader,
# format detection, the zip reader, the poster pipeline and the Markdown
# export, each run for FUZZ_SECONDS under libFuzzer, one after the other.
#
#   FUZZ_SECONDS=300      seconds per target
#   FUZZ_TARGETS="zip poster"   only these (default: every target)
#   FUZZ_FIXTURES=dir     the shared fixtures (default ../shared/fixtures)
#
# Seeds are copied from the shared fixtures (and made from the sample
# library through the real exporters) into fuzz/corpus/<target>/ at run
# time; nothing of them is committed. A crash, panic, hang or out-of-memory
# leaves its input in fuzz/artifacts/<target>/ and is counted below;
# `cargo +nightly fuzz tmin <target> <file>` minimises it. Each target's
# libFuzzer log stays in fuzz/target/logs/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${FUZZ_SECONDS:-300}
fixtures=${FUZZ_FIXTURES:-$root/../shared/fixtures}
all="import_letterboxd import_trakt import_imdb import_tmdb import_mdl import_simkl import_tvtime
import_netflix import_watchlog_csv import_watchlog_json import_detect zip poster markdown_export"
targets=${FUZZ_TARGETS:-$all}

if [ ! -d "$fixtures/exports" ]; then
    echo "fuzz: the shared fixtures are not at $fixtures (set FUZZ_FIXTURES)" >&2
    exit 1
fi
if ! env -u CARGO_TARGET_DIR cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz --locked)" >&2
    exit 1
fi

corpus=$root/fuzz/corpus
# The fuzz crate builds with nightly and sanitizer flags into fuzz/target,
# never into the workspace's target dir (cargo fuzz would follow
# CARGO_TARGET_DIR there).
fuzz() { env -u CARGO_TARGET_DIR cargo +nightly fuzz "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copies the files given (found under the fixtures by `find` arguments) of
# at most $2 bytes into the target's corpus, named by content so reruns
# add nothing twice.
seed() {
    local target=$1 max=$2
    shift 2
    mkdir -p "$corpus/$target"
    find "$@" -type f -size -"$max"c -print0 2>/dev/null |
        while IFS= read -r -d '' f; do
            cp "$f" "$corpus/$target/seed-$(sha1sum "$f" | cut -c1-16)"
        done
}

# Watchlog's own exports of the sample library, through the real CLI.
made=$work/made
mkdir -p "$made"
lib=$work/sample.db
cargo run -q -p watchlog-cli -- --db "$lib" sample >/dev/null
for f in watchlog-json csv markdown letterboxd; do
    cargo run -q -p watchlog-cli -- --db "$lib" export "$f" --out "$made/sample.$f" >/dev/null
done

# Zips: a real Letterboxd export zipped, that zip zipped again (read) and
# once more (refused), names that leave the export, and a small bomb.
(cd "$fixtures/exports/letterboxd/full_export_extratone" && zip -qr "$made/letterboxd.zip" .)
(cd "$made" && zip -q nested.zip letterboxd.zip && zip -q nested2.zip nested.zip)
python3 - "$made" <<'EOF'
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(f"{out}/escape.zip", "w") as z:
    z.writestr("../../escape.csv", "Date,Name,Year,Letterboxd URI\n")
    z.writestr("/abs.csv", "x")
with zipfile.ZipFile(f"{out}/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("diary.csv", b"\0" * (8 << 20))
with zipfile.ZipFile(f"{out}/stored.zip", "w", zipfile.ZIP_STORED) as z:
    z.writestr("lists/a.csv", "Letterboxd list export v7\nDate,Name\n")
    z.writestr("__MACOSX/._a.csv", "x")
EOF

# Reviews and titles that try to leave their block.
mkdir -p "$made/md"
# Fields are separated by U+0001 (see fuzz_targets/markdown_export.rs);
# an odd first byte marks the review as a spoiler.
printf '%s' $'Title *x*\x01**Great** </details><script>alert(1)</script>\x01notes\x01a,b\x01Netflix' >"$made/md/1"
printf '%s' $'S Break\x01```\n</details>\n\x01\x01tag\n\n</details>\x01' >"$made/md/2"
printf '%s' $'#Alive\x01<!-- </details> -->\n\n<details>\n\n    <script>\n\x01' >"$made/md/3"

exports=$fixtures/exports
tests_data=$root/src-tauri/core/tests/data/import
for t in $targets; do
    case $t in
    import_letterboxd) seed "$t" 262144 "$exports/letterboxd" "$made/letterboxd.zip" ;;
    import_trakt) seed "$t" 262144 "$exports/trakt" ;;
    import_imdb) seed "$t" 262144 "$exports/imdb" ;;
    import_tmdb) seed "$t" 262144 "$exports/tmdb" ;;
    import_tvtime) seed "$t" 262144 "$exports/tvtime" ;;
    import_mdl) seed "$t" 262144 "$tests_data/mdl.tsv" "$fixtures/datasets/kdrama" ;;
    import_simkl) seed "$t" 262144 "$tests_data" -name 'simkl*' ;;
    import_netflix) seed "$t" 262144 "$exports/netflix" ;;
    import_watchlog_csv) seed "$t" 262144 "$made/sample.csv" ;;
    import_watchlog_json) seed "$t" 262144 "$made/sample.watchlog-json" ;;
    import_detect) seed "$t" 262144 "$exports/letterboxd" "$exports/trakt" "$exports/imdb" \
        "$exports/tmdb" "$exports/tvtime" "$exports/netflix" "$tests_data" "$made/sample.csv" "$made/sample.watchlog-json" ;;
    zip) seed "$t" 1048576 "$made" -name '*.zip' ;;
    poster) seed "$t" 262144 "$fixtures/images" ;;
    markdown_export) seed "$t" 262144 "$made/md" "$made/sample.markdown" "$exports/letterboxd/reviews.csv" ;;
    *)
        echo "fuzz: no target '$t' (targets: $(echo $all))" >&2
        exit 1
        ;;
    esac
done

fuzz build -O >/dev/null

mkdir -p "$root/fuzz/target/logs"
summary=$root/fuzz/target/logs/summary
printf '%-22s %8s %12s %8s %8s %8s\n' target seconds executions cov ft crashes >"$summary"
failed=0
for t in $targets; do
    log=$root/fuzz/target/logs/$t.log
    artifacts=$root/fuzz/artifacts/$t
    mkdir -p "$artifacts"
    before=$(find "$artifacts" -type f | wc -l)
    echo "fuzz: $t for ${seconds}s" >&2
    start=$(date +%s)
    # One process, one input at a time (libFuzzer's default; -jobs would
    # fork and log elsewhere). -timeout: one input taking 10 s is a hang
    # (the slowest real poster takes well under one); -rss_limit_mb and
    # -malloc_limit_mb turn a runaway allocation into a reported
    # out-of-memory. The longest input is the longest seed.
    fuzz run -O "$t" "$corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 >"$log" 2>&1 || true
    # libFuzzer's own count of the seconds it fuzzed (the build before it
    # is not fuzzing); the wall time when it stopped at a crash.
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    took=${took:-$(($(date +%s) - start))}
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    status=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
    crashes=$(($(find "$artifacts" -type f | wc -l) - before))
    [ "$crashes" -gt 0 ] && failed=1 && grep -E '^(==[0-9]+==|thread .* panicked|SUMMARY)' "$log" | head -5 >&2
    printf '%-22s %8s %12s %8s %8s %8s\n' "$t" "$took" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" >>"$summary"
done
cat "$summary"
if [ "$failed" = 1 ]; then
    echo "fuzz: crashes found; their inputs are in fuzz/artifacts/" >&2
    exit 1
fi
