#!/usr/bin/env bash
# After drift.sh on GitHub: keeps one open issue labelled flowlink-drift in
# step with the nightly result. Drift: comments the report on the open issue,
# or opens one with it. No drift: closes the open issue, saying so.
#   drift-issue.sh true|false REPORT_MD
# Needs the GitHub CLI (GH, default gh) with GH_TOKEN allowed to write issues.
set -euo pipefail

drift="${1:?usage: drift-issue.sh true|false REPORT_MD}"
report="${2:?usage: drift-issue.sh true|false REPORT_MD}"
gh="${GH:-gh}"
label="${DRIFT_LABEL:-flowlink-drift}"

open_issue="$("$gh" issue list --label "$label" --state open --limit 1 --json number --jq '.[0].number // empty')"
case "$drift" in
  true)
    if [[ -n "$open_issue" ]]; then
      "$gh" issue comment "$open_issue" --body-file "$report"
      echo "drift-issue.sh: updated issue #$open_issue"
    else
      "$gh" issue create --title "flowlink: live flows drifted from the manifests" --label "$label" \
        --body-file "$report"
      echo "drift-issue.sh: opened an issue"
    fi
    ;;
  false)
    if [[ -n "$open_issue" ]]; then
      "$gh" issue close "$open_issue" --comment "flowlink drift is clean again."
      echo "drift-issue.sh: closed issue #$open_issue"
    fi
    ;;
  *)
    echo "drift-issue.sh: the first argument must be true or false, not '$drift'" >&2
    exit 1
    ;;
esac
