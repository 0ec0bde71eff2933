-- Fit rule values the models can read: `between` is two numbers low..high
-- with low <= high, and an `in` list has no empty value (a stray | would
-- match leads whose attribute is blank). Returns the offending rules.
with

fit_rules as (

    select
        rule_id,
        model_id,
        operator,
        value
    from {{ ref('fit_rules') }}

),

parsed as (

    select
        *,
        {{ try_cast(
            'trim(substring(value, 1, ' ~ dbt.position("'..'", 'value') ~ ' - 1))',
            'double',
        ) }} as low_value,
        {{ try_cast(
            'trim(substring(value, ' ~ dbt.position("'..'", 'value') ~ ' + 2))',
            'double',
        ) }} as high_value
    from fit_rules

)

select
    rule_id,
    model_id,
    operator,
    value,
    case
        when operator = 'between'
            then 'between needs two numbers, low..high, with low <= high'
        else 'an in list may not have an empty value (check the | signs)'
    end as problem
from parsed
where
    (
        operator = 'between'
        and (
            low_value is null or high_value is null or low_value > high_value
        )
    )
    or (
        operator = 'in'
        and (
            value like '|%' or value like '%|' or value like '%||%'
        )
    )
