"""The conversation core: channel-neutral messages in, replies out; no channel or web library here."""
