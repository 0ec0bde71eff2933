{#- The AUC of the scores of `relation` (columns `score` and the boolean
    `is_converted`), one row per value of the columns `partition_by`: the
    chance that a converted lead scored higher than one that did not, ties
    counting half (Mann-Whitney, from the ranks of the scores, ties taking
    their average rank), with converted_leads and other_leads. -#}
{% macro score_auc(relation, partition_by, score='lead_score') %}
    {%- set partition = partition_by | join(', ') %}
    select
        {{ partition }},
        sum(case when is_converted then 1 else 0 end) as converted_leads,
        sum(case when is_converted then 0 else 1 end) as other_leads,
        (
            sum(case when is_converted then average_rank else 0 end)
            - sum(case when is_converted then 1 else 0 end)
            * (sum(case when is_converted then 1 else 0 end) + 1) / 2
        ) / nullif(
            sum(case when is_converted then 1 else 0 end)
            * sum(case when is_converted then 0 else 1 end),
            0
        ) as auc
    from (
        select
            {{ partition }},
            is_converted,
            rank() over (
                partition by {{ partition }} order by round({{ score }}, 6)
            ) + (
                count(*) over (
                    partition by {{ partition }}, round({{ score }}, 6)
                ) - 1
            ) / 2 as average_rank
        from {{ relation }}
    ) as ranked
    group by {{ partition }}
{% endmacro %}
