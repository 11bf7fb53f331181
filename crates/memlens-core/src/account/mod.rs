pub mod cadvisor;
pub mod gofloat;
pub mod kubelet;
pub mod term;
