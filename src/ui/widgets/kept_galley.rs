//! A laid-out text kept across frames while nothing it depends on changes, so a frame that
//! changes nothing (a cursor blink, a hover, a focused find box) lays out nothing, however big
//! the text is.
//!
//! Contract: [`KeptGalley::get`] hands back the galley it laid out last for an equal key and
//! wrap width, without copying or hashing the text, unless egui has dropped its font caches
//! since (font atlas rebuilt, scale or zoom changed: [`FontEpoch`] notices). Otherwise it lays
//! out again with the closure it is given and keeps that.

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Color32, FontId, Galley, Ui};

/// Notices when egui's glyph caches were rebuilt: a tiny probe text is laid out every frame it
/// is asked; egui hands back the very same galley for it while its caches stand.
#[derive(Default)]
pub struct FontEpoch {
    probe: Option<Arc<Galley>>,
}

impl FontEpoch {
    /// Whether galleys laid out before this call (with `font`) may be stale.
    pub fn changed(&mut self, ui: &Ui, font: &FontId) -> bool {
        let probe = ui.fonts_mut(|f| {
            f.layout_job(LayoutJob::simple_singleline(
                "wsprobe".to_owned(),
                font.clone(),
                Color32::WHITE,
            ))
        });
        let same = self.probe.as_ref().is_some_and(|p| Arc::ptr_eq(p, &probe));
        self.probe = Some(probe);
        !same
    }
}

/// One kept galley and what it was laid out for (see the module's contract).
pub struct KeptGalley<K> {
    kept: Option<(K, f32, Arc<Galley>)>,
    epoch: FontEpoch,
}

impl<K> Default for KeptGalley<K> {
    fn default() -> Self {
        Self {
            kept: None,
            epoch: FontEpoch::default(),
        }
    }
}

impl<K: PartialEq> KeptGalley<K> {
    /// The galley for `key` at `width` (in `font`): the kept one, or `layout()`'s, then kept.
    pub fn get(
        &mut self,
        ui: &Ui,
        key: K,
        width: f32,
        font: &FontId,
        layout: impl FnOnce() -> Arc<Galley>,
    ) -> Arc<Galley> {
        let stale = self.epoch.changed(ui, font);
        if !stale
            && let Some((k, w, galley)) = &self.kept
            && *k == key
            && *w == width
        {
            return galley.clone();
        }
        let galley = layout();
        self.kept = Some((key, width, galley.clone()));
        galley
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equal_key_gets_the_same_galley_and_a_new_one_lays_out_again() {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let font = FontId::monospace(12.0);
            let mut kept = KeptGalley::default();
            let mut layouts = 0;
            let mut layout = |text: &str| {
                layouts += 1;
                let job = LayoutJob::simple(text.to_owned(), font.clone(), Color32::WHITE, 100.0);
                ui.fonts_mut(|f| f.layout_job(job))
            };
            let a = kept.get(ui, 1, 100.0, &font, || layout("one"));
            let b = kept.get(ui, 1, 100.0, &font, || layout("one"));
            assert!(Arc::ptr_eq(&a, &b));
            let c = kept.get(ui, 2, 100.0, &font, || layout("two"));
            assert_eq!(c.text(), "two");
            let _ = kept.get(ui, 2, 90.0, &font, || layout("two"));
            assert_eq!(layouts, 3);
        });
        output.textures_delta.clear();
    }
}
