-- Per agency: how its current persons link (outputs.md §4 "linkage").
with

children_linked as (
    select * from {{ ref('int_children_linked') }}
),

csc_persons_keyed as (
    select * from {{ ref('int_csc__persons_keyed') }}
),

-- the children known to children's social care: those with a csc person record
csc_children as (
    select distinct csc_persons_keyed.child_key
    from csc_persons_keyed
),

per_record as (
    select
        children_linked.agency,
        children_linked.link_method,
        children_linked.is_ambiguous,
        csc_children.child_key is not null as is_linked_to_csc_child
    from children_linked
    left join csc_children
        on children_linked.child_key = csc_children.child_key
),

final as (
    select
        cast(per_record.agency as varchar) as agency,
        count(*) as persons,
        count(*) filter (where per_record.link_method = 'person_token')
            as with_person_token,
        count(*) filter (
            where per_record.link_method in ('alt_token_to_tokened_child', 'alt_token_only')
        ) as alternative_token_only,
        count(*) filter (where per_record.is_ambiguous) as ambiguous,
        count(*) filter (where per_record.link_method = 'no_token') as without_token,
        count(*) filter (where per_record.is_linked_to_csc_child) as linked_to_csc_child,
        count(*) filter (where not per_record.is_linked_to_csc_child) as not_linked_to_csc_child,
        cast(round(
            100.0 * count(*) filter (where per_record.is_linked_to_csc_child) / count(*), 1
        ) as double precision) as pct_linked_to_csc_child,
        cast(round(
            100.0 * count(*) filter (where per_record.link_method = 'person_token') / count(*), 1
        ) as double precision) as pct_with_person_token
    from per_record
    group by per_record.agency
)

select * from final
