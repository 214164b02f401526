"""The pure core of the lead hand-off: a lead, its score and desk, contact checks, storage.

No Rasa imports: the dialogue (actions/) and the officers' console wire these modules later.
Personal data (contact details, free text, transcripts) is only ever written to Redis or the
local spool, never to logs.
"""
