//! The script's thread: one QuickJS runtime with the time and memory limits, the prelude and
//! the user's script, then a loop that hands events and due timers to the JavaScript side.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::function::IntoArgs;
use rquickjs::{Context, Ctx, Function, Object, Runtime, TypedArray, Value};

use super::natives::{self, Output, Shared, State, Watchdog};
use super::{QUEUE, ScriptConfig, ScriptError, ScriptEvent, ScriptOutput};

const PRELUDE: &str = include_str!("prelude.js");
const PRELUDE_NAME: &str = "wsprobe:prelude";
/// The JavaScript stack a script may use (deep recursion is a RangeError, not a crash).
const JS_STACK: usize = 1024 * 1024;
/// The script thread's own stack: room for the JavaScript stack and the Rust frames around it.
const THREAD_STACK: usize = 8 * 1024 * 1024;

/// What the script's `before` hooks asked for, and the variables its top level set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// `request.headers.set(name, value)` calls: set these on the request (replacing rows of
    /// the same name).
    pub headers: Vec<(String, String)>,
    /// `vars.set` calls so far (they were also sent as [`ScriptOutput::VarSet`]).
    pub vars_set: Vec<(String, String)>,
}

/// What a script starts with.
#[derive(Debug, Clone, Default)]
pub struct ScriptInit {
    /// The variables `vars.get` sees (resolved: Globals, environment, overrides).
    pub vars: HashMap<String, String>,
    /// The request's headers before `before` runs (`request.headers.get` reads them).
    pub headers: Vec<(String, String)>,
    pub url: String,
    pub request_name: String,
}

enum Input {
    Events(Vec<ScriptEvent>),
    Finish { elapsed_ms: f64 },
}

/// A running script (see the module's contract).
pub struct Script {
    tx: Option<SyncSender<Input>>,
    thread: Option<JoinHandle<()>>,
    started: Instant,
}

impl Script {
    /// Starts the script's thread, runs the top level and the `before` hooks. On an error
    /// there (syntax, exception, limit) the thread is gone and the error says where.
    pub fn start(
        config: ScriptConfig,
        init: ScriptInit,
        output: Output,
    ) -> Result<(Script, Prepared), ScriptError> {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (ready_tx, ready_rx) = mpsc::channel();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("wsprobe-script".into())
            .stack_size(THREAD_STACK)
            .spawn(move || run(config, init, output, rx, ready_tx, started))
            .map_err(|e| ScriptError::new(format!("cannot start the script's thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(prepared)) => Ok((
                Script {
                    tx: Some(tx),
                    thread: Some(thread),
                    started,
                },
                prepared,
            )),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(ScriptError::new("the script's thread ended unexpectedly"))
            }
        }
    }

    /// Hands events to the script, in order. Blocks while it is [`QUEUE`] batches behind.
    pub fn feed(&self, events: Vec<ScriptEvent>) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Input::Events(events));
        }
    }

    /// [`Script::feed`] without blocking: hands the events back when the script is
    /// [`QUEUE`] batches behind (for the window, which must never wait).
    pub fn try_feed(&self, events: Vec<ScriptEvent>) -> Result<(), Vec<ScriptEvent>> {
        let Some(tx) = &self.tx else {
            return Ok(());
        };
        match tx.try_send(Input::Events(events)) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => Ok(()),
            Err(TrySendError::Full(Input::Events(events))) => Err(events),
            Err(TrySendError::Full(Input::Finish { .. })) => Ok(()),
        }
    }

    /// The connection is over: waiting `expectMessage` tests fail, and the thread ends once
    /// everything fed before has been handled.
    pub fn finish(mut self) {
        self.end();
    }

    /// [`Script::finish`] without waiting: false (and nothing done) while the script is
    /// [`QUEUE`] batches behind; true once told, after which the thread ends on its own and
    /// its last output still arrives.
    pub fn try_finish(&mut self) -> bool {
        let Some(tx) = &self.tx else {
            return true;
        };
        let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        match tx.try_send(Input::Finish { elapsed_ms }) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {
                self.tx = None;
                // Detached: the thread finishes what it was given and ends.
                self.thread = None;
                true
            }
            Err(TrySendError::Full(_)) => false,
        }
    }

    /// Lets go of the script without waiting: it handles what it was given and ends; what is
    /// still waiting in a `expectMessage` is not reported.
    pub fn detach(mut self) {
        self.tx = None;
        self.thread = None;
    }

    fn end(&mut self) {
        if let Some(tx) = self.tx.take() {
            let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            let _ = tx.send(Input::Finish { elapsed_ms });
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        self.end();
    }
}

/// How a call into the script went.
enum Outcome {
    Ok,
    /// An exception; the script goes on.
    Failed(ScriptError),
    /// A limit was hit; the script stops.
    Stopped(ScriptError),
}

struct Runner<'js> {
    ctx: Ctx<'js>,
    state: Shared,
    watchdog: Arc<Watchdog>,
    config: ScriptConfig,
    open: Function<'js>,
    messages: Function<'js>,
    close: Function<'js>,
    error: Function<'js>,
    sio: Function<'js>,
    next_timer: Function<'js>,
    run_timers: Function<'js>,
    finish: Function<'js>,
}

fn run(
    config: ScriptConfig,
    init: ScriptInit,
    output: Output,
    rx: Receiver<Input>,
    ready: mpsc::Sender<Result<Prepared, ScriptError>>,
    started: Instant,
) {
    let fail = |message: String| {
        let _ = ready.send(Err(ScriptError::new(message)));
    };
    let runtime = match Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the script engine: {e}")),
    };
    runtime.set_memory_limit(config.memory_limit);
    runtime.set_max_stack_size(JS_STACK);
    let watchdog = Arc::new(Watchdog {
        started,
        deadline: AtomicU64::new(natives::NO_DEADLINE),
        fired: AtomicBool::new(false),
        limit_ns: u64::try_from(config.time_limit.as_nanos()).unwrap_or(u64::MAX),
    });
    let dog = watchdog.clone();
    runtime.set_interrupt_handler(Some(Box::new(move || dog.late())));
    let context = match Context::full(&runtime) {
        Ok(context) => context,
        Err(e) => return fail(format!("cannot start the script engine: {e}")),
    };
    let state: Shared = Rc::new(RefCell::new(State {
        output,
        vars: init.vars,
        headers: init.headers,
        vars_set: Vec::new(),
        url: init.url,
        request_name: init.request_name,
        connected: false,
        before: false,
        started,
        watchdog: watchdog.clone(),
        file_name: config.file_name.clone(),
    }));
    context.with(|ctx| {
        let runner = match Runner::new(&ctx, &state, &watchdog, config) {
            Ok(runner) => runner,
            Err(error) => {
                let _ = ready.send(Err(error));
                return;
            }
        };
        let prepared = {
            let state = state.borrow();
            Prepared {
                headers: state.headers.clone(),
                vars_set: state.vars_set.clone(),
            }
        };
        if ready.send(Ok(prepared)).is_err() {
            return;
        }
        runner.serve(&rx);
    });
}

impl<'js> Runner<'js> {
    /// The prelude, the user's script, then its `before` hooks.
    fn new(
        ctx: &Ctx<'js>,
        state: &Shared,
        watchdog: &Arc<Watchdog>,
        config: ScriptConfig,
    ) -> Result<Self, ScriptError> {
        let internal = |e: rquickjs::Error| ScriptError::new(format!("script engine: {e}"));
        natives::install(ctx, state).map_err(internal)?;
        eval(ctx, PRELUDE, PRELUDE_NAME).map_err(|_| {
            let (message, _) = caught(ctx);
            ScriptError::new(format!("script engine prelude: {message}"))
        })?;
        let host: Object = ctx.globals().get("__host").map_err(internal)?;
        let get = |name: &str| host.get::<_, Function>(name).map_err(internal);
        let runner = Runner {
            ctx: ctx.clone(),
            state: state.clone(),
            watchdog: watchdog.clone(),
            open: get("open")?,
            messages: get("messages")?,
            close: get("close")?,
            error: get("error")?,
            sio: get("sio")?,
            next_timer: get("nextTimer")?,
            run_timers: get("runTimers")?,
            finish: get("finish")?,
            config,
        };
        let source = runner.config.source.clone();
        let file_name = runner.config.file_name.clone();
        let mut stack = None;
        runner
            .guarded(|| {
                eval(ctx, source.as_str(), &file_name).inspect_err(|_| {
                    // Peek at the exception without taking it: a compile error's stack is
                    // just `at script:L:C`, with no function frame.
                    stack = exception_stack(ctx);
                })
            })
            .map_err(|mut error| {
                error.compile = error.message.starts_with("SyntaxError")
                    && stack
                        .as_deref()
                        .is_some_and(|s| s.trim_start().starts_with(&format!("at {file_name}:")));
                error
            })?;
        let before = get("before")?;
        state.borrow_mut().before = true;
        let result = runner.guarded(|| before.call::<_, ()>(()));
        state.borrow_mut().before = false;
        result?;
        Ok(runner)
    }

    /// Runs one call under the time limit, then any promise jobs it queued. Errors in the
    /// start phase (top level, `before`) end the script either way.
    fn guarded(&self, call: impl FnOnce() -> rquickjs::Result<()>) -> Result<(), ScriptError> {
        match self.call(call) {
            Outcome::Ok => Ok(()),
            Outcome::Failed(error) | Outcome::Stopped(error) => Err(error),
        }
    }

    fn call(&self, call: impl FnOnce() -> rquickjs::Result<()>) -> Outcome {
        let arm = || self.watchdog.arm();
        arm();
        let mut outcome = self.outcome(call());
        // Promise reactions (async test bodies, .then callbacks), each under the limit too.
        // QuickJS drains a job's exception itself; only the watchdog's verdict is seen here.
        while matches!(outcome, Outcome::Ok) {
            arm();
            if !self.ctx.execute_pending_job() {
                break;
            }
            if self.watchdog.fired.load(Ordering::Relaxed) {
                outcome = self.outcome(Err(rquickjs::Error::Exception));
            }
        }
        self.watchdog.disarm();
        outcome
    }

    fn outcome(&self, result: rquickjs::Result<()>) -> Outcome {
        let error = match result {
            Ok(()) => return Outcome::Ok,
            Err(error) => error,
        };
        let limit_mib = self.config.memory_limit / (1024 * 1024);
        if self.watchdog.fired.load(Ordering::Relaxed) {
            let _ = self.ctx.catch();
            return Outcome::Stopped(ScriptError::new(format!(
                "script stopped: a callback ran longer than {} ms (the script time limit)",
                self.config.time_limit.as_millis()
            )));
        }
        let (message, stack) = match error {
            rquickjs::Error::Exception => caught(&self.ctx),
            rquickjs::Error::Allocation => ("out of memory".to_owned(), None),
            other => (other.to_string(), None),
        };
        if message.contains("out of memory") {
            return Outcome::Stopped(ScriptError::new(format!(
                "script stopped: it used more than {limit_mib} MiB (the script memory limit)"
            )));
        }
        Outcome::Failed(ScriptError::from_exception(
            message,
            stack.as_deref(),
            &self.config.file_name,
        ))
    }

    /// The event loop: events as they come, timers when they are due.
    fn serve(&self, rx: &Receiver<Input>) {
        loop {
            let next = self.next_timer.call::<_, f64>(()).unwrap_or(-1.0);
            let input = if next < 0.0 {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                let wait = (next - self.now_ms()).max(0.0);
                rx.recv_timeout(Duration::from_secs_f64(wait / 1000.0))
            };
            let keep_going = match input {
                Ok(Input::Events(events)) => self.dispatch_all(events),
                Ok(Input::Finish { elapsed_ms }) => {
                    self.handle(self.invoke(&self.finish, (elapsed_ms,)));
                    return;
                }
                Err(RecvTimeoutError::Timeout) => true,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if !keep_going {
                return;
            }
            let now = self.now_ms();
            if next >= 0.0 && now >= next && !self.handle(self.invoke(&self.run_timers, (now,))) {
                return;
            }
        }
    }

    fn now_ms(&self) -> f64 {
        self.watchdog.started.elapsed().as_secs_f64() * 1000.0
    }

    fn invoke<A: IntoArgs<'js>>(&self, function: &Function<'js>, args: A) -> Outcome {
        self.call(|| function.call::<A, ()>(args))
    }

    /// Reports an outcome; false when the script has stopped.
    fn handle(&self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Ok => true,
            Outcome::Failed(error) => {
                self.state.borrow_mut().emit(ScriptOutput::Error(error));
                true
            }
            Outcome::Stopped(error) => {
                self.state.borrow_mut().emit(ScriptOutput::Stopped(error));
                false
            }
        }
    }

    /// Events in order; runs of messages go to the script in one call each. False when the
    /// script has stopped.
    fn dispatch_all(&self, events: Vec<ScriptEvent>) -> bool {
        let mut run: Vec<ScriptEvent> = Vec::new();
        for event in events {
            if matches!(event, ScriptEvent::Message { .. }) {
                run.push(event);
                continue;
            }
            if !run.is_empty() && !self.dispatch_messages(std::mem::take(&mut run)) {
                return false;
            }
            if !self.dispatch(event) {
                return false;
            }
        }
        run.is_empty() || self.dispatch_messages(run)
    }

    fn dispatch_messages(&self, run: Vec<ScriptEvent>) -> bool {
        let outcome = self.call(|| {
            let ctx = &self.ctx;
            let payloads = rquickjs::Array::new(ctx.clone())?;
            let sizes = rquickjs::Array::new(ctx.clone())?;
            let times = rquickjs::Array::new(ctx.clone())?;
            let seqs = rquickjs::Array::new(ctx.clone())?;
            for (i, event) in run.iter().enumerate() {
                let ScriptEvent::Message {
                    event,
                    payload,
                    binary,
                    time_ms,
                } = event
                else {
                    continue;
                };
                payloads.set(i, self.payload_value(payload, *binary)?)?;
                sizes.set(i, payload.len() as f64)?;
                times.set(i, *time_ms)?;
                seqs.set(i, *event as f64)?;
            }
            self.messages.call::<_, ()>((payloads, sizes, times, seqs))
        });
        self.handle(outcome)
    }

    /// A text payload as a JavaScript string, a binary one as a Uint8Array.
    fn payload_value(&self, payload: &[u8], binary: bool) -> rquickjs::Result<Value<'js>> {
        if binary {
            let bytes = TypedArray::<u8>::new_copy(self.ctx.clone(), payload)?;
            return Ok(bytes.into_value());
        }
        let text = match std::str::from_utf8(payload) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(payload),
        };
        Ok(rquickjs::String::from_str(self.ctx.clone(), &text)?.into_value())
    }

    fn dispatch(&self, event: ScriptEvent) -> bool {
        let outcome = match event {
            ScriptEvent::Open {
                event,
                url,
                subprotocol,
            } => {
                self.state.borrow_mut().connected = true;
                self.call(|| {
                    let info = Object::new(self.ctx.clone())?;
                    info.set("url", url)?;
                    info.set("subprotocol", subprotocol)?;
                    self.open.call::<_, ()>((event as f64, info))
                })
            }
            message @ ScriptEvent::Message { .. } => return self.dispatch_messages(vec![message]),
            ScriptEvent::Close {
                event,
                code,
                reason,
                by,
            } => {
                self.state.borrow_mut().connected = false;
                self.invoke(&self.close, (code, reason, by, event as f64))
            }
            ScriptEvent::Error { event, message } => {
                self.invoke(&self.error, (message, event as f64))
            }
            ScriptEvent::SocketIo {
                event,
                kind,
                name,
                args,
                attachments,
                ack_id,
            } => self.call(|| {
                let parts = rquickjs::Array::new(self.ctx.clone())?;
                for (i, part) in attachments.iter().enumerate() {
                    parts.set(i, TypedArray::<u8>::new_copy(self.ctx.clone(), &part[..])?)?;
                }
                let args = String::from_utf8_lossy(&args).into_owned();
                let id = ack_id.map_or(-1.0, |id| id as f64);
                self.sio
                    .call::<_, ()>((kind, name, args, parts, id, event as f64))
            }),
        };
        self.handle(outcome)
    }
}

fn eval<'js>(ctx: &Ctx<'js>, source: &str, file_name: &str) -> rquickjs::Result<()> {
    let mut options = EvalOptions::default();
    options.strict = false;
    options.filename = Some(file_name.to_owned());
    ctx.eval_with_options::<(), _>(source, options)
}

/// The pending exception's stack, leaving it pending.
fn exception_stack(ctx: &Ctx<'_>) -> Option<String> {
    let value = ctx.catch();
    let stack = value
        .as_object()
        .and_then(|o| o.get::<_, String>("stack").ok());
    // Put it back for `caught`.
    let _ = ctx.throw(value);
    stack
}

/// The pending exception as `Name: message` and its stack.
fn caught(ctx: &Ctx<'_>) -> (String, Option<String>) {
    let value = ctx.catch();
    if let Some(object) = value.as_object() {
        let name: Option<String> = object.get("name").ok();
        let message: Option<String> = object.get("message").ok();
        let stack: Option<String> = object.get("stack").ok();
        if let Some(message) = message {
            let text = match name {
                Some(name) if !name.is_empty() && name != "ExpectationError" => {
                    format!("{name}: {message}")
                }
                _ => message,
            };
            return (text, stack);
        }
    }
    let shown = value
        .as_string()
        .and_then(|s| s.to_string().ok())
        .unwrap_or_else(|| format!("{value:?}"));
    (format!("uncaught {shown}"), None)
}
