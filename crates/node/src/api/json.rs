//! Beacon-API JSON conventions: integers as decimal strings, bytes as 0x-hex.

use serde_json::Value;

/// Rewrites every JSON number in `value` as a decimal string, as the Beacon API encodes
/// `uint64`; containers' own serde output uses numbers.
pub fn quote_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(quote_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, quote_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A container as Beacon-API JSON.
pub fn beacon_json<T: serde::Serialize>(value: &T) -> Value {
    quote_numbers(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// `{"data": ...}`.
pub fn data(value: Value) -> Value {
    serde_json::json!({ "data": value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_strings_recursively() {
        let v = serde_json::json!({"a": 1, "b": [2, {"c": 3}], "d": "0x00", "e": true});
        assert_eq!(
            quote_numbers(v),
            serde_json::json!({"a": "1", "b": ["2", {"c": "3"}], "d": "0x00", "e": true})
        );
    }
}
