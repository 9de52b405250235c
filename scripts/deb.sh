#!/usr/bin/env bash
# Builds the .deb: the app, and beside it the `watchlog` CLI with its shell
# completions and man pages (tauri.conf.json › bundle › linux › deb › files
# maps them from target/deb-extra). Then opens the package and fails unless
# each of them is inside and the packaged CLI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --locked -p watchlog-cli
extra=target/deb-extra
rm -rf "$extra"
mkdir -p "$extra/man"
cli=target/release/watchlog
"$cli" completions bash >"$extra/watchlog.bash"
"$cli" completions zsh >"$extra/_watchlog"
"$cli" completions fish >"$extra/watchlog.fish"
"$cli" dev man --out "$extra/man" >/dev/null
# Debian keeps man pages compressed; -n leaves no timestamp in them.
gzip -9n "$extra"/man/*.1

ui/node_modules/.bin/tauri build --bundles deb

deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
listing=$(dpkg-deb -c "$deb")
for path in usr/bin/watchlog-app usr/bin/watchlog \
  usr/share/bash-completion/completions/watchlog \
  usr/share/zsh/vendor-completions/_watchlog \
  usr/share/fish/vendor_completions.d/watchlog.fish \
  usr/share/man/man1/watchlog.1.gz usr/share/man/man1/watchlog-import.1.gz; do
  grep -qE " (\./)?$path\$" <<<"$listing" || { echo "deb: $path is missing from $deb" >&2; exit 1; }
done
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
"$unpacked/usr/bin/watchlog" --version
grep -q 'complete -F _watchlog .* watchlog$' "$unpacked/usr/share/bash-completion/completions/watchlog" \
  || { echo "deb: the bash completion does not complete watchlog" >&2; exit 1; }
zcat "$unpacked/usr/share/man/man1/watchlog.1.gz" | grep -q '^\.TH watchlog 1' \
  || { echo "deb: watchlog.1 is not a man page" >&2; exit 1; }
echo "deb: $deb holds the app, the watchlog CLI, its completions and $(grep -c 'man1/.*\.1\.gz$' <<<"$listing") man pages"
