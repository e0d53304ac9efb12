//! The progress bar of a run, shown only to a person watching a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar over `total` blocks, drawn on stderr when stdout is a terminal and `wanted`;
/// hidden otherwise (scripts, tests, CI logs).
pub fn bar(total: u64, wanted: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if !(wanted && std::io::stdout().is_terminal()) {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} slots ({per_sec}, eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}
