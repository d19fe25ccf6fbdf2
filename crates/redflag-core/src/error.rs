//! The library's error type: one kind per failure a caller may branch on.
use std::fmt;

/// An error from loading rule packs or calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A pack or calibration file is not valid TOML or does not fit the schema.
    Syntax {
        /// The file (as given by the caller).
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A rule breaks a rule of the pack format (see packs/README.md).
    Rule {
        /// The file.
        file: String,
        /// The rule's id (or its position when it has none).
        rule: String,
        /// Why.
        reason: String,
    },
    /// A pack-level problem: missing pack, wrong header, duplicate pack.
    Pack {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// A classifier model file that is not one, is corrupted, or is of another format version.
    Model {
        /// The file (as given by the caller).
        file: String,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
    pub(crate) fn syntax(file: &str, line: Option<usize>, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Syntax {
                file: file.into(),
                line,
                message: message.into(),
            },
        }
    }
    pub(crate) fn rule(file: &str, rule: &str, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Rule {
                file: file.into(),
                rule: rule.into(),
                reason: reason.into(),
            },
        }
    }
    pub(crate) fn model(file: &str, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Model {
                file: file.into(),
                reason: reason.into(),
            },
        }
    }
    pub(crate) fn pack(file: &str, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Pack {
                file: file.into(),
                reason: reason.into(),
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Syntax {
                file,
                line: Some(l),
                message,
            } => write!(f, "{file}:{l}: {message}"),
            ErrorKind::Syntax {
                file,
                line: None,
                message,
            } => write!(f, "{file}: {message}"),
            ErrorKind::Rule { file, rule, reason } => write!(f, "{file}: rule {rule}: {reason}"),
            ErrorKind::Pack { file, reason } => write!(f, "{file}: {reason}"),
            ErrorKind::Model { file, reason } => write!(f, "{file}: {reason}"),
        }
    }
}

impl std::error::Error for Error {}
