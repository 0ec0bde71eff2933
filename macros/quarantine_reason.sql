{#- Why a raw row is quarantined, null when it is good: the first that
    applies of a required column that is empty, a duplicate of its key
    loaded earlier (`version_rank` > 1), a timestamp (`occurred_at`) after
    the run started or before the var earliest_valid_date, and each
    (condition, reason) of `checks`. -#}
{% macro quarantine_reason(required, occurred_at=none, checks=[]) -%}
    case
        when {{ required | map('string') | map('trim')
            | join(' is null or ') }} is null
            then 'missing_required_field'
        when version_rank > 1 then 'duplicate_key'
        {%- if occurred_at %}
        when {{ occurred_at }} > {{ run_started_timestamp() }}
            then 'future_timestamp'
        when {{ occurred_at }} < cast(
            '{{ var("earliest_valid_date") }}' as {{ dbt.type_timestamp() }}
        )
            then 'too_old_timestamp'
        {%- endif %}
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
