pub mod cadvisor;
pub mod eviction;
pub mod gofloat;
pub mod kubelet;
pub mod metrics_server;
pub mod nanos;
pub mod tabwriter;
pub mod term;
