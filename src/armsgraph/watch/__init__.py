"""Follow feeds and pages, match what they bring against saved watchlists, and notify.

sources.py     feeds and pages to poll (add, list, remove)
poll.py        one poll of a source: conditional request, new entries → Store.add
watchlists.py  saved event filters (save, list, remove, their notices)
matching.py    matching new events and changes into the outbox
notice.py      what a notice says: the change in data and words, with its evidence
notify.py      delivering the outbox: webhook, e-mail, JSON Lines; the Atom feed
runner.py      a round (poll, match, deliver) and the loop of `armsgraph watch run`
"""
