"""指标说明: what every number on the dashboard means, with the values of the rules file in force."""

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import data, state
from dashboard import strings as S

ctx = state.page(S.PAGE_GLOSSARY)
rules = data.rules(ctx.branch)
explained = S.kpi_help(rules, S.period_words(ctx.period.previous()))

st.caption(S.RULES_NOTE.format(source=rules.source, sha=rules.sha256[:8]) + S.GLOSSARY_RULES_HINT)
# One Markdown document, not a heading and a paragraph per indicator: each element is a message the
# browser draws on its own, and eighteen of them were most of this page's switch (bench/results.md)
sections = [(title, explained[key].split(" 箭头：")[0]) for key, title in S.GLOSSARY_SECTIONS.items()]
sections.append((S.GLOSSARY_STARS, S.stars_rule(rules)))
st.markdown("\n\n".join(f"### {title}\n\n{ui.literal(text)}" for title, text in sections))

st.subheader(S.GLOSSARY_REQUIREMENTS)
requirements = pd.DataFrame(
    [
        {
            "requirement": name,
            "per": S.REQUIREMENT_PER[r["per"]],
            "required": r["count"],
            "also": "、".join(r.get("also", [])),
        }
        for name, r in rules["branch"]["requirements"].items()
    ]
)
ui.table(requirements, S.GLOSSARY_REQUIREMENTS, "requirements")

st.subheader(S.GLOSSARY_ITEMS)
items = pd.DataFrame(
    [{"item": k, "effect": S.EFFECT_BONUS, "value": float(v)} for k, v in rules["bonus"]["items"].items()]
    + [
        {"item": f"表彰（{k}）", "effect": S.EFFECT_BONUS, "value": float(v)}
        for k, v in rules["bonus"]["honour_levels"].items()
    ]
    + [
        {
            "item": rules["bonus"]["volunteer_item"],
            "effect": S.EFFECT_BONUS,
            "value": float(rules["bonus"]["volunteer_points"]),
        }
    ]
    + [{"item": k, "effect": S.EFFECT_DEDUCTION, "value": -float(v)} for k, v in rules["deduction"]["items"].items()]
    + [{"item": k, "effect": S.EFFECT_VETO, "value": None} for k in rules["veto"]["items"]]
)
ui.table(items, S.GLOSSARY_ITEMS, "items")
st.caption(
    S.GLOSSARY_ITEMS_NOTE.format(
        cap=rules["member"]["bonus_cap"],
        volunteer_cap=rules["bonus"]["volunteer_cap_per_period"],
        absence=rules["deduction"]["per_absence"],
        late=rules["deduction"]["per_late"],
        months=rules["veto"]["absent_months"],
        grade=rules["veto"]["appraisal_grade"],
    )
)
