//! Graph contacts read into the contract and written back.

use super::*;
use serde::Deserialize;

#[test]
fn graph_contacts_read_into_the_contract() {
    let v = json!({
        "@odata.etag": "W/\"EQAAABYA\"", "id": "AAMk=", "createdDateTime": "2017-09-04T15:54:01Z",
        "displayName": "Alex Wilber", "givenName": "Alex", "surname": "Wilber", "title": null, "birthday": "1974-07-22T11:59:00Z",
        "emailAddresses": [{"name": "Alex", "address": "alex@fineartschool.net"}], "businessPhones": ["+1 732 555 0102"],
        "homePhones": [], "mobilePhone": null, "homeAddress": {}, "businessAddress": {"city": "Redmond", "countryOrRegion": "USA"},
        "otherAddress": {}, "companyName": "Contoso", "manager": "Dana", "categories": ["VIP"], "personalNotes": ""
    });
    let c = from_graph(&GraphContact::deserialize(&v).unwrap());
    assert_eq!(c.etag.as_deref(), Some("W/\"EQAAABYA\""));
    assert_eq!(
        c.name.as_ref().unwrap().family_name.as_deref(),
        Some("Wilber")
    );
    assert_eq!(c.birthday.as_deref(), Some("1974-07-22"));
    assert_eq!(
        c.phone_numbers.as_ref().unwrap()[0].kind.as_deref(),
        Some("work")
    );
    assert_eq!(
        c.addresses.as_ref().unwrap().len(),
        1,
        "empty {{}} addresses are not addresses"
    );
    assert_eq!(
        c.addresses.as_ref().unwrap()[0].kind.as_deref(),
        Some("work")
    );
    assert_eq!(
        c.relations.as_ref().unwrap()[0],
        ContactRelation {
            name: "Dana".into(),
            kind: "manager".into()
        }
    );
    assert_eq!(c.notes, None);
}

#[test]
fn the_contract_writes_into_outlooks_slots_or_says_why_not() {
    let phone = |n: &str, k: &str| ContactPhone {
        number: n.into(),
        kind: Some(k.into()),
        canonical_form: None,
    };
    let c = Contact {
        phone_numbers: Some(vec![
            phone("1", "work"),
            phone("2", "mobile"),
            phone("3", "home"),
        ]),
        addresses: Some(vec![ContactAddress {
            city: Some("Oslo".into()),
            kind: Some("home".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let g = to_graph(&c).unwrap();
    assert_eq!(g["businessPhones"], json!(["1"]));
    assert_eq!(g["mobilePhone"], "2");
    assert_eq!(g["homeAddress"]["city"], "Oslo");
    assert_eq!(g["businessAddress"], json!({}));
    let too_many = Contact {
        phone_numbers: Some(vec![phone("1", "pager")]),
        ..Default::default()
    };
    assert!(to_graph(&too_many).unwrap_err().message.contains("pager"));
    let two_mobiles = Contact {
        phone_numbers: Some(vec![phone("1", "mobile"), phone("2", "mobile")]),
        ..Default::default()
    };
    assert!(to_graph(&two_mobiles).is_err());
    let emails = (0..4)
        .map(|n| ContactEmail {
            address: format!("{n}@x.com"),
            name: None,
            kind: None,
        })
        .collect();
    assert!(to_graph(&Contact {
        email_addresses: Some(emails),
        ..Default::default()
    })
    .unwrap_err()
    .message
    .contains("3 e-mail"));
    assert!(to_graph(&Contact {
        birthday: Some("22/07/1974".into()),
        ..Default::default()
    })
    .is_err());
    assert_eq!(
        to_graph(&Contact::default()).unwrap(),
        json!({}),
        "a PATCH of nothing changes nothing"
    );
}
