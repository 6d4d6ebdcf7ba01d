//! What the command line writes to head office's admin log: every command that changes
//! something (or shows a secret), as typed, with the values of PIN options left out.

use kassa_hq::HqError;
use std::path::Path;

/// Commands (and subcommands) that only read: not logged.
const READ_ONLY: &[(&str, Option<&str>)] = &[
    ("serve", None),
    ("store", Some("list")),
    ("order", Some("list")),
    ("staff", Some("list")),
    ("token", Some("list")),
    ("user", Some("list")),
    ("shifts", None),
    ("audit", None),
    ("exceptions", None),
    ("findings", Some("list")),
];

/// Options before the command that say where the data is, left out of the log.
const GLOBAL_OPTIONS: &[&str] = &["--data", "--database", "--database-connections"];

/// The command as typed after the global options, PINs left out; `None` for a read-only one.
pub fn action(args: &[String]) -> Option<String> {
    let mut words = Vec::new();
    let mut iter = args.iter().skip(1).peekable();
    while let Some(arg) = iter.next() {
        // Where head office's data is (a PostgreSQL address may hold a password) is no part
        // of what was done.
        if GLOBAL_OPTIONS.contains(&arg.as_str()) {
            iter.next();
            continue;
        }
        if GLOBAL_OPTIONS
            .iter()
            .any(|o| arg.starts_with(&format!("{o}=")))
        {
            continue;
        }
        if arg == "--pin" {
            iter.next();
            words.push("--pin ***".to_string());
            continue;
        }
        if arg.starts_with("--pin=") {
            words.push("--pin ***".to_string());
            continue;
        }
        words.push(arg.clone());
    }
    let command = words.first()?.as_str();
    let sub = words.get(1).map(String::as_str);
    let read_only = READ_ONLY
        .iter()
        .any(|(c, s)| *c == command && s.is_none_or(|s| Some(s) == sub));
    if read_only || command.starts_with('-') {
        return None;
    }
    Some(words.join(" "))
}

/// The operating system user running the command.
fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

/// Writes the command and its outcome; a log that cannot be written is said on stderr, and
/// does not change the command's outcome.
pub async fn record(data: &Path, action: &str, outcome: &Result<(), HqError>) {
    if !crate::database::configured() && !data.join("hq.db").exists() && outcome.is_err() {
        return; // nothing was set up here: there is no head office to log into
    }
    let outcome = match outcome {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("{} {}", e.status(), e.code()),
    };
    let logged = match crate::database::open(data).await {
        Ok(hq) => {
            hq.log_admin_action(&format!("cli:{}", user()), action, &outcome)
                .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = logged {
        eprintln!("kassa-hq: the admin log could not be written: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        std::iter::once("kassa-hq")
            .chain(text.split(' '))
            .map(String::from)
            .collect()
    }

    #[test]
    fn changes_are_logged_without_pins_and_reads_are_not() {
        assert_eq!(
            action(&args("--data /srv/hq staff pin Carl --pin 123456")).as_deref(),
            Some("staff pin Carl --pin ***")
        );
        assert_eq!(
            action(&args("staff add --name Eve --role manager --pin=987654")).as_deref(),
            Some("staff add --name Eve --role manager --pin ***")
        );
        assert_eq!(
            action(&args("--data=/srv/hq enroll-code AMS1 2")).as_deref(),
            Some("enroll-code AMS1 2")
        );
        assert_eq!(
            action(&args(
                "--data /srv/hq --database postgres://hq:secret@db/kassa enroll-code AMS1 2"
            ))
            .as_deref(),
            Some("enroll-code AMS1 2")
        );
        assert_eq!(
            action(&args(
                "--database=postgres://hq:secret@db/kassa --data /x enroll-code AMS1 2"
            ))
            .as_deref(),
            Some("enroll-code AMS1 2")
        );
        assert_eq!(action(&args("admin-token")).as_deref(), Some("admin-token"));
        for read in [
            "staff list",
            "--data /x serve --listen 0.0.0.0:1",
            "audit log",
            "exceptions",
            "--help",
        ] {
            assert_eq!(action(&args(read)), None, "{read}");
        }
    }
}
