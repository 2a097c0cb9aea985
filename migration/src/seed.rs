//! The demo data set: customers with valid national IDs, representatives with powers of attorney,
//! staff in every role across the offices, and inquiries over all statuses, channels and triplets,
//! with Hebrew correspondence and a consistent status/owner history. Deterministic for a seed.
//!
//! Domain decisions (routing, national-ID check digits) are not made here: the caller passes them
//! in through [`SeedHooks`], so the demo data follows exactly the rules the server enforces.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::*;
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use sea_orm_migration::sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, Statement, TransactionTrait,
};

/// Domain services the seed needs from the server crate.
pub trait SeedHooks: Sync {
    /// (office code, team kind) for a new inquiry.
    fn route(
        &self,
        triplet: &triplet::Model,
        customer: &customer::Model,
        channel: &str,
    ) -> (String, String);
    /// The folded search form of a name (R45).
    fn fold(&self, text: &str) -> String;
    /// A valid nine-digit national ID for an eight-digit body.
    fn national_id(&self, body: u32) -> String;
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub inquiries: usize,
    pub seed: u64,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Default, Clone)]
pub struct SeedReport {
    pub customers: usize,
    pub representatives: usize,
    pub users: usize,
    pub inquiries: usize,
    pub history_rows: usize,
    pub correspondences: usize,
}

const LAST: &[&str] = &[
    "כהן",
    "לוי",
    "מזרחי",
    "פרץ",
    "ביטון",
    "דהן",
    "אברהם",
    "פרידמן",
    "אזולאי",
    "מלכה",
    "חדד",
    "גבאי",
    "עמר",
    "יוסף",
    "שפירא",
    "קליין",
    "אוחיון",
    "בן דוד",
    "חסון",
    "סעדה",
    "ח'ורי",
    "עבאס",
    "נסאר",
    "גולדברג",
    "רוזנברג",
    "אשכנזי",
    "טל",
    "שרעבי",
    "ברק",
    "וקנין",
];
const FIRST: &[&str] = &[
    "נועה",
    "יוסף",
    "מיכל",
    "דוד",
    "שרה",
    "משה",
    "רחל",
    "אברהם",
    "תמר",
    "איתי",
    "יעל",
    "עומר",
    "רונית",
    "אחמד",
    "מוחמד",
    "פאטמה",
    "לילך",
    "אורי",
    "הדס",
    "יונתן",
    "שירה",
    "אביגיל",
    "אלון",
    "גלית",
    "ראמי",
    "סיון",
    "עדי",
    "נתן",
    "מאיה",
    "אליהו",
];
const COMPANY: &[&str] = &[
    "בע\"מ",
    "השקעות בע\"מ",
    "נכסים בע\"מ",
    "יזמות בע\"מ",
    "טכנולוגיות בע\"מ",
];

/// Opening texts per main topic; the seed combines them with the triplet's detail name.
fn opening_text(main: &str, rng: &mut ChaCha8Rng) -> &'static str {
    let bank: &[&str] = match main {
        "IT" => &[
            "שלום, הגשתי את המסמכים לפני חודש ועדיין לא קיבלתי תשובה. אשמח לעדכון.",
            "אבקש לבדוק את הנושא בתיק שלי, מצורפים טופסי 106 לשנים האחרונות.",
            "לא ברור לי מה עוד נדרש ממני, באתר כתוב שהבקשה בטיפול כבר שבועות.",
            "פונה בשם מרשי, נבקש את התייחסותכם בהקדם לאור המועדים הקבועים בחוק.",
        ],
        "VAT" => &[
            "העסק שלי פועל מאז השנה שעברה ואני צריך עזרה מול מע\"מ.",
            "הדיווח התקופתי לא נקלט במערכת, ניסיתי שלוש פעמים.",
            "בשם החברה, נבקש לבחון את החיוב שהוטל עלינו.",
            "קיבלתי הודעה ממע\"מ ואני לא מבין על מה מדובר.",
        ],
        "RE" => &[
            "מכרתי דירה וברצוני לברר את החישוב של מס השבח.",
            "רכשנו דירה ראשונה ואנחנו לא בטוחים לגבי מדרגות מס הרכישה.",
            "אני עורכת הדין של הקונים, נבקש את האישור לטאבו בהקדם.",
            "הגשנו השגה על השומה לפני שלושה חודשים וטרם קיבלנו מענה.",
        ],
        "WH" => &[
            "אני מעסיק עובדים ויש לי שאלה לגבי הדיווח השנתי.",
            "לא הצלחתי להוריד את האישור מהאתר, מקבל הודעת שגיאה.",
            "קיבלנו קנס על איחור בדיווח ואנחנו חושבים שזו טעות.",
            "נבקש לעדכן את פרטי תיק הניכויים של העסק.",
        ],
        "REG" => &[
            "אני רואה חשבון וייפוי הכוח של הלקוח לא מופיע אצלי ברשת המייצגים.",
            "נבקש לרשום עובדת חדשה במשרד כמורשית מטעמנו.",
            "הלקוח אישר את ייפוי הכוח אבל המערכת עדיין לא מציגה אותו.",
            "עדכון פרטי משרד המייצג – כתובת וטלפון חדשים.",
        ],
        "COMP" => &[
            "ביתנו נפגע מרסיס ואנו מבקשים לדעת מה מצב התביעה.",
            "העסק שלי נסגר בזמן המלחמה ואני רוצה להגיש תביעה על נזק עקיף.",
            "פונים בעניין הרכב שנפגע, הגשנו את כל המסמכים.",
            "פונינו מהבית ואני מבקש לברר לגבי פיצוי על השכר.",
        ],
        _ => &[
            "אני לא מצליח להתחבר לאזור האישי, הקוד לא מגיע.",
            "איפה אפשר למצוא את הטופס באתר?",
            "רציתי לדעת מה שעות הפעילות של המשרד הקרוב.",
            "אני רוצה להגיש תלונה על היחס שקיבלתי.",
        ],
    };
    bank.choose(rng).copied().unwrap_or_default()
}

const CLERK_REPLIES: &[&str] = &[
    "שלום רב, פנייתך התקבלה ונבדקה. מצורף מענה מפורט בנושא.",
    "לצורך המשך הטיפול נבקש להעביר אלינו את המסמכים החסרים באמצעות האזור האישי.",
    "הבקשה אושרה והעדכון ייקלט במערכות הרשות בימים הקרובים.",
    "לאחר בדיקה, הנושא טופל ועודכן בתיקך. בברכה, רשות המסים.",
];
const PROPOSED: &[&str] = &[
    "נבדק מול נתוני התיק; נשלח מענה ללקוח.",
    "נדרשים מסמכים משלימים; הועבר לבירור מול הלקוח.",
    "הועבר לצוות המתאים לפי השלשה.",
    "טופל ועודכן במערכת השומה.",
];

struct Ctx<'a> {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    hooks: &'a dyn SeedHooks,
}

/// Creates the demo data set. Refuses to run on a database that already has customers.
pub async fn run(
    db: &DatabaseConnection,
    opts: &SeedOptions,
    hooks: &dyn SeedHooks,
) -> Result<SeedReport, DbErr> {
    if customer::Entity::find().count(db).await? > 0 {
        return Err(DbErr::Custom(
            "the database already holds customers; seed-demo runs only on an empty database".into(),
        ));
    }
    let mut cx = Ctx {
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        now: opts.now,
        hooks,
    };
    let offices = office::Entity::find().all(db).await?;
    let teams = team::Entity::find().all(db).await?;
    let triplets = triplet::Entity::find().all(db).await?;
    let cities = city::Entity::find().all(db).await?;
    if triplets.is_empty() || teams.is_empty() {
        return Err(DbErr::Custom(
            "reference data are missing; run the migrations first".into(),
        ));
    }
    let txn = db.begin().await?;
    let mut report = SeedReport::default();

    // Staff: per office a manager, a deputy and a CRM trustee; per team a coordinator and a clerk.
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut members = Vec::new();
    let mut team_clerks: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut next_user = 1i64;
    let mut add_user = |login: String,
                        office_id: Option<i64>,
                        rs: &[&str],
                        team_id: Option<i64>,
                        rng: &mut ChaCha8Rng| {
        let id = next_user;
        next_user += 1;
        users.push(user::ActiveModel {
            id: Set(id),
            login: Set(login.to_lowercase()),
            last_name: Set(LAST.choose(rng).copied().unwrap_or_default().to_string()),
            first_name: Set(FIRST.choose(rng).copied().unwrap_or_default().to_string()),
            office_id: Set(office_id),
            email: Set(None),
            active: Set(true),
            created_at: Set(opts.now - Duration::days(400)),
        });
        for r in rs {
            roles.push(user_role::ActiveModel {
                user_id: Set(id),
                role: Set((*r).to_string()),
            });
        }
        if let Some(t) = team_id {
            members.push(team_member::ActiveModel {
                user_id: Set(id),
                team_id: Set(t),
            });
        }
        id
    };
    add_user("admin".into(), None, &["ADMIN"], None, &mut cx.rng);
    add_user("auditor".into(), None, &["AUDITOR"], None, &mut cx.rng);
    add_user(
        "data.scientist".into(),
        None,
        &["DATA_SCIENTIST"],
        None,
        &mut cx.rng,
    );
    for o in &offices {
        add_user(
            format!("{}.manager", o.code),
            Some(o.id),
            &["OFFICE_MANAGER", "CLERK"],
            None,
            &mut cx.rng,
        );
        add_user(
            format!("{}.deputy", o.code),
            Some(o.id),
            &["DEPUTY_OFFICE_MANAGER", "CLERK"],
            None,
            &mut cx.rng,
        );
        add_user(
            format!("{}.trustee", o.code),
            Some(o.id),
            &["CRM_TRUSTEE", "CLERK"],
            None,
            &mut cx.rng,
        );
        for t in teams.iter().filter(|t| t.office_id == o.id) {
            let extra: &[&str] = if o.kind == "info_center" {
                &["INFO_CENTER_AGENT"]
            } else if t.kind_code == "HQ_MAIN" {
                &["HQ_MAIN_TEAM"]
            } else {
                &[]
            };
            let base = format!("{}.{}", o.code, t.kind_code);
            let coord: Vec<&str> = ["COORDINATOR", "CLERK"]
                .into_iter()
                .chain(extra.iter().copied())
                .collect();
            let clerk: Vec<&str> = ["CLERK"].into_iter().chain(extra.iter().copied()).collect();
            let a = add_user(
                format!("{base}.coord"),
                Some(o.id),
                &coord,
                Some(t.id),
                &mut cx.rng,
            );
            let b = add_user(
                format!("{base}.1"),
                Some(o.id),
                &clerk,
                Some(t.id),
                &mut cx.rng,
            );
            team_clerks.insert(t.id, vec![a, b]);
        }
    }
    report.users = users.len();
    insert_chunks::<user::Entity, _>(&txn, users).await?;
    insert_chunks::<user_role::Entity, _>(&txn, roles).await?;
    insert_chunks::<team_member::Entity, _>(&txn, members).await?;

    // Customers.
    let n_customers = (opts.inquiries / 10).max(200);
    let mut customers = Vec::with_capacity(n_customers);
    for i in 0..n_customers {
        let rng = &mut cx.rng;
        let is_company = i % 10 == 9;
        let body = if is_company {
            51_000_000 + i as u32
        } else {
            20_000_000 + (i as u32) * 37
        };
        let city = cities
            .choose(rng)
            .map(|c| c.name_he.clone())
            .unwrap_or_default();
        let city_row = cities.iter().find(|c| c.name_he == city);
        let file_kind = rng.random_range(0..10);
        let (file_type, active, report) = match file_kind {
            0..=4 => (Some("01"), true, true),
            5 => (Some("91"), true, false),
            6 => (Some("10"), true, false),
            7 => (Some("95"), true, false),
            _ => (None, false, false),
        };
        let last = if is_company {
            format!(
                "{} {}",
                LAST.choose(rng).copied().unwrap_or_default(),
                COMPANY.choose(rng).copied().unwrap_or_default()
            )
        } else {
            LAST.choose(rng).copied().unwrap_or_default().to_string()
        };
        let first = if is_company {
            String::new()
        } else {
            FIRST.choose(rng).copied().unwrap_or_default().to_string()
        };
        let dealer = is_company || rng.random_bool(0.25);
        let verified = rng.random_bool(0.8);
        customers.push(customer::Model {
            id: i as i64 + 1,
            national_id: cx.hooks.national_id(body),
            search_name: cx.hooks.fold(&format!("{last} {first}")),
            last_name: last,
            first_name: first,
            is_company,
            file_number: file_type.map(|_| format!("0{:08}", 10_000_000 + i * 13)),
            file_type: file_type.map(str::to_string),
            file_active: active,
            annual_report_required: report,
            file_office: if active {
                city_row.map(|c| c.income_tax_office.clone())
            } else {
                None
            },
            vat_file_number: dealer.then(|| format!("5{:08}", 1_000_000 + i)),
            vat_dealer_active: dealer,
            vat_office: if dealer {
                city_row.map(|c| c.vat_office.clone())
            } else {
                None
            },
            residence_city: city.clone(),
            business_city: dealer.then(|| city.clone()),
            email: Some(format!("customer{}@example.co.il", i + 1)),
            email_verified: verified,
            mobile: Some(format!("05{}-{:07}", rng.random_range(0..9), 1_000_000 + i)),
            mobile_verified: verified,
            preferred_channel: if rng.random_bool(0.7) { "EMAIL" } else { "SMS" }.into(),
            verification_level: if verified { "HIGH" } else { "BASIC" }.into(),
            personal_area_registered: verified,
            created_at: cx.now - Duration::days(rng.random_range(400..3000)),
        });
    }
    report.customers = customers.len();
    let am: Vec<customer::ActiveModel> = customers.iter().cloned().map(Into::into).collect();
    insert_chunks::<customer::Entity, _>(&txn, am).await?;

    // Representatives, powers of attorney (registry) and real-estate assessments.
    let n_reps = (n_customers / 20).max(20);
    let kinds = ["LAWYER", "ACCOUNTANT", "TAX_CONSULTANT"];
    let mut reps = Vec::new();
    for i in 0..n_reps {
        let rng = &mut cx.rng;
        let kind = kinds[i % 3];
        reps.push(representative::ActiveModel {
            id: Set(i as i64 + 1),
            license_number: Set(format!("{}{:05}", &kind[..1], 10_000 + i)),
            smart_card_id: Set(format!("SC{:06}", 100_000 + i)),
            last_name: Set(LAST.choose(rng).copied().unwrap_or_default().into()),
            first_name: Set(FIRST.choose(rng).copied().unwrap_or_default().into()),
            kind: Set(kind.into()),
            active_lawyer: Set(kind == "LAWYER" && i % 7 != 0),
            firm_name: Set(Some(format!(
                "משרד {} ושות'",
                LAST.choose(rng).copied().unwrap_or_default()
            ))),
            email: Set(Some(format!("rep{}@firm.example.co.il", i + 1))),
            mobile: Set(Some(format!("052-{:07}", 2_000_000 + i))),
            active: Set(true),
            created_at: Set(cx.now - Duration::days(2000)),
        });
    }
    report.representatives = reps.len();
    insert_chunks::<representative::Entity, _>(&txn, reps).await?;
    let mut poas = Vec::new();
    let mut rep_of: HashMap<i64, i64> = HashMap::new();
    let mut assessments = Vec::new();
    for c in &customers {
        if cx.rng.random_bool(0.4) {
            let rep = cx.rng.random_range(1..=n_reps as i64);
            rep_of.insert(c.id, rep);
            for domain in ["INCOME_TAX", "VAT", "WITHHOLDING"] {
                poas.push(power_of_attorney::ActiveModel {
                    representative_id: Set(rep),
                    customer_id: Set(c.id),
                    tax_domain: Set(domain.into()),
                    source: Set("REGISTRY".into()),
                    approved_by_client: Set(true),
                    approved_at: Set(Some(c.created_at)),
                    valid_from: Set(c.created_at),
                    valid_to: Set(None),
                    revoked_at: Set(None),
                    created_at: Set(c.created_at),
                    ..Default::default()
                });
            }
        }
        if cx.rng.random_bool(0.15) {
            assessments.push(assessment::ActiveModel {
                number: Set(format!("{:09}", 700_000_000 + c.id * 11)),
                customer_id: Set(c.id),
                representative_id: Set(rep_of.get(&c.id).copied()),
                property_city: Set(c.residence_city.clone()),
                created_at: Set(c.created_at),
                ..Default::default()
            });
        }
    }
    insert_chunks::<power_of_attorney::Entity, _>(&txn, poas).await?;
    insert_chunks::<assessment::Entity, _>(&txn, assessments).await?;

    // Inquiries with history and correspondence.
    let office_by_code: HashMap<&str, &office::Model> =
        offices.iter().map(|o| (o.code.as_str(), o)).collect();
    let team_by_key: HashMap<(i64, &str), i64> = teams
        .iter()
        .map(|t| ((t.office_id, t.kind_code.as_str()), t.id))
        .collect();
    let selectable: Vec<&triplet::Model> =
        triplets.iter().filter(|t| t.customer_selectable).collect();
    let internal: Vec<&triplet::Model> =
        triplets.iter().filter(|t| !t.customer_selectable).collect();
    let mut open_count: HashMap<(i64, String), u8> = HashMap::new();
    let mut inquiries = Vec::new();
    let mut history = Vec::new();
    let mut corr = Vec::new();
    for i in 0..opts.inquiries {
        let id = i as i64 + 1;
        let rng = &mut cx.rng;
        let cust = &customers[rng.random_range(0..customers.len())];
        let mut channel = *[
            "WEB",
            "WEB",
            "WEB",
            "WEB",
            "WEB",
            "REPRESENTATIVES_NETWORK",
            "REPRESENTATIVES_NETWORK",
            "PHONE",
            "PHONE",
            "INFO_CENTER_HAIFA",
            "INFO_CENTER_JERUSALEM",
        ]
        .choose(rng)
        .unwrap_or(&"WEB");
        let rep = rep_of.get(&cust.id).copied();
        if channel == "REPRESENTATIVES_NETWORK" && rep.is_none() {
            channel = "WEB";
        }
        let rep = if channel == "REPRESENTATIVES_NETWORK" {
            rep
        } else {
            None
        };
        let chosen = selectable[i % selectable.len()];
        let trip = if i % 50 == 49 {
            internal[(i / 50) % internal.len()]
        } else {
            chosen
        };
        let opened_at = cx.now - Duration::minutes(rng.random_range(30..525_600));
        let (office_code, kind) = cx.hooks.route(trip, cust, channel);
        let office = office_by_code
            .get(office_code.as_str())
            .or_else(|| office_by_code.get("HQ"));
        let Some(office) = office else {
            return Err(DbErr::Custom("office HQ is missing".into()));
        };
        let team_id = team_by_key
            .get(&(office.id, kind.as_str()))
            .or_else(|| {
                office_by_code
                    .get("HQ")
                    .and_then(|hq| team_by_key.get(&(hq.id, "HQ_MAIN")))
            })
            .copied()
            .ok_or_else(|| DbErr::Custom("team HQ_MAIN is missing".into()))?;
        // Final status, respecting the directive's constraints.
        let roll = rng.random_range(0..100);
        let mut status = match roll {
            0..=14 => "OPEN_ASSIGNED_TO_TEAM",
            15..=34 => "IN_TREATMENT",
            35..=39 => "INFO_FROM_CUSTOMER",
            40..=42 => "TRANSFER_FOR_FURTHER_TREATMENT",
            43..=52 => "WAITING_FOR_CUSTOMER",
            53..=85 => "CLOSED_HANDLED",
            86..=90 => "CLOSED_WITHOUT_TREATMENT",
            91..=93 => "CLOSED_CANCELLED_BY_CUSTOMER",
            94..=95 => "CLOSED_CANCELLED_BY_REPRESENTATIVE",
            96..=97 => "CLOSED_BY_SYSTEM",
            _ => "ACTIVE_OPEN",
        };
        if status == "CLOSED_CANCELLED_BY_REPRESENTATIVE" && rep.is_none() {
            status = "CLOSED_CANCELLED_BY_CUSTOMER";
        }
        if status == "ACTIVE_OPEN" && !channel.starts_with("INFO_CENTER") {
            status = "OPEN_ASSIGNED_TO_TEAM";
        }
        let key = (cust.id, trip.code.clone());
        let open = !status.starts_with("CLOSED");
        if open {
            let n = open_count.entry(key).or_insert(0);
            if *n >= 3 {
                status = "CLOSED_HANDLED";
            } else {
                *n += 1;
            }
        }
        let clerks = team_clerks.get(&team_id).cloned().unwrap_or_default();
        let clerk = clerks.choose(rng).copied();
        let mut t = opened_at;
        let step = |t: DateTime<Utc>, rng: &mut ChaCha8Rng, now: DateTime<Utc>| {
            (t + Duration::minutes(rng.random_range(20..4_000))).min(now)
        };
        let h = |kind: &str,
                 at,
                 from: Option<&str>,
                 to: &str,
                 assignee: Option<i64>,
                 prev_assignee: Option<i64>,
                 note: Option<&str>| inquiry_history::ActiveModel {
            inquiry_id: Set(id),
            kind: Set(kind.into()),
            at: Set(at),
            actor_kind: Set(if kind == "OPENED" {
                "CUSTOMER"
            } else if to == "CLOSED_BY_SYSTEM" {
                "SYSTEM"
            } else {
                "USER"
            }
            .into()),
            actor_id: Set(if kind == "OPENED" {
                Some(cust.id)
            } else {
                assignee.or(clerk)
            }),
            from_status: Set(from.map(str::to_string)),
            to_status: Set(to.into()),
            from_office_id: Set(from.map(|_| office.id)),
            to_office_id: Set(office.id),
            from_team_id: Set(from.map(|_| team_id)),
            to_team_id: Set(team_id),
            from_assignee_id: Set(prev_assignee),
            to_assignee_id: Set(assignee),
            from_triplet: Set(None),
            to_triplet: Set(trip.code.clone()),
            note: Set(note.map(str::to_string)),
            ..Default::default()
        };
        let first_status = if status == "ACTIVE_OPEN" {
            "ACTIVE_OPEN"
        } else {
            "OPEN_ASSIGNED_TO_TEAM"
        };
        history.push(h("OPENED", opened_at, None, first_status, None, None, None));
        let mut assignee = None;
        let mut last = first_status;
        let body = format!(
            "{} – {}",
            trip.detail_he,
            opening_text(&trip.main_code, rng)
        );
        let path: &[&str] = match status {
            "ACTIVE_OPEN"
            | "OPEN_ASSIGNED_TO_TEAM"
            | "CLOSED_CANCELLED_BY_CUSTOMER"
            | "CLOSED_CANCELLED_BY_REPRESENTATIVE" => &[],
            "IN_TREATMENT" => &["IN_TREATMENT"],
            "TRANSFER_FOR_FURTHER_TREATMENT" => &["IN_TREATMENT", "TRANSFER_FOR_FURTHER_TREATMENT"],
            "WAITING_FOR_CUSTOMER" => &["IN_TREATMENT", "WAITING_FOR_CUSTOMER"],
            "INFO_FROM_CUSTOMER" => &["IN_TREATMENT", "WAITING_FOR_CUSTOMER", "INFO_FROM_CUSTOMER"],
            "CLOSED_BY_SYSTEM" => &["IN_TREATMENT", "WAITING_FOR_CUSTOMER"],
            _ => &["IN_TREATMENT"],
        };
        for &s in path {
            t = step(t, rng, cx.now);
            if s == "IN_TREATMENT" {
                assignee = clerk;
                history.push(h("ASSIGNMENT", t, Some(last), s, assignee, None, None));
            } else {
                let note = PROPOSED.choose(rng).copied();
                history.push(h(
                    "STATUS_CHANGE",
                    t,
                    Some(last),
                    s,
                    assignee,
                    assignee,
                    note,
                ));
                if s == "WAITING_FOR_CUSTOMER" {
                    corr.push(correspondence(
                        id,
                        "FROM_CLERK",
                        None,
                        assignee,
                        CLERK_REPLIES[1],
                        t,
                        Some(t),
                    ));
                }
                if s == "INFO_FROM_CUSTOMER" {
                    corr.push(correspondence(
                        id,
                        "FROM_CUSTOMER",
                        Some(cust.id),
                        None,
                        "מצורפים המסמכים שביקשתם.",
                        t,
                        None,
                    ));
                }
            }
            last = s;
        }
        let closed_at = if status.starts_with("CLOSED") {
            t = if status == "CLOSED_BY_SYSTEM" {
                t + Duration::days(92)
            } else {
                step(t, rng, cx.now)
            };
            let t = t.min(cx.now);
            let reason = (status == "CLOSED_WITHOUT_TREATMENT").then_some("DUPLICATE_INQUIRY");
            let note = if status == "CLOSED_BY_SYSTEM" {
                Some("נסגרה ע\"י המערכת: אין מענה מהלקוח במשך שלושה חודשים")
            } else {
                reason.map(|_| "פנייה כפולה")
            };
            let mut row = h(
                "STATUS_CHANGE",
                t,
                Some(last),
                status,
                assignee,
                assignee,
                note,
            );
            if status.starts_with("CLOSED_CANCELLED") {
                row.actor_kind = Set(if status.ends_with("REPRESENTATIVE") {
                    "REPRESENTATIVE"
                } else {
                    "CUSTOMER"
                }
                .into());
                row.actor_id = Set(if status.ends_with("REPRESENTATIVE") {
                    rep
                } else {
                    Some(cust.id)
                });
            }
            history.push(row);
            if status == "CLOSED_HANDLED" || status == "CLOSED_WITHOUT_TREATMENT" {
                corr.push(correspondence(
                    id,
                    "FROM_CLERK",
                    None,
                    assignee,
                    CLERK_REPLIES.choose(rng).copied().unwrap_or_default(),
                    t,
                    Some(t),
                ));
            }
            Some(t)
        } else {
            None
        };
        if rng.random_bool(0.3) {
            let at = step(opened_at, rng, cx.now);
            let unread = status != "CLOSED_HANDLED" && rng.random_bool(0.5);
            corr.push(correspondence(
                id,
                if rep.is_some() {
                    "FROM_REPRESENTATIVE"
                } else {
                    "FROM_CUSTOMER"
                },
                Some(cust.id),
                None,
                "רציתי להוסיף פרטים לפנייה, אשמח שתתייחסו.",
                at,
                (!unread).then_some(at),
            ));
        }
        inquiries.push(inquiry::ActiveModel {
            id: Set(id),
            number: Set(1_000_000 + id),
            channel: Set(channel.into()),
            triplet_code: Set(trip.code.clone()),
            tax_year: Set(trip.tax_year_required.then(|| 2020 + (id % 6) as i32)),
            unit: Set(None),
            office_id: Set(office.id),
            team_id: Set(team_id),
            assignee_id: Set(assignee),
            customer_id: Set(cust.id),
            representative_id: Set(rep),
            opened_by_user_id: Set(None),
            assessment_number: Set(None),
            status: Set(status.into()),
            closure_reason: Set(
                (status == "CLOSED_WITHOUT_TREATMENT").then(|| "DUPLICATE_INQUIRY".into())
            ),
            proposed_solution: Set((last != first_status || closed_at.is_some())
                .then(|| PROPOSED[(id % 4) as usize].into())),
            subject: Set(trip.detail_he.clone()),
            body: Set(body),
            customer_triplet_code: Set(chosen.code.clone()),
            routing_note: Set(None),
            documents_pending: Set(false),
            due_at: Set(None),
            sla_working_seconds: Set(None),
            sla_target_seconds: Set(None),
            opened_at: Set(opened_at),
            updated_at: Set(closed_at.unwrap_or(t)),
            status_changed_at: Set(closed_at.unwrap_or(t)),
            closed_at: Set(closed_at),
            version: Set(1),
            caller_verified_at: Set(None),
            caller_verified_by_user_id: Set(None),
        });
        if inquiries.len() >= 2_000 {
            report.inquiries += inquiries.len();
            report.history_rows += history.len();
            report.correspondences += corr.len();
            insert_chunks::<inquiry::Entity, _>(&txn, std::mem::take(&mut inquiries)).await?;
            insert_chunks::<inquiry_history::Entity, _>(&txn, std::mem::take(&mut history)).await?;
            insert_chunks::<correspondence::Entity, _>(&txn, std::mem::take(&mut corr)).await?;
        }
    }
    report.inquiries += inquiries.len();
    report.history_rows += history.len();
    report.correspondences += corr.len();
    insert_chunks::<inquiry::Entity, _>(&txn, inquiries).await?;
    insert_chunks::<inquiry_history::Entity, _>(&txn, history).await?;
    insert_chunks::<correspondence::Entity, _>(&txn, corr).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ["users", "customers", "representatives", "inquiries"] {
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"),
            ))
            .await?;
        }
    }
    txn.commit().await?;
    // Fresh planner statistics: without them PostgreSQL guesses a bulk-loaded table's
    // selectivities badly (a 6 ms view page took 700 ms at 1,000,000 rows before ANALYZE).
    db.execute_unprepared("ANALYZE").await?;
    Ok(report)
}

fn correspondence(
    inquiry_id: i64,
    direction: &str,
    customer: Option<i64>,
    user: Option<i64>,
    body: &str,
    at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
) -> correspondence::ActiveModel {
    correspondence::ActiveModel {
        inquiry_id: Set(inquiry_id),
        direction: Set(direction.into()),
        author_customer_id: Set(customer.filter(|_| direction == "FROM_CUSTOMER")),
        author_representative_id: Set(None),
        author_user_id: Set(user),
        body: Set(body.into()),
        created_at: Set(at),
        read_at: Set(read_at),
        read_by_user_id: Set(None),
        ..Default::default()
    }
}

/// Inserts in chunks small enough for SQLite's bound-parameter limit.
async fn insert_chunks<E, C>(db: &C, rows: Vec<E::ActiveModel>) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::ActiveModel: sea_orm_migration::sea_orm::ActiveModelTrait<Entity = E> + Clone,
    C: ConnectionTrait,
{
    for chunk in rows.chunks(500) {
        E::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
