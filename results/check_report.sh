#!/bin/sh
# Renders the generated report (results/report/report.html) in headless Chromium and checks that
# a non-empty screenshot comes out. Installs Chromium (Debian package `chromium`) if missing.
#
# Usage: results/check_report.sh [REPORT_DIR] [SCREENSHOT.png]
#   REPORT_DIR      directory holding report.html (default: results/report next to this script)
#   SCREENSHOT.png  where to write the screenshot (default: ${TMPDIR:-/tmp}/symsim-report.png, outside
#                   the repository so the image is not committed by accident)
# Environment: WINDOW (default 1100,20000) is the browser window size, width,height in pixels;
#   headless Chromium captures the window, so it must be tall enough for the page (the default
#   report is about 18,000 px tall at this width).
#
# Exit status: 0 when the screenshot was written and is a non-empty PNG; 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
report_dir=${1:-"$here/report"}
shot=${2:-"${TMPDIR:-/tmp}/symsim-report.png"}
window=${WINDOW:-1100,20000}
html="$report_dir/report.html"

fail() { echo "check_report: $*" >&2; exit 1; }

[ -s "$html" ] || fail "no report at $html (generate it with: swift run -c release Experiments report results/sweep.sqlite --out results/report)"

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "check_report: installing chromium (apt-get)" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
    command -v chromium >/dev/null 2>&1 || fail "chromium could not be installed"
    browser=chromium
fi

rm -f "$shot"
mkdir -p "$(dirname "$shot")"
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
# A private profile directory keeps the run independent of any browser state on the machine.
if ! "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
        --screenshot="$shot" --window-size="$window" "file://$(cd "$(dirname "$html")" && pwd)/report.html" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$browser exited with an error"
fi

[ -s "$shot" ] || { cat "$log" >&2; fail "no screenshot written at $shot"; }
# PNG signature: 89 50 4E 47 0D 0A 1A 0A.
sig=$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || fail "$shot is not a PNG (signature $sig)"
size=$(wc -c <"$shot" | tr -d ' ')
[ "$size" -gt 10000 ] || fail "$shot is suspiciously small ($size bytes): the page probably did not render"
echo "check_report: rendered $html with $browser to $shot ($size bytes, window $window)"
