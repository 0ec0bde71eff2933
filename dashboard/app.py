"""The lead scoring dashboard (`make dashboard`): scores, the feedback loop,
model performance and each lead's story, read from the published copy of
the marts. What each page shows and how to read it: docs/dashboard.md."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # streamlit run adds it; AppTest does not
    sys.path.insert(0, str(HERE))

import warehouse  # noqa: E402

st.set_page_config(page_title="Lead scoring", layout="wide")
page = st.navigation(
    [
        st.Page(HERE / "views" / "overview.py", title="Overview", default=True),
        st.Page(HERE / "views" / "feedback.py", title="Feedback loop"),
        st.Page(HERE / "views" / "performance.py", title="Model performance"),
        st.Page(HERE / "views" / "lead.py", title="Lead"),
    ]
)
problem = warehouse.problem()
if problem:
    st.title(page.title)
    st.error(problem)
    st.stop()
warehouse.draw_filters()
page.run()
