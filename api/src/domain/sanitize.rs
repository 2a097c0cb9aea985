//! Attachment sanitising ("הלבנה", directive §5.2.11; R15, R22): decides from a file's name,
//! declared content type and bytes whether it is Clean, Invalid or Infected. An inquiry with an
//! Invalid or Infected file is closed by the system (R22); R16 pauses the SLA until the verdict.
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

/// One allowed type: the extensions and declared content types that may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedType {
    pub kind: FileKind,
    pub extensions: &'static [&'static str],
    pub content_types: &'static [&'static str],
}

const fn allowed(
    kind: FileKind,
    extensions: &'static [&'static str],
    content_types: &'static [&'static str],
) -> AllowedType {
    AllowedType {
        kind,
        extensions,
        content_types,
    }
}

/// The allowed types (see the module doc for why these).
pub const ALLOWED: &[AllowedType] = &[
    allowed(
        FileKind::Pdf,
        &["pdf"],
        &["application/pdf", "application/x-pdf"],
    ),
    allowed(
        FileKind::Jpeg,
        &["jpg", "jpeg", "jpe"],
        &["image/jpeg", "image/pjpeg"],
    ),
    allowed(FileKind::Png, &["png"], &["image/png", "image/x-png"]),
    allowed(FileKind::Tiff, &["tif", "tiff"], &["image/tiff"]),
    allowed(
        FileKind::Docx,
        &["docx"],
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ),
    allowed(
        FileKind::Xlsx,
        &["xlsx"],
        &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ),
    allowed(FileKind::Doc, &["doc"], &["application/msword"]),
    allowed(FileKind::Xls, &["xls"], &["application/vnd.ms-excel"]),
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
                "שם הקובץ לא יכול לכלול את התווים / או \\ או שתי נקודות רצופות.",
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
