"""The trade officers' web console: desk queues of hand-off leads, their workflow, outcomes,
an audit log and the programme KPIs (docs/console.md). Runs in the application environment (Python 3.12)."""
