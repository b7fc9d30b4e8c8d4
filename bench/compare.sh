#!/usr/bin/env bash
# Builds the shared benchmark corpus at the given sizes with casebook (release)
# and, when installed, Hugo; prints wall time and peak memory of each.
#   bench/compare.sh 1000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
cargo build --release --quiet
bin=$PWD/target/release/casebook
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; return 1; }
  read -r secs kib < "$work/time"
  printf '%-28s %8.2f s %8.0f MiB\n' "$label" "$secs" "$((kib / 1024))"
}

for n in "${@:-1000}"; do
  python3 "$gen" "$n" "$work/corpus-$n" --formats plain,hugo >/dev/null
  (cd "$work/corpus-$n/plain" && measure "casebook $n pages" "$bin" build --quiet --today 2026-11-27)
  if command -v hugo >/dev/null 2>&1; then
    measure "hugo $n pages" hugo --quiet -s "$work/corpus-$n/hugo" -d "$work/hugo-out-$n"
  fi
done
