-- The score state read by segment: one row per lead, scored model, segment
-- (the days from one change day to the next, the `_fit` rows of
-- int_score_state) and component, with the category rows that hold through
-- it. A category row is written once per change of its points; this view
-- gives it each segment's dates and latest activity, which its decay on a
-- day needs (see the macros lead_scores_on and decay_factor_on).
{{ config(materialized='view') }}
{{ score_components() }}
