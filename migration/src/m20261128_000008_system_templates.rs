//! The approved system response template of §6.6 (a representative who wrote in its own name
//! about clients, R35). The text is owned by the domain; this copy is its first stored version.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const TITLE: &str = "פנייה שלא נפתחה בשם הלקוח";
pub const BODY: &str = "שלום רב,\nפנייתך מספר {inquiryNumber} נפתחה בשמך, אך היא עוסקת בענייני לקוח. מטעמי סודיות ואבטחת מידע, לא נוכל למסור מידע על לקוח אלא בפנייה שנפתחה בשם הלקוח ועל סמך ייפוי כוח תקף הרשום במרשם המייצגים. ייפוי כוח שנשלח כמסמך אינו מספיק.\nלכן הפנייה נסגרה ללא טיפול. נא לפתוח פנייה חדשה בשם הלקוח.\nבברכה,\nרשות המסים";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let exists = entity::response_template::Entity::find()
            .filter(entity::response_template::Column::System.eq(true))
            .filter(entity::response_template::Column::Title.eq(TITLE))
            .one(db)
            .await?;
        if exists.is_none() {
            let now = chrono::Utc::now();
            entity::response_template::ActiveModel {
                triplet_code: Set(None),
                office_id: Set(None),
                title: Set(TITLE.into()),
                body_he: Set(BODY.into()),
                status: Set("APPROVED".into()),
                system: Set(true),
                created_by_user_id: Set(None),
                created_at: Set(now),
                approved_by_user_id: Set(None),
                approved_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
