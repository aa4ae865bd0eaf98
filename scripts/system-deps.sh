#!/usr/bin/env bash
# Debian packages troly needs beyond Python: OCR (Tesseract + Vietnamese model), .doc (antiword),
# a font with Vietnamese glyphs (tests render PDFs and scans), Chromium (web chat browser test),
# PostgreSQL (tests/test_postgres.py starts a throwaway server from its binaries), faketime (the
# suite runs once more with the clock moved, to show no test depends on the wall clock).
# Installs what is missing when run as root; otherwise says what to install and carries on.
set -u
pkgs=(tesseract-ocr tesseract-ocr-vie antiword fonts-dejavu-core chromium postgresql faketime)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "NOTE: missing system packages (OCR/browser/PostgreSQL tests will be skipped): ${missing[*]}" >&2
  echo "      install them with: sudo apt-get install ${missing[*]}" >&2
fi
exit 0
