{#- Spark overwrites whole partitions (lead_bucket) of an incremental
    model, and parquet cannot delete rows by key: the rows of the model's
    previous table to union to the new ones (`new_rows`, a CTE with
    lead_id, model_id and lead_bucket), those of the leads and models not
    in it that share a partition with one that is. Nothing on other
    targets, where the rows are merged by key, or on a full refresh. -#}
{% macro spark_kept_rows(new_rows) %}
    {%- if target.type == 'spark' and is_incremental() %}
union all
select previous.*
from {{ this }} as previous
left join (select distinct lead_id, model_id from {{ new_rows }}) as written
    on
        previous.lead_id = written.lead_id
        and previous.model_id = written.model_id
where
    written.lead_id is null
    and previous.lead_bucket in (select lead_bucket from {{ new_rows }})
    {%- endif %}
{% endmacro %}
