"""Real clients against a running switchboard and fake Microsoft (started by e2e/clients/run):

1. the OpenAPI document switchboard serves, checked by an OpenAPI 3.1 validator;
2. Microsoft's own Graph SDK (msgraph-sdk) pointed at switchboard's direct API with an account
   token: the profile, a listing paged by the SDK's own iterator, sending, folders, errors;
3. a client generated from Aurinko's contract (openapi-python-client): list, read, send, and
   create an event, a contact and a task, every answer parsed by the generated models;
4. a service account: an administrator's consent through the real redirects, then the generated
   client lists the service accounts, adds Megan's mailbox as a managed account and reads it.
"""
import asyncio
import datetime
import json
import os
import subprocess
import sys
import urllib.parse

import httpx

BASE, FAKE, WORK = os.environ["BASE"], os.environ["FAKE"], os.environ["WORK"]
AZURE_ID, AZURE_SECRET = "00001111-aaaa-2222-bbbb-3333cccc4444", "Xy8Q~clients.test.secret"
USER, RETURN_URL = "megan@contoso.com", "https://crm.example.com/linked"


def cli(*args):
    env = dict(os.environ)
    for setting in os.environ["SB_ENV"].split("\n"):
        key, _, value = setting.partition("=")
        env[key] = value
    out = subprocess.run(["target/debug/switchboard", *args, "--json"], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def link_account():
    """An app made with the CLI, its Azure registration on the fake, Megan linked through the real flow."""
    app = cli("app", "create", "--name", "Clients", "--return-url", RETURN_URL)
    secret_file = os.path.join(WORK, "azure.secret")
    with open(secret_file, "w") as f:
        f.write(AZURE_SECRET)
    redirect = cli("app", "office365", app["clientId"], "--azure-client-id", AZURE_ID, "--azure-client-secret-file", secret_file)["redirectUri"]
    http = httpx.Client(follow_redirects=False, timeout=30)
    http.post(f"{FAKE}/_fake/apps", json={"clientId": AZURE_ID, "secret": AZURE_SECRET, "redirectUris": [redirect]}).raise_for_status()
    http.post(f"{FAKE}/_fake/users", json={"email": USER, "name": "Megan Bowen"}).raise_for_status()
    http.post(f"{FAKE}/_fake/users/{USER}/messages", json={"count": 7}).raise_for_status()
    scopes = "Mail.All Calendar.ReadWrite Contacts.ReadWrite Tasks.ReadWrite"
    url = f"{BASE}/v1/auth/authorize?" + urllib.parse.urlencode(
        {"clientId": app["clientId"], "serviceType": "Office365", "scopes": scopes, "returnUrl": RETURN_URL, "state": "s1"})
    for _ in range(3):
        url = http.get(url).headers["location"]
    back = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert back["status"] == ["success"], url
    token = http.post(f"{BASE}/v1/auth/token/{back['code'][0]}", auth=(app["clientId"], app["clientSecret"])).json()
    return app, token["accessToken"]


def service_account(app):
    """The administrator consents once; the generated client adds and reads a managed mailbox."""
    sys.path.insert(0, os.path.join(WORK, "gen"))
    from aurinko_client import Client
    from aurinko_client.api.services import get_svc_accounts
    from aurinko_client.api.managed_accounts import upsert_managed_account
    from aurinko_client.api.messages import messages
    from aurinko_client import AuthenticatedClient
    from aurinko_client.models import ApiAccountInDto, ServiceType

    http = httpx.Client(follow_redirects=False, timeout=30)
    roles = ["User.Read.All", "MailboxSettings.Read", "Mail.Read"]
    http.post(f"{FAKE}/_fake/apps/{AZURE_ID}/application-permissions", json={"roles": roles}).raise_for_status()
    url = f"{BASE}/v1/auth/authorizeDaemon?" + urllib.parse.urlencode(
        {"clientId": app["clientId"], "serviceType": "Office365", "scopes": "Mail.Read", "returnUrl": RETURN_URL, "state": "s2"})
    for _ in range(3):
        url = http.get(url).headers["location"]
    back = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert back["status"] == ["success"], url
    http.post(f"{BASE}/v1/auth/token/{back['code'][0]}", auth=(app["clientId"], app["clientSecret"])).raise_for_status()
    basic = Client(base_url=BASE, httpx_args={"auth": (app["clientId"], app["clientSecret"])}, raise_on_unexpected_status=True)
    listed = get_svc_accounts.sync_detailed(client=basic)
    assert listed.status_code == 200 and listed.parsed.total_size == 1, listed.content
    service = listed.parsed.records[0]
    assert service.daemon and service.type_.value == "daemon", service
    added = upsert_managed_account.sync_detailed(service.id, client=basic, body=ApiAccountInDto(service_type=ServiceType.OFFICE365, active=True, email=USER))
    assert added.status_code == 200, added.content
    managed = AuthenticatedClient(base_url=BASE, token=added.parsed.access_token, raise_on_unexpected_status=True)
    page = messages.sync_detailed(client=managed)
    assert page.status_code == 200 and page.parsed.length > 0, page.content
    print("service account: admin consent, getSvcAccounts, upsertManagedAccount, a managed mailbox read")


def validate_openapi():
    from openapi_spec_validator import validate
    spec = httpx.get(f"{BASE}/openapi.json").json()
    assert spec["openapi"].startswith("3.1"), spec["openapi"]
    validate(spec)
    print(f"openapi.json: valid OpenAPI {spec['openapi']}, {sum(len(v) for v in spec['paths'].values())} operations")


async def graph_sdk(token):
    from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
    from msgraph import GraphServiceClient
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.users.item.messages.messages_request_builder import MessagesRequestBuilder
    from msgraph.generated.users.item.send_mail.send_mail_post_request_body import SendMailPostRequestBody
    from msgraph_core.tasks.page_iterator import PageIterator

    host = urllib.parse.urlparse(BASE).hostname

    class AccountToken(AccessTokenProvider):
        async def get_authorization_token(self, uri, additional_authentication_context=None):
            return token

        def get_allowed_hosts_validator(self):
            return AllowedHostsValidator([host])

    # The SDK's own adapter, with Graph's middleware (retries, `/me` handling…), at our base.
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(AccountToken()))
    adapter.base_url = f"{BASE}/v1/direct"
    graph = GraphServiceClient(request_adapter=adapter)

    me = await graph.me.get()
    assert me.user_principal_name == USER, me.user_principal_name
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(top=2, select=["subject"])
    first = await graph.me.messages.get(MessagesRequestBuilder.MessagesRequestBuilderGetRequestConfiguration(query_parameters=query))
    assert first.odata_next_link.startswith(f"{BASE}/v1/direct/"), first.odata_next_link
    subjects = []
    iterator = PageIterator(first, adapter)
    await iterator.iterate(lambda m: subjects.append(m.subject) or True)
    assert len(subjects) == 7, subjects
    body = SendMailPostRequestBody(message=Message(subject="From the Graph SDK", to_recipients=[]))
    body.message.to_recipients = [_recipient("alex@contoso.com")]
    await graph.me.send_mail.post(body)
    folders = await graph.me.mail_folders.get()
    assert any(f.display_name == "Inbox" for f in folders.value)
    try:
        await graph.me.messages.by_message_id("AAMkNoSuchMessage=").get()
        raise AssertionError("a missing message must fail")
    except ODataError as e:
        assert e.error.code == "ErrorItemNotFound", e.error.code
    print(f"msgraph-sdk: me, {len(subjects)} messages paged through the direct API, sendMail, folders, errors")


def _recipient(address):
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.recipient import Recipient
    return Recipient(email_address=EmailAddress(address=address))


def generated_client(token):
    sys.path.insert(0, os.path.join(WORK, "gen"))
    from aurinko_client import AuthenticatedClient
    from aurinko_client.api.contacts import create_contact
    from aurinko_client.api.events import create_event, event
    from aurinko_client.api.messages import message, messages, send
    from aurinko_client.api.tasks import create_task, task
    from aurinko_client.models import Contact, ContactName, EmailAddress, Event, EventDateTime, OutgoingEmail, TaskCreate

    client = AuthenticatedClient(base_url=BASE, token=token, raise_on_unexpected_status=True)

    def ok(response, status=200):
        assert response.status_code == status, (response.status_code, response.content[:500])
        return response.parsed

    page = ok(messages.sync_detailed(client=client))
    assert page.length == len(page.records) > 0
    one = ok(message.sync_detailed(page.records[0].id, client=client))
    assert one.subject == page.records[0].subject and one.body
    sent = ok(send.sync_detailed(client=client, body=OutgoingEmail(subject="From the generated client", body="Hello",
                                                                 to=[EmailAddress(address="alex@contoso.com")])), 201)
    assert sent.status.value == "Ok"
    at = datetime.datetime.fromisoformat
    start = EventDateTime(date_time=at("2024-05-01T10:00:00+02:00"), timezone="Europe/Berlin")
    end = EventDateTime(date_time=at("2024-05-01T11:00:00+02:00"), timezone="Europe/Berlin")
    created = ok(create_event.sync_detailed("primary", client=client, body=Event(subject="Review", start=start, end=end)), 201)
    read = ok(event.sync_detailed("primary", created.id, client=client))
    assert read.subject == "Review" and read.start.timezone == "Europe/Berlin"
    contact = ok(create_contact.sync_detailed(client=client, body=Contact(name=ContactName(given_name="Pavel", family_name="Bansky"))), 201)
    assert contact.record.name.given_name == "Pavel"
    made = ok(create_task.sync_detailed("default", client=client, body=TaskCreate(title="Call Pavel")), 201)
    assert ok(task.sync_detailed("default", made.id, client=client)).title == "Call Pavel"
    print("generated Aurinko client: list, read, send, event, contact, task: every answer parsed")


def main():
    validate_openapi()
    app, token = link_account()
    asyncio.run(graph_sdk(token))
    generated_client(token)
    service_account(app)


if __name__ == "__main__":
    main()
