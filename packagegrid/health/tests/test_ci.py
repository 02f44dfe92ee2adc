"""CI matrix parsers: tox.ini envlists, GitHub Actions matrices and noxfiles."""

from packagegrid.health.ci import (
    expand_braces,
    feature_version,
    merge,
    nox_versions,
    tox_versions,
    workflow_versions,
)


def test_it_expands_tox_braces() -> None:
    assert expand_braces("py{310,311}-django{42,50}") == [
        "py310-django42",
        "py310-django50",
        "py311-django42",
        "py311-django50",
    ]
    assert expand_braces("py3{10,11}-dj{42,52}")[0] == "py310-dj42"


def test_it_reads_a_tox_envlist_with_groups_and_lines() -> None:
    text = """
[tox]
envlist =
    py3{10,11}-dj{42,52}
    py312-django{5.1, 5.2}, py313-djangomain
    docs, lint
[testenv]
deps = django42: Django>=4.2,<5.0
"""
    found = tox_versions(text)
    assert found["python"] == {"3.10", "3.11", "3.12", "3.13"}
    assert found["django"] == {"4.2", "5.1", "5.2"}  # "djangomain" names no release
    assert found["wagtail"] == set()


def test_it_reads_wagtail_factors_and_dotted_python() -> None:
    found = tox_versions("[tox]\nenvlist = py3.13-wagtail{63,70}-dj52\n")
    assert found == {"python": {"3.13"}, "django": {"5.2"}, "wagtail": {"6.3", "7.0"}}


def test_it_reads_nothing_from_a_broken_or_empty_tox_file() -> None:
    assert tox_versions("not an ini [[[")["django"] == set()
    assert tox_versions("[testenv]\ncommands = pytest\n")["python"] == set()


def test_it_reads_a_github_actions_matrix_with_include() -> None:
    text = """
name: Tests
on: [push]
jobs:
  tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.10", "3.11", 3.12, "pypy3.10"]
        django-version: ["4.2", "5.2.*", "main"]
        include:
          - python-version: "3.13"
            django-version: "6.0"
    steps:
      - uses: actions/checkout@v4
  lint:
    runs-on: ubuntu-latest
    steps: []
"""
    found = workflow_versions(text)
    assert found["python"] == {"3.10", "3.11", "3.12", "3.13"}
    assert found["django"] == {"4.2", "6.0"}  # "5.2.*" and "main" name no release


def test_it_reads_nothing_from_broken_yaml_or_no_jobs() -> None:
    assert workflow_versions("jobs: [unclosed")["python"] == set()
    assert workflow_versions("name: x\n")["python"] == set()
    assert workflow_versions("- a list\n")["django"] == set()


def test_it_reads_a_noxfile_without_running_it() -> None:
    text = """
import nox

raise SystemExit("a noxfile is never executed")

@nox.session(python=["3.11", "3.12", "3.13"])
@nox.parametrize("django", ["4.2", "5.2", "main"])
def tests(session, django):
    session.install(f"django=={django}")

@nox.session(python="3.12")
def lint(session):
    pass
"""
    found = nox_versions(text)
    assert found["python"] == {"3.11", "3.12", "3.13"}
    assert found["django"] == {"4.2", "5.2"}
    assert nox_versions("def broken(:\n")["python"] == set()


def test_it_reads_feature_versions_and_merges() -> None:
    assert feature_version("3.10.4") == "3.10"
    assert feature_version("5.2rc1") == "5.2"
    assert feature_version(3.1) == "3.1"
    assert feature_version(True) is None
    assert feature_version("3.x") is None
    merged = merge([{"python": {"3.12"}}, {"python": {"3.13"}, "django": {"5.2"}}])
    assert merged == {"python": {"3.12", "3.13"}, "django": {"5.2"}, "wagtail": set()}
