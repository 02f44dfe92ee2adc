"""Model 3: dependents in popularity, outdated Django pins in compatibility."""

from datetime import date

from packagegrid.health.model import (
    MODEL_VERSION,
    DirectoryContext,
    Factor,
    PackageFacts,
    assess,
)

CONTEXT = DirectoryContext(
    today=date(2026, 12, 6),
    supported_django=frozenset({"5.2", "6.0"}),
    supported_python=frozenset({"3.12", "3.13"}),
    dependents=(0, 0, 0, 1, 4),
)


def _factor(facts: PackageFacts, name: str) -> Factor:
    return next(f for f in assess(facts, CONTEXT).factors if f.name == name)


def test_it_is_model_3() -> None:
    assert MODEL_VERSION == "3"


def test_it_scores_dependents_as_a_percentile_of_the_directory() -> None:
    found = _factor(PackageFacts(dependents=4), "dependents")
    assert (found.axis, found.value, found.points, found.max_points) == (
        "popularity",
        4,
        20,
        20,
    )
    assert found.explanation == (
        "required by 4 packages in the directory; 100% of the directory's packages have "
        "as many dependents or fewer."
    )
    assert _factor(PackageFacts(dependents=1), "dependents").points == 16
    assert _factor(PackageFacts(), "dependents").points == 0


def test_an_outdated_pin_costs_compatibility_points_and_is_explained() -> None:
    clean = assess(PackageFacts(), CONTEXT)
    pinned = assess(PackageFacts(outdated_pins=("Django<4",)), CONTEXT)
    factor = next(f for f in pinned.factors if f.name == "outdated_pins")
    assert (factor.value, factor.points, factor.max_points) == (("Django<4",), 0, 20)
    assert factor.explanation == "Django<4 excludes every Django in support (5.2, 6.0)."
    clean_factor = next(f for f in clean.factors if f.name == "outdated_pins")
    assert (clean_factor.points, clean_factor.max_points) == (0, 0)


def test_a_pin_lowers_the_compatibility_axis_of_an_otherwise_compatible_package() -> None:
    compatible = {"django": {"5.2": ["classifiers"]}, "python": {"3.13": ["classifiers"]}}
    clean = assess(PackageFacts(compatibility=compatible), CONTEXT)
    pinned = assess(
        PackageFacts(compatibility=compatible, outdated_pins=("django-stuck (requires Django<4)",)),
        CONTEXT,
    )
    assert pinned.axes["compatibility"] < clean.axes["compatibility"]
    assert pinned.score < clean.score
