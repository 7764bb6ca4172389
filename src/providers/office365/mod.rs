//! Office 365 / Outlook.com: the identity platform and Microsoft Graph.

pub mod availability;
pub mod calendar;
pub mod catalog;
pub mod compose;
pub mod contact_map;
pub mod contacts;
pub mod direct;
pub mod drafts;
pub mod event_map;
pub mod events;
pub mod folders;
pub mod graph;
pub mod identity;
pub mod mail;
pub mod mail_folders;
pub mod mail_query;
pub mod message_actions;
pub mod messages;
pub mod sending;
pub mod session;
pub mod task_map;
pub mod tasks;
pub mod time;
pub mod token_client;
