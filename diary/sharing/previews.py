"""Link-preview fetchers: the programs that open a view link pasted into a chat or an email
to draw a preview card (title, picture) or to check it for malware, before any person does.

They are not people: what they fetch must not name the patient (the card would show it to
everyone in the chat) nor count as a view in the patient's access log. They are told apart
by their User-Agent, which is a heuristic: a fetcher may call itself anything, and a new one
is not in the list until someone adds it (docs/sharing.md says so to the patient).
"""

#: Parts of the User-Agent of known preview and link-checking fetchers, lower case.
FETCHERS = (
    "slackbot",  # Slack's link expander ("Slackbot-LinkExpanding")
    "slack-imgproxy",
    "whatsapp",
    "facebookexternalhit",  # Facebook, Messenger, Instagram; also sent by iMessage
    "facebot",
    "twitterbot",  # X (Twitter); also sent by iMessage
    "telegrambot",
    "discordbot",
    "linkedinbot",
    "skypeuripreview",  # Skype and Microsoft Teams
    "microsoft office",  # Word, Outlook and Excel checking a link before opening it
    "ms-office",
    "msoffice",
    "safelinks",  # Outlook's Safe Links scanner
    "viber",
    "pinterestbot",
    "redditbot",
    "embedly",
    "iframely",
    "googlebot",
    "bingbot",
    "applebot",
)


def is_preview_fetcher(user_agent: str | None) -> bool:
    """True when ``user_agent`` names a known link-preview or link-checking fetcher."""
    agent = (user_agent or "").lower()
    return any(name in agent for name in FETCHERS)
