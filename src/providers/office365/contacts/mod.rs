//! Contacts through Graph: the calls, and the mapping both ways.

pub mod calls;
pub mod map;
