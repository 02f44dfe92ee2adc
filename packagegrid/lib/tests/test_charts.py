"""The server-rendered SVG charts."""

from datetime import date

from packagegrid.lib.charts import NOT_ENOUGH_HISTORY, Bar, bar_chart, change_summary, line_chart


def test_a_line_needs_two_points() -> None:
    assert NOT_ENOUGH_HISTORY in line_chart(points=[], title="Stars", summary="")
    one = line_chart(points=[(date(2026, 1, 1), 5)], title="Stars", summary="")
    assert NOT_ENOUGH_HISTORY in one
    assert "<svg" not in one


def test_a_line_is_an_accessible_image_placed_by_date() -> None:
    points = [(date(2026, 1, 1), 120), (date(2026, 1, 2), 130), (date(2026, 12, 31), 340)]
    svg = line_chart(
        points=points, title="Stars over time", summary=change_summary("Stars", points)
    )
    assert 'role="img"' in svg
    assert "<title>Stars over time</title>" in svg
    assert 'aria-label="Stars grew from 120 to 340 between Jan 2026 and Dec 2026"' in svg
    # The first point sits bottom left, the last top right; the second is one day along.
    assert 'points="56,120 57,' in svg
    assert " 636,8" in svg
    assert ">340</text>" in svg
    assert ">120</text>" in svg


def test_summaries_say_which_way_numbers_went() -> None:
    day1, day2 = date(2026, 1, 1), date(2026, 3, 1)
    assert change_summary("Forks", [(day1, 9), (day2, 4)]) == (
        "Forks fell from 9 to 4 between Jan 2026 and Mar 2026"
    )
    assert change_summary("Forks", [(day1, 1200), (day2, 1200)]) == (
        "Forks stayed at 1,200 between Jan 2026 and Mar 2026"
    )
    assert change_summary("Forks", [(day1, 1)]) == ""


def test_a_flat_line_is_drawn() -> None:
    points = [(date(2026, 1, 1), 7), (date(2026, 1, 1), 7)]
    assert "<polyline" in line_chart(points=points, title="t", summary="s")


def test_every_text_is_escaped() -> None:
    bars = [Bar(label="<b>", parts=(1,), detail='"><script>x</script>')]
    svg = bar_chart(bars=bars, title="<script>t</script>", summary='a" onload="x')
    assert "<script>" not in svg
    assert "&lt;script&gt;t&lt;/script&gt;" in svg
    assert 'aria-label="a&quot; onload=&quot;x"' in svg
    assert "&lt;b&gt;" in svg
    assert 'onload="x' not in svg
    line = line_chart(
        points=[(date(2026, 1, 1), 1), (date(2026, 2, 1), 2)], title="<i>", summary="<i>"
    )
    assert "<i>" not in line


def test_bars_stack_their_parts_and_scale_to_the_tallest() -> None:
    bars = [
        Bar(label="2025 Q1", parts=(2, 2), detail="2025 Q1: 4 releases, 2 yanked"),
        Bar(label="2025 Q2", parts=(0, 0), detail="2025 Q2: 0 releases"),
        Bar(label="2025 Q3", parts=(1, 0), detail="2025 Q3: 1 release"),
    ]
    svg = bar_chart(
        bars=bars, title="Releases", summary="5 releases", part_classes=("kept", "yanked")
    )
    assert svg.count('class="kept"') == 2
    assert svg.count('class="yanked"') == 1
    # The tallest bar (4) fills the plot's 112 units; its halves are 56 each.
    assert 'class="kept" x="56" y="64" width="192" height="56"' in svg
    assert 'class="yanked" x="56" y="8" width="192" height="56"' in svg
    assert "<title>2025 Q2: 0 releases</title>" in svg
    assert ">2025 Q1</text>" in svg
    assert ">2025 Q3</text>" in svg


def test_no_bars_show_the_note() -> None:
    html = bar_chart(bars=[], title="Commits", summary="", empty_note="Unknown.")
    assert "Unknown." in html
    assert "<svg" not in html


def test_many_bars_fit() -> None:
    bars = [Bar(label=str(i), parts=(i,), detail=f"{i}") for i in range(52)]
    svg = bar_chart(bars=bars, title="Commits", summary="1,326 commits")
    assert svg.count("<rect") == 51  # the zero week draws no rectangle
    assert 'aria-label="1,326 commits"' in svg
