#!/usr/bin/env bash
# CI step "apply" (after the merge): applies the plan saved by plan.sh, as it
# was reviewed. flowlink refuses a plan whose manifests differ from the
# checked-out ones and skips (exit 1) any flow changed since it was planned:
# re-run the plan then, never a fresh apply of unreviewed changes.
#   apply.sh PLAN_JSON [more flowlink apply options, e.g. --api-url URL]
# Environment as plan.sh (FLOWLINK, credentials, region, proxy).
# Exit: flowlink apply's: 0 every flow applied or already compliant, 1 not.
set -uo pipefail

plan="${1:?usage: apply.sh PLAN_JSON [flowlink apply options...]}"
shift
flowlink="${FLOWLINK:-flowlink}"
if [[ ! -s "$plan" ]]; then
  echo "apply.sh: no saved plan at $plan; the plan step's artifact is missing" >&2
  exit 1
fi
status=0
"$flowlink" apply "$plan" --auto-approve --no-color "$@" || status=$?
echo "apply.sh: flowlink apply exited $status"
exit "$status"
