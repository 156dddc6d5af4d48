"""What the SMS bridge listens to in the layers below (connected in
SmsConfig.ready)."""
