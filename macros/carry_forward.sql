{#- The incremental strategy of the score state and its segments
    (incremental_strategy='carry_forward', DuckDB and the adapters that
    delete by key): a run writes the rows of the leads it rescores from the
    day it rescores them from (rescored_from, a column of the new rows;
    empty: from the lead's first day) on. Their rows that ended before
    that day (valid_to) stay as they are; their other rows are replaced.
    A daily run so writes a lead's days since rescored_from, not its whole
    history. Spark overwrites partitions instead (spark_kept_rows). -#}
{% macro get_incremental_carry_forward_sql(arg_dict) %}
    {%- set columns = get_quoted_csv(
        arg_dict['dest_columns'] | map(attribute='name')
    ) %}
delete from {{ arg_dict['target_relation'] }} as kept
using (
    select distinct lead_id, model_id, rescored_from
    from {{ arg_dict['temp_relation'] }}
) as written
where
    kept.lead_id = written.lead_id
    and kept.model_id = written.model_id
    and (
        written.rescored_from is null
        or kept.valid_to is null
        or kept.valid_to >= written.rescored_from
    );

insert into {{ arg_dict['target_relation'] }} ({{ columns }})
select {{ columns }}
from {{ arg_dict['temp_relation'] }}
{% endmacro %}
