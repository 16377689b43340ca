#!/usr/bin/env bash
# The CI examples' shell steps (examples/ci/scripts/) against the emulator,
# as the pipelines run them: plan.sh on a pull request, apply.sh of that saved
# plan after the merge, drift.sh nightly (clean, then after a colleague's
# change in "the UI"), drift-issue.sh opening, updating and closing the drift
# issue (through a stand-in for the GitHub CLI that records its arguments:
# GitHub itself cannot run here), and their refusals.
#   tests/ci/run.sh REPO_ROOT BUILD_DIR
set -uo pipefail
root="${1:?usage: run.sh REPO_ROOT BUILD_DIR}"
build="${2:?usage: run.sh REPO_ROOT BUILD_DIR}"
scripts="$root/examples/ci/scripts"
export FLOWLINK="$build/flowlink" MANIFESTS="$root/manifests" NO_COLOR=1
emulator="$build/flowlink-emulator"

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# expect CODE DESCRIPTION COMMAND...: runs it (output to $work/last.log) and checks its exit code.
expect() {
  local expected=$1 what=$2 code=0
  shift 2
  "$@" >"$work/last.log" 2>&1 || code=$?
  if [[ $code -ne $expected ]]; then
    fail "$what: exit $code, expected $expected"
    sed 's/^/    /' "$work/last.log"
  else
    echo "ok: $what (exit $code)"
  fi
}

secret="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '[{"id":"flowlink-ci","secret":"%s","name":"flowlink CI"}]\n' "$secret" >"$work/clients.json"
export GENESYSCLOUD_OAUTHCLIENT_ID=flowlink-ci GENESYSCLOUD_OAUTHCLIENT_SECRET="$secret"
unset GENESYSCLOUD_ACCESS_TOKEN GENESYSCLOUD_REGION HTTPS_PROXY https_proxy
"$emulator" --state "$work/org" --seed "$root/examples/org" --clients "$work/clients.json" \
  --port-file "$work/port" --operation-delay-ms 10 --rate-limit 0 >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/port" ]] && break
  sleep 0.1
done
[[ -s "$work/port" ]] || { echo "FAIL: the emulator did not start"; cat "$work/emulator.log"; exit 1; }
api="http://127.0.0.1:$(cat "$work/port")"
org=(--api-url "$api" --work-dir "$work")

# Pull request: the plan, as a comment and as the saved plan.
export GITHUB_OUTPUT="$work/github-output"
expect 0 "plan.sh with changes to make" "$scripts/plan.sh" "$work/pr" "${org[@]}"
grep -qx 'changes=true' "$GITHUB_OUTPUT" || fail "plan.sh did not set changes=true"
grep -q 'Inbound_Sales_EMEA' "$work/pr/plan.md" || fail "plan.md does not name Inbound_Sales_EMEA"
grep -q '"format_version"' "$work/pr/plan.json" || fail "plan.json is no saved plan"
# GitLab's form: the same plan as a JUnit report, one failed case per flow to change.
PLAN_FORMAT=junit expect 0 "plan.sh with PLAN_FORMAT=junit" "$scripts/plan.sh" "$work/mr" "${org[@]}"
grep -q '^<?xml version="1.0"' "$work/mr/plan.xml" || fail "plan.xml is no XML document"
grep -q '<testcase classname="flows.inboundcall" name="Inbound_Sales_EMEA' "$work/mr/plan.xml" ||
  fail "plan.xml has no test case for Inbound_Sales_EMEA"
grep -q '<failure ' "$work/mr/plan.xml" || fail "plan.xml reports no flow to change as failed"

# After the merge: apply that plan; then nothing is left to plan.
expect 0 "apply.sh of the saved plan" "$scripts/apply.sh" "$work/pr/plan.json" "${org[@]}"
: >"$GITHUB_OUTPUT"
expect 0 "plan.sh after the apply" "$scripts/plan.sh" "$work/pr2" "${org[@]}"
grep -qx 'changes=false' "$GITHUB_OUTPUT" || fail "plan.sh after the apply did not set changes=false"
expect 1 "apply.sh of the same plan again (stale: the flows changed since)" \
  "$scripts/apply.sh" "$work/pr/plan.json" "${org[@]}"
grep -q 'stale' "$work/last.log" || { fail "the second apply did not call the plan stale"; cat "$work/last.log"; }
expect 1 "apply.sh without a plan" "$scripts/apply.sh" "$work/missing/plan.json" "${org[@]}"
grep -q 'no saved plan' "$work/last.log" || fail "apply.sh without a plan did not say so"

# Nightly: clean, then a colleague removes a call and publishes: drift.
: >"$GITHUB_OUTPUT"
expect 0 "drift.sh, clean" "$scripts/drift.sh" "$work/night1" "${org[@]}"
grep -qx 'drift=false' "$GITHUB_OUTPUT" || fail "drift.sh did not set drift=false"
flow_id=$(node -e 'const org = require(process.argv[1]);
  console.log(org.find((f) => f.name === "Inbound_Support_Main").id)' "$root/examples/org/org.json")
# Check-in and publish complete asynchronously, as in Genesys Cloud: a moment after each.
curl -fsS -X POST "$api/_emulator/act-as/alice/remove-call?flow=$flow_id&module=Common_Validation_Module" >/dev/null &&
  sleep 0.3 && curl -fsS -X POST "$api/_emulator/act-as/alice/publish?flow=$flow_id" >/dev/null ||
  fail "could not act as alice"
sleep 0.3
: >"$GITHUB_OUTPUT"
expect 2 "drift.sh after alice's change" "$scripts/drift.sh" "$work/night2" "${org[@]}"
grep -qx 'drift=true' "$GITHUB_OUTPUT" || fail "drift.sh did not set drift=true"
grep -q 'Inbound_Support_Main' "$work/night2/drift.md" || fail "drift.md does not name Inbound_Support_Main"

# The drift issue: opened, then updated, then closed.
cat >"$work/gh" <<'FAKE'
#!/usr/bin/env bash
# Stands in for the GitHub CLI: records each call; `issue list` answers the
# number in $GH_OPEN_ISSUE (empty: no open issue).
printf '%s\n' "$*" >>"$GH_CALLS"
if [[ "$1 $2" == "issue list" ]]; then echo "${GH_OPEN_ISSUE:-}"; fi
FAKE
chmod +x "$work/gh"
export GH="$work/gh" GH_CALLS="$work/gh-calls"
GH_OPEN_ISSUE="" expect 0 "drift-issue.sh with drift and no open issue" \
  "$scripts/drift-issue.sh" true "$work/night2/drift.md"
grep -q "^issue create .*--label flowlink-drift --body-file $work/night2/drift.md" "$GH_CALLS" ||
  fail "drift-issue.sh did not open an issue with the report"
GH_OPEN_ISSUE=7 expect 0 "drift-issue.sh with drift and issue #7 open" \
  "$scripts/drift-issue.sh" true "$work/night2/drift.md"
grep -q "^issue comment 7 --body-file $work/night2/drift.md" "$GH_CALLS" || fail "drift-issue.sh did not comment on #7"
GH_OPEN_ISSUE=7 expect 0 "drift-issue.sh when clean with #7 open" "$scripts/drift-issue.sh" false "$work/night1/drift.md"
grep -q "^issue close 7" "$GH_CALLS" || fail "drift-issue.sh did not close #7"
[[ $(grep -c '^issue create' "$GH_CALLS") -eq 1 ]] || fail "drift-issue.sh opened more than one issue"

# Errors are exit 1, never "no changes" or "no drift".
GENESYSCLOUD_OAUTHCLIENT_SECRET=wrong-secret expect 1 "plan.sh with a wrong secret" \
  "$scripts/plan.sh" "$work/bad" "${org[@]}"
PLAN_FORMAT=html expect 1 "plan.sh with PLAN_FORMAT=html" "$scripts/plan.sh" "$work/bad" "${org[@]}"
MANIFESTS="$root/examples/broken-manifests" expect 1 "drift.sh with a broken manifest" \
  "$scripts/drift.sh" "$work/bad" "${org[@]}"
if grep -rqF "$secret" "$work/pr" "$work/pr2" "$work/night1" "$work/night2" "$work/bad" 2>/dev/null; then
  fail "the client secret is in a report"
fi

[[ $failures -eq 0 ]] || { echo "$failures check(s) failed"; exit 1; }
echo "the CI scripts did what the pipelines expect"
