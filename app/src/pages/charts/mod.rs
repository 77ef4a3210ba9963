//! History charts on the detail pages: latency and loss per address family over a range,
//! uptime, and a service's verdict timeline. The bucketing (`range`, `buckets`,
//! `timeline`) and the geometry are pure; `svg` and `timeline_svg` draw, `picker` reads and
//! offers `?range=`.

pub mod buckets;
pub mod figures;
pub mod geometry;
mod picker;
pub mod range;
mod svg;
pub mod timeline;
mod timeline_svg;

pub use buckets::{Family, History};
pub use picker::{RangePicker, range_param};
pub use range::Range;
pub use svg::HistoryCharts;
pub use timeline::Timeline;
pub use timeline_svg::VerdictTimeline;

// They render views to HTML, which needs the server renderer.
#[cfg(all(test, feature = "ssr"))]
mod svg_tests;
