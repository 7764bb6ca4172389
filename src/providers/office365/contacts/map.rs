//! Graph `contact` ⇄ unified `Contact`. Outlook keeps some parts in fixed slots (three e-mail
//! addresses, one mobile number, one home page, one address per kind): what does not fit is
//! refused with the reason, never dropped.

use crate::model::contact::{
    Contact, ContactAddress, ContactCompany, ContactEmail, ContactName, ContactPhone,
    ContactRelation, ContactUrl,
};
use crate::model::normalize_time;
use crate::providers::error::ProviderError;
use crate::providers::office365::contacts::graph_contact::{GraphAddress, GraphContact};
use crate::providers::office365::graph::shapes::{nonempty, strings};
use crate::providers::office365::graph::values::bad;
use serde_json::{json, Map, Value};

fn some_vec<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

const ADDRESS_SLOTS: &[(&str, &str)] = &[
    ("businessAddress", "work"),
    ("homeAddress", "home"),
    ("otherAddress", "other"),
];
const RELATION_SLOTS: &[(&str, &str)] = &[
    ("manager", "manager"),
    ("assistantName", "assistant"),
    ("spouseName", "spouse"),
];

/// One of Outlook's address slots, when anything is in it. Outlook keeps the street lines in one
/// field, one per line.
fn address(a: &Option<GraphAddress>, kind: &str) -> Option<ContactAddress> {
    let a = a.as_ref()?;
    let street = nonempty(&a.street);
    let (first, second) = match street.as_deref().and_then(|s| s.split_once('\n')) {
        Some((one, two)) => (
            Some(one.trim_end_matches('\r').to_string()),
            Some(two.to_string()),
        ),
        None => (street, None),
    };
    let address = ContactAddress {
        street: first,
        street_line2: second,
        po_box: None,
        city: nonempty(&a.city),
        state: nonempty(&a.state),
        postal_code: nonempty(&a.postal_code),
        country: nonempty(&a.country_or_region),
        kind: Some(kind.into()),
    };
    let empty = ContactAddress {
        kind: Some(kind.into()),
        ..Default::default()
    };
    (address != empty).then_some(address)
}

fn phones(c: &GraphContact) -> Vec<ContactPhone> {
    let phone = |number: String, kind: &str| ContactPhone {
        number,
        kind: Some(kind.into()),
        canonical_form: None,
    };
    let mut phones: Vec<ContactPhone> = Vec::new();
    phones.extend(
        strings(&c.business_phones)
            .into_iter()
            .map(|n| phone(n, "work")),
    );
    phones.extend(
        strings(&c.home_phones)
            .into_iter()
            .map(|n| phone(n, "home")),
    );
    phones.extend(nonempty(&c.mobile_phone).map(|n| phone(n, "mobile")));
    phones
}

pub fn from_graph(c: &GraphContact) -> Contact {
    let name = ContactName {
        display_name: nonempty(&c.display_name),
        prefix: nonempty(&c.title),
        given_name: nonempty(&c.given_name),
        middle_name: nonempty(&c.middle_name),
        family_name: nonempty(&c.surname),
        suffix: nonempty(&c.generation),
        yomi_given_name: nonempty(&c.yomi_given_name),
        yomi_family_name: nonempty(&c.yomi_surname),
    };
    let company = ContactCompany {
        name: nonempty(&c.company_name),
        office_location: nonempty(&c.office_location),
        department: nonempty(&c.department),
        job_title: nonempty(&c.job_title),
        yomi_company_name: nonempty(&c.yomi_company_name),
    };
    let emails = c
        .email_addresses
        .iter()
        .flatten()
        .filter_map(|e| {
            Some(ContactEmail {
                address: nonempty(&e.address)?,
                name: nonempty(&e.name),
                kind: None,
            })
        })
        .collect();
    let addresses = [
        address(&c.business_address, "work"),
        address(&c.home_address, "home"),
        address(&c.other_address, "other"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let relations = [
        (&c.manager, "manager"),
        (&c.assistant_name, "assistant"),
        (&c.spouse_name, "spouse"),
    ]
    .into_iter()
    .filter_map(|(name, kind)| {
        Some(ContactRelation {
            name: nonempty(name)?,
            kind: kind.into(),
        })
    })
    .collect();
    let urls = nonempty(&c.business_home_page).map(|href| {
        vec![ContactUrl {
            href,
            kind: Some("work".into()),
        }]
    });
    Contact {
        native_properties: None,
        id: nonempty(&c.id),
        etag: nonempty(&c.etag),
        created_time: c
            .created_date_time
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(normalize_time),
        last_modified_time: c
            .last_modified_date_time
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(normalize_time),
        name: (name != ContactName::default()).then_some(name),
        nick_name: nonempty(&c.nick_name),
        file_as: nonempty(&c.file_as),
        company: (company != ContactCompany::default()).then_some(company),
        relations: some_vec(relations),
        birthday: nonempty(&c.birthday).map(|b| b.chars().take(10).collect()),
        keywords: some_vec(strings(&c.categories)),
        notes: nonempty(&c.personal_notes),
        email_addresses: some_vec(emails),
        phone_numbers: some_vec(phones(c)),
        addresses: some_vec(addresses),
        urls,
        has_photo: None,
        photo: None,
    }
}

fn set(m: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}

/// The Graph fields for what `c` gives (on a PATCH, only those change).
pub fn to_graph(c: &Contact) -> Result<Value, ProviderError> {
    if c.photo.is_some() || c.has_photo.is_some() {
        return Err(bad("photo cannot be set through this endpoint"));
    }
    if c.native_properties.as_ref().is_some_and(|n| !n.is_empty()) {
        return Err(bad(
            "nativeProperties: Office 365's own properties are written through the direct API",
        ));
    }
    let mut m = Map::new();
    if let Some(n) = &c.name {
        for (key, value) in [
            ("displayName", &n.display_name),
            ("title", &n.prefix),
            ("givenName", &n.given_name),
            ("middleName", &n.middle_name),
            ("surname", &n.family_name),
            ("generation", &n.suffix),
            ("yomiGivenName", &n.yomi_given_name),
            ("yomiSurname", &n.yomi_family_name),
        ] {
            set(&mut m, key, value);
        }
    }
    set(&mut m, "nickName", &c.nick_name);
    set(&mut m, "fileAs", &c.file_as);
    set(&mut m, "personalNotes", &c.notes);
    if let Some(co) = &c.company {
        for (key, value) in [
            ("companyName", &co.name),
            ("officeLocation", &co.office_location),
            ("department", &co.department),
            ("jobTitle", &co.job_title),
            ("yomiCompanyName", &co.yomi_company_name),
        ] {
            set(&mut m, key, value);
        }
    }
    if let Some(b) = &c.birthday {
        let day = chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d")
            .map_err(|_| bad(format!("birthday '{b}' is not a date like 1974-07-22")))?;
        m.insert("birthday".into(), json!(format!("{day}T00:00:00Z")));
    }
    if let Some(k) = &c.keywords {
        m.insert("categories".into(), json!(k));
    }
    if let Some(emails) = &c.email_addresses {
        if emails.len() > 3 {
            return Err(bad(format!(
                "Office 365 keeps at most 3 e-mail addresses per contact; {} were given",
                emails.len()
            )));
        }
        m.insert("emailAddresses".into(), json!(emails.iter().map(|e| json!({ "address": e.address, "name": e.name.as_deref().unwrap_or(&e.address) })).collect::<Vec<_>>()));
    }
    if let Some(phones) = &c.phone_numbers {
        let (mut work, mut home, mut mobile) = (Vec::new(), Vec::new(), Vec::new());
        for p in phones {
            match p.kind.as_deref().unwrap_or("work") {
                "work" | "main" | "companyMain" => work.push(&p.number),
                "home" => home.push(&p.number),
                "mobile" => mobile.push(&p.number),
                other => return Err(bad(format!("Office 365 has no place for a phone number of type '{other}' (work, home and one mobile)"))),
            }
        }
        if mobile.len() > 1 {
            return Err(bad("Office 365 keeps one mobile number per contact"));
        }
        m.insert("businessPhones".into(), json!(work));
        m.insert("homePhones".into(), json!(home));
        m.insert(
            "mobilePhone".into(),
            mobile.first().map_or(Value::Null, |n| json!(n)),
        );
    }
    if let Some(addresses) = &c.addresses {
        for (key, _) in ADDRESS_SLOTS {
            m.insert((*key).into(), json!({}));
        }
        for a in addresses {
            let kind = a.kind.as_deref().unwrap_or("home");
            let slot = ADDRESS_SLOTS
                .iter()
                .find(|(_, k)| *k == kind)
                .map(|(s, _)| *s)
                .ok_or_else(|| {
                    bad(format!(
                        "address type '{kind}' is not one of work, home, other"
                    ))
                })?;
            if m[slot].as_object().is_some_and(|o| !o.is_empty()) {
                return Err(bad(format!(
                    "Office 365 keeps one {kind} address per contact"
                )));
            }
            if a.po_box.is_some() {
                return Err(bad(
                    "Office 365 addresses have no PO box field; put it in street",
                ));
            }
            let street = match (&a.street, &a.street_line2) {
                (Some(one), Some(two)) => Some(format!("{one}\n{two}")),
                (one, two) => one.clone().or_else(|| two.clone()),
            };
            m.insert(slot.into(), json!({ "street": street, "city": a.city, "state": a.state, "postalCode": a.postal_code, "countryOrRegion": a.country }));
        }
    }
    if let Some(urls) = &c.urls {
        match urls.as_slice() {
            [] => {
                m.insert("businessHomePage".into(), Value::Null);
            }
            [one] => {
                m.insert("businessHomePage".into(), json!(one.href));
            }
            _ => return Err(bad("Office 365 keeps one web page per contact")),
        }
    }
    if let Some(relations) = &c.relations {
        for (key, _) in RELATION_SLOTS {
            m.insert((*key).into(), Value::Null);
        }
        for r in relations {
            let slot = RELATION_SLOTS
                .iter()
                .find(|(_, k)| *k == r.kind)
                .map(|(s, _)| *s)
                .ok_or_else(|| {
                    bad(format!(
                        "relation type '{}' is not one of manager, assistant, spouse",
                        r.kind
                    ))
                })?;
            m.insert(slot.into(), json!(r.name));
        }
    }
    Ok(Value::Object(m))
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
