{#
    Row-level security on a data quality mart in the shared PostgreSQL warehouse (outputs.md §2,
    docs/deployment.md): each agency's group role reads only its own rows; analysts, engineers
    and the owner (the pipeline) read every row. Forced, so the owner is not silently exempt.

    A post-hook: dbt re-creates the table on every build and runs this in the transaction that
    swaps the new table in, so the table is never visible without its policies. The roles come
    from `neglect-warehouse db init` (neglect_warehouse/access.py); on DuckDB this does nothing.
    The agencies are the sources whose contract meta names an agency (agency_name, generated
    from the contract by `neglect-warehouse contract sync`).
#}
{% macro agency_row_security() %}
    {%- if target.type == 'postgres' -%}
        {%- set agencies = [] -%}
        {%- if execute -%}
            {#- the graph is known once the project is parsed -#}
            {%- for source in graph.sources.values()
                if source.source_meta.agency_name is defined
                and source.source_name not in agencies -%}
                {%- do agencies.append(source.source_name) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set roles = ['warehouse_owner', 'analyst', 'engineer'] -%}
        {%- for agency in agencies %}{% do roles.append('agency_' ~ agency) %}{% endfor -%}
        {%- if execute -%}
            {%- if not agencies -%}
                {{ exceptions.raise_compiler_error(
                    "agency_row_security: no source carries an agency's meta (agency_name): run "
                    ~ "`neglect-warehouse contract sync`."
                ) }}
            {%- endif -%}
            {%- set found = run_query(
                "select count(*) from pg_roles where rolname in ('" ~ roles | join("', '") ~ "')"
            ).columns[0].values()[0] -%}
            {%- if found != roles | length -%}
                {{ exceptions.raise_compiler_error(
                    "The warehouse's roles are missing: run `neglect-warehouse db init` on this "
                    ~ "database first (docs/deployment.md)."
                ) }}
            {%- endif -%}
        {%- endif %}
        alter table {{ this }} enable row level security;
        alter table {{ this }} force row level security;
        create policy owner_all_rows on {{ this }}
            for all to warehouse_owner using (true) with check (true);
        create policy readers_all_rows on {{ this }}
            for select to analyst, engineer using (true);
        {%- for agency in agencies %}
        grant select on {{ this }} to agency_{{ agency }};
        create policy agency_{{ agency }}_own_rows on {{ this }}
            for select to agency_{{ agency }} using (agency = '{{ agency }}');
        {%- endfor %}
    {%- endif -%}
{% endmacro %}
