//! The one-shot commands beside `serve`.

pub mod check;
pub mod inventory;
pub mod sync;
