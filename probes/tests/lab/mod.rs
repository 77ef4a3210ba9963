//! The lab helper (`probes/tests/integration/lab.rs`) as the server's lab tests and its
//! scheduler bench include it, from this path: they return early when the lab is not up, so
//! `Lab::get` here gives an `Option` where the helper's panics.

#![allow(dead_code, unused_imports)]

use std::ops::Deref;

#[path = "../integration/lab.rs"]
mod helper;

pub use helper::{Client, run_in};

/// The lab (everything of the helper's `Lab` through `Deref`).
#[derive(Debug, Clone)]
pub struct Lab(helper::Lab);

impl Lab {
    /// The lab when `V6WATCH_LAB=1`, else `None` after printing why the test is skipped.
    pub fn get() -> Option<Lab> {
        if std::env::var("V6WATCH_LAB").as_deref() != Ok("1") {
            println!("lab not up: skipped (set V6WATCH_LAB=1 after `bash tests/lab/lab.sh up`)");
            return None;
        }
        Some(Lab(helper::Lab::get()))
    }
}

impl Deref for Lab {
    type Target = helper::Lab;

    fn deref(&self) -> &helper::Lab {
        &self.0
    }
}
