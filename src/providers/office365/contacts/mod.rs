//! Contacts through Graph: the calls, and the mapping both ways.

pub mod calls;
pub mod graph_contact;
pub mod map;
