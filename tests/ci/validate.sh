#!/usr/bin/env bash
# The CI examples are valid before anyone copies them: each GitHub workflow
# against GitHub's workflow schema (@action-validator/cli), the GitLab
# pipeline by check-gitlab-ci.js, every script they call present and
# executable, and the scripts free of bash syntax errors.
#   tests/ci/validate.sh REPO_ROOT
set -uo pipefail
root="${1:?usage: validate.sh REPO_ROOT}"
node_modules="$root/tests/node/node_modules"
validator="$node_modules/.bin/action-validator"
if [[ ! -x "$validator" || ! -d "$node_modules/yaml" ]]; then
  echo "validate.sh: $node_modules lacks @action-validator/cli or yaml; run scripts/install-deps"
  exit 1
fi

failures=0
for workflow in "$root"/examples/ci/github/*.yml; do
  if "$validator" "$workflow" >"${TMPDIR:-/tmp}/action-validator.$$" 2>&1; then
    echo "ok: $(basename "$workflow") is a valid GitHub workflow"
  else
    echo "FAIL: $(basename "$workflow"):"
    cat "${TMPDIR:-/tmp}/action-validator.$$"
    failures=$((failures + 1))
  fi
  rm -f "${TMPDIR:-/tmp}/action-validator.$$"
  for script in $(grep -oE '\$FLOWLINK_CI_SCRIPTS/[A-Za-z0-9_.-]+' "$workflow" | sort -u); do
    [[ -x "$root/examples/ci/scripts/${script#*/}" ]] ||
      { echo "FAIL: $(basename "$workflow") calls ${script#*/}, which is missing or not executable"; failures=$((failures + 1)); }
  done
  grep -q 'FLOWLINK_CI_SCRIPTS: examples/ci/scripts' "$workflow" ||
    { echo "FAIL: $(basename "$workflow") does not set FLOWLINK_CI_SCRIPTS"; failures=$((failures + 1)); }
done
NODE_PATH="$node_modules" node "$root/tests/ci/check-gitlab-ci.js" "$root/examples/ci/gitlab/.gitlab-ci.yml" "$root" ||
  failures=$((failures + 1))
for script in "$root"/examples/ci/scripts/*.sh; do
  bash -n "$script" || { echo "FAIL: $script has a syntax error"; failures=$((failures + 1)); }
done
[[ $failures -eq 0 ]] || { echo "$failures problem(s)"; exit 1; }
echo "the CI examples are valid"
