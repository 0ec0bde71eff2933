{#- Why a raw row cannot be used, null when it can: the first that applies
    of a column of `uncastable` whose value did not cast (see cast_or_flag;
    reason uncastable_<column>), a required column that is empty, a
    timestamp (`occurred_at`) after the run started or before the var
    earliest_valid_date, a load time (_loaded_at) after the run started (a
    loader's broken clock would hide every later load from the incremental
    runs), and each (condition, reason) of `checks`. The
    base_ models add duplicates: of the rows with one key, the latest usable
    one is kept. -#}
{% macro row_problem(required, occurred_at=none, checks=[], uncastable=[]) -%}
    case
        {%- for column in uncastable %}
        when has_uncastable_{{ column }}
            then 'uncastable_{{ column.lstrip("_") }}'
        {%- endfor %}
        when {{ required | join(' is null or ') }} is null
            then 'missing_required_field'
        {%- if occurred_at %}
        when {{ occurred_at }} > {{ run_started_timestamp() }}
            then 'future_timestamp'
        when {{ occurred_at }} < cast(
            '{{ var("earliest_valid_date") }}' as {{ dbt.type_timestamp() }}
        )
            then 'too_old_timestamp'
        {%- endif %}
        when _loaded_at > {{ run_started_timestamp() }}
            then 'future_loaded_at'
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
