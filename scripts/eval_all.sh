#!/usr/bin/env bash
# Build fresh homes from the evaluation corpora and run every gold eval on the current code.
#
#   scripts/eval_all.sh --root /path/to/devcorpus/files [--out DIR] [--fresh]
#
# --root  where the development corpus files are materialised (the manifests'
#         examples/devcorpus/manifest-*.tsv "file" column is relative to it)
# --out   where the homes and the JSON results go (default: ./eval-out; both homes are rebuilt)
# --fresh no devcorpus home: metadata and tasks are read from the files through the pipeline's
#         reading step (no embedding: faster on a small machine, but scans are OCR'd by both evals)
# Homes:
#   answers:   examples/corpus + examples/eval/extra-corpus + the manifest-qa.tsv documents,
#              plus the sample ideas (troly ideas import examples/ideas/y-tuong-mau.csv)
#   devcorpus: every document of every manifest (scans are OCR'd once, here)
# Then: eval metadata (stored in the devcorpus home), eval tasks (assignments gold over the same
# home), eval answers (answers home). Tables go to stdout, JSON to $OUT/*.json. Uses `troly` from
# PATH unless TROLY is set.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="" OUT="eval-out" FRESH=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ -n "$ROOT" ] || { echo "usage: $0 --root DIR [--out DIR] [--fresh]" >&2; exit 2; }
TROLY="${TROLY:-troly}"
GOLD=examples/devcorpus
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

manifest_files() {  # the "file" column of the given manifests, as paths under $ROOT
  for m in "$@"; do
    awk -F'\t' -v root="$ROOT" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "file") c = i; next }
                                 c && $c != "" { print root "/" $c }' "$m"
  done
}

echo "== answers home: sample corpus + extra corpus + QA documents + sample ideas"
rm -rf "$OUT/home-answers"
mapfile -t qa_files < <(manifest_files "$GOLD/manifest-qa.tsv")
TROLY_HOME="$OUT/home-answers" "$TROLY" ingest examples/corpus examples/eval/extra-corpus "${qa_files[@]}" \
  --json > "$OUT/ingest-answers.json" || echo "some answers-corpus files failed (see $OUT/ingest-answers.json)"
TROLY_HOME="$OUT/home-answers" "$TROLY" ideas import examples/ideas/y-tuong-mau.csv > /dev/null

rm -rf "$OUT/home-devcorpus"
if [ -z "$FRESH" ]; then
  echo "== devcorpus home: every manifest document (OCR for scans: slow)"
  mapfile -t dev_files < <(manifest_files "$GOLD"/manifest-*.tsv)
  TROLY_HOME="$OUT/home-devcorpus" "$TROLY" ingest "${dev_files[@]}" --json > "$OUT/ingest-devcorpus.json" \
    || echo "some devcorpus files failed (see $OUT/ingest-devcorpus.json)"
  METADATA_MODE=(--stored) TASKS_MODE=()
else
  METADATA_MODE=() TASKS_MODE=(--fresh)
fi

metadata_gold=() tasks_gold=()
for g in "$GOLD"/gold-metadata-*.jsonl; do [ -e "$g" ] && metadata_gold+=(--gold "$g"); done
for g in "$GOLD"/gold-tasks-*.jsonl; do [ -e "$g" ] && tasks_gold+=(--gold "$g"); done

run_eval() {  # name, home, eval arguments…: the table on stdout, the JSON in $OUT/name.json
  local name="$1" home="$2"
  shift 2
  echo "== eval $name"
  TROLY_HOME="$home" "$TROLY" eval "$@" --save "$OUT/$name.json" || true
}

[ ${#metadata_gold[@]} -gt 0 ] && run_eval metadata "$OUT/home-devcorpus" metadata "${metadata_gold[@]}" --root "$ROOT" "${METADATA_MODE[@]}"
[ ${#tasks_gold[@]} -gt 0 ] && run_eval tasks "$OUT/home-devcorpus" tasks "${tasks_gold[@]}" --root "$ROOT" "${TASKS_MODE[@]}"
run_eval answers "$OUT/home-answers" answers --gold examples/eval/answers-dev.jsonl
echo "JSON results in $OUT"
