//! What Graph returns for `$select` and `$expand`: the properties named (a derived type's only
//! on items of that type), and the options given inside an expansion.

/// Splits on `sep` outside parentheses and quotes.
pub fn split_top(text: &str, sep: char) -> Vec<&str> {
    let (mut out, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            c if c == sep && depth == 0 && !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// What Graph returns of an item for a `$select` (already checked): the properties named, a
/// derived type's ones (`microsoft.graph.fileAttachment/contentId`) only on items of that type,
/// plus the annotations and `id` it always sends.
pub fn project(item: &serde_json::Value, select: &str) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let item_type = item["@odata.type"].as_str().unwrap_or_default();
    for key in ["@odata.type", "@odata.etag", "id"] {
        if let Some(v) = item.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    for wanted in select.split(',').map(str::trim) {
        let prop = match wanted.split_once('/') {
            Some((cast, prop)) if is_a(item_type, cast) => prop,
            Some(_) => continue,
            None => wanted,
        };
        if let Some(v) = item.get(prop) {
            out.insert(prop.to_string(), v.clone());
        }
    }
    serde_json::Value::Object(out)
}

/// An option (`$select=`, `$filter=`) inside `$expand=nav(…)`, if any.
fn nested<'a>(expand: &'a str, nav: &str, option: &str) -> Option<&'a str> {
    split_top(expand, ',').into_iter().find_map(|item| {
        let options = item
            .trim()
            .strip_prefix(nav)?
            .strip_prefix('(')?
            .strip_suffix(')')?;
        split_top(options, ';')
            .into_iter()
            .find_map(|o| o.strip_prefix(option))
    })
}

pub fn nested_select<'a>(expand: &'a str, nav: &str) -> Option<&'a str> {
    nested(expand, nav, "$select=")
}

pub fn nested_filter<'a>(expand: &'a str, nav: &str) -> Option<&'a str> {
    nested(expand, nav, "$filter=")
}

/// Whether an item of `@odata.type` `item_type` is of type `cast` (or derives from it).
fn is_a(item_type: &str, cast: &str) -> bool {
    let name = |t: &str| {
        t.trim_start_matches('#')
            .trim_start_matches("microsoft.graph.")
            .to_string()
    };
    match super::schema::entity(&name(item_type)) {
        Some(t) => super::schema::derives_from(t, &name(cast)),
        None => name(item_type) == name(cast),
    }
}
