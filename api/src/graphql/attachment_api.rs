//! Attachments over the GraphQL multipart request spec (R14-R16).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use entity::attachment;

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::NodeType;
use super::types::enums::{Direction, parse_stored};
use super::types::inquiry::Inquiry;
use crate::domain;

/// A file attached to an inquiry (§4.5). Its content is served only after sanitising.
#[derive(Clone)]
pub struct Attachment(pub attachment::Model);

#[Object]
impl Attachment {
    /// The attachment's ID (for the download endpoint and `node`).
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        super::ids::node_id(
            ctx,
            NodeType::Attachment,
            &super::ids::NodeKey::Int(self.0.id),
        )
    }
    /// Where its content is served (`GET`, with the bearer token; audited). Null until the file
    /// has passed sanitising.
    async fn download_path(&self, ctx: &Context<'_>) -> Option<String> {
        (self.0.sanitize_status == "CLEAN").then(|| {
            let id = super::ids::node_id(
                ctx,
                NodeType::Attachment,
                &super::ids::NodeKey::Int(self.0.id),
            );
            format!("/attachments/{}", id.as_str())
        })
    }
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// The type detected from the content (never the declared one).
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    /// Who attached it (the arrow of §4.5).
    async fn direction(&self) -> GqlResult<Direction> {
        Ok(parse_stored::<domain::Direction>("direction", &self.0.direction)?.into())
    }
    /// Shown in the customer's personal area.
    async fn show_on_internet(&self) -> bool {
        self.0.show_on_internet
    }
    /// The clerk's notes (staff only).
    async fn clerk_note(&self) -> Option<&str> {
        self.0.clerk_note.as_deref()
    }
    /// CLEAN, or why it was refused (quarantined, never served).
    async fn sanitize_status(&self) -> &str {
        &self.0.sanitize_status
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(InputObject)]
pub struct AddAttachmentInput {
    pub inquiry_id: ID,
    /// The file (multipart request spec); at most 10 MB; PDF, images, Office documents.
    pub file: Upload,
    /// Clerks only: false hides it from the customer's personal area.
    pub show_on_internet: Option<bool>,
    /// Clerks only.
    pub clerk_note: Option<String>,
}

#[derive(SimpleObject)]
pub struct AddAttachmentPayload {
    pub attachment: Attachment,
    pub inquiry: Inquiry,
}

#[derive(InputObject)]
pub struct UpdateAttachmentInput {
    pub attachment_id: ID,
    /// False hides the file from the customer's personal area; true shows it again.
    pub show_on_internet: Option<bool>,
    /// The clerk's note on the file; an empty note clears it.
    pub clerk_note: Option<String>,
}

#[derive(SimpleObject)]
pub struct UpdateAttachmentPayload {
    pub attachment: Attachment,
}

#[derive(Default)]
pub struct AttachmentMutations;

#[Object]
impl AttachmentMutations {
    /// Attaches a file (R14); it is sanitised first, and an infected or invalid file closes the
    /// inquiry by the system (R15, R22).
    async fn add_attachment(
        &self,
        ctx: &Context<'_>,
        input: AddAttachmentInput,
    ) -> GqlResult<AddAttachmentPayload> {
        let (_, actor) = ctx.services()?;
        let inquiry_id = ctx
            .shared()?
            .ids
            .decode_int(&input.inquiry_id, NodeType::Inquiry)?;
        let upload = input.file.value(ctx).map_err(|_| {
            ApiError::validation("the file part of the multipart request is missing")
        })?;
        let file_name = upload.filename.clone();
        let content_type = upload.content_type.clone().unwrap_or_default();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                upload.into_read(),
                domain::sanitize::MAX_FILE_BYTES as u64 + 1,
            ),
            &mut bytes,
        )
        .map_err(ApiError::internal)?;
        let out = crate::service::attachments::add(
            &ctx.shared()?.services,
            &actor,
            crate::service::attachments::AddInput {
                inquiry_id,
                file_name,
                content_type,
                bytes,
                show_on_internet: input.show_on_internet,
                clerk_note: input.clerk_note,
            },
        )
        .await?;
        Ok(AddAttachmentPayload {
            attachment: Attachment(out.attachment),
            inquiry: Inquiry(out.inquiry),
        })
    }

    /// Hides a file from the customer or shows it again, and writes the clerk's note on it (R14,
    /// §4.5, §5.1.2): the handling team only; audited.
    async fn update_attachment(
        &self,
        ctx: &Context<'_>,
        input: UpdateAttachmentInput,
    ) -> GqlResult<UpdateAttachmentPayload> {
        let (svc, actor) = ctx.services()?;
        let attachment_id = ctx
            .shared()?
            .ids
            .decode_int(&input.attachment_id, NodeType::Attachment)?;
        let m = crate::service::attachments::update(
            svc,
            &actor,
            crate::service::attachments::UpdateInput {
                attachment_id,
                show_on_internet: input.show_on_internet,
                clerk_note: input.clerk_note,
            },
        )
        .await?;
        Ok(UpdateAttachmentPayload {
            attachment: Attachment(m),
        })
    }
}
