"""工作计划落实: the year's work plan as a checklist with evidence (checklist), the 三会一课 台账 written
back in the meeting-ledger layout (ledger) and the 支委会's one-page brief (brief)."""
