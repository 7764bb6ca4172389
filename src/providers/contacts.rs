//! Contacts.
use crate::model::contact::{Contact, ContactOrId, ContactsPage};
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;

#[async_trait::async_trait]
pub trait Contacts: Send + Sync {
    async fn list_contacts(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ContactsPage, ProviderError>;

    async fn get_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        with_photo: bool,
    ) -> Result<Contact, ProviderError>;

    async fn create_contact(
        &self,
        account: &AccountRecord,
        contact: &Contact,
    ) -> Result<ContactOrId, ProviderError>;

    async fn update_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        contact: &Contact,
        if_match: Option<&str>,
    ) -> Result<ContactOrId, ProviderError>;

    async fn delete_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError>;
}
