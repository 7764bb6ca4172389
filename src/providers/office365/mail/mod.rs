//! Mail through Graph: listings and reads, status changes, sends and replies (with upload
//! sessions for large attachments), drafts, folders, and the mapping both ways.

pub mod actions;
pub mod compose;
mod delta;
pub mod drafts;
pub mod folders;
pub mod graph_message;
pub mod message_map;
pub mod messages;
pub mod query;
pub mod select;
pub mod sending;
pub mod well_known;
