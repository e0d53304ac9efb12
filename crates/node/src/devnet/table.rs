//! The live status table of `etn devnet`.

use serde_json::Value;

/// One row per node from its `/etn/v1/summary` (or the reason it could not be read).
pub fn render(summaries: &[Result<Value, String>], slot: u64, epoch: u64) -> String {
    let mut out = format!("slot {slot}  epoch {epoch}\n");
    out.push_str(&format!(
        "{:<5} {:>6} {:<12} {:>5} {:>5} {:>5} {:>9} {:>12} {:>6}  {}\n",
        "node",
        "head",
        "root",
        "just",
        "fin",
        "peers",
        "tickets",
        "burned_gwei",
        "missed",
        "builder shares"
    ));
    for (i, summary) in summaries.iter().enumerate() {
        match summary {
            Ok(s) => {
                let n = |k: &str| s.get(k).and_then(Value::as_u64).unwrap_or(0);
                let root = s.get("head_root").and_then(Value::as_str).unwrap_or("");
                let wins = s.get("builder_wins").and_then(Value::as_object);
                let total: u64 = wins
                    .map(|w| w.values().filter_map(Value::as_u64).sum())
                    .unwrap_or(0);
                let shares = wins
                    .map(|w| {
                        w.iter()
                            .map(|(b, v)| {
                                let pct = if total == 0 {
                                    0.0
                                } else {
                                    100.0 * v.as_u64().unwrap_or(0) as f64 / total as f64
                                };
                                format!("{b}:{pct:.0}%")
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{:<5} {:>6} {:<12} {:>5} {:>5} {:>5} {:>9} {:>12} {:>6}  {}\n",
                    i,
                    n("head_slot"),
                    &root.get(..12).unwrap_or(root),
                    n("justified_epoch"),
                    n("finalized_epoch"),
                    n("peers"),
                    n("tickets_sold"),
                    n("burned_gwei"),
                    n("missed_payloads"),
                    shares
                ));
            }
            Err(e) => out.push_str(&format!("{i:<5} unreachable: {e}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rows_and_failures() {
        let ok = serde_json::json!({"head_slot": 12, "head_root": "0xabcdef0123456789", "finalized_epoch": 1, "peers": 3, "builder_wins": {"0": 3, "1": 1}});
        let text = render(&[Ok(ok), Err("connection refused".into())], 12, 1);
        assert!(text.contains("0:75% 1:25%"), "{text}");
        assert!(text.contains("0xabcdef0123"));
        assert!(text.contains("1     unreachable: connection refused"));
    }
}
