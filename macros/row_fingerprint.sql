{#- A 63-bit hash of a row's values (SQL expressions), as a bigint, for
    bit_xor over a set of rows: a fingerprint that changes when a row is
    added, removed or changed. Not a key: two rows may share one. -#}
{% macro row_fingerprint(columns) %}
    {{- return(adapter.dispatch('row_fingerprint', 'lead_scoring')(columns)) -}}
{% endmacro %}

{% macro default__row_fingerprint(columns) -%}
    cast(hash({{ columns | join(', ') }}) % 9223372036854775807 as bigint)
{%- endmacro %}

{% macro spark__row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
