#!/usr/bin/env bash
# `make demo`: check the last known good feature file, then the proposed one.
set -u
configguard=${1:-configguard}
# make passes a path relative to the repository: resolve it before changing folder
case "$configguard" in */*) configguard="$(cd "$(dirname "$configguard")" && pwd)/$(basename "$configguard")" ;; esac
cd "$(dirname "$0")"
echo "== The last known good feature file (61 features) =="
echo "\$ configguard check last-known-good/features/features.json"
"$configguard" check last-known-good/features/features.json
echo
echo "== The proposed feature file, from the generator run after the permission change =="
echo "\$ configguard check features/features.json"
"$configguard" check features/features.json
status=$?
echo
if [ "$status" -eq 1 ]; then
    echo "configguard exited with 1: the change is blocked before rollout."
else
    echo "configguard exited with $status: expected 1 (blocked)." >&2
    exit 1
fi
