"""A terminal chat with the running assistant through its REST channel.

    python scripts/chat.py [--url http://localhost:5005] [--sender me]

Type a message, or the number of a button to press it. /quit leaves.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid


def send(url: str, sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args()
    buttons: list[dict] = []
    print("海外佈局小幫手 — 輸入問題，或輸入按鈕編號；/quit 離開。")
    while True:
        try:
            text = input("您> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text in ("/quit", "/exit"):
            return 0
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        if not text:
            continue
        try:
            replies = send(args.url, args.sender, text)
        except OSError as error:
            print(f"(cannot reach the assistant at {args.url}: {error})", file=sys.stderr)
            continue
        buttons = []
        for reply in replies:
            if reply.get("text"):
                print("\n" + reply["text"])
            for button in reply.get("buttons") or []:
                buttons.append(button)
                print(f"  [{len(buttons)}] {button['title']}")
        print()


if __name__ == "__main__":
    sys.exit(main())
