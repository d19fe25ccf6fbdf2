//! Exchange with the tools investigators already use: STIX 2.1 bundles ([`stix`]), MISP event
//! JSON ([`misp`]) and FollowTheMoney entities ([`ftm`]), written from what a viewer may share and
//! read back into the store ([`import`]).
//!
//! Every writer works on a [`Shared`] selection, built by [`share::collect`] from the store through
//! the viewer: the one place that decides what may leave the organisation (see [`share`]). The
//! graph formats (GraphML, GEXF, DOT) stay in `redflag-store::export`; [`share::redact_graph`]
//! applies the same rules to them.
#![warn(missing_docs)]

pub mod ftm;
pub mod import;
pub mod misp;
pub mod share;
pub mod stix;
#[cfg(feature = "taxii")]
pub mod taxii;

pub use share::{Policy, Scope, Shared, SharedDoc, SharedSelector};

/// The exchange formats a [`Shared`] selection is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event.
    Misp,
    /// FollowTheMoney entities, one JSON object per line.
    Ftm,
}

/// A selection written out: the file's text, and what it holds in a few words.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The text (ends with a newline).
    pub text: String,
    /// E.g. "12 STIX objects".
    pub summary: String,
}

/// Write `shared` in `format`: the one serialisation of each format, for the CLI and the server.
pub fn render(shared: &Shared, format: Format) -> Rendered {
    // serde_json cannot fail on a `Value` (string keys only).
    let pretty = |v: &serde_json::Value| {
        serde_json::to_string_pretty(v).expect("a JSON value serialises") + "\n"
    };
    match format {
        Format::Stix => {
            let b = stix::export(shared);
            let n = b["objects"].as_array().map_or(0, Vec::len);
            Rendered {
                text: pretty(&b),
                summary: format!("{n} STIX objects"),
            }
        }
        Format::Misp => {
            let e = misp::export(shared);
            let n = e["Event"]["Attribute"].as_array().map_or(0, Vec::len)
                + e["Event"]["Object"].as_array().map_or(0, Vec::len);
            Rendered {
                text: pretty(&e),
                summary: format!("a MISP event with {n} attributes and objects"),
            }
        }
        Format::Ftm => {
            let lines = ftm::export(shared);
            let mut text = String::new();
            for l in &lines {
                text.push_str(&l.to_string());
                text.push('\n');
            }
            Rendered {
                text,
                summary: format!("{} FollowTheMoney entities", lines.len()),
            }
        }
    }
}

/// An exchange error. Import errors name the place (file, object, field).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store said no.
    #[error(transparent)]
    Store(#[from] redflag_store::Error),
    /// A file to import is not what its format promises.
    #[error("{0}")]
    Invalid(String),
    /// A file to import is larger than [`MAX_IMPORT_BYTES`].
    #[error("{file}: {size} bytes is more than the import limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Reading a file failed.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// What happened.
        source: std::io::Error,
    },
}

/// Result with the exchange error.
pub type Result<T> = std::result::Result<T, Error>;

/// The largest file `import` reads (64 MiB): a bundle is parsed in memory, and a partner's export
/// of this size is far beyond what one case holds.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Read a file to import, refusing one larger than `limit` before reading it into memory.
pub fn read_limited(path: &std::path::Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| Error::Io {
        file: file.clone(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > limit {
        return Err(Error::TooLarge { file, size, limit });
    }
    let mut buf = Vec::with_capacity(size as usize);
    // A file that grows while it is read is still cut at the limit.
    f.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(Error::TooLarge {
            file,
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// The namespace of redflag's own deterministic (UUIDv5) ids for STIX domain objects, MISP
/// events and FtM entities: the same input always gets the same id, so a re-export updates
/// rather than duplicates what a partner's platform holds.
pub const REDFLAG_NAMESPACE: uuid::Uuid = uuid::uuid!("5f0c2f4e-7a1d-4b8e-9c3a-2d6e1f0b8a71");

/// A deterministic id under [`REDFLAG_NAMESPACE`].
pub fn redflag_uuid(name: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&REDFLAG_NAMESPACE, name.as_bytes())
}
