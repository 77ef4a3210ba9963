//! v6watch probe stage, integration tests (one test binary): hostile nameservers and HTTP
//! servers on the IPv6 loopback, and the network-namespace lab.

mod hostile_dns;
mod hostile_http;
mod lab;
mod lab_exposure;
mod lab_pmtu;
mod lab_probes;
