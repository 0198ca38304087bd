#!/usr/bin/env bash
# `make demo`: check the last known good feature file, then the proposed one.
set -u
configguard=${1:-configguard}
cd "$(dirname "$0")"
echo "== The last known good feature file (61 features) =="
"$configguard" check --config configguard.yaml --schema schemas/bot-features.schema.json \
    last-known-good/features/features.json
echo
echo "== The proposed feature file, from the generator run after the permission change =="
echo "\$ configguard check"
"$configguard" check
status=$?
echo
if [ "$status" -eq 1 ]; then
    echo "configguard exited with 1: the change is blocked before rollout."
else
    echo "configguard exited with $status: expected 1 (blocked)." >&2
    exit 1
fi
