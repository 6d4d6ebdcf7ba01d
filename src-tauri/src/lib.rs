//! The Kassa desktop till: thin Tauri commands over the same `Till` service the CLI uses, plus
//! the background sync loop. [`run`] starts the app; [`app`] wires a builder (tests use it with
//! `tauri::test::mock_builder()`).

pub mod bindings;
mod commands;
mod error;
mod state;
mod sync_loop;
mod window;

pub use error::CommandError;
pub use state::{database_path, TillState};

use tauri::{Builder, Manager, Runtime};

/// Registers Kassa's state, commands and background sync on `builder`.
pub fn app<R: Runtime>(builder: Builder<R>, state: TillState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::setup::app_info,
            commands::setup::enroll_till,
            commands::setup::set_up_standalone,
            commands::selling::find_item,
            commands::selling::search_items,
            commands::selling::price_basket,
            commands::selling::complete_sale,
            commands::selling::void_last_sale,
            commands::selling::quick_cash,
            commands::selling::parse_amount,
            commands::selling::parse_discount,
            commands::status::sync_status,
            commands::status::sync_now,
            commands::stock::stock_lookup,
            commands::orders::find_orders,
            commands::orders::pickup_order,
            commands::returns::find_returnable,
            commands::returns::return_goods,
            commands::inbox::exceptions,
            commands::inbox::resolve_exception,
            commands::staff::staff_state,
            commands::staff::sign_in,
            commands::staff::change_pin,
            commands::staff::lock_till,
            commands::shift::current_shift,
            commands::shift::open_shift,
            commands::shift::cash_movement,
            commands::shift::x_report,
            commands::shift::close_shift,
            commands::printing::printer_configured,
            commands::printing::print_receipt,
            commands::printing::open_drawer,
            commands::audit::audit_log,
        ])
        .setup(|app| {
            if let Some(main) = app.get_webview_window("main") {
                let fullscreen = window::fullscreen_requested(
                    std::env::var(window::FULLSCREEN_VAR).ok().as_deref(),
                );
                if let Err(e) = window::fill_screen(&main, fullscreen) {
                    // The till still works in a window of the configured size.
                    eprintln!("kassa-till: could not fill the screen: {e}");
                }
            }
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<TillState>();
                sync_loop::run(state.inner()).await;
            });
            Ok(())
        })
}

/// Starts the desktop app on the till database from `KASSA_DB` or the platform data directory.
pub fn run() {
    let state = match TillState::open(&database_path()) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("kassa-till: cannot open the till database: {}", e.message);
            std::process::exit(1);
        }
    };
    if let Err(e) = app(tauri::Builder::default(), state).run(tauri::generate_context!()) {
        eprintln!("kassa-till: {e}");
        std::process::exit(1);
    }
}
