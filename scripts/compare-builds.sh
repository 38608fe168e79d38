#!/usr/bin/env bash
# Build the same content with two versions of the code and compare every public byte: how a
# restructuring that must change no output is checked (issue #15). Usage:
#   bash scripts/compare-builds.sh [REF] [DOCUMENTS]
# REF (default HEAD) is checked out into a temporary git worktree beside the working tree, which
# is the other side. Both build, as fresh processes with the same clock and no signing key,
#   1. the example content in content/, with PDFs, and
#   2. the benchmark corpus (bench/corpus.ts, DOCUMENTS documents, default 2000), without PDFs,
# into their own data folders, and every file under objects/site/ (the public site: pages, PDFs,
# feeds, search, sitemaps, API, manifest) is compared byte for byte. Exits 1 on any difference.
# The render fingerprint hashes the render code itself, and the digests published in the API and
# the deposits include it: both sides pin that part (GAZETTE_CODE_FINGERPRINT), so any other change
# of the code that changes a byte shows. Keep the folders to look at them: KEEP=1.
set -euo pipefail

ref="${1:-HEAD}"
documents="${2:-2000}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$repo" worktree remove --force "$work/code" >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] && echo "kept: $work" >&2 || rm -rf "$work"' EXIT

git -C "$repo" worktree add --detach "$work/code" "$ref" >/dev/null
ln -s "$repo/node_modules" "$work/code/node_modules"

# The corpus comes from this tree's generator, so both sides build the very same files.
(cd "$repo" && node --import tsx --input-type=module -e "
  const { generateCorpus, writeCorpus } = await import('./bench/corpus.ts');
  await writeCorpus(generateCorpus(Number(process.argv[1])), process.argv[2]);
" "$documents" "$work/corpus")

build() { # side-folder code-folder
  local side="$1" code="$2"
  # GAZETTE_SOURCES=tsx: each side runs its own sources, not a bundle cached for the other.
  (cd "$code" && env -u GAZETTE_SIGNING_KEY GAZETTE_SOURCES=tsx GAZETTE_CODE_FINGERPRINT=compare node bin/gazette.js build \
    --content content --data "$work/$side/example" --now 2010-06-01T09:00:00+08:00 >/dev/null)
  (cd "$code" && env -u GAZETTE_SIGNING_KEY GAZETTE_SOURCES=tsx GAZETTE_CODE_FINGERPRINT=compare node bin/gazette.js build \
    --content "$work/corpus" --data "$work/$side/corpus" --no-pdf --now 2010-06-01T09:00:00+08:00 >/dev/null)
}

echo "Building with $ref ($(git -C "$repo" rev-parse --short "$ref"))…"
build before "$work/code"
echo "Building with the working tree…"
build after "$repo"

status=0
for set in example corpus; do
  count=$(find "$work/after/$set/objects/site" -type f | wc -l)
  if differing=$(diff -r -q "$work/before/$set/objects/site" "$work/after/$set/objects/site"); then
    echo "$set: $count public files, byte-identical"
  else
    echo "$differing" | sed "s|$work/||g" | head -20 >&2
    echo "$set: $(echo "$differing" | wc -l) of $count public files differ; the first one:" >&2
    first=$(echo "$differing" | head -1 | awk '{print $2}')
    diff <(fold -w 160 "$first") <(fold -w 160 "${first/\/before\//\/after\/}") | head -20 >&2 || true
    status=1
  fi
done
exit $status
