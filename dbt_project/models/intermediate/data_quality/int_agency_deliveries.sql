-- Every delivery of an agency (the partnership's reference files are not reported), whatever
-- its state: whether its rows were loaded, and how often the same delivery arrived again
-- after it was processed. The agencies and the states' meanings are the contract's (seeds
-- contract_agencies, contract_delivery_states).
with

deliveries as (
    select * from {{ ref('stg_ingest__deliveries') }}
),

delivery_events as (
    select * from {{ ref('stg_ingest__delivery_events') }}
),

contract_agencies as (
    select * from {{ ref('contract_agencies') }}
),

contract_delivery_states as (
    select * from {{ ref('contract_delivery_states') }}
),

duplicate_arrivals as (
    select
        delivery_events.delivery_id,
        count(*) as duplicate_arrivals
    from delivery_events
    inner join contract_delivery_states
        on delivery_events.state = contract_delivery_states.state
    where contract_delivery_states.is_duplicate
    group by delivery_events.delivery_id
),

final as (
    select
        deliveries.agency,
        deliveries.delivery_id,
        deliveries.extract_date,
        deliveries.arrived_at,
        deliveries.processed_at,
        deliveries.state,
        coalesce(contract_delivery_states.is_loaded, false) as is_loaded,
        coalesce(duplicate_arrivals.duplicate_arrivals, 0) as duplicate_arrivals,
        deliveries.rows_in,
        deliveries.rows_loaded,
        deliveries.rows_rejected
    from deliveries
    inner join contract_agencies
        on deliveries.agency = contract_agencies.agency
    left join contract_delivery_states
        on deliveries.state = contract_delivery_states.state
    left join duplicate_arrivals
        on deliveries.delivery_id = duplicate_arrivals.delivery_id
)

select * from final
