//! What the scope catalogue needs to know of a provider's own permissions: which exist, how they
//! are spelt, which include which, and which every sign-in asks for. A provider's catalogue
//! implements it; `scopes.yaml` is checked against it at load.

pub trait Permissions: Send + Sync + std::fmt::Debug {
    /// Whether the provider has this permission, spelt exactly.
    fn is_known(&self, permission: &str) -> bool;
    /// The permission without the provider's resource prefix (as granted scopes may carry it).
    fn bare<'a>(&self, permission: &'a str) -> &'a str;
    /// The catalogue's spelling of a permission, matched without case and without the prefix.
    fn canonical(&self, permission: &str) -> Option<&str>;
    /// Whether holding `held` gives `needed`.
    fn satisfies(&self, held: &str, needed: &str) -> bool;
    /// The permissions every sign-in asks for.
    fn implicit(&self) -> &[String];
    /// Whether the permission exists as an application permission (granted by an administrator
    /// to the app itself, for every mailbox of a tenant).
    fn is_application(&self, permission: &str) -> bool;
    /// The application permissions every service account needs.
    fn application_implicit(&self) -> &[String];
}
