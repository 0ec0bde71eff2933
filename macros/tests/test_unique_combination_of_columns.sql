{#- Fails with every combination of the columns that occurs more than once.
    With `written_by`, a column whose largest value marks the rows the last
    run wrote (scored_at, say), an incremental build checks only the keys
    of those rows, against every row of the table: the cost follows what
    the run wrote, and a kept row that shares a key with a new one still
    fails. A full refresh, and a table whose every row the last run wrote
    (a first build, or `dbt test` after a full refresh), check every row in
    one aggregation: joining every key with every row needs twice the
    memory, and ran out of it at a million leads. -#}
{% test unique_combination_of_columns(
    model, combination_of_columns, written_by=none
) %}
{%- set columns = combination_of_columns %}
{%- set checks_every_row = written_by is none or flags.FULL_REFRESH %}
{#- Not before the table exists (dbt compile on an empty warehouse). #}
{%- if not checks_every_row and execute and load_relation(model) is not none %}
    {%- set kept_rows = run_query(
        "select 1 from " ~ model ~ " where " ~ written_by
        ~ " < (select max(" ~ written_by ~ ") from " ~ model ~ ") limit 1"
    ) %}
    {%- set checks_every_row = kept_rows.rows | length == 0 %}
{%- endif %}
{%- if checks_every_row %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{%- else %}

select
    {% for column in columns -%}
        checked.{{ column }},
    {% endfor -%}
    count(*) as occurrences
from {{ model }} as checked
inner join (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ written_by }} = (select max({{ written_by }}) from {{ model }})
) as written
    on
    {%- for column in columns %}
        {% if not loop.first %}and {% endif -%}
        checked.{{ column }} = written.{{ column }}
    {%- endfor %}
group by
    {%- for column in columns %}
        checked.{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
having count(*) > 1

{%- endif %}
{% endtest %}
