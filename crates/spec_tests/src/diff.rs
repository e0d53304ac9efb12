//! Naming what differs between an expected and a computed value, so that a failing case
//! says `builders[1].balance: expected 993, got 994` instead of "states differ".

use serde::Serialize;
use serde_json::Value;

/// At most this many differing fields are listed.
const MAX_LISTED: usize = 8;

/// The differing fields of two values (by their serde form), as `path: expected X, got Y`.
/// Empty when the serde forms are equal.
pub fn differences<T: Serialize>(expected: &T, got: &T) -> Vec<String> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(expected), serde_json::to_value(got)) else {
        return vec!["values cannot be compared field by field".into()];
    };
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

/// A one-line summary of [`differences`].
pub fn describe<T: Serialize>(expected: &T, got: &T) -> String {
    let diffs = differences(expected, got);
    if diffs.is_empty() {
        return "values differ only outside their serde form".into();
    }
    let more = diffs.len().saturating_sub(MAX_LISTED);
    let mut text = diffs
        .into_iter()
        .take(MAX_LISTED)
        .collect::<Vec<_>>()
        .join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, va) in x {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match y.get(key) {
                    Some(vb) => walk(&sub, va, vb, out),
                    None => out.push(format!("{sub}: missing")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) => out.push(format!(
            "{path}: expected {} elements, got {}",
            x.len(),
            y.len()
        )),
        _ if a != b => out.push(format!("{path}: expected {a}, got {b}")),
        _ => {}
    }
}
