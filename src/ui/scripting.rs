//! The window's side of a request's script ([`crate::script`]): started on Connect on a
//! worker thread (its top level and `before` hooks run before the handshake), fed the
//! session's events without ever blocking the UI thread, and its output turned into log
//! lines ([`EventKind::Script`]), test results and variable sets.
//!
//! - Results clear on each Connect; the previous run's stay for comparison.
//! - A script that falls behind keeps its events queued here (nothing is dropped); the
//!   window goes on drawing.
//! - Sends and closes go from the script's thread straight to the engine.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::mpsc;

use crate::engine::{Engine, Event, EventKind, ScriptLevel, SessionId};
use crate::model::SavedRequest;
use crate::script::{
    Prepared, Script, ScriptConfig, ScriptError, ScriptEvent, ScriptInit, ScriptOutput, TestResult,
};

use super::jobs::{Job, Poll};

type Started = Result<(Script, Prepared), ScriptError>;

/// A request's script while the window runs it, and the results of its last two runs.
#[derive(Default)]
pub struct ScriptRun {
    /// The top level and `before` hooks, running on a worker thread.
    starting: Option<Job<Started>>,
    running: Option<Script>,
    outputs: Option<mpsc::Receiver<ScriptOutput>>,
    /// Events the script has not taken yet (it is behind), oldest first.
    pending: VecDeque<Vec<ScriptEvent>>,
    /// The session ended: tell the script once everything pending is in.
    finishing: bool,
    /// This run's results, in the order they were recorded.
    pub tests: Vec<TestResult>,
    /// The previous run's results.
    pub previous: Vec<TestResult>,
    /// This run's passes, counted as they arrive (the tab label is drawn every frame).
    passed: usize,
    /// The previous run's last outcome of each test name (passed?).
    previous_by_name: HashMap<String, bool>,
    /// Names of the previous run not recorded (yet) in this one.
    not_run: HashSet<String>,
    /// The last script error (shown under the editor), with its line.
    pub last_error: Option<ScriptError>,
    session: Option<SessionId>,
}

/// What a poll of the start found.
pub enum StartPoll {
    Waiting,
    /// The `before` hooks ran: connect with these headers and variables.
    Ready(Prepared),
    /// The script could not start (a syntax error, an exception at the top level).
    Failed(ScriptError),
}

/// What the script asked of the window since the last poll.
#[derive(Default)]
pub struct Drained {
    pub lines: Vec<Event>,
    pub var_sets: Vec<(String, String)>,
}

impl ScriptRun {
    /// Whether the script of the current session is starting or running.
    pub fn active(&self) -> bool {
        self.starting.is_some() || self.running.is_some()
    }

    pub fn is_starting(&self) -> bool {
        self.starting.is_some()
    }

    /// (passed, total) of this run.
    pub fn counts(&self) -> (usize, usize) {
        (self.passed, self.tests.len())
    }

    fn record(&mut self, result: TestResult) {
        self.passed += usize::from(result.passed);
        if !self.not_run.is_empty() {
            self.not_run.remove(&result.name);
        }
        self.tests.push(result);
    }

    /// How a test did in the previous run, for the comparison column.
    pub fn previous_outcome(&self, name: &str) -> &'static str {
        match self.previous_by_name.get(name) {
            Some(true) => "was ✔",
            Some(false) => "was ✖",
            None => "new",
        }
    }

    /// How many of the previous run's tests this run has not recorded, and up to `at_most`
    /// of their names (sorted).
    pub fn not_run(&self, at_most: usize) -> (usize, Vec<&str>) {
        let mut names: Vec<&str> = self
            .not_run
            .iter()
            .take(at_most)
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        (self.not_run.len(), names)
    }

    /// Starts `request`'s script for `session` on a worker thread: results clear, the
    /// previous run's are kept for comparison.
    pub fn start(
        &mut self,
        request: &SavedRequest,
        init: ScriptInit,
        engine: Arc<Engine>,
        session: SessionId,
        ctx: Option<&egui::Context>,
    ) {
        self.stop();
        if !self.tests.is_empty() {
            self.previous = std::mem::take(&mut self.tests);
            self.previous_by_name = self
                .previous
                .iter()
                .map(|t| (t.name.clone(), t.passed))
                .collect();
        }
        self.passed = 0;
        self.not_run = self.previous_by_name.keys().cloned().collect();
        self.last_error = None;
        self.session = Some(session);
        let mut config = ScriptConfig::new(request.script.clone(), "script");
        config.time_limit =
            std::time::Duration::from_millis(request.settings.script_time_limit_ms.max(1));
        config.memory_limit = usize::try_from(
            request
                .settings
                .script_memory_limit_mib
                .saturating_mul(1024 * 1024),
        )
        .unwrap_or(usize::MAX);
        let (tx, rx) = mpsc::channel();
        self.outputs = Some(rx);
        let waker = ctx.cloned();
        let output = Box::new(move |out: ScriptOutput| {
            if let Some(other) = crate::script::route(&engine, session, out) {
                let _ = tx.send(other);
                if let Some(ctx) = &waker {
                    ctx.request_repaint();
                }
            }
        });
        self.starting = Some(Job::spawn("Starting the script…", ctx, move |_| {
            Script::start(config, init, output)
        }));
    }

    /// Moves the start on; `Ready` once, when the script is running.
    pub fn poll_start(&mut self, ctx: Option<&egui::Context>) -> StartPoll {
        let Some(job) = &self.starting else {
            return StartPoll::Waiting;
        };
        match job.poll(ctx) {
            Poll::Running => StartPoll::Waiting,
            Poll::Done(Ok((script, prepared))) => {
                self.starting = None;
                self.running = Some(script);
                StartPoll::Ready(prepared)
            }
            Poll::Done(Err(error)) => {
                self.starting = None;
                self.last_error = Some(error.clone());
                StartPoll::Failed(error)
            }
            Poll::Lost => {
                self.starting = None;
                let error = ScriptError::new("the script's thread ended unexpectedly");
                self.last_error = Some(error.clone());
                StartPoll::Failed(error)
            }
        }
    }

    /// Stops whatever runs (a new Connect, the request deleted): the script is told to end.
    pub fn stop(&mut self) {
        self.starting = None;
        if let Some(mut script) = self.running.take()
            && !script.try_finish()
        {
            script.detach();
        }
        self.pending.clear();
        self.finishing = false;
    }

    /// Hands a batch of the session's events (with their log sequence numbers) to the script.
    pub fn feed(&mut self, events: impl IntoIterator<Item = (u64, Event)>) {
        if self.running.is_none() {
            return;
        }
        let mut batch = Vec::new();
        for (seq, event) in events {
            if Some(event.session) != self.session {
                continue;
            }
            if matches!(event.kind, EventKind::Closed { .. }) {
                self.finishing = true;
            }
            if let Some(e) = ScriptEvent::from_event(&event, seq) {
                batch.push(e);
            }
        }
        if !batch.is_empty() {
            self.pending.push_back(batch);
        }
        self.pump();
    }

    /// Gives the script what it can take now; ends it once the session is over.
    pub fn pump(&mut self) {
        let Some(script) = &mut self.running else {
            return;
        };
        while let Some(batch) = self.pending.pop_front() {
            if let Err(batch) = script.try_feed(batch) {
                self.pending.push_front(batch);
                return;
            }
        }
        if self.finishing && script.try_finish() {
            self.running = None;
            self.finishing = false;
        }
    }

    /// Whether events wait for the script (the window polls again next frame).
    pub fn behind(&self) -> bool {
        !self.pending.is_empty() || (self.finishing && self.running.is_some())
    }

    /// Takes the script's output: test results are kept here; console lines and errors come
    /// back as log events; variable sets for the workspace.
    pub fn drain(&mut self) -> Drained {
        let mut drained = Drained::default();
        let (Some(rx), Some(session)) = (&self.outputs, self.session) else {
            return drained;
        };
        let outputs: Vec<ScriptOutput> = rx.try_iter().collect();
        for out in outputs {
            let line = |level, text: String| Event::now(session, EventKind::Script { level, text });
            match out {
                ScriptOutput::Test(result) => self.record(result),
                ScriptOutput::Log { level, text } => drained.lines.push(line(level, text)),
                ScriptOutput::Error(error) | ScriptOutput::Stopped(error) => {
                    drained
                        .lines
                        .push(line(ScriptLevel::Error, format!("Script error: {error}")));
                    self.last_error = Some(error);
                }
                ScriptOutput::VarSet { name, value } => drained.var_sets.push((name, value)),
                ScriptOutput::Send(_) | ScriptOutput::Close { .. } | ScriptOutput::SocketIo(_) => {}
            }
        }
        drained
    }
}

impl Drop for ScriptRun {
    /// Never waits for the script's thread (the window may be closing).
    fn drop(&mut self) {
        self.stop();
    }
}
