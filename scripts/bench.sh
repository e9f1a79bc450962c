#!/usr/bin/env bash
# Benchmarks of union-digest against Hugo on the same articles, on this machine, now.
#
#   scripts/bench.sh [--dir DIR] [--runs N] [--seed S] [--with-100k [--hugo-100k] [--pairs P]]
#                    [--skip-build] [--union-digest BIN] [--report-only]
#
# --union-digest BIN measures another build of union-digest (e.g. of another branch) with
# this checkout's generator and floor; --report-only prints the report of the last run in DIR.
#
# 1. Installs Debian's `hugo` and `time` packages if missing (apt-get; needs root).
# 2. Builds union-digest and the examples gen_corpus and floor in release mode.
# 3. Generates the 1k and 10k corpora with `gen_corpus --seed S`: DIR/cN (union-digest site,
#    raw scraped files) and DIR/cN-hugo (the same articles, clean, as Markdown for Hugo).
#    --with-100k adds a 100k corpus built by union-digest; --hugo-100k has Hugo build it too
#    (Hugo needs about 1.3 GB of memory per 10k articles). The 100k corpus is built cold
#    PAIRS times (--pairs, default 5), each time right after a cold build of the 10k corpus
#    under the same conditions (previous outputs deleted, freed inodes waited for, input
#    files read into the page cache): the 100k/10k ratio compares those pairs, not a 100k
#    build with 10k builds made ten minutes and several gigabytes of page cache earlier.
# 4. Measures with /usr/bin/time -v (wall time, user+sys CPU time, peak RSS):
#    - cold builds (output and .union-digest-cache/ deleted) of 1k and 10k, with the
#      per-stage breakdown of `build --timings`, after a `sync` of the generated corpus;
#    - Hugo building the same site from scratch, alternating with ours, so the ratio is taken
#      on the same machine under the same load;
#    - incremental rebuilds on the built site: nothing changed, one article added, one edited,
#      and only a template (themes/default/templates/article.html) changed (after a `sync`,
#      so that the writeback of the cold builds' and the floor's files is not timed with them);
#      one article added 5 s after the previous command (as builds come in CI or by hand);
#      and one article added after every content file was touched, as CI sees the site after
#      a fresh checkout with the build cache and the output restored;
#    - the floor (examples/floor.rs: read + jieba + write the same output bytes) on 10k.
# 5. Prints a Markdown report (also saved as DIR/results.md); raw logs stay in DIR/logs.
#
# Each figure is the median of N runs (default 5: the adds of one run spread over 0.2 s on
# this machine); 100k: the median of PAIRS cold builds, the other cases once. Files are read from the page cache (a warm-up pass reads them first): "cold"
# means no output and no build cache, not an empty OS cache, which we cannot drop on a shared
# machine.
#
# Outputs are moved aside (DIR/trash), not deleted, while builds are timed; the trash is
# emptied between corpus sizes, followed by a wait. This machine's ext4 has no journal, and
# without one the inode allocator checks every free inode it considers against the inode
# table, to avoid reusing one freed in the last `dirty_expire_centisecs` (30 s): a cold 10k
# build of ours (~58k new inodes) right after deleting the previous output spent 10.0-12.9 s
# of system time, 4.9-10.9 s when the output had been moved aside or deleted 40 s earlier;
# Hugo's (~31k inodes) 4.3 s against 2.0 s.

set -euo pipefail

DIR=/tmp/union-digest-bench
RUNS=5
PAIRS=5
SEED=42
WITH_100K=0
HUGO_100K=0
SKIP_BUILD=0
UD_BIN=
REPORT_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) DIR=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --with-100k) WITH_100K=1; shift ;;
        --pairs) PAIRS=$2; shift 2 ;;
        --hugo-100k) HUGO_100K=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --union-digest) UD_BIN=$(realpath "$2"); shift 2 ;;
        --report-only) REPORT_ONLY=1; shift ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
for count in "$RUNS" "$PAIRS"; do
    [[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "--runs and --pairs take a whole number from 1 up" >&2; exit 2; }
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
UD=${UD_BIN:-$TARGET/release/union-digest}
GEN=$TARGET/release/examples/gen_corpus
FLOOR=$TARGET/release/examples/floor
LOGS=$DIR/logs
RESULTS=$DIR/results.tsv   # label  wall_s  cpu_s  rss_mb  load1
STAGES=$DIR/stages.tsv     # label  stage  seconds
PAGES=$DIR/pages.tsv       # corpus  our_html_pages  hugo_html_pages
TRASH=$DIR/trash
# Seconds between the previous command and an "idle add".
IDLE_SECONDS=5
# Seconds an unjournaled ext4 keeps a freed inode from reuse (the kernel adds 5 s while the
# inode's block is dirty), and a second to spare.
RECENTLY_FREED_SECONDS=$(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 6 ))

say() { printf '>> %s\n' "$*" >&2; }

install_packages() {
    local missing=()
    command -v hugo >/dev/null || missing+=(hugo)
    [ -x /usr/bin/time ] || missing+=(time)
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    say "installing ${missing[*]} (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

build_tools() {
    [ "$SKIP_BUILD" -eq 1 ] && return
    say "building union-digest and the examples (release)"
    (cd "$REPO" && CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo build --release --quiet \
        --bin union-digest --example gen_corpus --example floor)
}

# Parse a /usr/bin/time -v report into "wall cpu rss_mb" (wall is "h:mm:ss" or "m:ss.ss").
parse_time() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i] }
        /User time/ { u = $2 }
        /System time/ { y = $2 }
        /Maximum resident set size/ { r = $2 }
        END { printf "%.3f %.3f %.1f\n", s, u + y, r / 1024 }' "$1"
}

# measure LABEL CMD...: run CMD under /usr/bin/time -v, record the figures and stage timings.
measure() {
    local label=$1; shift
    local log="$LOGS/$label.$(date +%s%N)"
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.out" 2>"$log.err"; then
        echo "FAILED: $label: $*" >&2
        tail -20 "$log.err" >&2
        exit 1
    fi
    local figures; figures=$(parse_time "$log.time")
    printf '%s\t%s\t%s\n' "$label" "$(tr ' ' '\t' <<<"$figures")" "$load" >>"$RESULTS"
    # `build --timings` lines: two spaces, stage name, seconds, " s".
    sed -nE 's/^  (.*[^ ]) +([0-9]+\.[0-9]+) s$/\1\t\2/p' "$log.err" | sed "s/^/$label\t/" >>"$STAGES"
    say "$label: wall/cpu/rss $figures (load $load)"
}

# discard PATH...: move each existing PATH into the trash (a rename frees no inode).
discard() {
    mkdir -p "$TRASH"
    local p
    for p in "$@"; do
        if [ -e "$p" ]; then mv "$p" "$TRASH/$(date +%s%N)-$(basename "$p")"; fi
    done
}

# empty_trash [wait]: delete the trash; with `wait`, then let the freed inodes become
# reusable, so the next timed build does not pay for them (see the header).
empty_trash() {
    [ -d "$TRASH" ] || return 0
    rm -rf "$TRASH"
    sync
    if [ "${1:-}" = wait ]; then
        say "waiting ${RECENTLY_FREED_SECONDS} s for the freed inodes"
        sleep "$RECENTLY_FREED_SECONDS"
    fi
}

ud_cold() { # SITE LABEL
    discard "$1/public" "$1/.union-digest-cache"
    measure "$2" "$UD" --root "$1" --quiet build --timings
}

# warm SITE: read its content files into the page cache, as `generate` does, so a cold
# build does not time the disk (this machine evicts files left unread for about 30 s).
warm() { find "$1/content" -type f -exec cat {} + >/dev/null; }

# paired_cold SMALL LARGE NAME: PAIRS cold builds of LARGE, each right after a cold build of
# SMALL under the same conditions (see the header). The last build of LARGE is the one its
# rebuilds start from. SMALL's template is restored first (its rebuild series edited it).
paired_cold() {
    local small=$1 large=$2 name=$3 r
    cp "$DIR/theme-template/themes/default/templates/article.html" "$small/themes/default/templates/"
    for r in $(seq 1 "$PAIRS"); do
        empty_trash wait
        warm "$small"
        ud_cold "$small" "$name-pair-small-cold"
        sync # the small build's files are written back now, not during the large one
        warm "$large"
        ud_cold "$large" "$name-ud-cold"
    done
}

ud_build() { # SITE LABEL
    measure "$2" "$UD" --root "$1" --quiet build --timings
}

hugo_cold() { # HUGO_SITE LABEL
    discard "$DIR/hugo-public" "$DIR/hugo-cache" "$1/resources"
    measure "$2" hugo --quiet -s "$1" -d "$DIR/hugo-public" --cacheDir "$DIR/hugo-cache"
}

html_pages() { find "$1" -name '*.html' | wc -l; }

# generate N NAME: the corpus DIR/NAME (+ DIR/NAME-hugo), with the default theme on disk so a
# template can be edited like a user would.
generate() {
    local n=$1 name=$2
    discard "${DIR:?}/$name" "$DIR/$name-hugo"
    say "generating $name ($n raw files, seed $SEED)"
    "$GEN" --n "$n" --seed "$SEED" --out "$DIR/$name" >"$LOGS/gen-$name.txt"
    cat "$LOGS/gen-$name.txt" >&2
    cp -r "$DIR/theme-template/themes" "$DIR/$name/"
    # Warm the page cache for both tools alike.
    find "$DIR/$name" "$DIR/$name-hugo" -type f -exec cat {} + >/dev/null
}

# incremental SITE NAME N: the rebuild cases, RUNS times each, on a site that was built.
incremental() {
    local site=$1 name=$2 n=$3 r
    # The cold builds and the floor leave hundreds of megabytes of dirty pages; their
    # writeback is theirs, not the timed rebuilds' (the first 10k add of the session 8 run,
    # right after the floor, took 1.00 s against 0.44-0.53 s for the next two).
    sync
    ud_build "$site" "$name-warmup"
    for r in $(seq 1 "$RUNS"); do
        ud_build "$site" "$name-noop"
        "$GEN" --n 1 --first $((n + r - 1)) --seed "$SEED" --out "$site" --raw-only >/dev/null
        ud_build "$site" "$name-add"
        # A sentence added inside the body (after the first 。) of a UTF-8 article.
        local edited; edited=$(grep -l '。' "$site"/content/raw/0004?.txt | head -1)
        sed -i "0,/。/s//。据统计，本次活动共有${r}00名职工参加。/" "$edited"
        ud_build "$site" "$name-edit"
        printf '<!-- bench edit %d -->\n' "$r" >>"$site/themes/default/templates/article.html"
        ud_build "$site" "$name-template"
    done
    # An add a few seconds after the previous command, as a build in CI or by hand comes: on
    # a virtual machine that hands free memory back to its host, fresh memory then costs more
    # (see README, Performance). Before the checkout adds, whose touched files the next build
    # does not trust on their times.
    for r in $(seq 1 "$RUNS"); do
        "$GEN" --n 1 --first $((n + 2 * RUNS + r - 1)) --seed "$SEED" --out "$site" --raw-only >/dev/null
        sleep "$IDLE_SECONDS"
        ud_build "$site" "$name-idle-add"
    done
    # CI after a fresh checkout, with the build cache and the output restored: every content
    # file has new times, so every file is read and hashed again. Last, as a file changed
    # less than 5 s before a build is not trusted on its times by the next build either.
    for r in $(seq 1 "$RUNS"); do
        find "$site/content" -type f -exec touch {} +
        "$GEN" --n 1 --first $((n + RUNS + r - 1)) --seed "$SEED" --out "$site" --raw-only >/dev/null
        ud_build "$site" "$name-checkout-add"
    done
}

# median LABEL COLUMN (2 wall, 3 cpu, 4 rss, 5 load) of the recorded runs.
median() {
    awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$RESULTS" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "–"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

stage_median() { # LABEL STAGE
    awk -F'\t' -v l="$1" -v s="$2" '$1 == l && $2 == s { print $3 }' "$STAGES" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "–"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# pair_ratios NAME: the wall-time ratio of each pair of cold builds, in order.
pair_ratios() {
    paste <(awk -F'\t' -v l="$1-ud-cold" '$1 == l { print $2 }' "$RESULTS") \
        <(awk -F'\t' -v l="$1-pair-small-cold" '$1 == l { print $2 }' "$RESULTS") |
        awk '{ printf "%s%.2f×", (NR > 1 ? ", " : ""), $1 / $2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "–") printf "%.2f", a / b; else print "–" }'; }

verdict() { # VALUE MUST TARGET
    awk -v v="$1" -v m="$2" -v t="$3" 'BEGIN {
        if (v == "–") print "not measured"; else if (v + 0 <= t + 0) print "met"; else if (v + 0 <= m + 0) print "must met, target missed"; else print "missed" }'
}

row() { # TEXT LABEL ARTICLES PAGES
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$3" "$(median "$2" 2)" "$(median "$2" 3)" "$(median "$2" 4)" "$4"
}

articles_of() { sed -nE 's/^raw: [0-9]+ files, ([0-9]+) articles.*/\1/p' "$LOGS/gen-$1.txt"; }
raw_mb_of() { sed -nE 's/^raw: .*, ([0-9.]+) MB,.*/\1/p' "$LOGS/gen-$1.txt"; }
hugo_mb_of() { sed -nE 's/^hugo: .*, ([0-9.]+) MB.*/\1/p' "$LOGS/gen-$1.txt"; }

# Run every measurement; record the run's facts in DIR/meta.env and DIR/pages.tsv.
measure_all() {
    install_packages
    build_tools
    mkdir -p "$LOGS"
    : >"$RESULTS"
    : >"$STAGES"
    : >"$PAGES"
    rm -rf "$DIR/theme-template"
    "$UD" --quiet init "$DIR/theme-template" >/dev/null
    local started_load; started_load=$(cut -d' ' -f1-3 /proc/loadavg)
    local started; started=$(date -u '+%Y-%m-%d %H:%M UTC')

    local sizes=(1000 10000) names=(c1k c10k)
    if [ "$WITH_100K" -eq 1 ]; then sizes+=(100000); names+=(c100k); fi
    local i
    for i in "${!sizes[@]}"; do
        local n=${sizes[$i]} name=${names[$i]} r runs=$RUNS
        [ "$n" -ge 100000 ] && runs=1
        generate "$n" "$name"
        # The generated corpus (and for Hugo its Markdown twin) is written back now, not
        # during the first cold build: in two runs the first 100k cold build spent 44 and
        # 48 s in the kernel, the second 26 and 27 s.
        sync
        empty_trash wait
        local hugo_pages="–"
        if [ "$n" -ge 100000 ]; then
            # Paired with the 10k corpus; one 100k build's system time alone varied by 21 s
            # (27 and 48 s of 168 s of CPU) with the state of the file system.
            if [ "$HUGO_100K" -eq 1 ]; then
                hugo_cold "$DIR/$name-hugo" "$name-hugo-cold"
                hugo_pages=$(html_pages "$DIR/hugo-public")
                discard "$DIR/hugo-public" "$DIR/hugo-cache"
            fi
            paired_cold "$DIR/c10k" "$DIR/$name" "$name"
        else
            for r in $(seq 1 "$runs"); do
                ud_cold "$DIR/$name" "$name-ud-cold"
                hugo_cold "$DIR/$name-hugo" "$name-hugo-cold"
            done
            hugo_pages=$(html_pages "$DIR/hugo-public")
            # The build the rebuilds start from.
            ud_cold "$DIR/$name" "$name-ud-cold-last"
        fi
        printf '%s\t%s\t%s\n' "$name" "$(html_pages "$DIR/$name/public")" "$hugo_pages" >>"$PAGES"
        if [ "$name" = c10k ]; then
            say "floor on $name"
            discard "$DIR/floor-out"
            "$FLOOR" --root "$DIR/$name" --output-like "$DIR/$name/public" --scratch "$DIR/floor-out" |
                tee "$LOGS/floor-$name.txt" >&2
            discard "$DIR/floor-out"
        fi
        local saved=$RUNS
        RUNS=$runs
        incremental "$DIR/$name" "$name" "$n"
        RUNS=$saved
    done
    discard "$DIR/hugo-public" "$DIR/hugo-cache"
    empty_trash

    local commit; commit=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)
    [ -n "$UD_BIN" ] && commit="$("$UD" --version | awk '{ print $2 }') at $UD (generator from $commit)"
    {
        printf 'STARTED=%q\nSTARTED_LOAD=%q\nENDED_LOAD=%q\n' "$started" "$started_load" "$(cut -d' ' -f1-3 /proc/loadavg)"
        printf 'RUNS=%q\nPAIRS=%q\nSEED=%q\nCOMMIT=%q\n' "$RUNS" "$PAIRS" "$SEED" "$commit"
        printf 'NAMES=(%s)\nSIZES=(%s)\n' "${names[*]}" "${sizes[*]}"
    } >"$DIR/meta.env"
}

pages_of() { # NAME COLUMN (2 ours, 3 Hugo)
    awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$PAGES"
}

# Print the Markdown report of the run recorded in DIR (also saved as DIR/results.md).
report() {
    # shellcheck disable=SC1091
    source "$DIR/meta.env"
    local cpu; cpu=$(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1)
    local mem; mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    local hugo_version; hugo_version=$(hugo version | awk '{ print $2 }')
    local loads; loads=$(cut -f5 "$RESULTS" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo " to " hi }')
    local i
    {
        echo "### Benchmark results"
        echo
        echo "- Machine: $(nproc) × $cpu, $mem RAM, $(uname -sr)"
        echo "- Date: $STARTED; load average at start $STARTED_LOAD, at end $ENDED_LOAD, before each run $loads"
        echo "- union-digest $COMMIT (release build) vs Hugo $hugo_version (Debian package)"
        for i in "${!NAMES[@]}"; do
            local name=${NAMES[$i]}
            echo "- Corpus $name: \`gen_corpus --n ${SIZES[$i]} --seed $SEED\`: ${SIZES[$i]} raw files ($(raw_mb_of "$name") MB) holding $(articles_of "$name") articles; Hugo gets the same $(articles_of "$name") articles clean ($(hugo_mb_of "$name") MB of Markdown)"
        done
        echo "- Median of $RUNS runs (100k: median of $PAIRS cold builds, each paired with a 10k cold build just before it; other cases 1 run). Cold = no output, no cache; files in the OS page cache."
        echo
        echo "| case | articles | wall (s) | CPU user+sys (s) | peak RSS (MB) | HTML pages |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: |"
        for i in "${!NAMES[@]}"; do
            local name=${NAMES[$i]} a; a=$(articles_of "$name")
            row "union-digest, cold build, $name" "$name-ud-cold" "$a" "$(pages_of "$name" 2)"
            if grep -q "^$name-pair-small-cold"$'\t' "$RESULTS"; then
                row "union-digest, cold build, c10k, each just before one of $name" "$name-pair-small-cold" "" ""
            fi
            row "Hugo, cold build, $name" "$name-hugo-cold" "$a" "$(pages_of "$name" 3)"
            printf '| **ratio union-digest / Hugo, %s** | | **%s** | **%s** | **%s** | |\n' "$name" \
                "$(ratio "$(median "$name-ud-cold" 2)" "$(median "$name-hugo-cold" 2)")" \
                "$(ratio "$(median "$name-ud-cold" 3)" "$(median "$name-hugo-cold" 3)")" \
                "$(ratio "$(median "$name-ud-cold" 4)" "$(median "$name-hugo-cold" 4)")"
            row "union-digest, rebuild, nothing changed, $name" "$name-noop" "$a" ""
            row "union-digest, rebuild, one article added, $name" "$name-add" "+1" ""
            row "union-digest, rebuild, one article edited, $name" "$name-edit" "" ""
            row "union-digest, rebuild, article.html template changed, $name" "$name-template" "" ""
            row "union-digest, rebuild ${IDLE_SECONDS} s after the previous command, one article added, $name" "$name-idle-add" "+1" ""
            row "union-digest, rebuild after a fresh checkout (every file's times new), one article added, $name" "$name-checkout-add" "+1" ""
            if [ -f "$LOGS/floor-$name.txt" ]; then
                printf '| floor: read + jieba-cut + write the same output bytes, %s | %s | %s | | | |\n' "$name" "$a" \
                    "$(awk '$1 == "floor_total" { print $2 }' "$LOGS/floor-$name.txt")"
            fi
        done
        if grep -q $'^c10k-hugo-cold\t' "$RESULTS"; then
            local wall_ratio rss_ratio add idle_add
            wall_ratio=$(ratio "$(median c10k-ud-cold 2)" "$(median c10k-hugo-cold 2)")
            rss_ratio=$(ratio "$(median c10k-ud-cold 4)" "$(median c10k-hugo-cold 4)")
            add=$(median c10k-add 2)
            idle_add=$(median c10k-idle-add 2)
            echo
            echo "Targets of issue 6 at 10k: cold wall ≤ 1× Hugo (must) and ≤ 0.33× (target): $wall_ratio× —" \
                "$(verdict "$wall_ratio" 1 0.33); peak RSS ≤ 0.5× Hugo: $rss_ratio× — $(verdict "$rss_ratio" 0.5 0.5);" \
                "one article added < 0.5 s (target 0.2 s): $add s — $(verdict "$add" 0.5 0.2);" \
                "${IDLE_SECONDS} s after the previous command: $idle_add s — $(verdict "$idle_add" 0.5 0.2)."
        fi
        if grep -q $'^c100k-ud-cold\t' "$RESULTS"; then
            echo
            echo "100k vs 10k (target: within 10×), against the 10k cold builds paired with them:" \
                "wall $(ratio "$(median c100k-ud-cold 2)" "$(median c100k-pair-small-cold 2)")×" \
                "($(median c100k-ud-cold 2) s against $(median c100k-pair-small-cold 2) s; pairs $(pair_ratios c100k))," \
                "CPU $(ratio "$(median c100k-ud-cold 3)" "$(median c100k-pair-small-cold 3)")×," \
                "peak RSS $(ratio "$(median c100k-ud-cold 4)" "$(median c100k-pair-small-cold 4)")×;" \
                "against the 10k series above: wall $(ratio "$(median c100k-ud-cold 2)" "$(median c10k-ud-cold 2)")×," \
                "peak RSS $(ratio "$(median c100k-ud-cold 4)" "$(median c10k-ud-cold 4)")×."
        fi
        echo
        echo "#### Where the time goes (\`build --timings\`, median seconds per stage)"
        echo
        local labels=() heads=()
        for i in "${!NAMES[@]}"; do
            local name=${NAMES[$i]}
            labels+=("$name-ud-cold" "$name-add" "$name-idle-add" "$name-edit" "$name-template" "$name-checkout-add")
            heads+=("cold $name" "add $name" "idle add $name" "edit $name" "template $name" "checkout add $name")
        done
        printf '| stage |'; printf ' %s |' "${heads[@]}"; echo
        printf '| --- |'; printf ' ---: |%.0s' "${heads[@]}"; echo
        cut -f2 "$STAGES" | awk '!seen[$0]++' | while IFS= read -r stage; do
            printf '| %s |' "$stage"
            for l in "${labels[@]}"; do printf ' %s |' "$(stage_median "$l" "$stage")"; done
            echo
        done
        if [ -f "$LOGS/floor-c10k.txt" ]; then
            echo
            echo "#### Floor on c10k (\`examples/floor.rs\`: read all files, jieba-cut all text, write the build's output files; $(nproc) threads, wall seconds)"
            echo
            echo '```'
            cat "$LOGS/floor-c10k.txt"
            echo '```'
        fi
    } | tee "$DIR/results.md"
}

[ "$REPORT_ONLY" -eq 1 ] || measure_all
report
