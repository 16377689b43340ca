#!/usr/bin/env bash
# CI step "drift" (nightly): do the live flows still match the manifests?
#   drift.sh OUT_DIR [more flowlink drift options, e.g. --check both]
# Writes OUT_DIR/drift.md (Markdown, the body of the drift issue), or
# OUT_DIR/drift.xml with DRIFT_FORMAT=junit (GitLab's test report).
# Environment as plan.sh (FLOWLINK, MANIFESTS, credentials, region, proxy).
# Exit: 0 no drift, 2 drift, 1 error ("drift=true|false" appended to
# $GITHUB_OUTPUT when set, so later steps can open or close the issue).
set -uo pipefail

out="${1:?usage: drift.sh OUT_DIR [flowlink drift options...]}"
shift
flowlink="${FLOWLINK:-flowlink}"
manifests="${MANIFESTS:-manifests/}"
format="${DRIFT_FORMAT:-markdown}"
case "$format" in
  markdown) report="$out/drift.md" ;;
  junit) report="$out/drift.xml" ;;
  *) echo "drift.sh: DRIFT_FORMAT must be markdown or junit, not '$format'" >&2; exit 1 ;;
esac
mkdir -p "$out" || exit 1

status=0
"$flowlink" drift -f "$manifests" --no-color --output "$format" "$@" >"$report" || status=$?
case "$status" in
  0) drift=false ;;
  2) drift=true ;;
  *)
    echo "drift.sh: flowlink drift failed (exit $status); see $report and the log above" >&2
    exit 1
    ;;
esac
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "drift=$drift" >>"$GITHUB_OUTPUT"; fi
echo "drift.sh: drift=$drift; $report"
exit "$status"
