//! The eframe/egui GUI. Never awaits, never blocks: sends engine Commands, drains Events.
//!
//! [`App`] owns the workspace, the engine handle and one [`session::RequestSession`] per
//! request. Its logic step ([`App::logic`], also run while the window is hidden) drains the
//! engine within one [`budget::FrameBudget`] and moves [`jobs`] on; drawing composes the
//! panels, one folder or file each:
//!
//! - `sidebar`, `request_bar`, `request_tabs`, `composer`, `environments`: the request side;
//!   `ping` (the Ping row), `heartbeat` (Start/Stop of a repeated message), `keepalive`
//!   (Settings → Keep-alive);
//! - `events/` (toolbar, filtering, rows), `event_detail/` (views, find, body), `timeline`,
//!   `rate_plot`: the events side;
//! - `socketio/`: the window side of Socket.IO requests (type switch, Settings → Socket.IO,
//!   the emit composer, a packet's detail);
//! - `widgets/`: shared widgets (templated field, tables, editor, badge, notice);
//! - `text`: words for events and states; `style`, `commands` (shortcuts, palette),
//!   `about` (Help → About), `frame_stats`.

pub mod about;
pub mod app;
pub mod auth_editor;
pub mod budget;
pub mod client_cert;
pub mod commands;
pub mod composer;
pub mod compression;
pub mod divider;
pub mod environments;
pub mod event_detail;
pub mod events;
pub mod folder_view;
pub mod frame_stats;
pub mod heartbeat;
pub mod jobs;
pub mod keepalive;
pub mod message_check;
pub mod palette;
pub mod path_prompt;
pub mod ping;
pub mod proxy;
pub mod rate_plot;
pub mod request_bar;
pub mod request_tabs;
pub mod script_tab;
pub mod scripting;
pub mod secret_mask;
pub mod send_row;
mod sent_history;
pub mod session;
pub mod sidebar;
pub mod socketio;
pub mod style;
pub mod text;
pub mod timeline;
pub mod widgets;

use std::path::PathBuf;

pub use app::App;

/// The window's app id: the Wayland app id and the X11 WM_CLASS, which is what launchers
/// match against `StartupWMClass` in `assets/wsprobe.desktop` (and the icon's name).
pub const APP_ID: &str = "wsprobe";

/// Opens the main window on the workspace in `workspace_dir` (or the default folder).
pub fn run_app(workspace_dir: Option<PathBuf>) -> anyhow::Result<()> {
    // First thing: the clock for "first frame after … ms" (WSPROBE_FRAME_STATS=1).
    let start = frame_stats::StartClock::new();
    let dir = crate::store::workspace_dir(workspace_dir)?;
    let app = App::open_with_examples(dir)?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wsprobe")
            .with_app_id(APP_ID)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([760.0, 480.0])
            .with_icon(icon()),
        ..Default::default()
    };
    eframe::run_native(
        "wsprobe",
        options,
        Box::new(move |cc| {
            style::setup_style(&cc.egui_ctx);
            let stats = frame_stats::FrameStats::from_env();
            Ok(Box::new(Window {
                app,
                start: stats.is_some().then_some(start),
                stats,
                frame_started: None,
            }))
        }),
    )
    .map_err(|err| anyhow::anyhow!("cannot open the window: {err}"))
}

/// The window icon: 64×64 RGBA drawn by `assets/make_icon.py` (also written as
/// `assets/icon.png`).
pub fn icon() -> egui::IconData {
    egui::IconData {
        rgba: include_bytes!("../../assets/icon-64.rgba").to_vec(),
        width: 64,
        height: 64,
    }
}

/// The app as eframe runs it, with optional frame statistics (`WSPROBE_FRAME_STATS=1`).
struct Window {
    app: App,
    stats: Option<frame_stats::FrameStats>,
    /// Reports the time to the first frame once (only with frame stats on).
    start: Option<frame_stats::StartClock>,
    /// When this frame's logic step started (a frame is logic plus drawing).
    frame_started: Option<std::time::Instant>,
}

impl eframe::App for Window {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.frame_started = Some(std::time::Instant::now());
        eframe::App::logic(&mut self.app, ctx, frame);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let started = self
            .frame_started
            .take()
            .unwrap_or_else(std::time::Instant::now);
        eframe::App::ui(&mut self.app, ui, frame);
        if let Some(line) = self.start.as_mut().and_then(|s| s.first_frame_line()) {
            eprintln!("{line}");
            self.start = None;
        }
        if let Some(stats) = &mut self.stats {
            let now = std::time::Instant::now();
            if let Some(line) = stats.record(now - started, now) {
                eprintln!("{line}");
            }
        }
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        eframe::App::on_exit(&mut self.app, gl);
    }
}
