#!/usr/bin/env bash
# Benchmarks casebook (release build) on the shared generated legal-handbook
# corpus against Hugo, in the same run, and prints one Markdown table.
#
#   bench/run.sh [SIZES...]            default: 1000 10000 50000
#
# For each size: a cold build (no previous output) and a rebuild with
# nothing changed, for casebook and for Hugo with the corpus's templates
# patched to list the first 40 pages of the section, as casebook's sidebar
# does (casebook's also lists the other sub-sections, folded). Then, at
# HISTORY_SIZE pages, the corpus as a git repository with 5 published tags
# (100 commits): one version (no tag published) against five, cold and
# rebuilt; and at SERVE_SIZE pages `casebook serve`: first page, save to
# served (median of 5 atomic saves), peak memory.
#
# Every figure is of RUNS runs: median wall time and mean CPU time (user +
# system) from hyperfine, median peak resident memory from GNU time. The machine line says what
# else was running (load average before and after).
#
# Environment: RUNS (3), HUGO_MAX (10000: larger corpora skip Hugo, which
# needs about 2 GiB per 10,000 pages), HISTORY_SIZE (10000; 0 skips),
# SERVE_SIZE (10000; 0 skips), GEN_CORPUS and MAKE_HISTORY (the generators,
# from ../shared/bench/), BENCH_DIR (where corpora go; removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
sizes=("${@:-1000 10000 50000}")
read -r -a sizes <<<"${sizes[*]}"
runs=${RUNS:-3}
hugo_max=${HUGO_MAX:-10000}
history_size=${HISTORY_SIZE:-10000}
serve_size=${SERVE_SIZE:-10000}
# The shared generators sit beside the main checkout, or two levels up
# from a worktree.
shared=$(cd "$repo" && for d in ../shared ../../shared; do [[ -d $d/bench ]] && realpath "$d" && break; done || true)
gen=${GEN_CORPUS:-$shared/bench/gen_corpus.py}
history=${MAKE_HISTORY:-$shared/bench/make_history.sh}
[[ -f $gen && -f $history ]] || { echo "set GEN_CORPUS and MAKE_HISTORY: the generators are not in ../shared/bench" >&2; exit 2; }
today=2026-11-27

cargo build --release --quiet
bin=$repo/target/release/casebook
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/casebook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

# Runs a command RUNS times with hyperfine after `prepare` (a shell
# snippet, run untimed before each), each run under GNU time for its peak
# memory; sets `wall` and `mib` to the medians and `cpu` to the mean user
# plus system time (hyperfine reports CPU time as means), in seconds.
measure() { # prepare, command...
  local prepare=$1; shift
  rm -f "$work/mem"
  hyperfine --runs "$runs" --prepare "$prepare" --export-json "$work/hf.json" --style none \
    "/usr/bin/time -a -f %M -o '$work/mem' $(printf '%q ' "$@") >/dev/null 2>'$work/err'" >/dev/null || {
    cat "$work/err" >&2
    return 1
  }
  read -r wall cpu < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.2f %.2f" % (r["median"], r["user"] + r["system"]))' "$work/hf.json")
  mib=$(($(median $(cat "$work/mem")) / 1024))
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }
# A table row; also said on stderr at once, as a long run goes.
row() {
  rows+=("| $(printf '%s | ' "$@")")
  echo "${rows[-1]}" >&2
}
pages() { echo "$1 pages" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

declare -A cold_wall
for n in "${sizes[@]}"; do
  corpus=$work/c$n
  python3 "$gen" "$n" "$corpus" --formats plain,hugo >/dev/null 2>&1
  # The pages casebook's sidebar lists of a section: its first 40.
  sed -i 's/{{ range .CurrentSection.Pages }}/{{ range first 40 .CurrentSection.Pages }}/' \
    "$corpus/hugo/layouts/_default/single.html"
  grep -q 'range first 40 .CurrentSection.Pages' "$corpus/hugo/layouts/_default/single.html"
  site=$corpus/plain
  measure "rm -rf '$site/public'" "$bin" build --quiet --today $today --root "$site"
  cb=("$wall" "$cpu" "$mib") cold_wall[$n]=$wall
  measure ":" "$bin" build --quiet --today $today --root "$site"
  rb=("$wall" "$cpu" "$mib")
  if command -v hugo >/dev/null && ((n <= hugo_max)); then
    measure "rm -rf '$work/hugo-out'" hugo --quiet -s "$corpus/hugo" -d "$work/hugo-out"
    row "$(pages "$n"), cold build" "${cb[0]} s (${cb[1]} s CPU)" "${cb[2]} MiB" "$wall s ($cpu s CPU)" "$mib MiB" \
      "$(ratio "${cb[0]}" "$wall") wall, $(ratio "${cb[1]}" "$cpu") CPU, $(ratio "${cb[2]}" "$mib") memory"
  else
    row "$(pages "$n"), cold build" "${cb[0]} s (${cb[1]} s CPU)" "${cb[2]} MiB" "—" "—" "—"
  fi
  row "$(pages "$n"), rebuild, nothing changed" "${rb[0]} s (${rb[1]} s CPU)" "${rb[2]} MiB" "" "" ""
  rm -rf "$work/hugo-out" "$corpus/hugo" "$site/public"
  if ((n != history_size && n != serve_size)); then rm -rf "$corpus"; fi
done
for n in "${sizes[@]}"; do
  if ((n > 10000)) && [[ -n ${cold_wall[10000]:-} ]]; then
    row "$(pages "$n") ÷ 10,000 pages, cold build" "$(ratio "${cold_wall[$n]}" "${cold_wall[10000]}")×" "" "" "" ""
  fi
done

if ((history_size > 0)); then
  repo_site=$work/h$history_size
  if [[ -d $work/c$history_size/plain ]]; then
    cp -r "$work/c$history_size/plain" "$repo_site"
  else
    python3 "$gen" "$history_size" "$work/g" --formats plain >/dev/null 2>&1
    mv "$work/g/plain" "$repo_site"
    rm -rf "$work/g"
  fi
  bash "$history" "$repo_site" 100 5 20 >/dev/null
  # One version: the same repository with no tag published.
  sed -i 's/tags: "handbook-\*"/tags: "none-*"/' "$repo_site/casebook.yaml"
  measure "rm -rf '$repo_site/public'" "$bin" build --quiet --today $today --root "$repo_site"
  one=("$wall" "$cpu" "$mib")
  row "$(pages "$history_size"), git, 1 version, cold build" "${one[0]} s (${one[1]} s CPU)" "${one[2]} MiB" "" "" ""
  sed -i 's/tags: "none-\*"/tags: "handbook-*"/' "$repo_site/casebook.yaml"
  measure "rm -rf '$repo_site/public'" "$bin" build --quiet --today $today --root "$repo_site"
  row "$(pages "$history_size"), git, 5 versions, cold build" "$wall s ($cpu s CPU)" "$mib MiB" "" "" \
    "$(ratio "$wall" "${one[0]}")× wall, $(ratio "$cpu" "${one[1]}")× CPU, $(ratio "$mib" "${one[2]}")× memory of 1 version"
  measure ":" "$bin" build --quiet --today $today --root "$repo_site"
  row "$(pages "$history_size"), git, 5 versions, rebuild, nothing new" "$wall s ($cpu s CPU)" "$mib MiB" "" "" \
    "$(ratio "$wall" "${one[0]}")× wall, $(ratio "$cpu" "${one[1]}")× CPU, $(ratio "$mib" "${one[2]}")× memory of 1 version"
  rm -rf "$repo_site"
fi

if ((serve_size > 0)); then
  site=$work/c$serve_size/plain
  if [[ ! -d $site ]]; then
    python3 "$gen" "$serve_size" "$work/c$serve_size" --formats plain >/dev/null 2>&1
  fi
  s=$(python3 bench/serve_edit.py "$bin" "$site" 5)
  field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$s" "$1"; }
  row "$(pages "$serve_size"), serve: first page" "$(printf '%.2f' "$(field first_page_s)") s" "" "" "" ""
  row "$(pages "$serve_size"), serve: save to served, median of 5" "$(printf '%.0f' "$(echo "$(field edit_median_s) * 1000" | bc)") ms" \
    "$(($(field peak_rss_kib) / 1024)) MiB" "" "" "$(field rebuilds) rebuilds for 5 saves"
fi

echo
echo "casebook $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), $(hugo version 2>/dev/null | cut -d' ' -f1-2 || echo 'no Hugo');" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
  "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after; medians of $runs runs"
echo
echo "| | casebook | peak | Hugo, same nav | peak | ratio |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
