//! People who sign in to head office's web console: a name, a password (kept only as an argon2id
//! hash), a role and, for a store manager, the stores they run. Separate from till staff and
//! their PINs: a console password guards the whole chain's figures, a PIN one till's drawer.
//!
//! Wrong passwords are counted in storage, not in a node's memory, so that any number of nodes
//! behind one address lock a name alike: after [`LOCK_AFTER_FAILURES`] wrong passwords in a row
//! the name is locked for [`LOCK_FOR_MINUTES`], and the right password is refused meanwhile.

use crate::hq::Hq;
use crate::tokens::{hash_secret, random_secret};
use crate::HqError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::Serialize;

/// Wrong passwords in a row that lock a name.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked name stays locked.
pub const LOCK_FOR_MINUTES: i64 = 15;
/// Shortest password a person may set (generated ones are longer).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted: argon2 takes any length, and an unbounded one is work for free.
pub const MAX_PASSWORD_CHARS: usize = 256;
const MAX_NAME_CHARS: usize = 64;
/// Most stores one store manager runs.
pub const MAX_STORES_PER_USER: usize = 200;

/// What a console user may do. The store limit is enforced by head office's services, so the
/// console and the API refuse alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleRole {
    /// Everything, in every store.
    Admin,
    /// Their stores: read, resolve exceptions, their stores' staff.
    StoreManager,
    /// Read only, every store.
    Analyst,
}

impl ConsoleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleRole::Admin => "admin",
            ConsoleRole::StoreManager => "store_manager",
            ConsoleRole::Analyst => "analyst",
        }
    }

    /// `admin`, `store-manager` (or `store_manager`), `analyst`.
    pub fn parse(text: &str) -> Result<ConsoleRole, HqError> {
        match text.trim().replace('-', "_").as_str() {
            "admin" => Ok(ConsoleRole::Admin),
            "store_manager" => Ok(ConsoleRole::StoreManager),
            "analyst" => Ok(ConsoleRole::Analyst),
            _ => Err(HqError::BadRequest(format!(
                "role {:?} is not admin, store-manager or analyst",
                text.chars().take(40).collect::<String>()
            ))),
        }
    }
}

/// A console user as head office lists them (never with the password's hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsoleUser {
    pub name: String,
    pub role: ConsoleRole,
    /// The stores a store manager runs (sorted); empty for the other roles, who see every store.
    pub stores: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl ConsoleUser {
    /// Whether this user may change things (resolve, add, correct): analysts only read.
    pub fn may_change(&self) -> bool {
        matches!(self.role, ConsoleRole::Admin | ConsoleRole::StoreManager)
    }

    /// Whether this user may see `store`'s figures.
    pub fn sees_store(&self, store: &str) -> bool {
        match self.role {
            ConsoleRole::Admin | ConsoleRole::Analyst => true,
            ConsoleRole::StoreManager => self.stores.iter().any(|s| s == store),
        }
    }
}

/// A console user as stored: with the hash to check a password against and the count of wrong
/// passwords since the last right one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredConsoleUser {
    pub user: ConsoleUser,
    pub password_hash: String,
    pub failed_sign_ins: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new user, checked: a name of letters, digits and `.-_@`, a role, and stores only for a
/// store manager (who needs at least one).
pub fn new_user(
    name: &str,
    role: ConsoleRole,
    stores: &[String],
    now: DateTime<Utc>,
) -> Result<ConsoleUser, HqError> {
    let name = name.trim();
    let valid = (1..=MAX_NAME_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !valid {
        return Err(HqError::BadRequest(format!(
            "a console user's name is 1 to {MAX_NAME_CHARS} letters, digits or .-_@"
        )));
    }
    let mut stores: Vec<String> = stores.iter().map(|s| s.trim().to_uppercase()).collect();
    stores.sort();
    stores.dedup();
    match (role, stores.len()) {
        (ConsoleRole::StoreManager, 0) => Err(HqError::BadRequest(
            "a store manager needs at least one store (--store)".into(),
        )),
        (ConsoleRole::StoreManager, n) if n > MAX_STORES_PER_USER => Err(HqError::BadRequest(
            format!("a store manager runs at most {MAX_STORES_PER_USER} stores"),
        )),
        (ConsoleRole::Admin | ConsoleRole::Analyst, n) if n > 0 => Err(HqError::BadRequest(
            format!("an {} sees every store: give no --store", role.as_str()),
        )),
        _ => Ok(ConsoleUser {
            name: name.to_string(),
            role,
            stores,
            // As storage keeps it (milliseconds), so the user handed back equals the one read.
            created_at: now.trunc_subsecs(3),
        }),
    }
}

/// A password to hand out: 20 characters from an alphabet without look-alikes (about 116
/// bits), each drawn without modulo bias.
pub fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // The largest multiple of the alphabet's size a byte holds: bytes past it are drawn again.
    let fair = 256 - 256 % ALPHABET.len();
    let mut password = String::with_capacity(20);
    while password.len() < 20 {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        for byte in bytes.iter().map(|b| usize::from(*b)).filter(|b| *b < fair) {
            if password.len() < 20 {
                password.push(ALPHABET[byte % ALPHABET.len()] as char);
            }
        }
    }
    password
}

/// The argon2id hash of a password (PHC string), with argon2's recommended cost.
pub fn hash_password(password: &str) -> Result<String, HqError> {
    let length = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        return Err(HqError::BadRequest(format!(
            "a password is {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HqError::Io(format!("no random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HqError::Io(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HqError::Io(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the stored hash. A malformed hash or an overlong password matches
/// nothing (and an overlong one is not hashed at all).
pub fn password_matches(password: &str, phc: &str) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A signed-in session as stored: the hash of its cookie's token, whose it is, the CSRF token
/// its forms carry, and when it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSession {
    pub token_hash: String,
    pub user_name: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Why a sign-in was refused. The console says only "wrong name or password" or "locked", so a
/// stranger learns nothing about which names exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInRefused {
    WrongNameOrPassword,
    Locked { until: DateTime<Utc> },
}

/// The refusal of a second user with a name already taken.
pub(crate) fn name_taken(name: &str) -> HqError {
    HqError::Conflict(format!("a console user is named {name:?}"))
}

/// A user as read back from storage (`stores` comma-separated), refusing what this code would
/// never have written.
pub(crate) fn stored_user(
    name: String,
    role: &str,
    stores: &str,
    created_at: DateTime<Utc>,
) -> Result<ConsoleUser, HqError> {
    let role = ConsoleRole::parse(role)
        .map_err(|_| HqError::Corrupt(format!("stored console role {role:?}")))?;
    Ok(ConsoleUser {
        name,
        role,
        stores: stores
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        created_at,
    })
}

/// When a name that has just had its `failures`th wrong password in a row is locked until.
pub fn locked_until_after(failures: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (failures >= LOCK_AFTER_FAILURES).then(|| now + Duration::minutes(LOCK_FOR_MINUTES))
}

/// How long a console session lasts from sign-in (a working day; then sign in again).
pub const SESSION_HOURS: i64 = 12;

/// Whether two secrets are equal, taking as long wherever they differ (a CSRF token checked
/// against the session's must not leak how much of it a guess got right).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The name of the admin head office makes when it has no console user yet.
pub const FIRST_ADMIN: &str = "admin";

/// An argon2id hash of a password nobody has, made once per process: checked against when a
/// name does not exist, so that a refusal takes as long whether or not the name exists.
fn nobodys_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&generated_password()).unwrap_or_default())
}

impl Hq {
    /// Adds a console user with `password`, or with one made for them (returned: shown once,
    /// never stored). A store manager's stores must exist.
    pub async fn add_console_user(
        &self,
        name: &str,
        role: ConsoleRole,
        stores: &[String],
        password: Option<&str>,
    ) -> Result<(ConsoleUser, String), HqError> {
        let user = new_user(name, role, stores, Utc::now())?;
        for store in &user.stores {
            if self.storage.store(store).await?.is_none() {
                return Err(HqError::NotFound(format!("no store {store}")));
            }
        }
        let password = match password {
            Some(given) => given.to_string(),
            None => generated_password(),
        };
        let hash = hash_password(&password)?;
        self.storage.add_console_user(&user, &hash).await?;
        Ok((user, password))
    }

    pub async fn console_users(&self) -> Result<Vec<ConsoleUser>, HqError> {
        self.storage.console_users().await
    }

    /// Makes the first admin when head office has no console user: their password, to print
    /// once. None when there are users already (another node may have just made the first).
    pub async fn first_console_admin(&self) -> Result<Option<String>, HqError> {
        if !self.storage.console_users().await?.is_empty() {
            return Ok(None);
        }
        match self
            .add_console_user(FIRST_ADMIN, ConsoleRole::Admin, &[], None)
            .await
        {
            Ok((_, password)) => Ok(Some(password)),
            Err(HqError::Conflict(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts a session for a user who has just signed in: the cookie's token (only its hash is
    /// kept) and the session with its CSRF token.
    pub async fn start_console_session(
        &self,
        user: &ConsoleUser,
        now: DateTime<Utc>,
    ) -> Result<(String, ConsoleSession), HqError> {
        let token = random_secret(32);
        let session = ConsoleSession {
            token_hash: hash_secret(&token),
            user_name: user.name.clone(),
            csrf_token: random_secret(32),
            created_at: now.trunc_subsecs(3),
            expires_at: (now + Duration::hours(SESSION_HOURS)).trunc_subsecs(3),
        };
        self.storage.add_console_session(&session).await?;
        Ok((token, session))
    }

    /// The signed-in user and session of a cookie's token, while the session lasts.
    pub async fn console_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(ConsoleUser, ConsoleSession)>, HqError> {
        if token.len() != 64 {
            return Ok(None);
        }
        let Some(session) = self
            .storage
            .console_session(&hash_secret(token), now)
            .await?
        else {
            return Ok(None);
        };
        let user = self.storage.console_user(&session.user_name).await?;
        Ok(user.map(|stored| (stored.user, session)))
    }

    /// Signs out: the session ends on every node.
    pub async fn end_console_session(&self, token: &str) -> Result<bool, HqError> {
        self.storage.end_console_session(&hash_secret(token)).await
    }

    /// Checks a console sign-in at `now`: the user, or why not. A locked name is refused without
    /// its password being checked or counted; a wrong password is counted in storage.
    pub async fn console_sign_in(
        &self,
        name: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<ConsoleUser, SignInRefused>, HqError> {
        let Some(stored) = self.storage.console_user(name.trim()).await? else {
            let _ = password_matches(password, nobodys_hash());
            return Ok(Err(SignInRefused::WrongNameOrPassword));
        };
        if let Some(until) = stored.locked_until.filter(|until| *until > now) {
            return Ok(Err(SignInRefused::Locked { until }));
        }
        if password_matches(password, &stored.password_hash) {
            self.storage
                .console_sign_in_succeeded(&stored.user.name)
                .await?;
            return Ok(Ok(stored.user));
        }
        let locked = self
            .storage
            .console_sign_in_failed(&stored.user.name, now)
            .await?;
        Ok(Err(match locked.filter(|until| *until > now) {
            Some(until) => SignInRefused::Locked { until },
            None => SignInRefused::WrongNameOrPassword,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-05T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn roles_and_names_are_checked_where_they_enter() {
        assert_eq!(
            ConsoleRole::parse("store-manager").unwrap(),
            ConsoleRole::StoreManager
        );
        assert_eq!(
            ConsoleRole::parse(" analyst ").unwrap(),
            ConsoleRole::Analyst
        );
        assert!(ConsoleRole::parse("root").is_err());
        let ams = ["ams1".to_string(), "AMS1".to_string()];
        let manager = new_user("marie@shop", ConsoleRole::StoreManager, &ams, now()).unwrap();
        assert_eq!(manager.stores, ["AMS1"]);
        assert!(manager.sees_store("AMS1") && !manager.sees_store("RTM1"));
        assert!(new_user("marie", ConsoleRole::StoreManager, &[], now()).is_err());
        assert!(new_user("ana", ConsoleRole::Analyst, &ams, now()).is_err());
        let analyst = new_user("ana", ConsoleRole::Analyst, &[], now()).unwrap();
        assert!(analyst.sees_store("RTM1"));
        for bad in ["", "a b", "<script>", &"x".repeat(65), "semi;colon"] {
            assert!(
                new_user(bad, ConsoleRole::Admin, &[], now()).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords_are_hashed_slowly_and_bounded() {
        let password = generated_password();
        assert_eq!(password.chars().count(), 20);
        assert_ne!(password, generated_password());
        let hash = hash_password(&password).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(&password));
        assert!(password_matches(&password, &hash));
        assert!(!password_matches("not the password", &hash));
        assert!(!password_matches(&password, "not a hash"));
        assert!(hash_password("short").is_err());
        assert!(hash_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        assert!(!password_matches(
            &"x".repeat(MAX_PASSWORD_CHARS + 1),
            &hash
        ));
    }

    #[test]
    fn a_name_that_does_not_exist_costs_a_whole_check() {
        assert!(PasswordHash::new(nobodys_hash()).is_ok(), "a real hash");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn the_fifth_wrong_password_in_a_row_locks_for_a_quarter_of_an_hour() {
        assert_eq!(locked_until_after(4, now()), None);
        assert_eq!(
            locked_until_after(5, now()),
            Some(now() + Duration::minutes(15))
        );
    }
}
