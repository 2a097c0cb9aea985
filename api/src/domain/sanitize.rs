//! Attachment sanitising ("הלבנה", directive §5.2.11; R15, R22): decides from a file's name,
//! declared content type and bytes whether it is Clean, Invalid or Infected. An inquiry with an
//! Invalid or Infected file is closed by the system (R22). R16 (SLA paused until uploads are
//! loaded) belongs to the caller: this module is pure and knows nothing of time.
//!
//! Owns: the allowed-type table, magic-byte detection, name rules, and structural checks (EICAR,
//! Office macros, PDF active content, zip bombs). Must not: do I/O, read the clock, decompress,
//! or call an antivirus — the caller runs this on bytes already in memory, and it is a pre-filter
//! in front of the real AV/CDR engine, not a replacement (compressed PDF object streams and zip
//! entry contents are opaque to it).
//!
//! Allowed types: what a taxpayer actually sends — PDF (forms, statements), JPEG/PNG (phone
//! photos of documents), TIFF (scanners and fax), Word and Excel (DOCX/XLSX and legacy DOC/XLS,
//! still common among representatives). Left out on purpose: GIF (not a document format), TXT and
//! CSV (no magic bytes, so the real type cannot be proven; text belongs in the inquiry body),
//! PowerPoint and archives (no use case, larger attack surface), macro-enabled Office (§5.2.11).
//! A declared type of `application/octet-stream` or none is accepted as "unknown", because
//! browsers send it for Office files on some desktops and refusing it would close a customer's
//! inquiry (R22) for no fault of theirs; the magic bytes decide.

/// Largest accepted attachment.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Longest accepted file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;
/// Zip-bomb limits for OOXML, from the central directory's declared sizes.
pub const MAX_ZIP_UNCOMPRESSED_BYTES: u64 = 200 * 1024 * 1024;
pub const MAX_ZIP_RATIO: u64 = 100;
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// The real type of a file, from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Tiff,
    Docx,
    Xlsx,
    Doc,
    Xls,
}

impl FileKind {
    /// The canonical content type to serve the file with — never echo the declared one.
    pub fn content_type(self) -> &'static str {
        let allowed = ALLOWED.iter().find(|a| a.kind == self);
        allowed
            .and_then(|a| a.content_types.first())
            .copied()
            .unwrap_or("application/octet-stream")
    }
}

/// One allowed type: the extensions and declared content types that may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedType {
    pub kind: FileKind,
    pub extensions: &'static [&'static str],
    pub content_types: &'static [&'static str],
}

/// The allowed types (see the module doc for why these).
pub const ALLOWED: &[AllowedType] = &[
    AllowedType {
        kind: FileKind::Pdf,
        extensions: &["pdf"],
        content_types: &["application/pdf", "application/x-pdf"],
    },
    AllowedType {
        kind: FileKind::Jpeg,
        extensions: &["jpg", "jpeg", "jpe"],
        content_types: &["image/jpeg", "image/pjpeg"],
    },
    AllowedType {
        kind: FileKind::Png,
        extensions: &["png"],
        content_types: &["image/png", "image/x-png"],
    },
    AllowedType {
        kind: FileKind::Tiff,
        extensions: &["tif", "tiff"],
        content_types: &["image/tiff"],
    },
    AllowedType {
        kind: FileKind::Docx,
        extensions: &["docx"],
        content_types: &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    },
    AllowedType {
        kind: FileKind::Xlsx,
        extensions: &["xlsx"],
        content_types: &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    },
    AllowedType {
        kind: FileKind::Doc,
        extensions: &["doc"],
        content_types: &["application/msword"],
    },
    AllowedType {
        kind: FileKind::Xls,
        extensions: &["xls"],
        content_types: &["application/vnd.ms-excel"],
    },
];

/// Declared types that say "unknown" rather than lie.
const GENERIC_CONTENT_TYPES: &[&str] = &["", "application/octet-stream", "binary/octet-stream"];
const MACRO_EXTENSIONS: &[&str] = &[
    "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm",
];
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// The outcome of [`inspect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean { detected: FileKind },
    Invalid { reason: InvalidReason },
    Infected { reason: InfectedReason },
}

impl Verdict {
    /// True when the inquiry must be closed by the system (R22).
    pub fn closes_inquiry(&self) -> bool {
        !matches!(self, Self::Clean { .. })
    }

    /// A stable code for the audit trail and the client: `CLEAN` or the reason's code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Clean { .. } => "CLEAN",
            Self::Invalid { reason } => reason.code(),
            Self::Infected { reason } => reason.code(),
        }
    }

    /// The customer-facing message, or `None` when clean.
    pub fn message_he(&self) -> Option<&'static str> {
        match self {
            Self::Clean { .. } => None,
            Self::Invalid { reason } => Some(reason.message_he()),
            Self::Infected { reason } => Some(reason.message_he()),
        }
    }
}

/// Why a file was refused as invalid (R15). `code()` is stable for clients and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum InvalidReason {
    EmptyFile,
    TooLarge,
    FileNameMissing,
    FileNameTooLong,
    FileNameHasPath,
    FileNameBadCharacters,
    UnsupportedType,
    ExtensionMismatch,
    ContentTypeMismatch,
    ZipBomb,
    Corrupt,
    Encrypted,
}

impl InvalidReason {
    pub fn code(&self) -> &'static str {
        self.into()
    }

    pub fn message_he(&self) -> &'static str {
        self.messages().0
    }

    pub fn message_en(&self) -> &'static str {
        self.messages().1
    }

    /// (Hebrew, English), side by side so a translation cannot go missing.
    fn messages(&self) -> (&'static str, &'static str) {
        match self {
            Self::EmptyFile => (
                "הקובץ ריק. יש לצרף קובץ שיש בו תוכן.",
                "The file is empty. Please attach a file with content.",
            ),
            Self::TooLarge => (
                "הקובץ גדול מדי. הגודל המרבי של קובץ הוא 10 מגה-בייט.",
                "The file is too large. The maximum size is 10 MB.",
            ),
            Self::FileNameMissing => (
                "לקובץ אין שם. יש לתת לקובץ שם ולצרף אותו שוב.",
                "The file has no name. Please name it and attach it again.",
            ),
            Self::FileNameTooLong => (
                "שם הקובץ ארוך מדי. שם הקובץ יכול להכיל עד 200 תווים.",
                "The file name is too long. It can have up to 200 characters.",
            ),
            Self::FileNameHasPath => (
                "שם הקובץ אינו יכול לכלול את התווים / או \\ או שתי נקודות רצופות.",
                "The file name must not contain / or \\ or two dots in a row.",
            ),
            Self::FileNameBadCharacters => (
                "שם הקובץ מכיל תווים אסורים (תווי בקרה או תווי כיווניות). יש לשנות את שם הקובץ ולצרף אותו שוב.",
                "The file name contains forbidden (control or text-direction) characters. Please rename the file and attach it again.",
            ),
            Self::UnsupportedType => (
                "סוג הקובץ אינו נתמך. ניתן לצרף קובצי PDF, JPEG, PNG, TIFF, Word ו-Excel.",
                "This file type is not supported. You can attach PDF, JPEG, PNG, TIFF, Word and Excel files.",
            ),
            Self::ExtensionMismatch => (
                "סיומת שם הקובץ אינה תואמת את תוכן הקובץ.",
                "The file name extension does not match the file's content.",
            ),
            Self::ContentTypeMismatch => (
                "סוג הקובץ שדווח אינו תואם את תוכן הקובץ.",
                "The declared file type does not match the file's content.",
            ),
            Self::ZipBomb => (
                "הקובץ מכיל נתונים דחוסים בהיקף חריג, ולכן לא ניתן לקבל אותו.",
                "The file contains an abnormal amount of compressed data and cannot be accepted.",
            ),
            Self::Corrupt => (
                "הקובץ פגום, ולכן לא ניתן לבדוק אותו.",
                "The file is damaged and cannot be checked.",
            ),
            Self::Encrypted => (
                "הקובץ מוגן בסיסמה, ולכן לא ניתן לבדוק אותו. יש לצרף את הקובץ ללא סיסמה.",
                "The file is password-protected and cannot be checked. Please attach it without a password.",
            ),
        }
    }
}

/// Why a file was refused as dangerous (R15). `code()` is stable for clients and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum InfectedReason {
    /// The EICAR test signature; the customer is told "virus", as an AV engine would.
    VirusSignature,
    OfficeMacros,
    OfficeActiveX,
    PdfScript,
    PdfLaunchAction,
    PdfEmbeddedFile,
}

impl InfectedReason {
    pub fn code(&self) -> &'static str {
        self.into()
    }

    pub fn message_he(&self) -> &'static str {
        self.messages().0
    }

    pub fn message_en(&self) -> &'static str {
        self.messages().1
    }

    /// (Hebrew, English), side by side so a translation cannot go missing.
    fn messages(&self) -> (&'static str, &'static str) {
        match self {
            Self::VirusSignature => (
                "הקובץ נחסם משום שזוהה בו וירוס.",
                "The file was blocked because a virus was detected in it.",
            ),
            Self::OfficeMacros => (
                "הקובץ נחסם משום שהוא מכיל פקודות מאקרו. יש לשמור אותו כקובץ ללא פקודות מאקרו (למשל docx או xlsx) ולצרף אותו שוב.",
                "The file was blocked because it contains macros. Save it without macros (for example as .docx or .xlsx) and attach it again.",
            ),
            Self::OfficeActiveX => (
                "הקובץ נחסם משום שהוא מכיל רכיבים פעילים (ActiveX).",
                "The file was blocked because it contains active (ActiveX) components.",
            ),
            Self::PdfScript => (
                "קובץ ה-PDF נחסם משום שהוא מכיל קוד (JavaScript).",
                "The PDF was blocked because it contains code (JavaScript).",
            ),
            Self::PdfLaunchAction => (
                "קובץ ה-PDF נחסם משום שהוא מנסה להפעיל תוכנה.",
                "The PDF was blocked because it tries to launch a program.",
            ),
            Self::PdfEmbeddedFile => (
                "קובץ ה-PDF נחסם משום שמוטמעים בו קבצים אחרים. יש לצרף כל קובץ בנפרד.",
                "The PDF was blocked because other files are embedded in it. Please attach each file separately.",
            ),
        }
    }
}

/// Checks a file name and returns it trimmed. Refuses path separators and `..` (the name must
/// never become a path), control characters (header injection) and bidi overrides such as
/// U+202E, which make "invoice\u{202E}fdp.exe" display as "invoiceexe.pdf" in a right-to-left UI.
pub fn safe_file_name(name: &str) -> Result<String, InvalidReason> {
    let name = name.trim();
    if name.is_empty() {
        return Err(InvalidReason::FileNameMissing);
    }
    if name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(InvalidReason::FileNameTooLong);
    }
    if name.contains(['/', '\\']) || name.contains("..") {
        return Err(InvalidReason::FileNameHasPath);
    }
    let bidi_override = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if name.chars().any(|c| c.is_control() || bidi_override(c)) {
        return Err(InvalidReason::FileNameBadCharacters);
    }
    Ok(name.to_owned())
}

/// Inspects one attachment (§5.2.11). Dangerous content wins over a lying name: a macro
/// document called `.pdf` is Infected, not merely Invalid.
pub fn inspect(declared_content_type: &str, file_name: &str, bytes: &[u8]) -> Verdict {
    match inspect_inner(declared_content_type, file_name, bytes) {
        Ok(detected) => Verdict::Clean { detected },
        Err(verdict) => verdict,
    }
}

fn invalid(reason: InvalidReason) -> Verdict {
    Verdict::Invalid { reason }
}

fn infected(reason: InfectedReason) -> Verdict {
    Verdict::Infected { reason }
}

fn inspect_inner(declared: &str, file_name: &str, bytes: &[u8]) -> Result<FileKind, Verdict> {
    let name = safe_file_name(file_name).map_err(invalid)?;
    if bytes.is_empty() {
        return Err(invalid(InvalidReason::EmptyFile));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(invalid(InvalidReason::TooLarge));
    }
    if find(bytes, EICAR, 0).is_some() {
        return Err(infected(InfectedReason::VirusSignature));
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let declared = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if MACRO_EXTENSIONS.contains(&extension.as_str()) || declared.contains("macroenabled") {
        return Err(infected(InfectedReason::OfficeMacros));
    }
    let kind = detect(bytes)?;
    let allowed = ALLOWED
        .iter()
        .find(|a| a.kind == kind)
        .ok_or(invalid(InvalidReason::UnsupportedType))?;
    if !allowed.extensions.contains(&extension.as_str()) {
        return Err(invalid(InvalidReason::ExtensionMismatch));
    }
    if !allowed.content_types.contains(&declared.as_str())
        && !GENERIC_CONTENT_TYPES.contains(&declared.as_str())
    {
        return Err(invalid(InvalidReason::ContentTypeMismatch));
    }
    Ok(kind)
}

/// Magic bytes first, then the structural checks of that format.
fn detect(bytes: &[u8]) -> Result<FileKind, Verdict> {
    if bytes.starts_with(b"%PDF-") {
        return pdf_active_content(bytes).map_or(Ok(FileKind::Pdf), |r| Err(infected(r)));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Ok(FileKind::Tiff);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return ooxml_kind(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return ole2_kind(bytes);
    }
    Err(invalid(InvalidReason::UnsupportedType))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

// ---- PDF -------------------------------------------------------------------------------------

/// Scans PDF names, decoding `#xx` escapes so `/J#61vaScript` is caught. Inside binary stream
/// data (compressed or image data, opaque to a byte scan) only long names count: `/JS` would
/// match there by chance and close a customer's inquiry for nothing. A JavaScript action always
/// carries `/S /JavaScript`, so uncompressed scripts are still found.
fn pdf_active_content(bytes: &[u8]) -> Option<InfectedReason> {
    let is_binary = |b: &u8| *b < 0x09 || (0x0E..0x20).contains(b);
    let (mut text_from, mut search_from) = (0, 0);
    while let Some(s) = find(bytes, b"stream", search_from) {
        let data = s + b"stream".len();
        search_from = data;
        if bytes[..s].ends_with(b"end") {
            continue;
        }
        let end = find(bytes, b"endstream", data).unwrap_or(bytes.len());
        let stream = &bytes[data..end];
        if stream.iter().any(is_binary) {
            // Long names cannot match by chance, so binary data is still scanned for them.
            let found =
                pdf_names(&bytes[text_from..data], false).or_else(|| pdf_names(stream, true));
            if found.is_some() {
                return found;
            }
            (text_from, search_from) = (end, end);
        }
    }
    pdf_names(&bytes[text_from..], false)
}

fn pdf_names(text: &[u8], long_names_only: bool) -> Option<InfectedReason> {
    let is_delimiter = |b: &u8| b.is_ascii_whitespace() || b"()<>[]{}/%\0".contains(b);
    let mut i = 0;
    while let Some(slash) = text.get(i..)?.iter().position(|&b| b == b'/') {
        let start = i + slash + 1;
        let len = text[start..]
            .iter()
            .position(is_delimiter)
            .unwrap_or(text.len() - start);
        let name = decode_pdf_name(&text[start..start + len]);
        match name.as_slice() {
            b"JavaScript" => return Some(InfectedReason::PdfScript),
            b"JS" if !long_names_only => return Some(InfectedReason::PdfScript),
            b"Launch" => return Some(InfectedReason::PdfLaunchAction),
            b"EmbeddedFile" | b"EmbeddedFiles" => return Some(InfectedReason::PdfEmbeddedFile),
            _ => i = start + len,
        }
    }
    None
}

fn decode_pdf_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|_| raw[i] == b'#')
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(raw[i]);
                i += 1;
            }
        }
    }
    out
}

// ---- OOXML (zip) -----------------------------------------------------------------------------

/// Reads the central directory by hand (no decompression, no dependency) and enforces the
/// zip-bomb limits on the declared sizes. Declared sizes can lie, so whoever decompresses these
/// files later (AV, preview) must still stream with its own limits.
fn zip_entry_names(bytes: &[u8]) -> Result<Vec<&[u8]>, InvalidReason> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let lowest = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let eocd = (lowest..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&p| bytes[p..].starts_with(EOCD))
        .ok_or(InvalidReason::Corrupt)?;
    let total = usize::from(u16_at(bytes, eocd + 10).ok_or(InvalidReason::Corrupt)?);
    if total > MAX_ZIP_ENTRIES {
        return Err(InvalidReason::ZipBomb);
    }
    let mut at = u32_at(bytes, eocd + 16).ok_or(InvalidReason::Corrupt)? as usize;
    let (mut uncompressed, mut entries) = (0u64, Vec::with_capacity(total));
    for _ in 0..total {
        if at >= eocd || !bytes[at..].starts_with(b"PK\x01\x02") {
            return Err(InvalidReason::Corrupt);
        }
        let field = |off: usize| {
            u16_at(bytes, at + off)
                .map(usize::from)
                .ok_or(InvalidReason::Corrupt)
        };
        let flags = field(8)?;
        uncompressed += u64::from(u32_at(bytes, at + 24).ok_or(InvalidReason::Corrupt)?);
        let (name_len, extra_len, comment_len) = (field(28)?, field(30)?, field(32)?);
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or(InvalidReason::Corrupt)?;
        if flags & 1 == 1 {
            return Err(InvalidReason::Encrypted);
        }
        if uncompressed > MAX_ZIP_UNCOMPRESSED_BYTES {
            return Err(InvalidReason::ZipBomb);
        }
        entries.push(name);
        at += 46 + name_len + extra_len + comment_len;
    }
    if uncompressed > MAX_ZIP_RATIO * bytes.len() as u64 {
        return Err(InvalidReason::ZipBomb);
    }
    Ok(entries)
}

fn ooxml_kind(bytes: &[u8]) -> Result<FileKind, Verdict> {
    let entries = zip_entry_names(bytes).map_err(invalid)?;
    let names: Vec<String> = entries
        .iter()
        .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
        .collect();
    if names.iter().any(|n| n.ends_with("vbaproject.bin")) {
        return Err(infected(InfectedReason::OfficeMacros));
    }
    if names.iter().any(|n| n.contains("activex/")) {
        return Err(infected(InfectedReason::OfficeActiveX));
    }
    let has = |part: &str| names.iter().any(|n| n == part);
    if !has("[content_types].xml") {
        return Err(invalid(InvalidReason::UnsupportedType));
    }
    match (has("word/document.xml"), has("xl/workbook.xml")) {
        (true, false) => Ok(FileKind::Docx),
        (false, true) => Ok(FileKind::Xlsx),
        _ => Err(invalid(InvalidReason::UnsupportedType)),
    }
}

// ---- Legacy Office (OLE2 compound file) ------------------------------------------------------

/// Directory entry names of a compound file. Instead of following the FAT, every 128-byte slot
/// after the header is tried as a directory entry (directory sectors are sector-aligned and
/// entries 128-aligned); a slot counts only with a valid length, type and NUL terminator.
fn ole2_names(bytes: &[u8]) -> Vec<String> {
    let sector = match u16_at(bytes, 0x1E) {
        Some(12) => 4096,
        _ => 512,
    };
    let mut names = Vec::new();
    for slot in (sector..bytes.len()).step_by(128) {
        let Some(entry) = bytes.get(slot..slot + 128) else {
            break;
        };
        let name_bytes = usize::from(u16_at(entry, 0x40).unwrap_or(0));
        if !(4..=64).contains(&name_bytes)
            || !name_bytes.is_multiple_of(2)
            || ![1, 2, 5].contains(&entry[0x42])
        {
            continue;
        }
        let units: Vec<u16> = entry[..name_bytes]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        if let Some((&0, name)) = units.split_last()
            && let Ok(name) = String::from_utf16(name)
        {
            names.push(name);
        }
    }
    names
}

fn ole2_kind(bytes: &[u8]) -> Result<FileKind, Verdict> {
    let names = ole2_names(bytes);
    let has = |wanted: &[&str]| {
        names
            .iter()
            .any(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
    };
    if has(&["VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR", "Macros"]) {
        return Err(infected(InfectedReason::OfficeMacros));
    }
    if has(&["EncryptedPackage", "EncryptionInfo"]) {
        return Err(invalid(InvalidReason::Encrypted));
    }
    match (has(&["WordDocument"]), has(&["Workbook", "Book"])) {
        (true, false) => Ok(FileKind::Doc),
        (false, true) => Ok(FileKind::Xls),
        _ => Err(invalid(InvalidReason::UnsupportedType)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileKind as K;
    use InfectedReason as X;
    use InvalidReason as I;
    use strum::IntoEnumIterator;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02";
    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const PARTS: [(&str, &[u8]); 2] = [("[Content_Types].xml", b"x"), ("word/document.xml", b"x")];

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn pdf(body: &[u8]) -> Vec<u8> {
        cat(&[
            b"%PDF-1.7\n1 0 obj\n",
            body,
            b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        ])
    }

    /// A stored (uncompressed) zip; `declared` overrides every entry's uncompressed size.
    fn zip_with(entries: &[(&str, &[u8])], declared: Option<u32>, flags: u16) -> Vec<u8> {
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, data) in entries {
            let offset = (out.len() as u32).to_le_bytes();
            let len = data.len() as u32;
            let mut fixed = flags.to_le_bytes().to_vec();
            fixed.extend_from_slice(&[0; 10]); // method, time, date, crc
            fixed.extend_from_slice(&len.to_le_bytes());
            fixed.extend_from_slice(&declared.unwrap_or(len).to_le_bytes());
            fixed.extend_from_slice(&(name.len() as u16).to_le_bytes());
            let name = name.as_bytes();
            out.extend(cat(&[b"PK\x03\x04\x14\0", &fixed, &[0, 0], name, data]));
            let tail = [0; 12]; // extra and comment lengths, disk, attributes
            central.extend(cat(&[
                b"PK\x01\x02\x14\0\x14\0",
                &fixed,
                &tail,
                &offset,
                name,
            ]));
        }
        let count = (entries.len() as u16).to_le_bytes();
        let cd_size = (central.len() as u32).to_le_bytes();
        let cd_offset = (out.len() as u32).to_le_bytes();
        let eocd = cat(&[
            b"PK\x05\x06\0\0\0\0",
            &count,
            &count,
            &cd_size,
            &cd_offset,
            &[0, 0],
        ]);
        cat(&[&out, &central, &eocd])
    }

    fn ooxml(main_part: &str, extra: &[&str]) -> Vec<u8> {
        let mut entries: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", b"<Types/>")];
        entries.push((main_part, b"<x/>"));
        entries.extend(extra.iter().map(|n| (*n, b"\0\x01".as_slice())));
        zip_with(&entries, None, 0)
    }

    /// A compound file: a 512-byte header, then one directory sector with these entry names.
    fn ole2(names: &[&str]) -> Vec<u8> {
        let mut out = vec![0u8; 512];
        out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        out[0x1E] = 9;
        for (i, name) in std::iter::once("Root Entry")
            .chain(names.iter().copied())
            .enumerate()
        {
            let mut entry = [0u8; 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (j, unit) in units.iter().enumerate() {
                entry[2 * j..2 * j + 2].copy_from_slice(&unit.to_le_bytes());
            }
            let name_bytes = ((units.len() + 1) * 2) as u16;
            entry[0x40..0x42].copy_from_slice(&name_bytes.to_le_bytes());
            entry[0x42] = if i == 0 { 5 } else { 2 };
            out.extend_from_slice(&entry);
        }
        out
    }

    fn clean(declared: &str, name: &str, bytes: &[u8]) -> bool {
        !inspect(declared, name, bytes).closes_inquiry()
    }

    /// The Invalid reason, for an undeclared content type.
    fn bad(name: &str, bytes: &[u8]) -> InvalidReason {
        bad_as("", name, bytes)
    }

    fn bad_as(declared: &str, name: &str, bytes: &[u8]) -> InvalidReason {
        match inspect(declared, name, bytes) {
            Verdict::Invalid { reason } => reason,
            other => panic!("expected Invalid for {name}, got {other:?}"),
        }
    }

    /// The Infected reason, for an undeclared content type.
    fn evil(name: &str, bytes: &[u8]) -> InfectedReason {
        evil_as("", name, bytes)
    }

    fn evil_as(declared: &str, name: &str, bytes: &[u8]) -> InfectedReason {
        match inspect(declared, name, bytes) {
            Verdict::Infected { reason } => reason,
            other => panic!("expected Infected for {name}, got {other:?}"),
        }
    }

    fn detects(declared: &str, name: &str, bytes: &[u8], kind: FileKind) {
        let verdict = inspect(declared, name, bytes);
        assert_eq!(verdict, Verdict::Clean { detected: kind }, "{name}");
    }

    #[test]
    fn r15_allowed_types_are_detected_by_magic_bytes() {
        detects("application/pdf", "דוח.pdf", &pdf(b"<<>>"), K::Pdf);
        detects("image/jpeg", "photo.JPG", b"\xFF\xD8\xFF\xE0", K::Jpeg);
        detects("image/png", "scan.png", PNG, K::Png);
        detects("image/tiff", "fax.tif", b"II*\0\x08\0\0\0", K::Tiff);
        detects("image/tiff", "fax.tiff", b"MM\0*\0\0\0\x08", K::Tiff);
        let docx = ooxml("word/document.xml", &[]);
        detects(DOCX, "letter.docx", &docx, K::Docx);
        let xlsx = ooxml("xl/workbook.xml", &["xl/styles.xml"]);
        detects(XLSX, "table.xlsx", &xlsx, K::Xlsx);
        let doc = ole2(&["WordDocument", "1Table"]);
        detects("application/msword", "old.doc", &doc, K::Doc);
        detects(
            "application/vnd.ms-excel",
            "a.xls",
            &ole2(&["Workbook"]),
            K::Xls,
        );
        detects("", "older.xls", &ole2(&["Book"]), K::Xls);
    }

    #[test]
    fn r15_unknown_or_parameterised_declared_type_is_not_a_lie() {
        let generic = [
            "",
            "application/octet-stream",
            "application/pdf; q=1",
            " APPLICATION/PDF",
        ];
        for declared in generic {
            assert!(clean(declared, "a.pdf", &pdf(b"<<>>")), "{declared:?}");
        }
    }

    #[test]
    fn r15_lying_extension_or_content_type_is_invalid() {
        assert_eq!(bad_as("image/png", "scan.pdf", PNG), I::ExtensionMismatch);
        assert_eq!(bad_as("image/png", "scan", PNG), I::ExtensionMismatch);
        assert_eq!(
            bad_as("image/jpeg", "scan.png", PNG),
            I::ContentTypeMismatch
        );
        assert_eq!(
            bad("old.xls", &ole2(&["WordDocument"])),
            I::ExtensionMismatch
        );
    }

    #[test]
    fn r15_types_outside_the_table_are_invalid() {
        let unsupported: Vec<(&str, Vec<u8>)> = vec![
            ("setup.pdf", b"MZ\x90\0\x03".to_vec()),
            ("notes.txt", b"just text".to_vec()),
            ("anim.gif", b"GIF89a\x01\0\x01\0".to_vec()),
            ("files.zip", zip_with(&[("a.txt", b"hi")], None, 0)),
            ("deck.pptx", ooxml("ppt/presentation.xml", &[])),
            ("mail.msg", ole2(&["__properties_version1.0"])),
        ];
        for (name, bytes) in unsupported {
            assert_eq!(bad(name, &bytes), I::UnsupportedType, "{name}");
        }
    }

    #[test]
    fn r15_empty_and_oversized_files_are_invalid() {
        assert_eq!(bad("a.pdf", b""), I::EmptyFile);
        let mut big = pdf(b"");
        big.resize(MAX_FILE_BYTES, b' ');
        assert!(clean("application/pdf", "a.pdf", &big));
        big.push(b' ');
        assert_eq!(bad("a.pdf", &big), I::TooLarge);
    }

    #[test]
    fn r15_file_name_rules() {
        assert_eq!(
            safe_file_name("  דוח שנתי 2025.pdf "),
            Ok("דוח שנתי 2025.pdf".to_owned())
        );
        assert!(safe_file_name(&"א".repeat(MAX_FILE_NAME_CHARS)).is_ok());
        let too_long = format!("{}.pdf", "a".repeat(MAX_FILE_NAME_CHARS));
        let refused = [
            ("", I::FileNameMissing),
            ("   ", I::FileNameMissing),
            (too_long.as_str(), I::FileNameTooLong),
            ("../etc/passwd", I::FileNameHasPath),
            ("a/b.pdf", I::FileNameHasPath),
            ("C:\\x.pdf", I::FileNameHasPath),
            ("..", I::FileNameHasPath),
            ("a\r\nX-Evil: 1.pdf", I::FileNameBadCharacters),
            ("a\0.pdf", I::FileNameBadCharacters),
            ("invoice\u{202E}fdp.exe", I::FileNameBadCharacters),
            ("x\u{2066}.pdf", I::FileNameBadCharacters),
        ];
        for (name, reason) in refused {
            assert_eq!(safe_file_name(name), Err(reason), "{name:?}");
        }
        assert_eq!(bad("../a.png", PNG), I::FileNameHasPath);
    }

    #[test]
    fn r15_eicar_is_infected() {
        assert_eq!(evil("eicar.com", EICAR), X::VirusSignature);
        let hidden = cat(&[PNG, b"\0\0", EICAR, b"\0"]);
        assert_eq!(evil_as("image/png", "x.png", &hidden), X::VirusSignature);
    }

    #[test]
    fn r15_ooxml_with_macros_or_activex_is_infected() {
        let vba = ooxml("word/document.xml", &["word/vbaProject.bin"]);
        assert_eq!(evil_as(DOCX, "a.docx", &vba), X::OfficeMacros);
        assert_eq!(evil("a.pdf", &vba), X::OfficeMacros);
        let plain = ooxml("word/document.xml", &[]);
        assert_eq!(evil("a.docm", &plain), X::OfficeMacros);
        let macro_type = "application/vnd.ms-word.document.macroEnabled.12";
        assert_eq!(evil_as(macro_type, "a.docx", &plain), X::OfficeMacros);
        let activex = ooxml("xl/workbook.xml", &["xl/activeX/activeX1.xml"]);
        assert_eq!(evil("a.xlsx", &activex), X::OfficeActiveX);
    }

    #[test]
    fn r15_legacy_office_with_vba_is_infected() {
        let projects: [&[&str]; 3] = [
            &["WordDocument", "Macros", "VBA"],
            &["WordDocument", "_VBA_PROJECT"],
            &["Workbook", "_VBA_PROJECT_CUR"],
        ];
        for names in projects {
            assert_eq!(evil("a.doc", &ole2(names)), X::OfficeMacros);
        }
    }

    #[test]
    fn r15_encrypted_office_cannot_be_checked_and_is_invalid() {
        let wrapped = ole2(&["EncryptionInfo", "EncryptedPackage"]);
        assert_eq!(bad("a.docx", &wrapped), I::Encrypted);
        assert_eq!(bad("a.docx", &zip_with(&PARTS, None, 1)), I::Encrypted);
    }

    #[test]
    fn r15_pdf_with_active_content_is_infected() {
        let cases: [(&[u8], InfectedReason); 7] = [
            (
                b"<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>",
                X::PdfScript,
            ),
            (b"<</AA<</O<</JS 12 0 R>>>>>>", X::PdfScript),
            (b"<</Names<</J#61vaScript 3 0 R>>>>", X::PdfScript),
            (b"<</S /#4A#53 (x)>>", X::PdfScript),
            (
                b"<</OpenAction<</S/Launch/F(cmd.exe)>>>>",
                X::PdfLaunchAction,
            ),
            (b"<</Names<</EmbeddedFiles 4 0 R>>>>", X::PdfEmbeddedFile),
            (
                b"<</Type/EmbeddedFile>>stream\nabc\nendstream",
                X::PdfEmbeddedFile,
            ),
        ];
        for (body, reason) in cases {
            let shown = String::from_utf8_lossy(body).into_owned();
            assert_eq!(
                evil_as("application/pdf", "a.pdf", &pdf(body)),
                reason,
                "{shown}"
            );
        }
    }

    #[test]
    fn r15_pdf_binary_streams_only_count_long_names() {
        let binary_js = pdf(b"<</Filter/FlateDecode>>stream\n\x01\x02/JS \x00\nendstream");
        assert!(clean("application/pdf", "a.pdf", &binary_js));
        let binary_long = pdf(b"<<>>stream\n\x01\x02/JavaScript \x00\nendstream");
        assert_eq!(evil("a.pdf", &binary_long), X::PdfScript);
        let text_js = pdf(b"<<>>stream\n<</JS (x)>>\nendstream");
        assert_eq!(evil("a.pdf", &text_js), X::PdfScript);
        let after_binary = pdf(b"<<>>stream\n\x00\nendstream\nendobj 2 0 obj <</JS (x)>>");
        assert_eq!(evil("a.pdf", &after_binary), X::PdfScript);
        assert!(clean(
            "",
            "a.pdf",
            &pdf(b"<</JSX 1 /OpenAction [3 0 R /Fit]>>")
        ));
    }

    #[test]
    fn r15_zip_bombs_are_invalid() {
        assert_eq!(
            bad("a.docx", &zip_with(&PARTS, Some(u32::MAX), 0)),
            I::ZipBomb
        );
        let len = zip_with(&PARTS, None, 0).len() as u32;
        let ratio = zip_with(&PARTS, Some(len * 60), 0); // 120:1 in total, far under 200 MB
        assert_eq!(bad("a.docx", &ratio), I::ZipBomb);
        let names: Vec<String> = (0..=MAX_ZIP_ENTRIES).map(|i| i.to_string()).collect();
        let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert_eq!(bad("a.docx", &zip_with(&many, None, 0)), I::ZipBomb);
    }

    #[test]
    fn r15_damaged_zip_is_invalid() {
        let docx = ooxml("word/document.xml", &[]);
        assert_eq!(bad("a.docx", &docx[..docx.len() - 4]), I::Corrupt);
        let mut bad_offset = docx.clone();
        let at = bad_offset.len() - 6;
        bad_offset[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(bad("a.docx", &bad_offset), I::Corrupt);
        assert_eq!(bad("a.docx", b"PK\x03\x04"), I::Corrupt);
    }

    #[test]
    fn r22_every_failed_verdict_closes_the_inquiry() {
        let ok = Verdict::Clean { detected: K::Pdf };
        assert!(!ok.closes_inquiry() && ok.message_he().is_none());
        let failed = InvalidReason::iter()
            .map(|reason| (Verdict::Invalid { reason }, reason.message_he()))
            .chain(
                InfectedReason::iter().map(|r| (Verdict::Infected { reason: r }, r.message_he())),
            );
        for (verdict, message) in failed {
            assert!(verdict.closes_inquiry() && verdict.message_he() == Some(message));
            assert_ne!(verdict.code(), ok.code());
        }
    }

    #[test]
    fn every_reason_has_hebrew_and_english_messages_and_a_unique_code() {
        let hebrew = |s: &str| s.chars().any(|c| ('\u{05D0}'..='\u{05EA}').contains(&c));
        let mut codes = std::collections::HashSet::new();
        let messages = InvalidReason::iter()
            .map(|r| (r.code(), r.message_he(), r.message_en()))
            .chain(InfectedReason::iter().map(|r| (r.code(), r.message_he(), r.message_en())));
        for (code, he, en) in messages {
            assert!(hebrew(he) && en.is_ascii() && !en.is_empty(), "{code}");
            assert!(codes.insert(code), "duplicate code {code}");
        }
    }

    #[test]
    fn allowed_table_covers_every_kind_once_with_unique_lowercase_extensions() {
        for kind in FileKind::iter() {
            assert!(
                kind.content_type().contains('/')
                    && kind.content_type() != "application/octet-stream"
            );
            assert_eq!(
                ALLOWED.iter().filter(|a| a.kind == kind).count(),
                1,
                "{kind:?}"
            );
        }
        let extensions: Vec<&str> = ALLOWED.iter().flat_map(|a| a.extensions.to_vec()).collect();
        for ext in &extensions {
            assert_eq!(extensions.iter().filter(|e| *e == ext).count(), 1);
            assert!(*ext == ext.to_ascii_lowercase() && !MACRO_EXTENSIONS.contains(ext));
        }
    }
}
