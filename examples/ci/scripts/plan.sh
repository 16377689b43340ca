#!/usr/bin/env bash
# CI step "plan" (pull requests): plans the manifests against the org once and
# keeps both forms: the report for people and the saved plan that the apply
# step applies after the merge.
#   plan.sh OUT_DIR [more flowlink plan options, e.g. --api-url URL]
# Writes OUT_DIR/plan.json and OUT_DIR/plan.md (Markdown, for a PR comment),
# or OUT_DIR/plan.xml with PLAN_FORMAT=junit (GitLab's test report).
# Environment: FLOWLINK (the program; default flowlink on PATH), MANIFESTS
# (default manifests/), and flowlink's own: GENESYSCLOUD_REGION and
# GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET or GENESYSCLOUD_ACCESS_TOKEN, HTTPS_PROXY.
# Exit: 0 plan made, with or without changes ("changes=true|false" appended to
# $GITHUB_OUTPUT when set); 1 flowlink failed (the report is still written).
set -uo pipefail

out="${1:?usage: plan.sh OUT_DIR [flowlink plan options...]}"
shift
flowlink="${FLOWLINK:-flowlink}"
manifests="${MANIFESTS:-manifests/}"
format="${PLAN_FORMAT:-markdown}"
case "$format" in
  markdown) report="$out/plan.md" ;;
  junit) report="$out/plan.xml" ;;
  *) echo "plan.sh: PLAN_FORMAT must be markdown or junit, not '$format'" >&2; exit 1 ;;
esac
mkdir -p "$out" || exit 1

status=0
"$flowlink" plan -f "$manifests" --detailed-exitcode --no-color --output "$format" --out "$out/plan.json" "$@" \
  >"$report" || status=$?
case "$status" in
  0) changes=false ;;
  2) changes=true ;;
  *)
    echo "plan.sh: flowlink plan failed (exit $status); see $report and the log above" >&2
    exit 1
    ;;
esac
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "changes=$changes" >>"$GITHUB_OUTPUT"; fi
echo "plan.sh: changes=$changes; $report ($(wc -c <"$report") bytes), $out/plan.json"
