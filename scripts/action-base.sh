#!/usr/bin/env bash
# action.yml, step "Find the base": which commit the proposed files are compared with.
# Input "base" wins ("none": no comparison); else the pull request's base commit, else
# the commit before a push. The commit is fetched when a shallow checkout lacks it.
set -euo pipefail
base="${INPUT_BASE:-}"
if [ "$base" = "none" ]; then
    base=""
elif [ -z "$base" ]; then
    base="${PR_BASE_SHA:-}"
    if [ -z "$base" ] && [ -n "${PUSH_BEFORE:-}" ] && [ "${PUSH_BEFORE}" != "0000000000000000000000000000000000000000" ]; then
        base="$PUSH_BEFORE"
    fi
fi
if [ -n "$base" ] && ! git rev-parse --quiet --verify "$base^{commit}" >/dev/null 2>&1; then
    git fetch --quiet --no-tags --depth=1 origin "$base" || \
        echo "::warning title=configguard::cannot fetch base $base; check out with fetch-depth: 0"
fi
echo "base=$base" >> "${GITHUB_OUTPUT:-/dev/null}"
