//! Israeli national ID (מספר זהות): nine digits, the last a check digit (Luhn-like, weights
//! 1,2,1,2,... with the digits of each product summed). Shorter inputs are left-padded with zeros,
//! so "18" and "000000018" are the same ID (R45: found with or without leading zeros).

use std::fmt;

/// A validated national ID, always held as nine digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("מספר זהות חייב להכיל ספרות בלבד, עד 9 ספרות (national ID must be 1-9 digits)")]
    Format,
    #[error("ספרת הביקורת של מספר הזהות שגויה (national ID check digit is wrong)")]
    CheckDigit,
}

impl NationalId {
    /// Parses and validates; accepts 1-9 digits (leading zeros optional) and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, NationalIdError> {
        let digits = input.trim();
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NationalIdError::Format);
        }
        let padded = format!("{digits:0>9}");
        if !check_digit_ok(&padded) {
            return Err(NationalIdError::CheckDigit);
        }
        Ok(Self(padded))
    }

    /// The nine-digit form, with leading zeros.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked for display where the policy says mask: `*****6789`.
    pub fn masked(&self) -> String {
        mask_national_id(&self.0)
    }

    /// Completes an eight-digit body with its check digit (used by the demo data generator).
    pub fn with_check_digit(body: u32) -> Self {
        let body = format!("{:08}", body % 100_000_000);
        for d in 0..10 {
            let candidate = format!("{body}{d}");
            if check_digit_ok(&candidate) {
                return Self(candidate);
            }
        }
        unreachable!("one of ten check digits always satisfies the mod-10 sum")
    }
}

/// Masks all but the last four characters of a stored ID.
pub fn mask_national_id(id: &str) -> String {
    let keep = id.len().saturating_sub(4);
    format!("{}{}", "*".repeat(keep.max(5)), &id[keep..])
}

fn check_digit_ok(nine: &str) -> bool {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples() {
        assert!(NationalId::parse("123456782").is_ok());
        assert_eq!(
            NationalId::parse("123456789"),
            Err(NationalIdError::CheckDigit)
        );
        assert_eq!(
            NationalId::parse("000000018").map(|i| i.0),
            Ok("000000018".to_string())
        );
    }

    #[test]
    fn r45_leading_zeros_are_optional() {
        assert_eq!(NationalId::parse("18"), NationalId::parse("000000018"));
    }

    #[test]
    fn rejects_bad_format() {
        for bad in ["", "12a", "1234567890", "-1", "12 34"] {
            assert_eq!(
                NationalId::parse(bad),
                Err(NationalIdError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn generated_ids_are_valid() {
        for body in [0, 1, 12_345_678, 99_999_999] {
            let id = NationalId::with_check_digit(body);
            assert_eq!(NationalId::parse(id.as_str()), Ok(id.clone()));
        }
    }

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask_national_id("123456782"), "*****6782");
    }
}
