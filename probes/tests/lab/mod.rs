//! The lab helper (`probes/tests/integration/lab.rs`) for the test binaries that include it
//! from this path: the server's lab tests and its scheduler bench.

#[path = "../integration/lab.rs"]
mod helper;

pub use helper::*;
