//! Graph's `contact` as switchboard reads it, typed, its strings borrowed where they carry no
//! escapes.

use crate::providers::office365::graph::shapes::{Address, Text, Texts};
use serde::Deserialize;

/// Graph's `physicalAddress`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphAddress<'a> {
    #[serde(borrow)]
    pub street: Text<'a>,
    #[serde(borrow)]
    pub city: Text<'a>,
    #[serde(borrow)]
    pub state: Text<'a>,
    #[serde(borrow)]
    pub postal_code: Text<'a>,
    #[serde(borrow)]
    pub country_or_region: Text<'a>,
}

/// Graph's `contact`, as switchboard reads it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphContact<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(rename = "@odata.etag", borrow)]
    pub etag: Text<'a>,
    #[serde(borrow)]
    pub created_date_time: Text<'a>,
    #[serde(borrow)]
    pub last_modified_date_time: Text<'a>,
    #[serde(borrow)]
    pub display_name: Text<'a>,
    #[serde(borrow)]
    pub title: Text<'a>,
    #[serde(borrow)]
    pub given_name: Text<'a>,
    #[serde(borrow)]
    pub middle_name: Text<'a>,
    #[serde(borrow)]
    pub surname: Text<'a>,
    #[serde(borrow)]
    pub generation: Text<'a>,
    #[serde(borrow)]
    pub yomi_given_name: Text<'a>,
    #[serde(borrow)]
    pub yomi_surname: Text<'a>,
    #[serde(borrow)]
    pub company_name: Text<'a>,
    #[serde(borrow)]
    pub office_location: Text<'a>,
    #[serde(borrow)]
    pub department: Text<'a>,
    #[serde(borrow)]
    pub job_title: Text<'a>,
    #[serde(borrow)]
    pub yomi_company_name: Text<'a>,
    #[serde(borrow)]
    pub email_addresses: Option<Vec<Address<'a>>>,
    #[serde(borrow)]
    pub business_phones: Texts<'a>,
    #[serde(borrow)]
    pub home_phones: Texts<'a>,
    #[serde(borrow)]
    pub mobile_phone: Text<'a>,
    #[serde(borrow)]
    pub business_address: Option<GraphAddress<'a>>,
    #[serde(borrow)]
    pub home_address: Option<GraphAddress<'a>>,
    #[serde(borrow)]
    pub other_address: Option<GraphAddress<'a>>,
    #[serde(borrow)]
    pub manager: Text<'a>,
    #[serde(borrow)]
    pub assistant_name: Text<'a>,
    #[serde(borrow)]
    pub spouse_name: Text<'a>,
    #[serde(borrow)]
    pub business_home_page: Text<'a>,
    #[serde(borrow)]
    pub nick_name: Text<'a>,
    #[serde(borrow)]
    pub file_as: Text<'a>,
    #[serde(borrow)]
    pub birthday: Text<'a>,
    #[serde(borrow)]
    pub categories: Texts<'a>,
    #[serde(borrow)]
    pub personal_notes: Text<'a>,
}
