{#- Registers folders of parquet files as the source tables on Spark:
    <root>/<schema>/<table>/ becomes the external table <schema>.<table>.
    Used by scripts/spark_parity.py to give Spark the same raw data as
    DuckDB; with a real cluster your loaders write the sources instead.
    dbt run-operation register_parquet_sources --args '{root: /abs/path}' -#}
{% macro register_parquet_sources(root) %}
    {%- for source_node in graph.sources.values() %}
        {%- set schema = source_node.schema -%}
        {%- set table = source_node.identifier -%}
        {%- set location = root ~ '/' ~ schema ~ '/' ~ table -%}
        {% do run_query('create database if not exists ' ~ schema) %}
        {% do run_query('drop table if exists ' ~ schema ~ '.' ~ table) %}
        {% do run_query(
            'create table ' ~ schema ~ '.' ~ table
            ~ " using parquet location '" ~ location ~ "'"
        ) %}
        {{ log('registered ' ~ schema ~ '.' ~ table ~ ' at ' ~ location, info=true) }}
    {%- endfor %}
{% endmacro %}
