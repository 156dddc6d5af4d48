import uuid

import pytest

from chat.models import Message

pytestmark = pytest.mark.django_db


def test_the_response_opens_the_conversation(api_for, conversation):
    alice = conversation.requester
    listed = api_for(alice).get("/api/v1/conversations").json()
    assert [c["id"] for c in listed] == [conversation.pk]
    assert listed[0]["other"]["display_name"] == "Bruno"
    assert listed[0]["last_message"]["body"] == "Je peux passer à 10 h"
    assert listed[0]["unread"] == 1
    assert api_for(conversation.volunteer).get("/api/v1/conversations").json()[0]["unread"] == 0


def test_send_is_idempotent_on_client_id(api_for, conversation):
    alice = api_for(conversation.requester)
    url = f"/api/v1/conversations/{conversation.pk}/messages"
    client_id = str(uuid.uuid4())
    first = alice.post(url, {"body": "Merci !", "client_id": client_id}, format="json")
    again = alice.post(url, {"body": "Merci !", "client_id": client_id}, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json()
    assert Message.objects.filter(client_id=client_id).count() == 1
    page = alice.get(url).json()
    assert [m["body"] for m in page["results"]] == ["Je peux passer à 10 h", "Merci !"]
    after = alice.get(url, {"after": page["results"][0]["id"]}).json()["results"]
    assert [m["body"] for m in after] == ["Merci !"]


def test_strangers_get_404_for_everything(api_for, conversation, stranger):
    client = api_for(stranger)
    url = f"/api/v1/conversations/{conversation.pk}/messages"
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "hello", "client_id": "x"}, format="json").status_code == 404
    assert client.get("/api/v1/conversations/999999/messages").status_code == 404
    assert client.get("/api/v1/conversations").json() == []
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "", "client_id": "a"}, "body"),
        ({"body": "   ", "client_id": "b"}, "body"),
        ({"body": "x" * 2001, "client_id": "c"}, "body"),
        ({"body": "ok"}, "client_id"),
        ({"body": "ok", "client_id": "y" * 65}, "client_id"),
        ({"body": "ok", "client_id": "d", "sender": 1}, "sender"),
    ],
)
def test_bad_messages_are_400(api_for, conversation, payload, field):
    response = api_for(conversation.requester).post(
        f"/api/v1/conversations/{conversation.pk}/messages", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Message.objects.count() == 1


def test_rate_limit(api_for, conversation, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    client = api_for(conversation.requester)
    url = f"/api/v1/conversations/{conversation.pk}/messages"
    codes = [
        client.post(url, {"body": f"m{i}", "client_id": f"c{i}"}, format="json").status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]


def test_ws_ticket(api_for, conversation):
    response = api_for(conversation.requester).post("/api/v1/ws-ticket")
    assert response.status_code == 201
    assert response.json()["expires_in"] == 60
    assert len(response.json()["ticket"]) > 30


def test_conversation_list_query_count(api_for, conversation, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        api_for(conversation.requester).get("/api/v1/conversations")


def test_a_huge_conversation_id_is_a_404(api_for, conversation):
    response = api_for(conversation.requester).post(
        f"/api/v1/conversations/{10**20}/messages", {"body": "x", "client_id": "c"}, format="json"
    )
    assert response.status_code == 404
