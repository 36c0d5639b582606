{#
    The child key of indicators.md §1, precision first (two children are never merged):
    1. records with a person_token are the same child exactly when their tokens are equal;
    2. a record without a person_token joins the child whose tokened records carry its
       person_alt_token, when exactly one such child exists;
    3. when none does, token-less records sharing an alternative token are one child;
    4. when more than one does, the record stays a child of its own (an ambiguous link).
    A record with neither token is a child of its own.
    The key is an md5, so it carries no token; it is never shown outside the warehouse.
#}
with

persons as (
    select * from {{ ref('int_persons_unioned') }}
),

alt_tokens_of_tokened_children as (
    select
        persons.person_alt_token,
        count(distinct persons.person_token) as children,
        min(persons.person_token) as person_token
    from persons
    where persons.person_token is not null
        and persons.person_alt_token is not null
    group by persons.person_alt_token
),

keyed as (
    select
        persons.agency,
        persons.person_id,
        persons.person_token,
        persons.person_alt_token,
        case
            when persons.person_token is not null then 'person_token'
            when persons.person_alt_token is null then 'no_token'
            when alt.children = 1 then 'alt_token_to_tokened_child'
            when alt.children > 1 then 'ambiguous'
            else 'alt_token_only'
        end as link_method,
        case
            when persons.person_token is not null then 'T' || persons.person_token
            when persons.person_alt_token is null
                then 'R' || persons.agency || ':' || persons.person_id
            when alt.children = 1 then 'T' || alt.person_token
            when alt.children > 1 then 'R' || persons.agency || ':' || persons.person_id
            else 'A' || persons.person_alt_token
        end as key_material
    from persons
    -- an equality-only join (a hash join); tokened records ignore it (first case branch)
    left join alt_tokens_of_tokened_children as alt
        on persons.person_alt_token = alt.person_alt_token
),

final as (
    select
        keyed.agency,
        keyed.person_id,
        md5(keyed.key_material) as child_key,
        keyed.link_method,
        keyed.link_method = 'ambiguous' as is_ambiguous
    from keyed
)

select * from final
