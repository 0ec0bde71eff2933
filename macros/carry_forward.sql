{#- The incremental strategy of the score state, its segments and the
    matched activities (incremental_strategy='carry_forward', DuckDB and
    the adapters that delete by key): a run writes the rows of the leads it
    rescores from the day it rescores them from (rescored_from, a column of
    the new rows; empty: from the lead's first day) on. Their rows dated
    before that day stay as they are; their other rows are replaced. A
    row's date is the model's config carried_until: the day it ended
    (valid_to, the default; empty while open) or its activity_date. A daily
    run so writes a lead's days since rescored_from, not its whole history.
    The leads it rescores are those of the new rows, or with the config
    carried_leads, the rows that model (int_leads_rescored) wrote for this
    run: a model where a rescored lead can be left with no row (the matched
    activities) must not keep its old rows. Spark overwrites partitions
    instead (spark_kept_rows). -#}
{% macro get_incremental_carry_forward_sql(arg_dict) %}
    {%- set carried_until = config.get('carried_until', 'valid_to') %}
    {%- set carried_leads = config.get('carried_leads') %}
    {%- set columns = get_quoted_csv(
        arg_dict['dest_columns'] | map(attribute='name')
    ) %}
delete from {{ arg_dict['target_relation'] }} as kept
using (
    {%- if carried_leads %}
    select lead_id, model_id, rescored_from
    from {{ ref(carried_leads) }}
    where {{ scoring_window().rescored_rows }}
    {%- else %}
    select distinct lead_id, model_id, rescored_from
    from {{ arg_dict['temp_relation'] }}
    {%- endif %}
) as written
where
    kept.lead_id = written.lead_id
    and kept.model_id = written.model_id
    and (
        written.rescored_from is null
        or kept.{{ carried_until }} is null
        or kept.{{ carried_until }} >= written.rescored_from
    );

insert into {{ arg_dict['target_relation'] }} ({{ columns }})
select {{ columns }}
from {{ arg_dict['temp_relation'] }}
{% endmacro %}
