//! How a case is stored: one directory per case, YAML for small structured data and
//! snappy-compressed SSZ (`*.ssz_snappy`, the raw snappy block format of the Ethereum
//! consensus-spec-tests) for containers.
//!
//! The writer is used by the generator, the reader by the runner. The reader records
//! every file it opens, so the runner can fail on a file that no case ever read: a stale
//! or misspelt file in the tree would otherwise be silently ignored, and a second
//! implementation would test less than the tree claims.

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ssz_rs::SimpleSerialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Extension of SSZ files.
pub const SSZ_EXT: &str = "ssz_snappy";

/// Raw-format snappy, as the Ethereum vectors use (not the framed stream format).
pub fn compress(bytes: &[u8]) -> Result<Vec<u8>> {
    snap::raw::Encoder::new()
        .compress_vec(bytes)
        .map_err(|e| anyhow!("snappy compression failed: {e}"))
}

pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    snap::raw::Decoder::new()
        .decompress_vec(bytes)
        .map_err(|e| anyhow!("snappy decompression failed: {e}"))
}

/// Writes one case directory.
pub struct CaseWriter {
    dir: PathBuf,
}

impl CaseWriter {
    /// Creates `<root>/<preset>/<runner>/<handler>/<case>/`; a case name may be used once.
    pub fn create(root: &Path, runner: &str, handler: &str, case: &str) -> Result<Self> {
        check_name(case)?;
        let dir = root
            .join(crate::PRESET)
            .join(runner)
            .join(handler)
            .join(case);
        if dir.exists() {
            bail!("case {} written twice", dir.display());
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<name>.ssz_snappy` holding `value`.
    pub fn ssz<T: SimpleSerialize>(&self, name: &str, value: &T) -> Result<()> {
        let bytes = etn_types::ssz::encode(value)?;
        self.raw(&format!("{name}.{SSZ_EXT}"), &compress(&bytes)?)
    }

    /// `<name>.yaml` holding `value`.
    pub fn yaml<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let text = serde_yaml_ng::to_string(value)?;
        self.raw(&format!("{name}.yaml"), text.as_bytes())
    }

    pub fn raw(&self, file: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(file);
        if path.exists() {
            bail!("{} written twice", path.display());
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }
}

/// Case names become directory names in a tree other implementations walk: keep them
/// portable.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        bail!("case name `{name}` must be lower-case letters, digits and `_`");
    }
    Ok(())
}

/// The set of files the runner has read, shared by every case of one run.
#[derive(Debug, Default)]
pub struct ReadLog {
    read: Mutex<BTreeSet<PathBuf>>,
}

impl ReadLog {
    fn record(&self, path: &Path) {
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf());
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
    }
}

/// Reads one case directory, recording what it reads.
pub struct CaseReader<'a> {
    dir: PathBuf,
    log: &'a ReadLog,
}

impl<'a> CaseReader<'a> {
    pub fn new(dir: PathBuf, log: &'a ReadLog) -> Self {
        Self { dir, log }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn has(&self, file: &str) -> bool {
        self.dir.join(file).is_file()
    }

    pub fn has_ssz(&self, name: &str) -> bool {
        self.has(&format!("{name}.{SSZ_EXT}"))
    }

    pub fn raw(&self, file: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {file}"))?;
        self.log.record(&path);
        Ok(bytes)
    }

    /// Decodes `<name>.ssz_snappy`.
    pub fn ssz<T: SimpleSerialize>(&self, name: &str) -> Result<T> {
        let file = format!("{name}.{SSZ_EXT}");
        let bytes = decompress(&self.raw(&file)?).with_context(|| file.clone())?;
        etn_types::ssz::decode(&bytes).with_context(|| format!("decoding {file}"))
    }

    /// `<name>.ssz_snappy` if the case has it.
    pub fn optional_ssz<T: SimpleSerialize>(&self, name: &str) -> Result<Option<T>> {
        if self.has_ssz(name) {
            self.ssz(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Parses `<name>.yaml`.
    pub fn yaml<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let file = format!("{name}.yaml");
        let bytes = self.raw(&file)?;
        serde_yaml_ng::from_slice(&bytes).with_context(|| format!("parsing {file}"))
    }

    /// Fails on any file of the case directory that was not read: a case may hold
    /// nothing the runner does not check.
    pub fn check_all_read(&self) -> Result<()> {
        let unread: Vec<String> = files_under(&self.dir)?
            .into_iter()
            .filter(|p| !self.log.contains(p))
            .map(|p| {
                p.strip_prefix(&self.dir)
                    .unwrap_or(&p)
                    .display()
                    .to_string()
            })
            .collect();
        if !unread.is_empty() {
            bail!("unexpected file(s) never read: {}", unread.join(", "));
        }
        Ok(())
    }
}

/// Every file below `dir`, sorted (directories are not listed).
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("listing {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The sub-directories of `dir`, sorted by name.
pub fn subdirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
