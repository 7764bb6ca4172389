-- A certificate credential for the app's Azure registration: the PEM certificate (public) and
-- its private key, encrypted like the client secret. When set, token requests use it.
ALTER TABLE app_office365 ADD COLUMN certificate_pem TEXT;
ALTER TABLE app_office365 ADD COLUMN private_key_enc TEXT;
