//! The inventory stage: what the user owns (hosts, prefixes, tunnels, containers, services),
//! as records shown on pages and as forms validated into typed inputs.

pub mod change;
pub mod container;
pub mod host;
pub mod prefix;
pub mod service;
pub mod tunnel;
pub mod tunnel_health;

pub use change::InventoryChange;
pub use container::{Container, ContainerInput, ContainerRuntime, NetworkMode};
pub use host::{Address, Host, HostDependents, HostInput};
pub use prefix::{Prefix, PrefixInput};
pub use service::{Service, ServiceInput, ServiceKind, ServiceOwner};
pub use tunnel::{Tunnel, TunnelInput, TunnelKind};
