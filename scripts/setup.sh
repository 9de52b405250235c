#!/usr/bin/env bash
# Installs what building, running and testing Watchlog needs on Debian or
# Ubuntu: the Tauri system libraries, Xvfb and WebKitWebDriver for the
# end-to-end tests, the UI's npm packages and tauri-driver. Safe to run
# again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config curl wget file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver
  chromium
  # rusqlite's session feature (undo) generates its SQLite bindings with
  # bindgen, which needs libclang.
  libclang-dev
  # Sync is tested end to end through two real Syncthing instances.
  syncthing
  # Hangul, kana and hanzi, and Thai: a fresh Debian has no font for
  # either, and Korean or Thai titles would render as empty boxes.
  fonts-noto-cjk fonts-noto-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "error: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    echo "       run this script as root, or install them with apt-get first." >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (Rust via rustup, Node.js 20 or newer)" >&2; exit 1; }
done

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> installing the UI's npm packages"
  npm --prefix ui ci --no-audit --no-fund
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
