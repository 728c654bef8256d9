#!/usr/bin/env bash
# CI fragment (called from .ci/run, as root): install Debian's chromium and
# check the HTML report in it — `verify report` writes the page, the Go
# browser tests open it headless, fail on a console message, a script error
# or a figure that is not laid out, and keep the page and its screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
	echo "== apt-get install chromium"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version

out="${OTV_SCREENSHOT_DIR:-$(mktemp -d)}"
mkdir -p "$out"
echo "== verify report"
go run ./cmd/verify report --out "$out/verify-report.html"
echo "== browser tests (page, screenshot and fault self-test)"
OTV_REQUIRE_BROWSER=1 OTV_SCREENSHOT_DIR="$out" OTV_REPORT_PAGE="$out/verify-report.html" go test -count=1 -v -run 'TestBrowser|TestReportFiguresAndCatalog|TestHTML' ./reports
echo "report, page and screenshot in $out"
