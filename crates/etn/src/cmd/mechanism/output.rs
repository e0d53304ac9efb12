//! Writing to standard output without panicking.
//!
//! `println!` panics when stdout is closed (e.g. `etn mechanism ... | head`); output here
//! goes through this helper, which treats a closed pipe as "the reader has seen enough".

use std::io::{ErrorKind, Write};

/// Print `text` to stdout; a broken pipe is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
