#!/usr/bin/env bash
# `make demo`: check the last known good feature file, then the proposed one.
set -u
configguard=${1:-configguard}
case "$configguard" in  # a relative path must survive the cd below
    */*) configguard="$(cd "$(dirname "$configguard")" && pwd)/$(basename "$configguard")" ;;
esac
cd "$(dirname "$0")"
echo "== The last known good feature file (61 features) =="
echo "\$ configguard check last-known-good/features/features.json"
"$configguard" check last-known-good/features/features.json
echo
echo "== The proposed feature file, from the generator run after the permission change =="
echo "\$ configguard check features/features.json --base-path last-known-good"
"$configguard" check features/features.json --base-path last-known-good
status=$?
echo
if [ "$status" -eq 1 ]; then
    echo "configguard exited with 1: the change is blocked before rollout."
else
    echo "configguard exited with $status: expected 1 (blocked)." >&2
    exit 1
fi
echo
echo "== Before any bad file existed: fuzz the loader, starting from the deployed file =="
echo "\$ configguard fuzz last-known-good --seed 20251118 --max-examples 2000"
"$configguard" fuzz last-known-good --seed 20251118 --max-examples 2000
status=$?
echo
if [ "$status" -eq 1 ]; then
    echo "configguard fuzz exited with 1: the latent 200-feature limit is found from the 61-feature file."
else
    echo "configguard fuzz exited with $status: expected 1 (latent bug found)." >&2
    exit 1
fi
