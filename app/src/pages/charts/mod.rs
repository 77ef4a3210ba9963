//! History charts on the detail pages: latency and loss per address family over a range,
//! uptime, and a service's verdict timeline, drawn from `crate::history`'s data. The
//! geometry is pure; `svg` and `timeline_svg` draw, `picker` reads and offers `?range=`.

pub mod figures;
pub mod geometry;
mod picker;
mod svg;
mod timeline_svg;

pub use crate::history::{Family, History, Range, Timeline};
pub use picker::{ChartRange, RangePicker, range_param};
pub use svg::HistoryCharts;
pub use timeline_svg::VerdictTimeline;

// They render views to HTML, which needs the server renderer.
#[cfg(all(test, feature = "ssr"))]
mod svg_tests;
