//! Tauri commands: each one locks the till, calls one `Till` method, and maps errors.

pub mod audit;
pub mod inbox;
pub mod orders;
pub mod printing;
pub mod returns;
pub mod selling;
pub mod setup;
pub mod shift;
pub mod staff;
pub mod status;
pub mod stock;
