//! Live sync against fake Docker Engine and LXD/Incus APIs on Unix sockets in a temporary
//! directory: the first round creates, a second changes nothing, a changed address is one
//! update, one logged change and one alert message; bad sockets change nothing; and the
//! one-shot `v6watch sync` prints its plan and applies only with `--apply`.

mod bad_socket;
mod cli;
mod docker;
mod fake;
mod lxd;
mod pages;
