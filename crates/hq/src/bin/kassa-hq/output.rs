//! How admin commands answer: pretty JSON on stdout, for people and for `jq`.

pub fn print_json<T: serde::Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
