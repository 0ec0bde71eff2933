-- The reference floor of scripts/benchmark.py: the current score of every
-- lead and scored model as of {as_of}, in one hand-written DuckDB query
-- from the raw tables and the seeds, with none of the project's history,
-- checks or reports. It assumes clean raw data (no quarantine) and follows
-- docs/scoring.md exactly, so it must give the numbers of marts.fct_lead_scores.
with

identities as (
    select visitor_id, arg_min(lead_id, (identified_at, lead_id)) as lead_id
    from marketing.visitor_identities
    where lead_id is not null
    group by visitor_id
),

web as (
    select
        w.event_id,
        coalesce(w.lead_id, i.lead_id) as lead_id,
        lower(trim(w.event_type)) as event_type,
        w.page_url,
        w.asset_id,
        w.duration_seconds,
        w.occurred_at
    from marketing.web_events as w
    left join identities as i on w.visitor_id = i.visitor_id
),

submissions as (
    select
        s.submission_id,
        coalesce(s.lead_id, i.lead_id) as lead_id,
        s.form_id,
        s.page_url,
        s.submitted_at
    from marketing.form_submissions as s
    left join identities as i on s.visitor_id = i.visitor_id
),

activities as (
    select 'web:' || event_id as activity_id, lead_id, 'web.' || event_type as activity_type,
        page_url as activity_key, asset_id as activity_value, duration_seconds, occurred_at
    from web
    union all
    select 'time_on_site:' || lead_id || ':' || cast(cast(occurred_at as date) as varchar),
        lead_id, 'web.time_on_site', null, null,
        cast(sum(coalesce(duration_seconds, 0)) as integer), min(occurred_at)
    from web
    where lead_id is not null
    group by lead_id, cast(occurred_at as date)
    union all
    select 'email:' || event_id, lead_id, 'email.' || lower(trim(event_type)),
        campaign_id, link_url, null, occurred_at
    from marketing.email_events
    union all
    select 'form:' || submission_id, lead_id, 'form.submit', form_id, page_url, null,
        submitted_at
    from submissions
    union all
    select 'answer:' || a.submission_id || ':' || a.question_id, s.lead_id, 'form.answer',
        a.question_id, trim(a.answer), null, s.submitted_at
    from marketing.form_answers as a
    inner join submissions as s on a.submission_id = s.submission_id
    union all
    select 'social:' || event_id, lead_id, 'social.' || lower(trim(event_type)),
        lower(trim(network)), null, null, occurred_at
    from marketing.social_events
),

scored_activities as (
    select *, cast(occurred_at as date) as activity_date
    from activities
    where lead_id is not null and cast(occurred_at as date) <= date '{as_of}'
),

leads as (
    select
        lead_id,
        lower(trim(email)) as email,
        lower(trim(split_part(email, '@', 2))) as email_domain,
        job_title, department, company_name, company_size, industry,
        upper(trim(country)) as country, city
    from marketing.leads
    where cast(created_at as date) <= date '{as_of}'
),

models as (
    select * from scoring_model.scoring_models where status in ('active', 'draft')
),

matched as (
    select a.activity_id, a.lead_id, a.activity_date, a.occurred_at, r.rule_id, r.model_id,
        r.category, r.points, r.max_per_day, r.max_points, coalesce(r.decays, true) as decays
    from scored_activities as a
    inner join scoring_model.activity_rules as r
        on a.activity_type = lower(trim(r.activity_type))
        and (r.match_key is null or lower(a.activity_key) like lower(r.match_key))
        and (r.match_value is null or lower(a.activity_value) like lower(r.match_value))
        and (r.min_duration_seconds is null or a.duration_seconds >= r.min_duration_seconds)
    inner join models as m on r.model_id = m.model_id
),

capped as (
    select *,
        row_number() over (
            partition by rule_id, lead_id, activity_date
            order by occurred_at nulls last, activity_id
        ) <= coalesce(max_per_day, 1e18) as counts
    from matched
),

awarded as (
    select *,
        case
            when not counts then 0
            when max_points is null then points
            else sign(points) * greatest(least(abs(points), max_points - coalesce(sum(
                case when counts then abs(points) else 0 end
            ) over (
                partition by rule_id, lead_id order by occurred_at nulls last, activity_id
                rows between unbounded preceding and 1 preceding
            ), 0)), 0)
        end as awarded_points
    from capped
),

last_activity as (
    select lead_id, max(activity_date) as last_date from scored_activities group by lead_id
),

-- Each rule's decayed points, rounded to 1e-6 (the scores' precision).
rules as (
    select a.lead_id, a.model_id, a.rule_id, a.category,
        round(sum(a.awarded_points * case
            when not a.decays or m.decay_method = 'none' then 1.0
            when m.decay_method = 'half_life'
                then power(0.5, (date '{as_of}' - a.activity_date) / m.decay_days::double)
            else power(1 - m.decay_pct / 100.0,
                floor((date '{as_of}' - l.last_date) / m.decay_days::double))
        end), 6) as points
    from awarded as a
    inner join models as m on a.model_id = m.model_id
    inner join last_activity as l on a.lead_id = l.lead_id
    inner join leads on a.lead_id = leads.lead_id
    group by all
),

categories as (
    select lead_id, model_id, category, sum(points) as points
    from rules
    group by all
),

engagement as (
    select c.lead_id, c.model_id,
        sum(least(c.points, coalesce(sc.max_points, 1e18))) as points
    from categories as c
    left join scoring_model.score_categories as sc
        on c.model_id = sc.model_id and c.category = sc.category
    group by all
),

attributes as (
    unpivot (
        select lead_id,
            email, email_domain, job_title, department, company_name,
            cast(company_size as varchar) as company_size, industry, country, city
        from leads
    ) on columns(* exclude (lead_id)) into name attribute value attribute_value
),

fit as (
    select l.lead_id, r.model_id, sum(r.points) as points, bool_or(r.excludes_lead) as excluded
    from leads as l
    cross join scoring_model.fit_rules as r
    left join attributes as a
        on l.lead_id = a.lead_id and lower(trim(r.attribute)) = a.attribute
    where case lower(trim(r.operator))
        when 'equals' then lower(trim(a.attribute_value)) = lower(trim(r.value))
        when 'not_equals' then lower(trim(a.attribute_value)) <> lower(trim(r.value))
        when 'like' then lower(trim(a.attribute_value)) like lower(trim(r.value))
        when 'in' then list_contains(
            list_transform(string_split(lower(r.value), '|'), x -> trim(x)),
            lower(trim(a.attribute_value)))
        when 'between' then try_cast(trim(a.attribute_value) as double)
            between try_cast(trim(split_part(r.value, '..', 1)) as double)
            and try_cast(trim(split_part(r.value, '..', 2)) as double)
        when 'is_missing' then coalesce(trim(a.attribute_value), '') = ''
    end
    group by all
)

select
    leads.lead_id,
    m.model_id,
    round(least(greatest(coalesce(fit.points, 0) + coalesce(e.points, 0),
        coalesce(m.min_score, -1e18)), coalesce(m.max_score, 1e18)), 6) as lead_score,
    coalesce(fit.excluded, false) as is_excluded
from leads
cross join models as m
left join fit on leads.lead_id = fit.lead_id and m.model_id = fit.model_id
left join engagement as e on leads.lead_id = e.lead_id and m.model_id = e.model_id
