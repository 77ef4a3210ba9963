//! A check's history over a range, as data: the range and its buckets, the runs cut into
//! them (latency, loss, uptime per family), and a service's verdict timeline. Pure: the
//! store reads, the server functions fill these, the charts draw them.

pub mod buckets;
pub mod range;
pub mod timeline;

pub use buckets::{Family, History};
pub use range::Range;
pub use timeline::Timeline;
