"""Background work of the SMS bridge: texts leave from the task worker,
never from a request or a websocket."""

from django_tasks import task

from sms import services


@task()
def text_deliver(text_id: int) -> str:
    return services.text_deliver_now(text_id=text_id)
