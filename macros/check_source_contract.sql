{#- The source contract checked on the warehouse before a build:

        dbt run-operation check_source_contract

    Every table of this project's sources (models/staging/*/_*__sources.yml)
    must be there with every column, and each column's type must be one
    that casts to the contract's data_type: text casts to anything, so a
    loader may write every column as text (staging quarantines the values
    that do not cast); a type that never does (a boolean for a timestamp, a
    date for a number) fails, as does a missing table or column. The load
    time column is the one the var lead_scoring_<source>_loaded_at_column
    names (default _loaded_at), as in the source's loaded_at_field. A table or
    column with meta {optional: true} may be missing. Prints one line per
    problem, naming the table and the column, and fails when there is one;
    reads the columns through the adapter, so it runs on Spark too. -#}
{% macro check_source_contract() %}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set casts_from = {
        'text': none,
        'number': ['text', 'number'],
        'timestamp': ['text', 'timestamp'],
    } %}
    {% set problems = [] %}
    {% set tables = graph.sources.values()
        | selectattr('package_name', 'equalto', 'lead_scoring')
        | sort(attribute='unique_id') %}
    {% for source in tables %}
        {% set table_name = source.schema ~ '.' ~ source.identifier %}
        {% set relation = adapter.get_relation(
            database=source.database or none,
            schema=source.schema,
            identifier=source.identifier,
        ) %}
        {% if relation is none and not source.meta.get('optional') %}
            {% do problems.append(
                table_name ~ ': no such table. Load it (docs/loading_data.md).'
            ) %}
        {% endif %}
        {% set loaded = {} %}
        {% for column in (adapter.get_columns_in_relation(relation)
            if relation is not none else []) %}
            {% do loaded.update({column.name | lower: column.dtype}) %}
        {% endfor %}
        {% for declared in (source.columns.values()
            if relation is not none else []) %}
            {% set load_time = declared.name == '_loaded_at' %}
            {% set loaded_at_var = 'lead_scoring_' ~ source.source_name
                ~ '_loaded_at_column' %}
            {% set name = var(loaded_at_var, declared.name)
                if load_time else declared.name %}
            {% set where = table_name ~ ', column ' ~ name %}
            {% if name | lower not in loaded %}
                {% if load_time %}
                    {% do problems.append(
                        where ~ ': missing. It is the time the loader wrote'
                        ~ ' each row, for freshness and late events: if your'
                        ~ ' loader writes it to another column (Fivetran:'
                        ~ ' _fivetran_synced), set the var ' ~ loaded_at_var
                        ~ ' to that name.'
                    ) %}
                {% elif not declared.meta.get('optional') %}
                    {% do problems.append(
                        where ~ ': missing (the contract has it as '
                        ~ declared.data_type ~ ', docs/loading_data.md).'
                    ) %}
                {% endif %}
            {% elif declared.data_type %}
                {% set actual = loaded[name | lower] %}
                {% set wanted = source_type_family(declared.data_type) %}
                {% set family = source_type_family(actual) %}
                {% set accepted = casts_from.get(wanted, [wanted]) %}
                {% if accepted is not none and family not in accepted %}
                    {% do problems.append(
                        where ~ ': ' ~ actual ~ ' never casts to '
                        ~ declared.data_type ~ '. Load it as '
                        ~ declared.data_type ~ ' or as text'
                        ~ (' (or set the var ' ~ loaded_at_var
                            ~ ' to the column that holds the load time)'
                            if load_time else '')
                        ~ '.'
                    ) %}
                {% endif %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% if problems %}
        {% for problem in problems %}
            {{ print(problem) }}
        {% endfor %}
        {{ exceptions.raise_compiler_error(
            problems | length ~ ' problem' ~ ('s' if problems | length > 1 else '')
            ~ ' with the source tables (above), see docs/loading_data.md.'
        ) }}
    {% endif %}
    {{ print('The source tables match the contract ('
        ~ tables | length ~ ' tables).') }}
{% endmacro %}
