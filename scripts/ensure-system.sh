#!/usr/bin/env bash
# Make sure the system programs Gazette needs are installed (run before `npm start` and `npm test`).
# Fast when everything is present; as root with apt-get, installs what is missing; otherwise says
# exactly what to install and fails. To need another program, add one line to REQUIREMENTS.
set -euo pipefail

# command-to-check  Debian-package  why-it-is-needed
REQUIREMENTS=(
  "java  openjdk-17-jre-headless  DynamoDB Local (the embedded database) runs on Java 17 or newer"
)
# `ensure-system.sh bench`: what `npm run bench` needs on top (the Chromium anchor of the PDF bench).
if [ "${1:-}" = "bench" ]; then
  REQUIREMENTS+=("chromium  chromium  the PDF benchmark prints the same issue with headless Chromium as its anchor")
fi

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
  echo "(npm start / npm test install them automatically when run as root on a system with apt-get.)"
} >&2
exit 1
