//! The few functions `prelude.js` calls into Rust (`__native.*`), and the state they share:
//! the variables, the headers `before` sets, whether the connection is open, the output.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use rquickjs::function::Opt;
use rquickjs::{Ctx, Exception, Function, Object, TypedArray};

use super::{ScriptError, ScriptLevel, ScriptOutput, TestResult};
use crate::engine::{Outgoing, SocketIoArg, SocketIoOutgoing};

pub type Output = Box<dyn FnMut(ScriptOutput) + Send>;

/// No deadline is armed.
pub const NO_DEADLINE: u64 = u64::MAX;

/// The time limit, shared with QuickJS's interrupt handler: armed before each callback (and
/// before each message of a batch), checked while JavaScript runs.
pub struct Watchdog {
    pub started: Instant,
    /// Nanoseconds since `started` after which the running callback is interrupted.
    pub deadline: AtomicU64,
    pub fired: AtomicBool,
    pub limit_ns: u64,
}

impl Watchdog {
    pub fn now(&self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    /// A fresh time limit for the callback about to run.
    pub fn arm(&self) {
        self.fired.store(false, Ordering::Relaxed);
        let deadline = self.now().saturating_add(self.limit_ns);
        self.deadline.store(deadline, Ordering::Relaxed);
    }

    pub fn disarm(&self) {
        self.deadline.store(NO_DEADLINE, Ordering::Relaxed);
    }

    /// The interrupt handler's question: is the running callback past its deadline?
    pub fn late(&self) -> bool {
        let deadline = self.deadline.load(Ordering::Relaxed);
        let late = deadline != NO_DEADLINE && self.now() > deadline;
        if late {
            self.fired.store(true, Ordering::Relaxed);
        }
        late
    }
}

/// What the natives read and change.
pub struct State {
    pub output: Output,
    pub vars: HashMap<String, String>,
    /// Headers set by `request.headers.set` in `before`, in order (a later set of the same
    /// name, ignoring case, replaces the earlier one).
    pub headers: Vec<(String, String)>,
    /// Variables set so far, in order (the last value of each name).
    pub vars_set: Vec<(String, String)>,
    pub url: String,
    pub request_name: String,
    pub connected: bool,
    /// `before` hooks are running: `request.headers.set` is allowed.
    pub before: bool,
    pub started: Instant,
    pub watchdog: Arc<Watchdog>,
    /// The name errors are reported under.
    pub file_name: String,
}

pub type Shared = Rc<RefCell<State>>;

impl State {
    pub fn emit(&mut self, output: ScriptOutput) {
        (self.output)(output);
    }
}

/// Builds the `__native` object.
pub fn install<'js>(ctx: &Ctx<'js>, state: &Shared) -> rquickjs::Result<()> {
    let native = Object::new(ctx.clone())?;
    let started = state.borrow().started;
    native.set(
        "now",
        Function::new(ctx.clone(), move || {
            started.elapsed().as_secs_f64() * 1000.0
        })?,
    )?;

    let dog = state.borrow().watchdog.clone();
    native.set("arm", Function::new(ctx.clone(), move || dog.arm())?)?;
    // An exception a batch of messages caught for one message: reported, the batch goes on.
    let s = state.clone();
    native.set(
        "fail",
        Function::new(ctx.clone(), move |text: String, stack: Opt<String>| {
            let mut state = s.borrow_mut();
            let error = ScriptError::from_exception(text, stack.0.as_deref(), &state.file_name);
            state.emit(ScriptOutput::Error(error));
        })?,
    )?;

    let s = state.clone();
    native.set(
        "test",
        Function::new(
            ctx.clone(),
            move |name: String, passed: bool, message: String, event: f64| {
                let mut state = s.borrow_mut();
                let at_ms = state.started.elapsed().as_secs_f64() * 1000.0;
                state.emit(ScriptOutput::Test(TestResult {
                    name,
                    passed,
                    message,
                    event: event as u64,
                    at_ms,
                }));
            },
        )?,
    )?;

    let s = state.clone();
    native.set(
        "sendText",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, text: String| {
            send(&ctx, &s, Outgoing::Text(text))
        })?,
    )?;
    let s = state.clone();
    native.set(
        "sendBinary",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, bytes: TypedArray<'js, u8>| {
                let bytes = copy_bytes(&bytes);
                send(&ctx, &s, Outgoing::Binary(bytes.into()))
            },
        )?,
    )?;
    let s = state.clone();
    native.set(
        "close",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, code: u16, reason: String| {
                let mut state = s.borrow_mut();
                if !state.connected {
                    return Err(Exception::throw_message(&ctx, "ws.close: not connected"));
                }
                if reason.len() > 123 {
                    return Err(Exception::throw_range(
                        &ctx,
                        "ws.close: the reason is longer than 123 bytes",
                    ));
                }
                state.emit(ScriptOutput::Close { code, reason });
                Ok(())
            },
        )?,
    )?;
    let s = state.clone();
    native.set(
        "connected",
        Function::new(ctx.clone(), move || s.borrow().connected)?,
    )?;
    native.set(
        "decode",
        Function::new(ctx.clone(), |bytes: TypedArray<'js, u8>| {
            String::from_utf8_lossy(&copy_bytes(&bytes)).into_owned()
        })?,
    )?;
    native.set(
        "encode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, text: String| {
            TypedArray::<u8>::new(ctx, text.into_bytes())
        })?,
    )?;

    let s = state.clone();
    native.set(
        "varGet",
        Function::new(ctx.clone(), move |name: String| {
            s.borrow().vars.get(&name).cloned()
        })?,
    )?;
    let s = state.clone();
    native.set(
        "varSet",
        Function::new(ctx.clone(), move |name: String, value: String| {
            let mut state = s.borrow_mut();
            state.vars.insert(name.clone(), value.clone());
            state.vars_set.retain(|(n, _)| *n != name);
            state.vars_set.push((name.clone(), value.clone()));
            state.emit(ScriptOutput::VarSet { name, value });
        })?,
    )?;

    let s = state.clone();
    native.set(
        "headerSet",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, value: String| {
                let mut state = s.borrow_mut();
                if !state.before {
                    return Err(Exception::throw_message(
                        &ctx,
                        "request.headers.set works only inside before(...), before connecting",
                    ));
                }
                if name.trim().is_empty() || name.contains(char::is_whitespace) {
                    return Err(Exception::throw_type(
                        &ctx,
                        &format!("request.headers.set: invalid header name {name:?}"),
                    ));
                }
                state
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
                state.headers.push((name, value));
                Ok(())
            },
        )?,
    )?;
    let s = state.clone();
    native.set(
        "headerGet",
        Function::new(ctx.clone(), move |name: String| {
            let state = s.borrow();
            state
                .headers
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| v.clone())
        })?,
    )?;
    let s = state.clone();
    native.set(
        "url",
        Function::new(ctx.clone(), move || s.borrow().url.clone())?,
    )?;
    let s = state.clone();
    native.set(
        "requestName",
        Function::new(ctx.clone(), move || s.borrow().request_name.clone())?,
    )?;
    let s = state.clone();
    native.set(
        "log",
        Function::new(ctx.clone(), move |level: String, text: Opt<String>| {
            let level = match level.as_str() {
                "info" => ScriptLevel::Info,
                "warn" => ScriptLevel::Warn,
                "error" => ScriptLevel::Error,
                _ => ScriptLevel::Log,
            };
            let text = text.0.unwrap_or_default();
            s.borrow_mut().emit(ScriptOutput::Log { level, text });
        })?,
    )?;

    let s = state.clone();
    native.set(
        "sioEmit",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, event: String, args: rquickjs::Array<'js>, ack_id: f64| {
                let args = socketio_args(&args)?;
                let message = if ack_id >= 0.0 {
                    SocketIoOutgoing::EmitAck {
                        event,
                        args,
                        ack_id: ack_id as u64,
                    }
                } else {
                    SocketIoOutgoing::Emit {
                        event,
                        args,
                        ack: false,
                    }
                };
                socketio(&ctx, &s, "io.emit", message)
            },
        )?,
    )?;
    let s = state.clone();
    native.set(
        "sioAck",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ack_id: f64, args: rquickjs::Array<'js>| {
                let args = socketio_args(&args)?;
                let message = SocketIoOutgoing::Ack {
                    ack_id: ack_id as u64,
                    args,
                };
                socketio(&ctx, &s, "ack", message)
            },
        )?,
    )?;

    ctx.globals().set("__native", native)?;
    Ok(())
}

/// The prelude passes each argument as JSON text, or as a Uint8Array for binary data.
fn socketio_args(array: &rquickjs::Array<'_>) -> rquickjs::Result<Vec<SocketIoArg>> {
    let mut args = Vec::with_capacity(array.len());
    for value in array.iter::<rquickjs::Value>() {
        let value = value?;
        if let Some(bytes) = value
            .as_object()
            .and_then(|o| TypedArray::<u8>::from_object(o.clone()).ok())
        {
            args.push(SocketIoArg::Binary(copy_bytes(&bytes).into()));
        } else {
            args.push(SocketIoArg::Json(value.get::<String>()?));
        }
    }
    Ok(args)
}

fn socketio(
    ctx: &Ctx<'_>,
    state: &Shared,
    what: &str,
    message: SocketIoOutgoing,
) -> rquickjs::Result<()> {
    let mut state = state.borrow_mut();
    if !state.connected {
        return Err(Exception::throw_message(
            ctx,
            &format!(
                "{what}: not connected (emit from ws.on(\"open\", ...), io.on(\"connect\", ...) or later)"
            ),
        ));
    }
    state.emit(ScriptOutput::SocketIo(message));
    Ok(())
}

fn send(ctx: &Ctx<'_>, state: &Shared, message: Outgoing) -> rquickjs::Result<()> {
    let mut state = state.borrow_mut();
    if !state.connected {
        return Err(Exception::throw_message(
            ctx,
            "ws.send: not connected (send from ws.on(\"open\", ...) or later)",
        ));
    }
    state.emit(ScriptOutput::Send(message));
    Ok(())
}

fn copy_bytes(array: &TypedArray<'_, u8>) -> Vec<u8> {
    // SAFETY: the slice is copied at once, before any JavaScript runs again.
    unsafe { array.as_bytes() }
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}
