//! Hides the secrets of records kept as JSON text before store credit codes became keys: what a
//! database upgrade runs over the rows it already holds (a till's projection, head office's
//! records). The same rules as [`crate::Record::hide_secrets`], on any record kind's JSON.

use crate::exceptions::exception_id_without_code;
use kassa_domain::credit_key_of_reference;
use serde_json::Value;

/// The record with every store credit code replaced by its key (in `tenders` and `refunds`) and
/// an exception id naming a code renamed by its key. Text that is not a JSON object, or holds
/// nothing to hide, comes back unchanged, byte for byte.
pub fn hide_secrets_in_record_json(json: &str) -> String {
    let Ok(Value::Object(mut record)) = serde_json::from_str::<Value>(json) else {
        return json.to_string();
    };
    let mut changed = false;
    for field in ["tenders", "refunds"] {
        let Some(Value::Array(tenders)) = record.get_mut(field) else {
            continue;
        };
        for tender in tenders.iter_mut().filter_map(Value::as_object_mut) {
            if tender.get("kind").and_then(Value::as_str) != Some("credit") {
                continue;
            }
            if let Some(Value::String(reference)) = tender.get_mut("reference") {
                let key = credit_key_of_reference(reference);
                if key != *reference {
                    *reference = key;
                    changed = true;
                }
            }
        }
    }
    if let Some(Value::String(id)) = record.get_mut("exception_id") {
        let renamed = exception_id_without_code(id);
        if renamed != *id {
            *id = renamed;
            changed = true;
        }
    }
    if !changed {
        return json.to_string();
    }
    Value::Object(record).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kassa_domain::credit_key_of_code;

    #[test]
    fn credit_codes_in_tenders_and_refunds_and_exception_ids_become_keys() {
        let key = credit_key_of_code("CR-ABCDEFGHJKMN");
        let sale = r#"{"id":"s1","tenders":[{"kind":"card","amount":100,"reference":"T-1"},{"kind":"credit","amount":500,"reference":"CR-ABCDEFGHJKMN"}]}"#;
        let hidden: Value = serde_json::from_str(&hide_secrets_in_record_json(sale)).unwrap();
        assert_eq!(hidden["tenders"][0]["reference"], "T-1");
        assert_eq!(hidden["tenders"][1]["reference"], key.as_str());
        let ret = r#"{"id":"r1","refunds":[{"kind":"credit","amount":500,"reference":"CR-ABCDEFGHJKMN"}]}"#;
        assert!(!hide_secrets_in_record_json(ret).contains("ABCDEFGHJKMN"));
        let resolution = r#"{"id":"x","exception_id":"over-redeemed-credit/CR-ABCDEFGHJKMN"}"#;
        let hidden: Value = serde_json::from_str(&hide_secrets_in_record_json(resolution)).unwrap();
        assert_eq!(
            hidden["exception_id"],
            format!("over-redeemed-credit/{key}").as_str()
        );
    }

    #[test]
    fn text_with_nothing_to_hide_is_returned_as_it_was() {
        for text in [
            r#"{"id":"s1", "tenders":[{"kind":"cash","amount":100,"reference":null}]}"#,
            "not json",
            "[1,2]",
            r#"{"exception_id":"over-pickup/o1"}"#,
        ] {
            assert_eq!(hide_secrets_in_record_json(text), text);
        }
        let key = credit_key_of_code("CR-ABCDEFGHJKMN");
        let done = format!(r#"{{"refunds":[{{"kind":"credit","reference":"{key}"}}]}}"#);
        assert_eq!(hide_secrets_in_record_json(&done), done);
    }
}
