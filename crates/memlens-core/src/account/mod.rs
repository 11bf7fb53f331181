pub mod cadvisor;
pub mod gofloat;
pub mod term;
