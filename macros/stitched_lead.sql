{#- Two select items for a row of `events` (its own lead_id, visitor_id and
    _loaded_at) left-joined to `visitor_identities` on its visitor: the
    lead it belongs to (its own lead_id, else the lead its cookie was
    identified as) and loaded_at, when it reached the warehouse as that
    lead's: the later of its own and the identification's _loaded_at. -#}
{% macro stitched_lead(events, identities='visitor_identities') -%}
    coalesce({{ events }}.lead_id, {{ identities }}.lead_id) as lead_id,
    case
        when {{ events }}.lead_id is null
            then greatest({{ events }}._loaded_at, {{ identities }}._loaded_at)
        else {{ events }}._loaded_at
    end as loaded_at
{%- endmacro %}
