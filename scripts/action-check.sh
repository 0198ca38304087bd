#!/usr/bin/env bash
# action.yml, step "configguard check": annotations on stdout, the Markdown summary to the
# job summary, optional SARIF/JUnit files; the step fails with configguard's exit code.
set -uo pipefail
summary="${RUNNER_TEMP:-/tmp}/configguard-summary.md"
rm -f "$summary"
args=(check --format github)
[ -n "${CONFIGGUARD_BASE:-}" ] && args+=(--base "$CONFIGGUARD_BASE")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ "${INPUT_SUMMARY:-true}" = "true" ] && args+=(--output "markdown:$summary")
[ -n "${INPUT_SARIF:-}" ] && args+=(--output "sarif:$INPUT_SARIF")
[ -n "${INPUT_JUNIT:-}" ] && args+=(--output "junit:$INPUT_JUNIT")
# Word splitting is intended: "args" and "paths" are lists of words.
# shellcheck disable=SC2206
args+=(${INPUT_ARGS:-} ${INPUT_PATHS:-})
configguard "${args[@]}"
code=$?
if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
