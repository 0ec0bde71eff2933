with

source as (

    select * from {{ source('marketing', 'form_answers') }}

),

renamed as (

    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(question_id as {{ dbt.type_string() }}) as question_id,
        trim(answer) as answer,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by submission_id, question_id order by _loaded_at desc
        ) as version_rank
    from renamed

)

select
    submission_id,
    question_id,
    answer,
    _loaded_at
from ranked
where version_rank = 1
