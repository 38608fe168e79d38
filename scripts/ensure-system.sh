#!/usr/bin/env bash
# Make sure the system programs Gazette needs are installed (run before `npm start`, `npm test`
# and `npm run bench`). Fast when everything is present; as root with apt-get, installs what is
# missing; otherwise says exactly what to install and fails. To need another program, add one
# line to the list of the mode that needs it.
#   ensure-system.sh            what `npm start` needs: nothing beyond Node (the default stores are
#                               files and SQLite, built into the better-sqlite3 package)
#   ensure-system.sh aws-local  Java, for `gazette … --stores aws-local` (DynamoDB Local)
#   ensure-system.sh test       Java (the AWS adapters' tests run against DynamoDB Local),
#                               Chromium, for the browser tests (accessibility, keyboard, reflow, search),
#                               and poppler's pdftotext/pdfinfo, which read PDFs back in the publish tests
#   ensure-system.sh bench      Java (the emulator rows) and Chromium, the anchor of the PDF benchmark
set -euo pipefail

# command-to-check  Debian-package  why-it-is-needed
JAVA="java  openjdk-17-jre-headless  DynamoDB Local (the AWS emulator for the DynamoDB adapter's tests and --stores aws-local) runs on Java 17 or newer"
REQUIREMENTS=()
case "${1:-}" in
  aws-local)
    REQUIREMENTS+=("$JAVA")
    ;;
  test)
    REQUIREMENTS+=("$JAVA")
    REQUIREMENTS+=("pdftotext  poppler-utils  the interface-text and site-settings tests read the PDFs back with poppler's pdftotext and pdfinfo")
    # GAZETTE_CHROMIUM names another Chromium or Chrome executable instead (test/helpers/browser.ts).
    if [ -z "${GAZETTE_CHROMIUM:-}" ] || [ ! -x "${GAZETTE_CHROMIUM}" ]; then
      REQUIREMENTS+=("chromium  chromium  the browser tests open every page template in headless Chromium (axe-core, keyboard, 360 px and 200% zoom, search)")
    fi
    ;;
  bench)
    REQUIREMENTS+=("$JAVA")
    REQUIREMENTS+=("chromium  chromium  the PDF benchmark prints the same issue with headless Chromium as its anchor")
    ;;
  "") ;;
  *)
    echo "usage: ensure-system.sh [aws-local|test|bench]" >&2
    exit 2
    ;;
esac

missing_packages=()
missing_reasons=()
for requirement in "${REQUIREMENTS[@]}"; do
  read -r command package reason <<<"$requirement"
  if ! command -v "$command" >/dev/null 2>&1; then
    missing_packages+=("$package")
    missing_reasons+=("  - $command ($package): $reason")
  fi
done

[ ${#missing_packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "gazette: installing ${missing_packages[*]} (needed once)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null; then
    exit 0
  fi
  echo "gazette: apt-get could not install ${missing_packages[*]} (see its messages above)." >&2
fi

{
  echo "gazette: these programs are missing:"
  printf '%s\n' "${missing_reasons[@]}"
  echo "Install them, e.g. on Debian/Ubuntu as root:"
  echo "  apt-get update && apt-get install -y ${missing_packages[*]}"
  echo "(npm test and npm run bench install them automatically when run as root on a system with apt-get;"
  echo " so does \`bash scripts/ensure-system.sh aws-local\` for --stores aws-local.)"
} >&2
exit 1
