//! Normalisation of multilingual text into two views, each with an offset map back to the original.
//!
//! PROVISIONAL: identity views so dependants compile; the real normaliser replaces this.
use std::ops::Range;

/// A normalised view of an original text, with a map from view byte offsets back to original byte offsets.
#[derive(Debug, Clone)]
pub struct View {
    text: String,
}

impl View {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// Map a byte range of the view to the smallest byte range of the original that produced it,
    /// always on original char boundaries.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        start..end
    }
}

/// The match view (rules, classifier).
pub fn match_view(original: &str) -> View {
    View { text: original.to_lowercase() }
}

/// The selector view (digits, width, refanging only).
pub fn selector_view(original: &str) -> View {
    View { text: original.to_string() }
}
