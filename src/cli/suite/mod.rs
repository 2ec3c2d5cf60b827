//! `wsprobe test`: run requests with their scripts, headless, and report the tests (for CI).
//!
//! The rules, for CI jobs that rely on them:
//! - Each TARGET is a saved request (by its folder path or its bare name), a folder (every
//!   request in it and its subfolders, in sidebar order) or a URL; they run one after another.
//!   A URL needs `--script FILE`; `--script` replaces a saved request's script.
//! - Before anything connects, every target is checked: an unknown request, an unreadable
//!   script or a script that does not compile ends the run with exit 2, nothing sent.
//! - A target ends when its script closes the connection, the server closes it, its script is
//!   stopped (time or memory limit), or `--timeout` passes (default 30 s; then we disconnect).
//!   `expectMessage` tests still waiting then fail.
//! - Variables a script sets (`vars.set`) are seen by later targets in the same run, and are
//!   written to the workspace only with `--save-vars` (into the environment that defines them,
//!   else the active environment, else Globals; a secret stays secret).
//! - Exit codes: 0 every test passed and at least one ran; 1 a test failed, a script threw or
//!   was stopped, or a connection failed; 2 bad input.
//! - The report goes to stdout (or `--output FILE`); console lines and warnings to stderr.
//!   Secret variable values are masked in both unless `--reveal-secrets`.

mod args;
mod report;

pub use args::{Reporter, TestArgs};
pub use report::{TargetReport, exit_code};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::engine::{Command, Engine, EventKind};
use crate::model::KeyValue;
use crate::schema::Redaction;
use crate::script::{Script, ScriptConfig, ScriptError, ScriptEvent, ScriptInit, ScriptOutput};
use crate::store::Store;

use super::args::{RunArgs, parse_run_args};
use super::output::error_line;
use super::request::{self, Loaded};

/// How long we wait for the engine's Closed after asking it to disconnect.
const CLOSE_GRACE: Duration = Duration::from_secs(3);
const TICK: Duration = Duration::from_millis(50);
/// Events handed to the script at a time: with [`crate::script::QUEUE`] batches in flight,
/// this bounds what waits for a slow script (about 8 × 1024 messages).
const FEED_BATCH: usize = 1024;

/// Runs `wsprobe test` and returns the exit code.
pub fn run(args: TestArgs, workspace: Option<PathBuf>) -> i32 {
    match Suite::new(args, workspace) {
        Ok(suite) => suite.run(),
        Err(err) => {
            eprintln!("wsprobe: {}", error_line(&err));
            2
        }
    }
}

/// One target, checked.
struct Target {
    name: String,
    script: Option<ScriptConfig>,
}

struct Suite {
    args: TestArgs,
    workspace_dir: Option<PathBuf>,
    targets: Vec<Target>,
    /// `vars.set` values so far, in order: later targets see them.
    carried: Vec<(String, String)>,
}

impl Suite {
    /// Checks every target before anything connects.
    fn new(args: TestArgs, workspace_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        if !(args.timeout.is_finite() && args.timeout > 0.0) {
            anyhow::bail!(
                "--timeout must be a positive number of seconds, got {}",
                args.timeout
            );
        }
        let file_script = match &args.script {
            Some(path) => Some(read_script(path)?),
            None => None,
        };
        let mut suite = Suite {
            args,
            workspace_dir,
            targets: Vec::new(),
            carried: Vec::new(),
        };
        // A folder as TARGET runs every request in it.
        let mut names = Vec::new();
        for target in &suite.args.targets {
            match request::folder_requests(target, suite.workspace_dir.clone())? {
                Some(paths) if paths.is_empty() => {
                    anyhow::bail!("`{target}` is a folder that holds no requests")
                }
                Some(paths) => names.extend(paths),
                None => names.push(target.clone()),
            }
        }
        for name in names {
            let loaded = suite.load(&name)?;
            let script = match &file_script {
                Some(config) => Some(config.clone()),
                None if loaded.is_url => anyhow::bail!(
                    "{name}: a URL target needs --script FILE (only saved requests have scripts)"
                ),
                None if loaded.request.script.trim().is_empty() => None,
                None => Some(ScriptConfig::new(
                    loaded.request.script.clone(),
                    format!("{} (script)", loaded.request.name),
                )),
            };
            if let Some(config) = &script {
                check_compiles(config).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            }
            suite.targets.push(Target { name, script });
        }
        Ok(suite)
    }

    fn run_args(&self, target: &str) -> anyhow::Result<RunArgs> {
        let mut argv = vec![target.to_owned()];
        if let Some(env) = &self.args.env {
            argv.extend(["--env".to_owned(), env.clone()]);
        }
        for var in &self.args.vars {
            argv.extend(["--var".to_owned(), var.clone()]);
        }
        for (name, value) in &self.carried {
            argv.extend(["--var".to_owned(), format!("{name}={value}")]);
        }
        argv.extend(self.args.tls.to_argv());
        if self.args.socketio && super::request::target_is_url(target) {
            argv.push("--socketio".to_owned());
            if let Some(namespace) = &self.args.namespace {
                argv.extend(["--namespace".to_owned(), namespace.clone()]);
            }
        }
        parse_run_args(argv).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim()))
    }

    fn load(&self, target: &str) -> anyhow::Result<Loaded> {
        request::load(&self.run_args(target)?, self.workspace_dir.clone())
    }

    fn run(mut self) -> i32 {
        let (engine, events) = Engine::new(|| {});
        let engine = Arc::new(engine);
        let mut reports = Vec::new();
        let mut secret_names = Vec::new();
        let targets = std::mem::take(&mut self.targets);
        for target in &targets {
            match self.run_target(&engine, &events, target, &mut secret_names) {
                Ok(report) => reports.push(report),
                Err(err) => {
                    eprintln!("wsprobe: {}: {}", target.name, error_line(&err));
                    return 2;
                }
            }
        }
        let mut code = exit_code(&reports);
        if self.args.save_vars
            && !self.carried.is_empty()
            && let Err(err) = self.save_vars()
        {
            eprintln!("wsprobe: --save-vars: {}", error_line(&err));
            code = 1;
        }
        let text = match self.args.reporter {
            Reporter::Text => report::text(&reports),
            Reporter::Junit => report::junit(&reports),
            Reporter::Json => report::json(&reports),
        };
        let written = match &self.args.output {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write --output {}: {e}", path.display())),
            None => {
                use std::io::Write as _;
                std::io::stdout()
                    .write_all(text.as_bytes())
                    .map_err(|e| format!("cannot write the report: {e}"))
            }
        };
        if let Err(message) = written {
            eprintln!("wsprobe: {message}");
            return 1;
        }
        code
    }

    fn run_target(
        &mut self,
        engine: &Arc<Engine>,
        events: &crate::engine::EventReceiver,
        target: &Target,
        secret_names: &mut Vec<String>,
    ) -> anyhow::Result<TargetReport> {
        let started = Instant::now();
        let mut loaded = self.load(&target.name)?;
        for warning in &loaded.warnings {
            eprintln!("wsprobe: warning: {warning}");
        }
        secret_names.extend(
            loaded
                .workspace
                .effective_variables()
                .into_iter()
                .filter(|v| v.secret)
                .map(|v| v.name),
        );
        let mut secrets = loaded.secrets.clone();
        let mut report = TargetReport {
            name: loaded.request.name.clone(),
            ..TargetReport::default()
        };
        let session = engine.new_session_id();
        let (out_tx, out_rx) = mpsc::channel();
        let mut script = None;
        if let Some(config) = &target.script {
            let mut config = config.clone();
            let settings = &loaded.request.settings;
            config.time_limit = Duration::from_millis(settings.script_time_limit_ms.max(1));
            config.memory_limit =
                usize::try_from(settings.script_memory_limit_mib.saturating_mul(1024 * 1024))
                    .unwrap_or(usize::MAX);
            let init = ScriptInit {
                vars: loaded.resolver.values(),
                headers: enabled_headers(&loaded.request.headers),
                url: loaded.request.url.clone(),
                request_name: loaded.request.name.clone(),
            };
            let commands = engine.clone();
            let output = Box::new(move |out: ScriptOutput| {
                if let Some(other) = crate::script::route(&commands, session, out) {
                    let _ = out_tx.send(other);
                }
            });
            match Script::start(config, init, output) {
                Ok((started_script, prepared)) => {
                    apply_headers(&mut loaded, &prepared.headers);
                    for (name, value) in prepared.vars_set {
                        loaded.resolver.set(&name, &value);
                    }
                    script = Some(started_script);
                }
                Err(error) => {
                    report.errors.push(error);
                }
            }
        }
        let run_args = self.run_args(&target.name)?;
        let mut prepared = request::finish(loaded, &run_args)?;
        report.url = prepared.request.url.to_string();
        // The script acks the server's Socket.IO emits (`io.on` handlers, or at once when no
        // handler takes the event).
        if script.is_some()
            && let Some(sio) = &mut prepared.request.socketio
        {
            sio.auto_ack = false;
        }
        secrets.append(&mut prepared.secrets);
        let mut redaction = Redaction::new(secrets.clone());

        // The top level or `before` threw: nothing is connected.
        let followed = report.errors.is_empty().then(|| {
            engine.execute(Command::Connect {
                session,
                request: Box::new(prepared.request),
            });
            let deadline = started + Duration::from_secs_f64(self.args.timeout);
            let mut stop_sent: Option<Instant> = None;
            let mut connected_once = false;
            let mut last_error: Option<String> = None;
            let mut seq = 0u64;
            let mut stopped = false;
            loop {
                let now = Instant::now();
                if stop_sent.is_none() && (now >= deadline || stopped) {
                    report.timed_out = !stopped;
                    engine.disconnect(session);
                    stop_sent = Some(now);
                }
                if stop_sent.is_some_and(|at| now >= at + CLOSE_GRACE) {
                    break;
                }
                let wait = stop_sent
                    .map_or(deadline, |at| at + CLOSE_GRACE)
                    .saturating_duration_since(now)
                    .min(TICK);
                let Some(first) = events.recv_timeout(wait) else {
                    stopped |= self.collect(
                        &out_rx,
                        &mut report,
                        &mut redaction,
                        &mut secrets,
                        secret_names,
                    );
                    continue;
                };
                let mut batch = vec![first];
                while batch.len() < FEED_BATCH {
                    match events.try_recv() {
                        Some(event) => batch.push(event),
                        None => break,
                    }
                }
                let mut script_events = Vec::new();
                let mut closed = false;
                for event in batch.into_iter().filter(|e| e.session == session) {
                    seq += 1;
                    match &event.kind {
                        EventKind::Connected(_) => connected_once = true,
                        EventKind::Error { message } => last_error = Some(message.clone()),
                        EventKind::HandshakeFailed(failed) => {
                            last_error = Some(failed.message.clone())
                        }
                        EventKind::Closed { code, reason, by } => {
                            report.closed = Some((*code, redaction.text(reason), by.as_str()));
                            closed = true;
                        }
                        _ => {}
                    }
                    if let Some(e) = ScriptEvent::from_event(&event, seq) {
                        script_events.push(e);
                    }
                }
                if let Some(script) = &script
                    && !script_events.is_empty()
                {
                    script.feed(script_events);
                }
                stopped |= self.collect(
                    &out_rx,
                    &mut report,
                    &mut redaction,
                    &mut secrets,
                    secret_names,
                );
                if closed {
                    break;
                }
            }
            (connected_once, last_error)
        });
        if let Some(script) = script {
            script.finish();
        }
        self.collect(
            &out_rx,
            &mut report,
            &mut redaction,
            &mut secrets,
            secret_names,
        );
        if let Some((false, last_error)) = followed {
            report.connection_error = Some(
                redaction
                    .text(&last_error.unwrap_or_else(|| "the connection did not open".to_owned())),
            );
        }
        report.url = redaction.text(&report.url);
        report.duration = started.elapsed();
        Ok(report)
    }

    /// Takes the script's output so far into the report; console lines go to stderr. True
    /// when the script has stopped.
    fn collect(
        &mut self,
        rx: &mpsc::Receiver<ScriptOutput>,
        report: &mut TargetReport,
        redaction: &mut Redaction,
        secrets: &mut Vec<String>,
        secret_names: &[String],
    ) -> bool {
        let reveal = self.args.reveal_secrets;
        let mask = |redaction: &Redaction, text: &str| {
            if reveal {
                text.to_owned()
            } else {
                redaction.text(text)
            }
        };
        let mut stopped = false;
        for out in rx.try_iter() {
            match out {
                ScriptOutput::VarSet { name, value } => {
                    if secret_names.contains(&name) {
                        secrets.push(value.clone());
                        *redaction = Redaction::new(secrets.clone());
                    }
                    self.carried.retain(|(n, _)| *n != name);
                    self.carried.push((name, value));
                }
                ScriptOutput::Test(mut result) => {
                    result.message = mask(redaction, &result.message);
                    result.name = mask(redaction, &result.name);
                    report.tests.push(result);
                }
                ScriptOutput::Log { level, text } => {
                    let text = mask(redaction, &text);
                    eprintln!("[{}] {}: {text}", level.name(), report.name);
                    report.logs.push((level, text));
                }
                ScriptOutput::Error(mut error) => {
                    error.message = mask(redaction, &error.message);
                    eprintln!("wsprobe: {}: script error: {error}", report.name);
                    report.errors.push(error);
                }
                ScriptOutput::Stopped(error) => {
                    eprintln!("wsprobe: {}: {error}", report.name);
                    report.errors.push(error);
                    stopped = true;
                }
                ScriptOutput::Send(_) | ScriptOutput::Close { .. } | ScriptOutput::SocketIo(_) => {}
            }
        }
        stopped
    }

    /// `--save-vars`: the carried variables into the workspace files.
    fn save_vars(&self) -> anyhow::Result<()> {
        let dir = crate::store::workspace_dir(self.workspace_dir.clone())?;
        let (mut store, mut workspace, _) = Store::open(&dir)?;
        if let Some(name) = &self.args.env
            && let Some(env) = workspace.environment_by_name(name)
        {
            workspace.active_environment = Some(env.id.clone());
        }
        for (name, value) in &self.carried {
            workspace.set_variable(name, value);
        }
        store.save(&workspace)?;
        Ok(())
    }
}

fn read_script(path: &Path) -> anyhow::Result<ScriptConfig> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read --script {}: {e}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(ScriptConfig::new(source, name))
}

/// A compile error in a script, found before anything connects.
fn check_compiles(config: &ScriptConfig) -> Result<(), ScriptError> {
    match Script::start(config.clone(), ScriptInit::default(), Box::new(|_| {})) {
        Ok((script, _)) => {
            drop(script);
            Ok(())
        }
        Err(error) if error.compile => Err(error),
        Err(_) => Ok(()),
    }
}

fn enabled_headers(rows: &[KeyValue]) -> Vec<(String, String)> {
    rows.iter()
        .filter(|r| r.enabled && !r.key.trim().is_empty())
        .map(|r| (r.key.trim().to_owned(), r.value.clone()))
        .collect()
}

/// `request.headers.set` from `before`: replaces enabled rows of the same name.
fn apply_headers(loaded: &mut Loaded, headers: &[(String, String)]) {
    for (name, value) in headers {
        for row in &mut loaded.request.headers {
            if row.key.trim().eq_ignore_ascii_case(name) {
                row.enabled = false;
            }
        }
        loaded.request.headers.push(KeyValue::new(name, value));
    }
}
