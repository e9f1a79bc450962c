#!/usr/bin/env bash
# Browser test: build the sample digest, serve it on 127.0.0.1, load it in headless Chromium,
# take screenshots (home, an article, a region page, statistics, a search for 工会驿站) and
# assert what each page must show, reading the DOM after scripts ran (--dump-dom).
#
# Usage: scripts/browser-test.sh            (CI runs it from .ci/run)
#   SITE_DIR=dir   test an already built site instead of building content/
#   SHOTS_DIR=dir  where screenshots and DOM dumps go (default target/browser-test)
#   PORT=n         local port (default: a free one)
# Installs Debian's chromium with apt-get when it is missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

SHOTS_DIR=${SHOTS_DIR:-target/browser-test}
if [ -z "${PORT:-}" ]; then
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 8765)
fi
BASE="http://127.0.0.1:$PORT"

fail() { echo "browser-test: FAIL: $*" >&2; exit 1; }
note() { echo "browser-test: $*"; }

find_chromium() {
  local c
  for c in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}

# has_cjk_font: fontconfig knows a font for Chinese (else every character renders as a box).
has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; }

CHROME=$(find_chromium || true)
if [ -z "$CHROME" ] || ! has_cjk_font; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    note "installing chromium and a CJK font with apt-get"
    apt-get update -qq >/dev/null || fail "apt-get update failed (no network to the package registry?)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-wqy-microhei fontconfig >/dev/null \
      || fail "apt-get install chromium fonts-wqy-microhei failed"
  fi
  CHROME=$(find_chromium) || fail "chromium is not installed and could not be installed (need root and apt-get)"
  has_cjk_font || note "warning: no CJK font found; screenshots will show boxes instead of Chinese"
fi
note "using $("$CHROME" --version 2>/dev/null || echo "$CHROME")"

rm -rf "$SHOTS_DIR"
mkdir -p "$SHOTS_DIR"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${SITE_DIR:-}" ]; then
  SITE="$SITE_DIR"
  SAMPLE=""
else
  SITE="$WORK/public"
  SAMPLE=1
  note "building the sample site"
  cargo build --quiet 2>"$WORK/cargo.log" || { cat "$WORK/cargo.log"; fail "cargo build failed"; }
  target/debug/union-digest build --output "$SITE" --base-url "$BASE/" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; fail "build failed"; }
  tail -n 1 "$WORK/build.log"
fi
[ -f "$SITE/index.html" ] || fail "no index.html in $SITE"

# Serve the built files as they are: python's static server, else the tool's own `serve`
# (which rebuilds the sample site into public/ and serves that).
if command -v python3 >/dev/null 2>&1; then
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
elif [ -n "$SAMPLE" ]; then
  target/debug/union-digest serve --port "$PORT" --drafts false >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
else
  fail "python3 is needed to serve SITE_DIR"
fi
for _ in $(seq 1 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || fail "server did not start on port $PORT"

chrome() {
  # A fresh profile per run: no state leaks between pages.
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXX")
  timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --no-first-run --no-default-browser-check --mute-audio \
    --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget=8000 "$@" 2>>"$WORK/chrome.log"
}

# shoot NAME PATH WIDTH HEIGHT: a screenshot and the DOM after scripts ran.
shoot() {
  local name=$1 path=$2 width=$3 height=$4
  chrome --window-size="$width,$height" --screenshot="$SHOTS_DIR/$name.png" "$BASE$path" >/dev/null \
    || fail "screenshot of $path failed"
  [ -s "$SHOTS_DIR/$name.png" ] || fail "empty screenshot of $path"
  chrome --dump-dom "$BASE$path" >"$SHOTS_DIR/$name.html" || fail "could not load $path"
  note "$name: $path → $SHOTS_DIR/$name.png"
}

# expect NAME TEXT WHY: the DOM of NAME contains TEXT.
expect() {
  grep -qF -- "$2" "$SHOTS_DIR/$1.html" || fail "$1: $3 (missing: $2)"
}

# Home: title, latest articles, the province tile map, links to statistics and search.
shoot home / 1280 2200
shoot home-mobile / 390 2400
expect home '<h1>' "a page heading"
expect home 'class="cards"' "the latest articles"
expect home 'class="chart tilemap"' "the province tile map"
expect home 'role="group"' "the tile map as an SVG group"
expect home 'href="/stats/"' "a link to statistics"
expect home 'href="/search/"' "a link to search"
[ "$(grep -o '<rect' "$SHOTS_DIR/home.html" | wc -l)" -ge 34 ] || fail "home: fewer than 34 tiles on the map"

# An article: the first one on the home page.
article=$(grep -o 'href="/articles/[^"]*"' "$SHOTS_DIR/home.html" | head -n 1 | sed 's/^href="//; s/"$//')
[ -n "$article" ] || fail "home: no article link"
shoot article "$article" 1280 2000
expect article '<article class="article">' "the article"
expect article '<h1>' "the title"
expect article '<time' "the date"
expect article 'class="body"' "the body"
expect article '清理记录' "the cleaning report"

# A region page: the first region in the region tree.
shoot regions /regions/ 1280 1600
region=$(grep -o 'href="/regions/[^"]*/"' "$SHOTS_DIR/regions.html" | grep -v 'href="/regions/"' | head -n 1 | sed 's/^href="//; s/"$//')
[ -n "$region" ] || fail "regions: no region page linked"
shoot region "$region" 1280 1800
expect region 'class="cards"' "the region's articles"
expect region 'class="breadcrumb"' "the breadcrumb"

# Statistics: every chart with its table.
shoot stats /stats/ 1280 5200
for text in 'id="per-province"' 'id="map"' 'id="per-theme"' 'id="per-month"' 'id="heatmap"' 'id="keywords"' 'id="sources"' 'id="authors"' 'id="cleaning"'; do
  expect stats "$text" "a statistics section"
done
[ "$(grep -o '<svg' "$SHOTS_DIR/stats.html" | wc -l)" -ge 5 ] || fail "stats: fewer than five charts"
[ "$(grep -o '<table' "$SHOTS_DIR/stats.html" | wc -l)" -ge 5 ] || fail "stats: fewer than five tables"

# Search: the query is read from ?q=, results are built by search.js.
# search NAME QUERY ENCODED: results, a count and a highlighted snippet for QUERY.
search() {
  local name=$1 query=$2 encoded=$3
  shoot "$name" "/search/?q=$encoded" 1280 1600
  expect "$name" 'class="card search-result"' "results for $query"
  expect "$name" '找到' "the result count for $query"
  grep -q '<mark>[^<]*</mark>' "$SHOTS_DIR/$name.html" || fail "$name: no highlighted snippet for $query"
}
search search '工会驿站' '%E5%B7%A5%E4%BC%9A%E9%A9%BF%E7%AB%99'
search search-negotiation '集体协商' '%E9%9B%86%E4%BD%93%E5%8D%8F%E5%95%86'
search search-name '郑荣胜' '%E9%83%91%E8%8D%A3%E8%83%9C'
if [ -n "$SAMPLE" ]; then
  # The curated sample article about new-employment workers mentions 工会驿站.
  expect search '全总部署推进新就业形态劳动者入会和服务工作' "the curated article among the results for 工会驿站"
  expect search '<mark>工会驿站</mark>' "工会驿站 highlighted as a whole"
fi
chrome --dump-dom "$BASE/search/?q=%E8%BF%99%E4%B8%AA%E8%AF%8D%E4%B8%8D%E5%AD%98%E5%9C%A8" >"$SHOTS_DIR/search-none.html"
expect search-none '没有找到' "the no-result message"
if grep -q 'class="card search-result"' "$SHOTS_DIR/search-none.html"; then fail "search-none: results for a query with no match"; fi

# A missing page is the 404 page (python's server ignores 404.html; check the file itself).
shoot not-found /404.html 1280 900
expect not-found '返回首页' "the way home"

if grep -q 'Uncaught' "$WORK/chrome.log"; then
  grep 'Uncaught' "$WORK/chrome.log" >&2
  fail "JavaScript errors in the console"
fi
note "all checks passed; screenshots in $SHOTS_DIR"
