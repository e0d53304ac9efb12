//! The store's one error type.
//!
//! Callers (the chain service, the CLI) must be able to tell "the operator pointed us at
//! the wrong directory" from "another node already runs on this datadir" from "the disk
//! returned garbage", because each calls for a different message and a different
//! remedy. Backend errors are carried as text so that sled never leaks into the API.

use std::path::PathBuf;

/// Why a store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store path exists and is a file (or something else that is not a directory).
    #[error("cannot open store at {}: it exists and is not a directory", path.display())]
    NotADirectory { path: PathBuf },

    /// The directory holds something other than an etn store: foreign files, or a sled
    /// database that some other program wrote. Refusing protects the operator's data
    /// from a mistyped `--datadir`.
    #[error("cannot open store at {}: not an etn store ({reason})", path.display())]
    NotAStore { path: PathBuf, reason: String },

    /// The store was written by a build with another on-disk schema.
    #[error(
        "cannot open store at {}: it has schema version {found}, this build reads version {supported}",
        path.display()
    )]
    SchemaVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    /// Another process (or another open handle in this process) holds the store.
    #[error(
        "cannot open store at {}: it is locked by another process (is another node running on this datadir?)",
        path.display()
    )]
    Locked { path: PathBuf },

    /// The file system refused (permissions, missing parent, disk full, ...).
    #[error("cannot open store at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A stored value (or key, or the database itself) could not be decoded. `what` names
    /// the key, e.g. `block 0x…`, so the operator knows what was lost.
    #[error("corrupt {what} in store: {detail}")]
    Corrupt { what: String, detail: String },

    /// A value given to a batch could not be encoded (an SSZ list grown past its limit);
    /// the whole batch was refused and nothing was written.
    #[error("cannot store {what}: {detail}")]
    Encode { what: String, detail: String },

    /// The storage engine failed while doing `op`.
    #[error("store backend failed during {op}: {detail}")]
    Backend { op: &'static str, detail: String },
}

impl StoreError {
    /// Maps a sled error raised by `op` on an open database. Corruption detected by sled
    /// itself (bad log checksums) is reported as [`StoreError::Corrupt`].
    pub(crate) fn from_sled(op: &'static str, err: sled::Error) -> Self {
        match err {
            sled::Error::Corruption { at, .. } => StoreError::Corrupt {
                what: "sled database".into(),
                detail: format!("sled detected corruption at {at:?} during {op}"),
            },
            other => StoreError::Backend {
                op,
                detail: other.to_string(),
            },
        }
    }
}
