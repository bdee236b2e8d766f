#!/usr/bin/env bash
# Run the whole test suite, first installing what it needs:
#   pip:    the package with its test extra (pytest, Playwright, pypdf, check-jsonschema, zizmor, ...)
#   Debian: chromium, poppler-utils, fonts-noto-cjk, a Java runtime, nodejs and npm, each only when
#           missing; that needs root, or sudo (which asks for a password), the first time
#   npm:    the checkers in tests/tools (Nu Html Checker, axe-core, Lighthouse), with npm ci
# Arguments go to pytest: bash scripts/test.sh -k search
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -e '.[test]'

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium chromium-driver)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v node >/dev/null || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f tests/tools/package.json ] && [ ! -d tests/tools/node_modules ]; then
  (cd tests/tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

exec python -m pytest -n 2 "$@"
