-- One row per lead and fit rule of a scored model that the lead matches.
-- Attributes are unpivoted to (lead, attribute, value) so one comparison per
-- operator serves every column; text is compared trimmed and lowercased.
-- depends_on: {{ ref('int_seed_fingerprints') }}  (a broken seed stops it)
{%- set attributes = [
    'email', 'email_domain', 'job_title', 'department', 'company_name',
    'company_size', 'industry', 'country', 'city',
] %}
with

leads as (

    select
        lead_id,
        {{ attributes | join(',\n        ') }}
    from {{ ref('stg_marketing__leads') }}

),

scoring_models as (

    select model_id
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

fit_rules as (

    select
        fit_rules.rule_id,
        fit_rules.model_id,
        lower(trim(fit_rules.attribute)) as attribute,
        lower(trim(fit_rules.operator)) as operator,
        lower(trim(fit_rules.value)) as rule_value,
        fit_rules.points,
        fit_rules.excludes_lead
    from {{ ref('fit_rules') }} as fit_rules
    inner join scoring_models
        on fit_rules.model_id = scoring_models.model_id

),

lead_attributes as (

    {%- for attribute in attributes %}
        select
            lead_id,
            '{{ attribute }}' as attribute,
            lower(trim(cast({{ attribute }} as {{ dbt.type_string() }})))
                as attribute_value
        from leads
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

rules_parsed as (

    select
        *,
        {{ dbt.concat([
            "'|'",
            regexp_replace_all('rule_value', "' *[|] *'", "'|'"),
            "'|'",
        ]) }} as in_list,
        -- Not dbt.split_part: on Spark it splits on a regular expression,
        -- where '..' would also split '0.5' apart.
        {{ try_cast(
            'trim(substring(rule_value, 1, '
            ~ dbt.position("'..'", 'rule_value') ~ ' - 1))',
            'double',
        ) }} as between_low,
        {{ try_cast(
            'trim(substring(rule_value, '
            ~ dbt.position("'..'", 'rule_value') ~ ' + 2))',
            'double',
        ) }} as between_high
    from fit_rules

),

matched as (

    select
        lead_attributes.lead_id,
        rules_parsed.rule_id,
        rules_parsed.model_id,
        rules_parsed.points as fit_points,
        rules_parsed.excludes_lead
    from lead_attributes
    inner join rules_parsed
        on lead_attributes.attribute = rules_parsed.attribute
    where
        case rules_parsed.operator
            when 'equals'
                then lead_attributes.attribute_value = rules_parsed.rule_value
            when 'not_equals'
                then lead_attributes.attribute_value <> rules_parsed.rule_value
            when 'like'
                then
                    lead_attributes.attribute_value like rules_parsed.rule_value
            -- The whole value equals an item: one that holds the separator
            -- equals none.
            when 'in'
                then
                    {{ dbt.position("'|'", 'lead_attributes.attribute_value') }}
                    = 0
                    and {{ dbt.position(
                        dbt.concat([
                            "'|'", 'lead_attributes.attribute_value', "'|'"
                        ]),
                        'rules_parsed.in_list',
                    ) }} > 0
            when 'between'
                then
                    {{ try_cast('lead_attributes.attribute_value', 'double') }}
                    between rules_parsed.between_low
                    and rules_parsed.between_high
            when 'is_missing'
                then coalesce(lead_attributes.attribute_value, '') = ''
            else false
        end

)

select * from matched
