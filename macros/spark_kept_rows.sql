{#- Spark overwrites whole partitions of an incremental model, and parquet
    cannot delete rows by key: the rows of the model's previous table to
    union to the new ones (`new_rows`, a CTE with the `key` columns and the
    `partition` column: the rows written, or the leads rescored), those
    whose key is not among the new rows in a partition a new row falls in.
    With `carried_from`, a date column of the new rows, a written key also
    keeps its previous rows dated (`carried_until`: valid_to, or
    activity_date) before that day, as the carry_forward strategy does on
    other targets. Nothing on other targets, where the rows are merged by
    key, or on a full refresh. By default the partition is the lead_bucket
    and the key a lead and model. -#}
{% macro spark_kept_rows(
    new_rows,
    partition='lead_bucket',
    key=['lead_id', 'model_id'],
    carried_from=none,
    carried_until='valid_to'
) %}
    {%- if target.type == 'spark' and is_incremental() %}
union all
select previous.*
from {{ this }} as previous
left join (
    select
        {{ key | join(', ') }}
        {%- if carried_from %}, min({{ carried_from }}) as {{ carried_from }}{% endif %}
    from {{ new_rows }}
    group by {{ key | join(', ') }}
) as written
    on
    {%- for column in key %}
        {% if not loop.first %}and {% endif -%}
        previous.{{ column }} = written.{{ column }}
    {%- endfor %}
where
    (
        written.{{ key[0] }} is null
        {%- if carried_from %}
        or previous.{{ carried_until }} < written.{{ carried_from }}
        {%- endif %}
    )
    and previous.{{ partition }} in (select {{ partition }} from {{ new_rows }})
    {%- endif %}
{% endmacro %}
