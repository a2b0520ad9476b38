"""Charts keep fixed margins (charts.py's template), so what must fit is decided when a figure is built."""

import pandas as pd

from dashboard import charts, frames


def _groups(n: int) -> pd.DataFrame:
    groups = [f"第{i}党小组" for i in range(1, n + 1)]
    return pd.DataFrame(
        [{"period": p, "party_group": g, "index": 60 + i} for i, g in enumerate(groups) for p in ("2025-01", "2025-02")]
    )


def test_a_few_groups_keep_their_legend_under_the_plot():
    fig = charts.by_group_lines(_groups(3), "period", "index", "party_group", "三个党小组")
    assert fig.layout.legend.orientation is None  # the template's: horizontal, at the figure's foot
    assert fig.layout.template.layout.legend.orientation == "h"


def test_a_legend_that_would_need_three_rows_at_phone_width_goes_beside_the_plot():
    fig = charts.by_group_lines(_groups(7), "period", "index", "party_group", "七个党小组")
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x > 1
    assert fig.layout.margin.r >= charts._text_width(["第7党小组"])  # room for the names beside it


def test_long_branch_names_are_shortened_on_the_axis_only():
    long = "城南实验教育集团（初中部）党支部"
    mix = pd.DataFrame(
        [{"branch": long, **{f"stars_{s}": s for s in range(1, 6)}}, {"branch": "北苑小学党支部"}]
    ).fillna(1)
    fig = charts.member_mix(mix, "星级构成")
    axis = fig.layout.yaxis
    assert list(axis.tickvals) == [long, "北苑小学党支部"]  # the bars' own values, so every label finds its bar
    assert axis.ticktext[0] == long[:11] + "…" and axis.ticktext[1] == "北苑小学党支部"
    assert long in set(fig.data[0].y)  # in full on hover
    assert fig.layout.margin.l <= charts._text_width([long[:11] + "…"])


def test_a_chart_is_made_once_for_the_same_data_and_again_for_other_data():
    """The chart cache keys a frame by its pickle's digest: a copy is the same key, another value
    or another dtype is another key (a miss, never a wrong chart)."""
    frame = pd.DataFrame({"period": ["2025-11", "2025-12"], "index": [80.0, 81.5]})
    assert frames.fingerprint(frame) == frames.fingerprint(frame.copy())
    assert frames.fingerprint(frame) != frames.fingerprint(frame.assign(index=[80.0, 81.6]))
    assert frames.fingerprint(frame) != frames.fingerprint(frame.astype({"index": "float32"}))
    assert frames.fingerprint(frame) != frames.fingerprint(frame.rename(columns={"index": "score"}))


def test_a_finished_chart_hands_streamlit_the_same_dict_every_run():
    frame = pd.DataFrame({"period": ["2025-11", "2025-12"], "index": [80.0, 81.5], "party_group": ["第一党小组"] * 2})
    fig = charts.by_group_lines(frame, "period", "index", "party_group", "标题")
    assert isinstance(fig, charts.Finished)
    assert fig.to_dict() is fig.to_dict()
    assert fig.to_dict()["data"][0]["y"] is not None and fig.to_dict()["layout"]["title"]["text"] == "标题"
