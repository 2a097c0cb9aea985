//! Inquiry lifecycle mutations: thin resolvers over `service::inquiries`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use crate::graphql::context::CtxExt;
use crate::graphql::errors::GqlResult;
use crate::graphql::ids::NodeType;
use crate::graphql::types::enums::{Channel, ClosureReason, InquiryStatus};
use crate::graphql::types::inquiry::Inquiry;
use crate::service::inquiries::{assign, correspondence, open, status};

/// Opens an inquiry. Customers open for themselves on the web; representatives for a client
/// holding a registry power of attorney; phone and information-centre staff for any customer.
#[derive(InputObject)]
pub struct OpenInquiryInput {
    /// The customer the inquiry is about (a customer may omit it).
    pub customer_id: Option<ID>,
    /// Defaults to WEB for customers and REPRESENTATIVES_NETWORK for representatives; staff must pass PHONE or an information centre.
    pub channel: Option<Channel>,
    /// Triplet code, e.g. `IT.REFUND.FORM135`.
    pub triplet_code: String,
    /// Mandatory for triplets with `taxYearRequired`.
    pub tax_year: Option<i32>,
    /// Short subject; defaults to the triplet's detail name.
    pub subject: Option<String>,
    /// The inquiry text (up to 10,000 characters).
    pub body: String,
    /// Real-estate assessment number, when known.
    pub assessment_number: Option<String>,
    /// Information-centre agents: keep unsaved in ACTIVE_OPEN.
    #[graphql(default = false)]
    pub draft: bool,
}

/// A payload holding the changed inquiry.
#[derive(SimpleObject)]
pub struct InquiryPayload {
    pub inquiry: Inquiry,
}

/// A payload holding several changed inquiries.
#[derive(SimpleObject)]
pub struct InquiriesPayload {
    pub inquiries: Vec<Inquiry>,
}

/// Changes the status (§5.2). Field rules: `proposedSolution` is mandatory except for
/// CLOSED_HANDLED; `responseToCustomer` is mandatory except for TRANSFER_FOR_FURTHER_TREATMENT
/// and absent on phone inquiries; `closureReason` for CLOSED_WITHOUT_TREATMENT; `targetTeamId` for
/// TRANSFER_FOR_FURTHER_TREATMENT.
#[derive(InputObject)]
pub struct ChangeStatusInput {
    pub inquiry_id: ID,
    pub status: InquiryStatus,
    pub proposed_solution: Option<String>,
    pub response_to_customer: Option<String>,
    pub closure_reason: Option<ClosureReason>,
    pub target_team_id: Option<ID>,
    /// An approved response template that fills the response to the customer (R42).
    pub template_id: Option<ID>,
    /// The `version` the client saw; a stale one is a CONFLICT.
    pub expected_version: Option<i32>,
}

/// Whom to assign to.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum AssignTo {
    Me,
    User,
    Team,
}

#[derive(InputObject)]
pub struct AssignInquiryInput {
    pub inquiry_id: ID,
    pub to: AssignTo,
    /// Required with `to: USER`.
    pub user_id: Option<ID>,
    /// Required with `to: TEAM`.
    pub team_id: Option<ID>,
    /// Why, shown in the history.
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct ReleaseInquiryInput {
    pub inquiry_id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ChangeTripletInput {
    pub inquiry_id: ID,
    pub triplet_code: String,
    pub tax_year: Option<i32>,
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct AddCorrespondenceInput {
    pub inquiry_id: ID,
    /// The message (up to 10,000 characters).
    pub body: String,
}

#[derive(InputObject)]
pub struct InquiryRefInput {
    pub inquiry_id: ID,
}

#[derive(InputObject)]
pub struct CloseInquiriesTogetherInput {
    /// 1-50 open inquiries of one customer.
    pub inquiry_ids: Vec<ID>,
    /// CLOSED_HANDLED or CLOSED_WITHOUT_TREATMENT.
    pub status: InquiryStatus,
    pub proposed_solution: Option<String>,
    pub response_to_customer: Option<String>,
    pub closure_reason: Option<ClosureReason>,
}

#[derive(Default)]
pub struct InquiryMutations;

fn inquiry_key(ctx: &Context<'_>, id: &ID) -> GqlResult<i64> {
    Ok(ctx.shared()?.ids.decode_int(id, NodeType::Inquiry)?)
}

#[Object]
impl InquiryMutations {
    /// Opens an inquiry and routes it to a team (R24, R47-R54).
    async fn open_inquiry(
        &self,
        ctx: &Context<'_>,
        input: OpenInquiryInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let ids = &ctx.shared()?.ids;
        let customer_id = input
            .customer_id
            .map(|id| ids.decode_int(&id, NodeType::Customer))
            .transpose()?;
        let m = open::open_inquiry(
            svc,
            &actor,
            open::OpenInput {
                customer_id,
                channel: input.channel.map(Into::into),
                triplet_code: input.triplet_code,
                tax_year: input.tax_year,
                subject: input.subject,
                body: input.body,
                assessment_number: input.assessment_number,
                draft: input.draft,
            },
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Changes the status (R17-R20); a response to the customer is recorded as correspondence (R9).
    async fn change_status(
        &self,
        ctx: &Context<'_>,
        input: ChangeStatusInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let ids = &ctx.shared()?.ids;
        let target_team_id = input
            .target_team_id
            .map(|id| ids.decode_int(&id, NodeType::Team))
            .transpose()?;
        let m = status::change_status(
            svc,
            &actor,
            status::ChangeStatusInput {
                inquiry_id: inquiry_key(ctx, &input.inquiry_id)?,
                status: input.status.into(),
                proposed_solution: input.proposed_solution,
                response_to_customer: input.response_to_customer,
                closure_reason: input.closure_reason.map(Into::into),
                target_team_id,
                template_id: input
                    .template_id
                    .map(|id| ids.decode_int(&id, NodeType::ResponseTemplate))
                    .transpose()?,
                expected_version: input.expected_version,
            },
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Assigns to me, to a user of the team, or to a team (R24, R25).
    async fn assign_inquiry(
        &self,
        ctx: &Context<'_>,
        input: AssignInquiryInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let ids = &ctx.shared()?.ids;
        let target = match input.to {
            AssignTo::Me => assign::AssignTarget::Me,
            AssignTo::User => {
                let id = input.user_id.ok_or_else(|| {
                    crate::graphql::errors::ApiError::validation("userId is required with to: USER")
                })?;
                assign::AssignTarget::User(ids.decode_int(&id, NodeType::User)?)
            }
            AssignTo::Team => {
                let id = input.team_id.ok_or_else(|| {
                    crate::graphql::errors::ApiError::validation("teamId is required with to: TEAM")
                })?;
                assign::AssignTarget::Team(ids.decode_int(&id, NodeType::Team)?)
            }
        };
        let m = assign::assign(
            svc,
            &actor,
            assign::AssignInput {
                inquiry_id: inquiry_key(ctx, &input.inquiry_id)?,
                target,
                note: input.note,
                expected_version: input.expected_version,
            },
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Releases an assigned inquiry back to its team (R26; coordinators and CRM trustees).
    async fn release_inquiry(
        &self,
        ctx: &Context<'_>,
        input: ReleaseInquiryInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m = assign::release(
            svc,
            &actor,
            inquiry_key(ctx, &input.inquiry_id)?,
            input.note,
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Changes the triplet and re-routes (R7).
    async fn change_triplet(
        &self,
        ctx: &Context<'_>,
        input: ChangeTripletInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m = assign::change_triplet(
            svc,
            &actor,
            assign::ChangeTripletInput {
                inquiry_id: inquiry_key(ctx, &input.inquiry_id)?,
                triplet_code: input.triplet_code,
                tax_year: input.tax_year,
                note: input.note,
                expected_version: input.expected_version,
            },
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Adds a correspondence: the customer or representative side (R9-R11), or a clerk's answer.
    async fn add_correspondence(
        &self,
        ctx: &Context<'_>,
        input: AddCorrespondenceInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m = correspondence::add_correspondence(
            svc,
            &actor,
            inquiry_key(ctx, &input.inquiry_id)?,
            &input.body,
        )
        .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Marks the inquiry's correspondence and the customer side's files read (R12).
    async fn mark_read(
        &self,
        ctx: &Context<'_>,
        input: InquiryRefInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m =
            correspondence::mark_read(svc, &actor, inquiry_key(ctx, &input.inquiry_id)?).await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Records that the handling clerk verified the caller of a phone or information-centre
    /// inquiry by phone ("אימות לקוח"); information expansion is then shown on it (§4.6, R37).
    async fn verify_caller(
        &self,
        ctx: &Context<'_>,
        input: InquiryRefInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m =
            crate::service::info::verify_caller(svc, &actor, inquiry_key(ctx, &input.inquiry_id)?)
                .await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Cancels: the customer while no clerk holds it; the representative who opened it (R21).
    async fn cancel_inquiry(
        &self,
        ctx: &Context<'_>,
        input: InquiryRefInput,
    ) -> GqlResult<InquiryPayload> {
        let (svc, actor) = ctx.services()?;
        let m = correspondence::cancel(svc, &actor, inquiry_key(ctx, &input.inquiry_id)?).await?;
        Ok(InquiryPayload {
            inquiry: Inquiry(m),
        })
    }

    /// Closes a customer's open inquiries on one topic together (R46).
    async fn close_inquiries_together(
        &self,
        ctx: &Context<'_>,
        input: CloseInquiriesTogetherInput,
    ) -> GqlResult<InquiriesPayload> {
        let (svc, actor) = ctx.services()?;
        if input.inquiry_ids.len() > status::MAX_CLOSE_TOGETHER {
            return Err(
                crate::graphql::errors::ApiError::validation("at most 50 inquiries").into(),
            );
        }
        let ids = input
            .inquiry_ids
            .iter()
            .map(|id| inquiry_key(ctx, id))
            .collect::<GqlResult<Vec<_>>>()?;
        let out = status::close_together(
            svc,
            &actor,
            status::CloseTogetherInput {
                inquiry_ids: ids,
                status: input.status.into(),
                proposed_solution: input.proposed_solution,
                response_to_customer: input.response_to_customer,
                closure_reason: input.closure_reason.map(Into::into),
            },
        )
        .await?;
        Ok(InquiriesPayload {
            inquiries: out.into_iter().map(Inquiry).collect(),
        })
    }
}
