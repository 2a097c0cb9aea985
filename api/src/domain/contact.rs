//! Outbound email and SMS (§2.2.7, §4.4, §5.1.4; R40, R41): only to the customer's registered,
//! verified address; documents and personal information never to any other address.

use super::ActivityKind;
use super::error::DomainError;

/// The customer's registered contact details.
#[derive(Debug, Clone, Default)]
pub struct Registered<'a> {
    pub email: Option<&'a str>,
    pub email_verified: bool,
    pub mobile: Option<&'a str>,
    pub mobile_verified: bool,
}

fn normalise_mobile(m: &str) -> String {
    m.chars().filter(char::is_ascii_digit).collect()
}

/// The address to send to: the registered, verified one. A requested address must be that one.
pub fn destination(
    kind: ActivityKind,
    registered: &Registered<'_>,
    requested: Option<&str>,
) -> Result<String, DomainError> {
    let (addr, verified, what) = match kind {
        ActivityKind::Email => (registered.email, registered.email_verified, "דואר אלקטרוני"),
        ActivityKind::Sms => (registered.mobile, registered.mobile_verified, "טלפון נייד"),
    };
    let Some(addr) = addr.filter(|_| verified) else {
        return Err(DomainError::forbidden(format!(
            "ללקוח אין {what} רשום ומאומת, ולכן לא ניתן לשלוח."
        )));
    };
    if let Some(req) = requested {
        let same = match kind {
            ActivityKind::Email => req.trim().eq_ignore_ascii_case(addr.trim()),
            ActivityKind::Sms => normalise_mobile(req) == normalise_mobile(addr),
        };
        if !same {
            return Err(DomainError::forbidden(
                "ניתן לשלוח רק לכתובת הדוא\"ל או למספר הטלפון הנייד הרשומים והמאומתים של הלקוח.",
            ));
        }
    }
    Ok(addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG: Registered<'static> = Registered {
        email: Some("a@b.co.il"),
        email_verified: true,
        mobile: Some("050-1234567"),
        mobile_verified: false,
    };

    #[test]
    fn r40_only_the_registered_verified_address() {
        assert_eq!(
            destination(ActivityKind::Email, &REG, None).ok().as_deref(),
            Some("a@b.co.il")
        );
        assert!(destination(ActivityKind::Email, &REG, Some("A@B.co.il")).is_ok());
        assert!(destination(ActivityKind::Email, &REG, Some("other@x.com")).is_err());
        assert!(
            destination(ActivityKind::Sms, &REG, None).is_err(),
            "mobile not verified"
        );
        let verified = Registered {
            mobile_verified: true,
            ..REG
        };
        assert!(destination(ActivityKind::Sms, &verified, Some("0501234567")).is_ok());
        assert!(destination(ActivityKind::Sms, &verified, Some("0509999999")).is_err());
    }
}
