//! The Message tab of a Socket.IO request: the event name, "Expect acknowledgement", the
//! arguments editor (JSON highlighted, variables offered and checked, see [`super::args`]) and
//! Send (or Ctrl+Enter), which emits. Under Send: the packet's size and the live verdict, red
//! (Send disabled) or amber, like a JSON message's. Saved messages and the history below are
//! the WebSocket composer's ([`crate::ui::composer::Composer::library_ui`]): they keep the
//! event name and the ack choice too.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::args::check_emit;
use crate::model::{MessageFormat, SavedRequest};
use crate::ui::composer::{body_editor, resolver, send_button, verdict_ui};
use crate::ui::message_check::{Check, Size, Validation, byte_count};
use crate::ui::widgets::{CodeEditor, ConnState, VarContext};

/// The id of the arguments editor (tests and the palette focus it by this id).
pub fn args_editor_id() -> egui::Id {
    egui::Id::unique("emit_args_editor")
}

/// The event name field's id.
pub fn event_field_id() -> egui::Id {
    egui::Id::unique("emit_event_name")
}

/// The emit form of the selected Socket.IO request.
#[derive(Default)]
pub struct EmitComposer {
    editor: CodeEditor,
    /// What was checked last (namespace, event, body, variables) and the verdict.
    checked: Option<(String, String, String, u64, Check)>,
}

impl EmitComposer {
    /// Draws the form; true when Send (or Ctrl+Enter) asks for the emit.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        state: ConnState,
        vars: &VarContext,
    ) -> bool {
        let mut send = false;
        let namespace = request.socketio.namespace.clone();
        let draft = &mut request.draft;
        // Wrapped: a narrow tab puts the checkbox under the name instead of widening the tab.
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Event");
            let width = (ui.available_width() - 12.0).clamp(80.0, 200.0);
            ui.add(
                egui::TextEdit::singleline(&mut draft.event)
                    .id(event_field_id())
                    .hint_text("chat.message")
                    .desired_width(width),
            )
            .labelled_by(l.id);
            ui.checkbox(&mut draft.expect_ack, "Expect acknowledgement")
                .on_hover_text(format!(
                    "Ask the server to acknowledge this emit: its answer is linked to the emit \
                     with the round trip, or a note after {} ms (Settings → Socket.IO)",
                    request.socketio.ack_timeout_ms
                ));
        });

        let fingerprint = vars.fingerprint();
        let check = match &self.checked {
            Some((ns, event, body, seen, c))
                if *ns == namespace
                    && *event == draft.event
                    && *seen == fingerprint
                    && *body == draft.body =>
            {
                c.clone()
            }
            _ => {
                let c = check_emit(&namespace, &draft.event, &draft.body, || resolver(vars));
                self.checked = Some((
                    namespace.clone(),
                    draft.event.clone(),
                    draft.body.clone(),
                    fingerprint,
                    c.clone(),
                ));
                c
            }
        };

        let connected = state == ConnState::Connected;
        let can_send = connected && !matches!(check.verdict, Validation::Error(_));
        let shortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        if ui.input_mut(|i| i.consume_shortcut(&shortcut)) && can_send {
            send = true;
        }

        ui.add(
            egui::Label::new(
                RichText::new(
                    "Arguments: one JSON value per line, or one JSON array; a hex: or base64: \
                     line is a binary argument",
                )
                .weak(),
            )
            .truncate(),
        );
        let id = args_editor_id();
        let format = MessageFormat::Json;
        body_editor(
            ui,
            &mut self.editor,
            id,
            &mut draft.body,
            format,
            vars,
            "Arguments",
        );

        ui.horizontal_wrapped(|ui| {
            let hover = "Emit the event (Ctrl+Enter)";
            if send_button(ui, can_send, connected, hover, "Fix the emit first") {
                send = true;
            }
            match &check.size {
                Size::Bytes(n) => {
                    ui.weak(byte_count(*n)).on_hover_text(
                        "The EVENT packet Send writes (42[\"event\", …args], with the namespace), \
                         plus any binary attachments; the ack id adds its digits",
                    );
                }
                Size::Unknown(why) => {
                    ui.weak(format!("size unknown: {why}"));
                }
            }
            verdict_ui(ui, &check.verdict, connected);
        });
        send
    }
}
