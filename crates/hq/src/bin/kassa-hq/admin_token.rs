//! `kassa-hq admin-token`, and the token `serve` checks: `KASSA_HQ_ADMIN_TOKEN`, else the one in
//! the data directory, made on first use.

use kassa_hq::HqError;
use std::path::Path;

pub fn admin_token(data: &Path) -> Result<String, HqError> {
    if let Ok(token) = std::env::var("KASSA_HQ_ADMIN_TOKEN") {
        if !token.trim().is_empty() {
            return Ok(token.trim().to_string());
        }
    }
    let path = data.join("admin-token");
    if let Ok(token) = std::fs::read_to_string(&path) {
        return Ok(token.trim().to_string());
    }
    std::fs::create_dir_all(data)
        .map_err(|e| HqError::BadRequest(format!("cannot create {}: {e}", data.display())))?;
    let token = kassa_hq::tokens::random_secret(24);
    std::fs::write(&path, format!("{token}\n"))
        .map_err(|e| HqError::Io(format!("cannot write {}: {e}", path.display())))?;
    // The token is a password: only its owner may read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(token)
}

pub fn print(data: &Path) -> Result<(), HqError> {
    println!("{}", admin_token(data)?);
    Ok(())
}
