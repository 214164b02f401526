"""The pure core of the lead hand-off: a lead, its score and desk, contact checks, storage.

No Rasa imports: the hand-off actions (actions/handoff*.py) and the officers' console use them.
Personal data (contact details, free text, transcripts) is only ever written to Redis or the
local spool, never to logs.
"""
