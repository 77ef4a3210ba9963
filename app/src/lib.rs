//! v6watch's web application: the pages and the server functions they read through (the
//! validated types are `model`'s, the SQL is `store`'s). Server-only code sits behind the `ssr` feature.

#![recursion_limit = "256"]

pub mod assets;
pub mod history;
pub mod pages;
pub mod queries;

pub use pages::{App, shell};

/// Session key holding the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key holding the signed-in user's name.
pub const SESSION_USERNAME: &str = "username";

/// Why the sign-in page is shown again: its `?error=` code and what the page says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginProblem {
    WrongPassword,
    /// The password was right but the session could not be stored.
    SessionNotStored,
}

impl LoginProblem {
    pub const ALL: [LoginProblem; 2] =
        [LoginProblem::WrongPassword, LoginProblem::SessionNotStored];

    pub fn code(self) -> &'static str {
        match self {
            LoginProblem::WrongPassword => "wrong",
            LoginProblem::SessionNotStored => "session",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            LoginProblem::WrongPassword => "Wrong user name or password.",
            LoginProblem::SessionNotStored => {
                "The password is right, but the session could not be stored: the database cannot be written. See the server log."
            }
        }
    }
}
