//! The inventory from what already exists: LXD/Incus instance lists, `docker inspect`
//! output and DNS zone files become inventory records ([`file::InventoryFile`]), and so does
//! the inventory file itself. A [`plan::Plan`] says what applying them would change; the
//! store applies a plan in one transaction. Parsing is pure: no I/O, no SQL.

pub mod file;
pub mod plan;

#[cfg(feature = "import")]
pub mod docker;
#[cfg(feature = "import")]
mod json;
#[cfg(feature = "import")]
pub mod lxd;
#[cfg(feature = "import")]
pub mod text;
#[cfg(feature = "import")]
pub mod zone;

use serde::{Deserialize, Serialize};

/// The largest file an import or apply reads: 4 MiB.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// What went wrong and where: a file, a line, or a JSON path such as
/// `[2].state.network.eth0.addresses[1].address`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    pub place: String,
    pub message: String,
}

impl ImportError {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            message: message.into(),
        }
    }

    /// The same error, its place prefixed with the file it is in.
    pub fn in_file(mut self, file: &str) -> Self {
        self.place = if self.place.is_empty() {
            file.to_string()
        } else {
            format!("{file}: {}", self.place)
        };
        self
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

/// The formats an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    /// `lxc list --format json` or `incus list --format json`.
    Lxd,
    /// `docker inspect` of containers and/or `docker network inspect` of networks.
    Docker,
    /// A DNS master file.
    Zone,
}

impl crate::domain::form::Choice for ImportKind {
    const ALL: &'static [Self] = &[Self::Lxd, Self::Docker, Self::Zone];
    fn code(self) -> &'static str {
        match self {
            Self::Lxd => "lxd",
            Self::Docker => "docker",
            Self::Zone => "zone",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Lxd => "LXD / Incus (lxc list --format json)",
            Self::Docker => "Docker (docker inspect, docker network inspect)",
            Self::Zone => "DNS zone file",
        }
    }
}

/// What an import needs besides the file: the host its containers run on (LXD, Docker)
/// or the zone's origin (DNS).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    pub host: Option<String>,
    pub origin: Option<String>,
}

/// Reads the bytes of an imported file: bounded, UTF-8, then the format's parser. Errors
/// name `file_name` and the place inside it.
#[cfg(feature = "import")]
pub fn parse(
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<file::InventoryFile, ImportError> {
    let text = bounded_text(file_name, bytes)?;
    let parsed = match kind {
        ImportKind::Lxd => lxd::parse(text, options),
        ImportKind::Docker => docker::parse(text, options),
        ImportKind::Zone => zone::parse(text, options),
    };
    parsed.map_err(|e| e.in_file(file_name))
}

/// The file as text, refused when larger than [`MAX_IMPORT_BYTES`] or not UTF-8.
pub fn bounded_text<'a>(file_name: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::new(
            file_name,
            format!(
                "the file is {} bytes; v6watch reads at most 4 MiB ({MAX_IMPORT_BYTES} bytes)",
                bytes.len()
            ),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        ImportError::new(
            file_name,
            format!("not UTF-8 text (at byte {})", e.valid_up_to()),
        )
    })
}

/// The parent host every imported container needs, as a host record of its own.
#[cfg(feature = "import")]
fn parent_host(options: &ImportOptions) -> Result<file::HostEntry, ImportError> {
    let name = options
        .host
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            ImportError::new(
                "host",
                "name the host these containers run on (--host NAME, or the form's host field)",
            )
        })?;
    let name = crate::domain::parse_name(name).map_err(|m| ImportError::new("host", m))?;
    Ok(file::HostEntry {
        name,
        ..Default::default()
    })
}
