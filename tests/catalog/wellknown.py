"""Twenty well-known files at their usual paths, some invalid, for the zero-config tests."""

from __future__ import annotations

from pathlib import Path

VALID = {
    ".github/workflows/ci.yml": """
        name: ci
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: make test
    """,
    ".github/dependabot.yml": """
        version: 2
        updates:
          - package-ecosystem: pip
            directory: /
            schedule: {interval: weekly}
    """,
    ".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n",
    ".github/FUNDING.yml": "github: [octocat]\n",
    "action.yml": """
        name: greet
        description: Say hello
        runs:
          using: node20
          main: index.js
    """,
    ".pre-commit-config.yaml": """
        repos:
          - repo: https://github.com/pre-commit/pre-commit-hooks
            rev: v4.6.0
            hooks:
              - id: trailing-whitespace
    """,
    "tsconfig.json": '{"compilerOptions": {"strict": true, "target": "ES2022"}}\n',
    "renovate.json": '{"extends": ["config:recommended"]}\n',
    "codecov.yml": "coverage:\n  status:\n    project: {default: {target: 80%}}\n",
    ".travis.yml": "language: python\npython: ['3.12']\nscript: make test\n",
    "kustomization.yaml": "resources: [deployment.yaml]\n",
    ".prettierrc": '{"semi": false, "singleQuote": true}\n',
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
    "web/package.json": '{"name": "web", "version": "1.0.0", "private": true}\n',
}

INVALID = {
    # steps must be a list
    ".github/workflows/release.yaml": "on: push\njobs:\n  b:\n    runs-on: linux\n    steps: 3\n",
    # "version" is a string in package.json
    "package.json": '{"name": "demo", "version": 3}\n',
    # an action needs a description
    ".github/actions/build/action.yaml": "name: build\nruns:\n  using: composite\n  steps: []\n",
    # Chart.yaml needs apiVersion, name, version
    "charts/web/Chart.yaml": "name: web\n",
    # a Drone pipeline's type is one of a few
    ".drone.yml": "kind: pipeline\ntype: dockerr\nname: default\nsteps: []\n",
    # a Cloud Build timeout is a duration string
    "cloudbuild.yaml": "steps: []\ntimeout: 5\n",
}

NOT_VENDORED = {
    # hosted elsewhere by their projects: a note, never fetched
    ".gitlab-ci.yml": "test:\n  script: [make test]\n",
}


def write(root: Path) -> None:
    import textwrap

    for name, text in {**VALID, **INVALID, **NOT_VENDORED}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
