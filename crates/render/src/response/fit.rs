//! Fits: one formula and one variance in full, several side by side.

use crate::{render_fits, Format, RenderError};
use hallyu_api::fit::FitResponse;

/// Renders a fit response; JSON is the fit object alone for one fit, an array for
/// several.
pub fn render_fit(r: &FitResponse, format: Format) -> Result<String, RenderError> {
    render_fits(&r.fits, format)
}
