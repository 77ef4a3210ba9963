//! Who may use the dashboard: the admin account, sessions, CSRF defence, and slowing
//! down password guessing.

pub mod csrf;
pub mod guard;
pub mod handlers;
pub mod password;
pub mod throttle;
