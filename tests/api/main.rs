//! The integration suite: the real router over HTTP against a fake Microsoft.

#[path = "../fake_microsoft/mod.rs"]
mod fake_microsoft;

mod accounts;
mod accounts_import;
mod availability;
mod calendar;
mod contacts;
mod contract;
mod contract_fields;
mod contract_inputs;
mod contract_operations;
mod contract_service;
mod crash_safety;
mod direct;
mod email;
mod email_actions;
mod email_drafts;
mod email_folders;
mod email_query;
mod email_send;
mod errors;
mod exchange;
mod exposure;
mod faults;
mod graph_surface;
mod helpers;
mod hostile_clients;
mod hostile_paths;
mod linking;
mod logs;
mod observability;
mod openapi;
mod owners;
mod portal;
mod portal_guard;
mod portal_manage;
mod portal_office365;
mod process;
mod series;
mod startup;
mod sync;
mod sync_mail;
mod tasks;
mod tokens;
mod zones;
